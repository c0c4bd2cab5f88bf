"""Documents of the half-year quota (taakstelling) check: the status file in, the results out.

``QuotaStatus`` is the STATUS.json a provincial supervisor (or COA) supplies: per municipality the
quota, housed (realised) and linked (pipeline: gekoppeld, not yet housed) persons and optionally
its weekly housing capacity; and the supply of status holders (vergunninghouders) waiting in COA
locations now plus a forecast of new permits per week. It is validated once, here, at the
boundary: unknown gm_code / pv_code / location ids, negative figures and half-year ids that do not
parse are rejected with pydantic errors naming the field path and the value.

``QuotaCheck`` and ``ProvincialVariant`` are the results (JSON/CSV via ``report``).
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Self

from pydantic import ConfigDict, Field, field_validator, model_validator

from optimizer.documents.bounds import ID_PATTERN, MAX_PERSONS, Document
from optimizer.documents.plan import StoppedBy
from optimizer.documents.scenario import HALF_YEAR

HALF_YEAR_WEEKS = 26  # a half-year of the taakstelling, in weeks (Jan-Jun / Jul-Dec)
GM_CODE = r"^GM[0-9]{4}$"
PV_CODE = r"^PV(2[0-9]|3[01])$"

NonNegInt = Annotated[int, Field(ge=0, le=MAX_PERSONS)]
NonNegFloat = Annotated[float, Field(ge=0, le=MAX_PERSONS, allow_inf_nan=False)]


@lru_cache(maxsize=1)
def known_gm_codes() -> frozenset[str]:
    """The 342 municipality codes of the bundled reference data."""
    from optimizer.reference_data import load_municipalities

    return frozenset(load_municipalities()["gm_code"])


@lru_cache(maxsize=1)
def known_pv_codes() -> frozenset[str]:
    from optimizer.reference_data import load_provinces

    return frozenset(load_provinces()["pv_code"])


@lru_cache(maxsize=1)
def location_gm_codes() -> dict[str, str]:
    """Bundled location id -> gm_code of the municipality it lies in."""
    from optimizer.reference_data import load_locations

    df = load_locations()
    return dict(zip(df["id"], df["gm_code"], strict=True))


def check_half_year_id(v: str) -> str:
    if not HALF_YEAR.match(v):
        raise ValueError(f"half-year id must look like '2026-H2', got {v!r}")
    return v


def check_gm_code(v: str) -> str:
    if v not in known_gm_codes():
        raise ValueError(f"unknown municipality code {v!r} (not among the 342 CBS 2024 codes)")
    return v


def check_pv_code(v: str) -> str:
    if v not in known_pv_codes():
        raise ValueError(f"unknown province code {v!r} (expected PV20..PV31)")
    return v


class _Doc(Document):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HalfYearProgress(_Doc):
    """Which half-year and how far into it we are."""

    id: Annotated[str, Field(description="Half-year of the taakstelling, e.g. '2026-H2'.")]
    weeks_left: Annotated[
        int,
        Field(
            ge=1,
            le=HALF_YEAR_WEEKS,
            description="Weeks left in the half-year, this one included (26 = it starts now).",
        ),
    ]

    _id = field_validator("id")(check_half_year_id)

    @property
    def weeks_elapsed(self) -> int:
        return HALF_YEAR_WEEKS - self.weeks_left


class LadderThresholds(_Doc):
    """Intervention ladder (interventieladder) stage from the pace.

    pace = (housed + linked) / (target x weeks elapsed / 26). ``on_track`` when pace >=
    ``on_track_min``, ``behind`` when pace >= ``behind_min``, else ``far_behind``.
    """

    on_track_min: Annotated[float, Field(ge=0, le=10)] = 0.9
    behind_min: Annotated[float, Field(ge=0, le=10)] = 0.7

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.behind_min > self.on_track_min:
            raise ValueError(
                f"behind_min ({self.behind_min}) must not exceed on_track_min ({self.on_track_min})"
            )
        return self


class MunicipalityStatus(_Doc):
    """Progress of one municipality (gemeente) on its taakstelling this half-year."""

    gm_code: Annotated[str, Field(pattern=GM_CODE)]
    quota: NonNegInt = Field(description="Taakstelling this half-year, persons.")
    backlog: NonNegInt = Field(0, description="Achterstand carried over from earlier half-years.")
    housed: NonNegInt = Field(0, description="Housed so far this half-year (realised), persons.")
    linked: NonNegInt = Field(0, description="Linked, not yet housed (pipeline), persons.")
    housing_capacity_per_week: NonNegFloat | None = Field(
        None,
        description="Persons the municipality can house per week. Default: from history, "
        "housed / weeks elapsed once at least ``capacity_history_min_weeks`` have passed, else "
        "the quota pace target / 26 (the pace the quota asks for).",
    )
    status_holders_nearby: NonNegInt | None = Field(
        None,
        description="Status holders waiting in COA locations in or next to this municipality. "
        "Only a weight: where the province's supply sits when supply.waiting names no place in "
        "the province (6.3.2 variant distances); not added to the supply totals.",
    )

    _gm = field_validator("gm_code")(check_gm_code)

    @property
    def target(self) -> int:
        """Quota plus backlog: what must be housed by the end of the half-year."""
        return self.quota + self.backlog


class WaitingAt(_Doc):
    """Status holders waiting now, at a bundled location (``location``) or in a municipality."""

    location: Annotated[
        str | None, Field(pattern=ID_PATTERN, description="Location id, e.g. 'L005'.")
    ] = None
    gm_code: Annotated[str | None, Field(pattern=GM_CODE)] = None
    persons: NonNegInt

    @field_validator("location")
    @classmethod
    def _known_location(cls, v: str | None) -> str | None:
        if v is not None and v not in location_gm_codes():
            raise ValueError(f"unknown location id {v!r} (not in data/locations/locations.csv)")
        return v

    @field_validator("gm_code")
    @classmethod
    def _known_gm(cls, v: str | None) -> str | None:
        return None if v is None else check_gm_code(v)

    @model_validator(mode="after")
    def _one_place(self) -> Self:
        if (self.location is None) == (self.gm_code is None):
            raise ValueError("give exactly one of 'location' or 'gm_code'")
        return self

    @property
    def place_gm_code(self) -> str:
        return self.gm_code if self.gm_code is not None else location_gm_codes()[str(self.location)]


class Supply(_Doc):
    """Status holders available for linking: waiting now plus new permits per week.

    A national forecast is split over the provinces in proportion to their remaining quota
    (COA links new permit holders pro rata the taakstelling). New permits granted in week t can be
    housed from week t + ``lead_time_weeks`` (linking, matching a home, moving in).
    """

    waiting: list[WaitingAt] = Field(default_factory=list)
    waiting_by_province: dict[str, NonNegInt] = Field(default_factory=dict)
    forecast_new_permits_per_week: NonNegFloat | dict[str, NonNegFloat] = 0.0
    lead_time_weeks: Annotated[int, Field(ge=0, le=HALF_YEAR_WEEKS)] = 2

    @field_validator("waiting_by_province")
    @classmethod
    def _pv_keys(cls, v: dict[str, int]) -> dict[str, int]:
        for k in v:
            check_pv_code(k)
        return v

    @field_validator("forecast_new_permits_per_week")
    @classmethod
    def _pv_forecast(cls, v: float | dict[str, float]) -> float | dict[str, float]:
        if isinstance(v, dict):
            for k in v:
                check_pv_code(k)
        return v


class QuotaStatus(_Doc):
    """STATUS.json: the state of the taakstelling in one week of a half-year."""

    half_year: HalfYearProgress
    ladder: LadderThresholds = LadderThresholds()
    capacity_history_min_weeks: Annotated[int, Field(ge=1, le=HALF_YEAR_WEEKS)] = 4
    municipalities: Annotated[list[MunicipalityStatus], Field(min_length=1)]
    supply: Supply = Supply()

    @model_validator(mode="after")
    def _unique(self) -> Self:
        dupes = sorted(
            k for k, n in Counter(m.gm_code for m in self.municipalities).items() if n > 1
        )
        if dupes:
            raise ValueError(f"municipalities: duplicate gm_code(s) {dupes[:5]}")
        return self


# ----------------------------------------------------------------------------- results


class BindingCause(StrEnum):
    """Why a municipality misses its quota (checkable from the reported figures)."""

    none = "none"  # reaches its target
    regional_supply = "regional_supply"  # not enough status holders in the province (in time)
    housing_capacity = "housing_capacity"  # capacity x 26 weeks < target: short even on time
    time_left = "time_left"  # capacity x 26 >= target, but capacity x weeks_left < target - housed


class LadderStage(StrEnum):
    on_track = "on_track"
    behind = "behind"
    far_behind = "far_behind"


class CapacitySource(StrEnum):
    given = "given"
    history = "history"  # housed / weeks elapsed
    quota_pace = "quota_pace"  # target / 26: too little history


class MunicipalityCheck(_Doc):
    """One municipality: figures in persons unless the name says otherwise."""

    gm_code: str
    gm_name: str
    pv_code: str
    quota: int
    backlog: int
    target: int  # quota + backlog
    housed: int  # realised
    linked: int  # pipeline
    pace: float | None  # (housed + linked) / (target x elapsed share); None before week 1 ends
    ladder_stage: LadderStage
    housing_capacity_per_week: float
    capacity_source: CapacitySource
    capacity_limit: int  # floor(capacity_per_week x weeks_left): most it can still house
    need: int  # target - housed (>= 0): still to house
    housed_from_pipeline: int  # linked persons housed by the end (LP)
    housed_from_supply: int  # newly linked status holders housed by the end (LP)
    best_reachable: int  # housed + housed_from_pipeline + housed_from_supply
    shortfall: int  # target - best_reachable (>= 0)
    shortfall_capacity: int  # need - min(need, capacity_limit)
    shortfall_supply: int  # shortfall - shortfall_capacity
    binding_cause: BindingCause
    explanation: str


class ProvinceCheck(_Doc):
    pv_code: str
    pv_name: str
    municipalities: int
    target: int
    housed: int
    linked: int
    best_reachable: int
    shortfall: int
    on_track: int
    behind: int
    far_behind: int
    missing_quota: int  # municipalities with shortfall > 0
    supply_waiting_now: int
    supply_new_permits_usable: float  # forecast x max(0, weeks_left - lead_time_weeks)
    supply_used: float
    supply_fill_share: float  # LP floor: every municipality gets >= this share of what it can take
    binding_cause: BindingCause  # the cause with the largest summed shortfall
    weekly_housed_from_supply: list[float]


class SolverInfo(_Doc):
    solver: str
    status: str
    seconds: float
    columns: int
    rows: int
    objective: float


class QuotaCheck(_Doc):
    """Result of the feasibility check: a shortfall is a result, not an error."""

    half_year: str
    weeks_left: int
    lead_time_weeks: int
    ladder: LadderThresholds
    solver: SolverInfo
    provinces: list[ProvinceCheck]
    municipalities: list[MunicipalityCheck]
    stopped_by: StoppedBy | None = Field(
        None,
        description="time_limit if the wall-clock limit ended the LP before its optimum (the "
        "figures are then not final); null if it was solved.",
    )


class MunicipalityVariant(_Doc):
    gm_code: str
    gm_name: str
    pv_code: str
    pro_rata_quota: int  # target under today's rule (pro rata population, incl. backlog)
    provincial_quota: int  # under 6.3.2: housed + linked + linked_new + unservable share
    difference: int  # provincial - pro rata (> 0: takes more)
    housing_capacity_per_week: float
    linked_new: int  # status holders linked in by the variant's transport LP
    km_per_person: float | None  # mean straight-line km of those links
    weeks_to_complete_pro_rata: float | None  # need / capacity; None if never
    weeks_to_complete_provincial: float | None


class ProvinceVariant(_Doc):
    pv_code: str
    pv_name: str
    pro_rata_total: int  # sum of municipal targets
    provincial_total: int  # >= pro_rata_total, always
    takes_more: list[str]
    takes_less: list[str]
    housed_in_time_pro_rata: int
    housed_in_time_provincial: int
    gain_persons_in_time: int
    weeks_to_complete_pro_rata: float | None  # slowest municipality
    weeks_to_complete_provincial: float | None
    gain_weeks: float | None
    person_km_pro_rata: float
    person_km_provincial: float
    km_per_person_pro_rata: float | None
    km_per_person_provincial: float | None


class ProvincialVariant(_Doc):
    """6.3.2: the province gets the sum of its municipalities' quotas and distributes it."""

    half_year: str
    weeks_left: int
    provinces: list[ProvinceVariant]
    municipalities: list[MunicipalityVariant]
    stopped_by: StoppedBy | None = Field(
        None,
        description="time_limit if the wall-clock limit ended a transport LP before its optimum; "
        "null if every one was solved.",
    )


class QuotaRow(_Doc):
    gm_code: str
    gm_name: str
    pv_code: str
    population: int
    quota: int
    backlog: int
    total: int


class QuotaComputation(_Doc):
    """Quotas of one half-year: the national total pro rata population, plus any backlog."""

    half_year: str
    national: int
    backlog_total: int
    total: int
    municipalities: list[QuotaRow]

    _id = field_validator("half_year")(check_half_year_id)
