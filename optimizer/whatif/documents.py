"""The what-if run document (``RUN.toml``): horizon, start week, inflows, variants, seeds, sweep.

Validated once, at the boundary: every problem becomes one message naming the field path and the
value (``variants[1].sites[0].gm_code: ... (got 'GM9999')``), and the simulation only ever sees a
valid :class:`RunSpec`.

Figures of persons, beds and euros are *national* figures: a run at ``start.scale`` < 1 multiplies
inflow, site capacity, site fixed costs and quotas by the scale, as the scenario generator does for
locations, arrivals and quotas.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from optimizer.documents.bounds import (
    MAX_BEDS,
    MAX_EUR,
    MAX_PERSONS,
    MAX_SECONDS,
    Document,
    Eur,
    EurPerBedDay,
    Seed,
)
from optimizer.documents.io import DocumentError, validation_messages
from optimizer.documents.scenario import ISO_WEEK
from optimizer.reference_data import load_municipalities

PROFILE_NAMES = ("steady", "2019", "2015-peak")
SiteKind = Literal["gvl", "azc", "col", "pol", "noodopvang"]


class _Doc(Document):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known_gm(v: str) -> str:
    if not re.match(r"^GM[0-9]{4}$", v):
        raise ValueError("gm_code must look like 'GM0394'")
    if v not in set(load_municipalities()["gm_code"]):
        raise ValueError(f"{v!r} is not a CBS 2024 municipality")
    return v


class Site(_Doc):
    """A candidate reception site (a new GVL, azc or col) that a variant opens."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    gm_code: str
    kind: SiteKind = "gvl"
    capacity: Annotated[
        int, Field(gt=0, le=MAX_BEDS, description="Beds (national figure, scaled by scale).")
    ]
    opening_week: Annotated[
        int | str,
        Field(description="Horizon week it opens: 0 = the start week, or an ISO week '2026-W30'."),
    ] = 0
    cost_per_bed_day: EurPerBedDay = 68.0
    fixed_eur_per_week: Annotated[
        Eur, Field(description="Staff, security, lease: paid every open week.")
    ] = 0.0
    accepts_families: bool = True
    school_nearby: bool = True

    @field_validator("gm_code")
    @classmethod
    def _gm(cls, v: str) -> str:
        return _known_gm(v)

    @field_validator("opening_week")
    @classmethod
    def _week(cls, v: int | str) -> int | str:
        if isinstance(v, str) and not ISO_WEEK.match(v):
            raise ValueError("opening_week is a horizon week (0, 1, ...) or an ISO week '2026-W30'")
        if isinstance(v, int) and v < 0:
            raise ValueError("opening_week must be >= 0")
        return v


class Closure(_Doc):
    """An existing location (id like 'L012' or its name) that closes from ``week`` on."""

    location: Annotated[str, Field(min_length=1, max_length=60)]
    week: Annotated[
        int, Field(ge=0, le=104, description="Horizon week the closure starts (0 = start).")
    ]


class Variant(_Doc):
    """One policy variant: new sites, closures, occupancy band, national quota."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    sites: list[Site] = Field(default_factory=list)
    closures: list[Closure] = Field(default_factory=list)
    occupancy_min: Annotated[float, Field(ge=0, le=1)] = 0.85
    occupancy_max: Annotated[float, Field(ge=0, le=1)] = 0.91
    national_quota: Annotated[
        int | None,
        Field(
            ge=0,
            le=MAX_PERSONS,
            description="Half-year taakstelling (national persons); None = the start's.",
        ),
    ] = None

    @model_validator(mode="after")
    def _band(self) -> Self:
        if self.occupancy_min > self.occupancy_max:
            raise ValueError(
                f"occupancy_min ({self.occupancy_min}) must not exceed "
                f"occupancy_max ({self.occupancy_max})"
            )
        names = [s.name for s in self.sites]
        if len(set(names)) != len(names):
            raise ValueError(f"site names must be unique within a variant, got {names}")
        return self


class InflowSeries(_Doc):
    """A named inflow given week by week (national persons per week; the last value repeats)."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    persons_per_week: Annotated[
        list[Annotated[float, Field(ge=0, le=MAX_PERSONS)]], Field(min_length=1, max_length=1000)
    ]


class Start(_Doc):
    """The starting week: a generated one (seed, scale) or a scenario file."""

    seed: Seed = 1
    scale: Annotated[float, Field(gt=0, le=2)] = 1.0
    week: str = "2026-W27"
    half_year: str = "2026-H2"
    weeks_left: Annotated[int, Field(ge=1, le=27)] = 26
    scenario: Path | None = Field(
        None, description="A scenario JSON instead of a generated week (relative to RUN.toml)."
    )

    @field_validator("week")
    @classmethod
    def _iso(cls, v: str) -> str:
        if not ISO_WEEK.match(v):
            raise ValueError("week must be an ISO week like '2026-W27'")
        return v


class Simulation(_Doc):
    """Parameters of the weekly loop (defaults from COA's published figures)."""

    housing_weeks: Annotated[
        int,
        Field(
            ge=1,
            le=52,
            description="Link -> housed (about 10 weeks, BMH 'Naar een wendbare migratieketen', 2020).",
        ),
    ] = 10
    leave_weeks: Annotated[
        int, Field(ge=0, le=26, description="Rejection -> leaves (28 days).")
    ] = 4
    housing_pace_factor: Annotated[
        float,
        Field(
            gt=0,
            le=100,
            description="A municipality houses at most this x quota/26 persons a week.",
        ),
    ] = 1.5
    waiting_target_weeks: Annotated[int, Field(ge=1, le=104)] = 14
    emergency_eur_per_person_day: Annotated[
        float, Field(ge=0, le=MAX_EUR, description="Crisis emergency reception, per person-day.")
    ] = 150.0
    link_candidates: Annotated[int, Field(ge=1, le=400)] = 8
    time_limit_s: Annotated[float, Field(gt=0, le=MAX_SECONDS)] = 60.0
    mip_rel_gap: Annotated[float, Field(ge=0, le=1)] = 0.01


class Sweep(_Doc):
    """Where the runs go: a LocalCluster of ``workers`` processes, or an existing scheduler."""

    workers: Annotated[int, Field(ge=0, le=256, description="0 = in this process, no Dask.")] = 2
    scheduler_address: Annotated[str | None, Field(max_length=200)] = None


class Selection(_Doc):
    """Choose the best k of the candidate sites (multi-period MIP, see ``sites.py``)."""

    k: Annotated[int, Field(ge=1, le=100)] = 1
    candidates: list[Site] = Field(default_factory=list)
    candidates_csv: Path | None = Field(None, description="CSV of candidate sites (relative).")
    inflow: Annotated[str, Field(max_length=60)] = "steady"
    base_variant: Annotated[str | None, Field(max_length=60)] = Field(
        None, description="Variant whose run is the forecast."
    )
    simulate_selected: bool = Field(
        True, description="Add a variant 'selected k sites' with the chosen sites to the sweep."
    )
    time_limit_s: Annotated[float, Field(gt=0, le=MAX_SECONDS)] = Field(
        120.0,
        description="Wall-clock seconds for the selection MIP and the per-site cost-benefit "
        "solves together.",
    )


class RunSpec(_Doc):
    """A what-if study: variants x inflows x seeds over ``horizon_weeks``."""

    name: Annotated[str, Field(min_length=1, max_length=120)] = "whatif"
    horizon_weeks: Annotated[int, Field(ge=1, le=104)] = 26
    start: Start = Start()
    inflows: Annotated[
        list[Annotated[str, Field(max_length=60)]], Field(min_length=1, max_length=100)
    ] = ["steady"]
    inflow_series: Annotated[list[InflowSeries], Field(max_length=100)] = Field(
        default_factory=list
    )
    variants: Annotated[list[Variant], Field(min_length=1, max_length=1000)] = [
        Variant(name="baseline")
    ]
    seeds: Annotated[list[Seed], Field(min_length=1, max_length=10_000)] = [1]
    simulation: Simulation = Simulation()
    sweep: Sweep = Sweep()
    selection: Selection | None = None

    @model_validator(mode="after")
    def _names(self) -> Self:
        errors = []
        series = {s.name for s in self.inflow_series}
        for i, name in enumerate(self.inflows):
            if name not in PROFILE_NAMES and name not in series:
                errors.append(
                    f"inflows[{i}]: unknown inflow {name!r} (profiles {list(PROFILE_NAMES)} "
                    f"or an [[inflow_series]] name)"
                )
        names = [v.name for v in self.variants]
        if len(set(names)) != len(names):
            errors.append(f"variants: names must be unique, got {names}")
        if len(set(self.seeds)) != len(self.seeds):
            errors.append(f"seeds: must be unique, got {self.seeds}")
        if self.selection is not None:
            sel = self.selection
            if sel.inflow not in PROFILE_NAMES and sel.inflow not in series:
                errors.append(f"selection.inflow: unknown inflow {sel.inflow!r}")
            if sel.base_variant is not None and sel.base_variant not in names:
                errors.append(f"selection.base_variant: unknown variant {sel.base_variant!r}")
            if not sel.candidates and sel.candidates_csv is None:
                errors.append("selection: give candidates or candidates_csv")
        if errors:
            raise ValueError("\n".join(errors))
        return self


def load_runspec(path: Path) -> RunSpec:
    """Read and validate a RUN.toml; relative paths in it are taken relative to the file.

    Raises :class:`DocumentError` with one message per problem (field path and value).
    """
    source = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise DocumentError(source, [f"cannot read: {e.strerror}"]) from None
    except tomllib.TOMLDecodeError as e:
        raise DocumentError(source, [f"not valid TOML ({e})"]) from None
    try:
        spec = RunSpec.model_validate(raw)
    except ValidationError as e:
        raise DocumentError(source, validation_messages(e)) from None
    base = path.resolve().parent
    start = spec.start
    if start.scenario is not None and not start.scenario.is_absolute():
        start = start.model_copy(update={"scenario": base / start.scenario})
    sel = spec.selection
    if sel is not None and sel.candidates_csv is not None:
        csv = sel.candidates_csv if sel.candidates_csv.is_absolute() else base / sel.candidates_csv
        try:
            cands = [*sel.candidates, *read_candidates_csv(csv)]
        except DocumentError as e:
            problems = [f"selection.candidates_csv: {p}" for p in e.problems]
            raise DocumentError(source, problems) from None
        sel = sel.model_copy(update={"candidates_csv": csv, "candidates": cands})
    return spec.model_copy(update={"start": start, "selection": sel})


def read_candidates_csv(path: Path) -> list[Site]:
    """Candidate sites from a CSV with the :class:`Site` fields as columns."""
    import pandas as pd

    try:
        df = pd.read_csv(path, dtype={"gm_code": str, "opening_week": str})
    except (OSError, ValueError) as e:
        raise DocumentError(str(path), [f"cannot read CSV: {e}"]) from None
    out: list[Site] = []
    problems: list[str] = []
    for i, row in enumerate(df.to_dict("records")):
        rec = {k: v for k, v in row.items() if v == v}  # drop NaN (empty cells)
        ow = rec.get("opening_week")
        if isinstance(ow, str) and ow.strip().isdigit():
            rec["opening_week"] = int(ow)
        try:
            out.append(Site.model_validate(rec))
        except ValidationError as e:
            problems += [f"row {i + 2}: {m}" for m in validation_messages(e)]
    if problems:
        raise DocumentError(str(path), problems)
    return out
