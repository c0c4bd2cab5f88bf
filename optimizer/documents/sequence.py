"""The sequencing documents: what is asked (:class:`SequenceOptions`) and what comes back
(:class:`Sequence`).

A weekly :class:`~optimizer.documents.plan.Plan` says who ends up where. The sequence says on which
day of the horizon, and in which bus trip, every move of the plan happens, such that no location is
ever overfilled on the way. Field names follow the issue; ``from`` is a Python keyword, so the
models use ``from_`` in code and ``from`` in JSON.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Self

from pydantic import ConfigDict, Field, model_validator

from optimizer.documents.bounds import ID_PATTERN, MAX_SECONDS, Document, Seed
from optimizer.documents.plan import Plan, StoppedBy
from optimizer.documents.scenario import Location, Scenario
from optimizer.rules.week import SEED


class _Doc(Document):
    model_config = ConfigDict(
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        frozen=False,
    )


POINTS = 10**9
"""Largest price in objective points (CP-SAT sums them in 64 bits)."""
PER_DAY = 100_000
"""Largest per-day limit (households or trips)."""
LocationId = Annotated[str, Field(pattern=ID_PATTERN)]


class SequenceWeights(_Doc):
    """Prices of the soft rules, in points of the CP-SAT objective (integers).

    One extra bus trip outweighs moving up to 160 school-age children on a weekend instead, so in
    practice the trip count is minimised first; a school-age child moved on a school day outweighs
    a few days of delay.
    """

    trip: Annotated[int, Field(ge=0, le=POINTS)] = Field(10_000, description="Per bus trip.")
    school_day: Annotated[int, Field(ge=0, le=POINTS)] = Field(
        60, description="Per school-age child moved on a school day (when the horizon has another)."
    )
    late: Annotated[int, Field(ge=0, le=POINTS)] = Field(
        2, description="Per household and day of delay after the first day."
    )
    intake_peak: Annotated[int, Field(ge=0, le=POINTS)] = Field(
        4, description="Per household in the busiest intake day of a location (spread of intake)."
    )


class SequenceOptions(_Doc):
    """Horizon, limits and solver settings. Days are indices 0..days-1 from ``start``."""

    days: Annotated[int, Field(ge=1, le=28)] = 7
    start: dt.date | None = Field(
        None, description="First day; default: the Monday of the scenario's ISO week."
    )
    seats: Annotated[int, Field(ge=1, le=200)] = Field(50, description="Persons per bus.")
    buses_per_day: Annotated[int, Field(ge=0, le=PER_DAY)] = Field(
        40, description="Bus trips per day, all origins together."
    )
    intake_limit: Annotated[int, Field(ge=0, le=PER_DAY)] = Field(
        25, description="Households a location receives per day, unless overridden."
    )
    intake_limits: dict[LocationId, Annotated[int, Field(ge=0, le=PER_DAY)]] = Field(
        default_factory=dict, description="Per-location intake limit (households a day)."
    )
    departure_limit: Annotated[int, Field(ge=0, le=PER_DAY)] = Field(
        40, description="Households leaving a location per day, unless overridden."
    )
    entry_departure_limit: Annotated[int, Field(ge=0, le=PER_DAY)] = Field(
        300,
        description="Households leaving a col/gvl per day, unless overridden: the registration "
        "centres send out the week's arrivals (Ter Apel about 1,000 households a week).",
    )
    departure_limits: dict[LocationId, Annotated[int, Field(ge=0, le=PER_DAY)]] = Field(
        default_factory=dict, description="Per-location departure limit (households a day)."
    )
    closing_days: dict[LocationId, Annotated[int, Field(ge=0, le=27)]] = Field(
        default_factory=dict,
        description="Day index by which a location is empty; default: the last day for every "
        "location with closing=True.",
    )
    opening_days: dict[LocationId, Annotated[int, Field(ge=0, le=27)]] = Field(
        default_factory=dict, description="First day index a location may receive anyone."
    )
    holidays: Annotated[list[dt.date], Field(max_length=366)] = Field(
        default_factory=list, description="School holidays (no school) on top of the weekend."
    )
    weights: SequenceWeights = SequenceWeights()
    time_limit_s: Annotated[float, Field(gt=0, le=MAX_SECONDS)] = Field(
        30.0,
        description="Wall-clock seconds, end to end (model building, the CP-SAT search, and the "
        "diagnosis of an infeasible week): the answer comes within this time and says in "
        "`stopped_by` whether the limit cut the search short.",
    )
    work_limit: Annotated[float, Field(gt=0, le=MAX_SECONDS)] | None = Field(
        None,
        description="Deterministic work limit (CP-SAT's max_deterministic_time, a count of work "
        "of roughly a second each on a quiet machine, not of seconds): when it binds before "
        "time_limit_s the same input gives the same sequence whatever the machine load. None: "
        "no work limit (the search stops on optimality or on the wall clock).",
    )
    seed: Seed = SEED
    workers: Annotated[int, Field(ge=1, le=64)] = 2
    hint: bool = Field(True, description="Start CP-SAT from a greedy day-by-day sequence.")
    deterministic: bool = Field(
        True,
        description="Interleaved CP-SAT search (fixed batches of subsolvers, seeded): the same "
        "input gives the same sequence when the search ends by itself or on `work_limit`. False: "
        "the parallel portfolio (faster on hard instances, never reproducible under a limit).",
    )

    def departure_limit_for(self, loc: Location) -> int:
        """Households that may leave ``loc`` per day (override, else col/gvl or general default)."""
        if loc.id in self.departure_limits:
            return self.departure_limits[loc.id]
        entry = loc.kind.value in ("col", "gvl")
        return self.entry_departure_limit if entry else self.departure_limit

    @model_validator(mode="after")
    def _days_in_horizon(self) -> Self:
        for name, days in (
            ("closing_days", self.closing_days),
            ("opening_days", self.opening_days),
        ):
            for loc, d in days.items():
                if d >= self.days:
                    raise ValueError(
                        f"{name}[{loc!r}] = {d} lies beyond the horizon of {self.days} days "
                        f"(indices 0..{self.days - 1})"
                    )
        return self


class SequenceRequest(_Doc):
    """Everything one sequencing call needs (the future API body)."""

    scenario: Scenario
    plan: Plan
    options: SequenceOptions = SequenceOptions()


class SequenceStatus(StrEnum):
    optimal = "optimal"  # CP-SAT proved the objective optimal
    feasible = "feasible"  # every hard rule holds; optimality not proven in the time limit
    infeasible = "infeasible"  # the hard rules cannot all hold; see `diagnosis`
    unknown = "unknown"  # no sequence found and no proof of infeasibility in the time limit


class Move(_Doc):
    """One household moving from its origin to its destination on ``day`` in bus ``trip``."""

    household: str
    from_: str = Field(alias="from")
    to: str
    day: Annotated[int, Field(ge=0, description="Index into `days`.")]
    trip: str
    persons: int
    school_age_children: int = 0


class Trip(_Doc):
    """One bus from one origin to one destination on one day."""

    id: str
    from_: str = Field(alias="from")
    to: str
    day: int
    persons: int
    households: int


class Occupancy(_Doc):
    """Residents of a touched location at the start and at the end of every day."""

    location: str
    capacity: int
    start: int
    end_of_day: list[int]
    intake_households: list[int]
    departure_households: list[int]


class SequenceViolation(_Doc):
    """A family of hard rules that cannot hold, where and when, in planner words."""

    family: str
    where: list[str]
    days: list[int]
    amount: float = 0.0
    unit: str = ""
    message: str


class Sequence(_Doc):
    week: str
    status: SequenceStatus
    days: list[dt.date]
    moves: list[Move]
    trips: list[Trip]
    occupancy: list[Occupancy]
    bound_trips: int = Field(
        description="Lower bound on trips: sum over origin-destination pairs of "
        "ceil(persons / seats)."
    )
    objective: float
    objective_bound: float
    objective_terms: dict[str, float]
    solve_seconds: float
    solver: str
    diagnosis: list[SequenceViolation]
    stopped_by: StoppedBy | None = Field(
        None,
        description="time_limit or work_limit if that limit ended the search before it proved "
        "the sequence optimal (or the week infeasible); null if the search finished on its own.",
    )

    @property
    def trip_count(self) -> int:
        return len(self.trips)
