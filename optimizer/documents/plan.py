"""The plan document: what the weekly allocation decided, with its KPIs and diagnosis."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class PlanStatus(StrEnum):
    optimal = "optimal"  # proven within the requested gap
    feasible = "feasible"  # all hard rules hold, optimality not proven in the time limit
    infeasible = "infeasible"  # some hard rules cannot all hold; see `diagnosis`


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Placement(_Doc):
    """A household whose location changes this week (an arrival placed, or a resident moved)."""

    household: str
    location: str
    from_location: str
    reason: str = Field(description="'arrival', 'closing' or 'rebalance'.")
    distance_km: float
    saving_eur: float | None = Field(
        None,
        description="Rebalancing moves: euros this move saves against the household staying where "
        "it is, every other decision held fixed.",
    )
    frees_bed: bool = Field(
        False,
        description="Rebalancing moves out of a location that ends the week full: the bed goes "
        "to the week's intake (staying would break capacity), so the move has no saving alone.",
    )


class Link(_Doc):
    """A status holder linked (gekoppeld) to a municipality that will house them."""

    household: str
    gm_code: str
    persons: int
    distance_km: float


class Unplaced(_Doc):
    """An arrival with no bed anywhere it may go this week (a shortage), and where it waits."""

    household: str
    persons: int
    reason: str = Field(description="A full sentence: where the household waits and why.")
    location: str | None = Field(None, description="The col/gvl where it waits without a bed.")


class RegistrationWait(_Doc):
    """An arrival that waits in a free bed of its own col/gvl although its track belongs
    elsewhere, because no location it may go to has a bed for it (family *registration_wait*)."""

    household: str
    persons: int
    location: str
    reason: str


class Violation(_Doc):
    """One hard rule that could not hold, in planner words, with the amount."""

    family: str
    where: str
    amount: float
    unit: str
    message: str


class Change(_Doc):
    """A decision that differs from the previous plan, and why (replanning)."""

    household: str
    previous: str = Field(
        description="Where the household ended the week in the previous plan (its own location "
        "if it stayed), its municipality, 'waiting' (not linked) or 'unplaced'."
    )
    now: str
    reason: str


class LocationKpi(_Doc):
    id: str
    kind: str
    capacity: int
    residents_start: int
    residents_end: int
    occupancy_start: float | None
    occupancy_end: float | None
    band_deviation_beds: float = Field(
        description="Beds below the band (negative) or above (positive); 0 where the band does not "
        "apply."
    )
    intake: int
    outflow: int
    in_band_scope: bool = Field(
        True, description="The band applies (open, with beds, of a kind in policy.band_kinds)."
    )


class MunicipalityKpi(_Doc):
    gm_code: str
    quota: int
    remaining_before: int
    target_this_week: float
    linked_this_week: int
    pace_shortfall: float
    cap_this_week: int | None = Field(
        None, description="Persons it may be linked this week: quota left or its stated intake."
    )


class Kpis(_Doc):
    occupancy_total_start: float
    occupancy_total_end: float
    beds_total: int
    residents_start: int
    residents_end: int
    locations_outside_band: int = Field(
        description="Open locations of the band kinds ending outside the band (closing and "
        "registration centres are not counted): above + below."
    )
    locations_above_band: int = 0
    locations_below_band: int = 0
    band_deviation_beds: float
    band_note: str | None = Field(
        None,
        description="Set when the persons in beds of the band kinds make the band impossible "
        "everywhere, with the numbers.",
    )
    arrivals_households: int
    arrivals_persons: int
    arrivals_placed_persons: int
    arrivals_staying_persons: int
    beds_short: int = Field(
        description="Arrival persons with no bed anywhere they may go, waiting included: the "
        "shortage."
    )
    registration_wait_households: int = 0
    registration_wait_persons: int = Field(
        0,
        description="Arrivals waiting in a free bed of their own col/gvl although their track "
        "belongs elsewhere.",
    )
    registration_beds_free_end: int = Field(
        0, description="Free beds at col/gvl at the end of the week."
    )
    moves_households: int
    moves_persons: int
    moves_school_age_children: int
    moves_closing_households: int = 0
    moves_rebalance_households: int = 0
    moves_freeing_beds_households: int = Field(
        0, description="Of the rebalancing moves: those that free a bed for the intake."
    )
    rebalance_saving_eur: float = Field(
        0.0,
        description="Sum over rebalancing moves (those not freeing a bed for the intake) of what "
        "each saves against staying put, every other decision held fixed.",
    )
    links_households: int
    links_persons: int
    awaiting_link_households: int = Field(
        0, description="Status holders awaiting a link at the start of the week."
    )
    awaiting_link_persons: int = 0
    unlinked_households: int = Field(0, description="Of those, not linked this week.")
    unlinked_persons: int = 0
    unlinked_with_quota_left_households: int = Field(
        0,
        description="Unlinked although some municipality still had room for the whole household "
        "at the end of the week (quota left and within its stated intake).",
    )
    unlinked_with_quota_left_persons: int = 0
    longest_wait_unlinked_days: int | None = Field(
        None,
        description="Longest wait since the permit among those left unlinked (days, at the start "
        "of the week; None without permit dates).",
    )
    quota_target_persons: float
    quota_pace_shortfall_persons: float
    distance_person_km: float
    link_distance_person_km: float
    bed_cost_eur_week: float = Field(
        description="Bed cost of every resident at the end of the week, 7 days."
    )
    objective_terms_eur: dict[str, float]
    locations: list[LocationKpi]
    municipalities: list[MunicipalityKpi]


class ModelSize(_Doc):
    classes: int
    variables: int
    integer_variables: int
    constraints: int
    build_seconds: float
    households: int


class StoppedBy(StrEnum):
    """What ended a solve before it proved its answer (optimal, or infeasible)."""

    time_limit = "time_limit"  # the wall-clock limit (``--time-limit``, ``time_limit_s``)
    work_limit = "work_limit"  # the deterministic work limit (``--work-limit``, ``work_limit``)


class Plan(_Doc):
    week: str
    scenario_hash: str
    status: PlanStatus
    stopped_by: StoppedBy | None = Field(
        None,
        description="time_limit if the wall-clock limit cut a solve or a phase short (the "
        "plan is the best found by then); null if every solve finished on its own.",
    )
    objective: Annotated[
        float, Field(description="EUR: the priced soft rules and slack for this week.")
    ]
    bound: float
    gap: float
    solve_seconds: float
    solver: str
    placements: list[Placement]
    links: list[Link]
    unplaced: list[Unplaced]
    registration_waits: list[RegistrationWait] = Field(
        default_factory=list,
        description="Arrivals waiting in a free bed of their own col/gvl (not a shortage).",
    )
    diagnosis: list[Violation]
    kpis: Kpis
    model: ModelSize
    changes: list[Change] = Field(
        default_factory=list, description="Decisions that differ from the previous plan."
    )
