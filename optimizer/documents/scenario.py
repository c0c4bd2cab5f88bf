"""The scenario document: the state of reception for one planning week.

This is the contract between planners (or their systems) and the optimizer. Field names listed in the
issue are fixed; everything here is validated once, at the boundary, and the model code only ever
sees a valid :class:`Scenario`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Annotated, Self

from pydantic import ConfigDict, Field, field_validator, model_validator

from optimizer.documents.bounds import (
    ID_PATTERN,
    MAX_BEDS,
    MAX_PERSONS,
    BulkDocument,
    Document,
    Eur,
    EurPerBedDay,
    Id,
    Text,
    check_text,
)
from optimizer.documents.kinds import DEFAULT_BAND_KINDS, LocationKind, Status, Track
from optimizer.rules.suitability import profile_of, unsuitable_reason

ISO_WEEK = re.compile(r"^([0-9]{4})-W(0[1-9]|[1-4][0-9]|5[0-3])$")  # ASCII digits only
HALF_YEAR = re.compile(r"^([0-9]{4})-H([12])$")
GM_CODE = r"^GM[0-9]{4}$"

__all__ = [
    "DEFAULT_BAND_KINDS",
    "HalfYear",
    "Household",
    "Location",
    "LocationKind",
    "Municipality",
    "Pin",
    "Policy",
    "Scenario",
    "Status",
    "Track",
    "consistency_errors",
    "wait_days",
]


class _Doc(Document):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Bulk(BulkDocument):
    """The records of which a week has thousands (see :class:`BulkDocument`): every number and
    flag strict, every string a pattern, an enum, a date or checked text."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Flag = Annotated[bool, Field(strict=True)]


class HalfYear(_Doc):
    id: Annotated[str, Field(description="Half-year of the taakstelling, e.g. '2026-H2'.")]
    weeks_left: Annotated[
        int, Field(ge=1, le=27, description="Weeks left in the half-year, this one included.")
    ]

    @field_validator("id")
    @classmethod
    def _half_year_id(cls, v: str) -> str:
        if not HALF_YEAR.match(v):
            raise ValueError("half-year id must look like '2026-H2'")
        return v


class Policy(_Doc):
    """Occupancy band and the prices of the soft rules, all in euros so planners can read them."""

    occupancy_min: Annotated[float, Field(ge=0, le=1)] = 0.85
    occupancy_max: Annotated[float, Field(ge=0, le=1)] = 0.91
    band_eur_per_bed_week: Eur = Field(
        150.0,
        description="Price of one bed-week outside the occupancy band (idle or reserve lost).",
    )
    waiting_eur_per_person_day: Eur = Field(
        68.0,
        description="A status holder waiting in COA reception costs about EUR 68 a day (BMH 'Naar een wendbare migratieketen', 2020).",
    )
    link_eur_per_person_km: Eur = Field(
        1.0,
        description="Preference for linking status holders near where they live now. Kept below "
        "unlinked_eur_per_person_week / 330 km (the longest distance in the country), so a link "
        "anywhere beats another week of waiting and distance only decides where.",
    )
    move_eur_per_person: Eur = Field(
        300.0,
        description="Cost and harm of moving one resident (transport, interrupted courses, work).",
    )
    move_eur_per_school_child: Eur = Field(
        2500.0, description="Extra cost of moving one school-age child (a change of school)."
    )
    transport_eur_per_person_km: Eur = Field(
        0.25, description="Travel cost of a placement or move per person-km."
    )
    kansrijk_region_eur_per_person: Eur = Field(
        150.0,
        description="Kansrijk arrivals placed where their province has no remaining quota pay this; "
        "scaled down where the province has quota left (placement near the future municipality).",
    )
    unplaced_eur_per_person: Eur = Field(
        10_000.0,
        description="An arrival without a bed (crisis emergency reception); must dominate.",
    )
    change_eur_per_decision: Eur = Field(
        100.0, description="Replanning: price of changing a decision of the previous plan."
    )
    link_candidates: Annotated[int, Field(ge=1, le=400)] = Field(
        40,
        description="Status holders are linked among this many nearest municipalities with quota left.",
    )
    rebalance_candidates: Annotated[int, Field(ge=0, le=400)] = Field(
        12,
        description="Residents of locations above the band may move to this many nearest suitable "
        "locations (0 = no rebalancing moves).",
    )
    unlinked_eur_per_person_week: Eur = Field(
        476.0,
        description="A status holder awaiting a link and not linked this week waits one more week "
        "in reception: EUR 68 a day x 7 per person. The pace rule then only decides where.",
    )
    link_target_days: Annotated[int, Field(ge=0, le=365)] = Field(
        14,
        description="COA's norm: a status holder is linked within this many days of the permit.",
    )
    late_link_eur_per_person_week: Eur = Field(
        476.0,
        description="Extra price per person-week for a status holder left unlinked past the link "
        "target (permit_date more than link_target_days before the week).",
    )
    wait_priority_eur_per_person_week_waited: Eur = Field(
        20.0,
        description="Extra price per person for every whole week already waited since the permit, "
        "so that where quota is short the longest waiting are linked first.",
    )
    registration_wait_eur_per_person: Eur = Field(
        2_000.0,
        description="An arrival that waits in a free bed of its own col/gvl although its track "
        "belongs elsewhere: above every suitable placement, far below unplaced.",
    )
    band_kinds: list[LocationKind] = Field(
        default_factory=lambda: list(DEFAULT_BAND_KINDS),
        max_length=len(LocationKind),
        description="Location kinds the occupancy band applies to (default: all but col and gvl, "
        "whose free beds are the buffer for arrivals).",
    )
    rebalance_school_children: bool = Field(
        False,
        description="Allow rebalancing moves of households with school-age children (closures "
        "move them regardless).",
    )

    @model_validator(mode="after")
    def _band_ordered(self) -> Self:
        if self.occupancy_min > self.occupancy_max:
            raise ValueError(
                f"occupancy_min ({self.occupancy_min}) must not exceed occupancy_max ({self.occupancy_max})"
            )
        return self


class Location(_Bulk):
    id: Id
    name: Text
    gm_code: Annotated[str, Field(pattern=GM_CODE)]
    kind: LocationKind
    capacity: Annotated[int, Field(ge=0, le=MAX_BEDS, strict=True, description="Beds.")]
    residents: Annotated[
        int,
        Field(
            ge=0, le=MAX_BEDS, strict=True, description="Persons at the location now, every status."
        ),
    ]
    closing: Flag = Field(False, description="Must be empty at the end of the week.")
    accepts_families: Flag = True
    accepts_amv: Flag = False
    school_nearby: Flag = False
    cost_per_bed_day: Annotated[EurPerBedDay, Field(strict=True, description="EUR per bed-day.")]
    x_rd_m: Annotated[float | None, Field(ge=0, le=300_000, strict=True)] = Field(
        None,
        description="Own position (optional): RD New easting in metres (EPSG:28992). Maps and "
        "GIS layers use it; blank: the municipality's centre, flagged as such.",
    )
    y_rd_m: Annotated[float | None, Field(ge=289_000, le=629_000, strict=True)] = Field(
        None, description="Own position (optional): RD New northing in metres (EPSG:28992)."
    )

    _name = field_validator("name")(check_text)

    @model_validator(mode="after")
    def _both_coordinates(self) -> Self:
        if (self.x_rd_m is None) != (self.y_rd_m is None):
            raise ValueError(
                "give both x_rd_m and y_rd_m (the location's own position), or neither"
            )
        return self

    @property
    def is_amv_location(self) -> bool:
        """An amv location takes unaccompanied minors and no one else."""
        return self.kind is LocationKind.amv or self.accepts_amv


class Municipality(_Bulk):
    gm_code: Annotated[str, Field(pattern=GM_CODE)]
    quota: Annotated[
        int,
        Field(
            ge=0, le=MAX_PERSONS, strict=True, description="This half-year's taakstelling, persons."
        ),
    ]
    housed: Annotated[
        int,
        Field(
            ge=0, le=MAX_PERSONS, strict=True, description="Housed so far this half-year, persons."
        ),
    ] = 0
    linked: Annotated[
        int,
        Field(ge=0, le=MAX_PERSONS, strict=True, description="Linked, not yet housed, persons."),
    ] = 0
    max_links_per_week: Annotated[int | None, Field(ge=0, le=MAX_PERSONS, strict=True)] = Field(
        None,
        description="The municipality's own stated intake: at most this many persons linked this "
        "week (blank: no limit beyond the quota).",
    )

    @property
    def remaining(self) -> int:
        """Persons this municipality may still be linked this half-year (never negative)."""
        return max(0, self.quota - self.housed - self.linked)


class Household(_Bulk):
    """A household with a pseudonymous id. No names, no nationality: by design there is no field for it."""

    id: Id
    size: Annotated[int, Field(ge=1, le=30, strict=True)]
    school_age_children: Annotated[int, Field(ge=0, le=30, strict=True)] = 0
    amv: Flag = False
    status: Status
    track: Track = Track.unknown
    location: Id
    linked_gm_code: Annotated[str | None, Field(pattern=GM_CODE)] = Field(
        None, description="Status holders already linked keep their link and are not linked again."
    )
    permit_date: dt.date | None = Field(
        None,
        description="Status holders only: the day the permit was granted (ISO date). The longest "
        "waiting are linked first; past the link target a wait costs more.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.school_age_children > self.size:
            raise ValueError(
                f"school_age_children ({self.school_age_children}) exceeds size ({self.size})"
            )
        if self.amv and self.size != 1:
            raise ValueError(f"an amv household is one unaccompanied minor, got size {self.size}")
        if self.linked_gm_code is not None and self.status is not Status.status_holder:
            raise ValueError("linked_gm_code is only for status holders")
        if self.permit_date is not None and self.status is not Status.status_holder:
            raise ValueError("permit_date is only for status holders")
        return self

    @property
    def is_family(self) -> bool:
        return self.size > 1


class Pin(_Doc):
    """A planner's manual decision that the plan must keep: a placement or a link."""

    household: Id
    location: Annotated[str | None, Field(pattern=ID_PATTERN)] = Field(
        None, description="Where the household must be at week's end."
    )
    gm_code: Annotated[str | None, Field(pattern=GM_CODE)] = Field(
        None, description="The municipality a status holder must be linked to."
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.location is None) == (self.gm_code is None):
            raise ValueError("a pin names exactly one of location or gm_code")
        return self


class Scenario(_Doc):
    """One planning week."""

    week: Annotated[str, Field(description="ISO week, e.g. '2026-W48'.")]
    half_year: HalfYear
    policy: Policy = Policy()
    locations: Annotated[list[Location], Field(min_length=1)]
    municipalities: list[Municipality]
    households: list[Household]
    pins: list[Pin] = Field(default_factory=list, description="Manual decisions to keep.")

    @field_validator("week")
    @classmethod
    def _iso_week(cls, v: str) -> str:
        m = ISO_WEEK.match(v)
        if not m:
            raise ValueError("week must be an ISO week like '2026-W48'")
        try:
            dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            raise ValueError(f"{v} does not exist: {m.group(1)} has no week {m.group(2)}") from None
        return v

    @model_validator(mode="after")
    def _consistency(self) -> Self:
        errors = consistency_errors(self)
        if errors:
            more = f"\n(+{len(errors) - 50} more)" if len(errors) > 50 else ""
            raise ValueError("\n".join(errors[:50]) + more)
        return self

    def location_index(self) -> dict[str, Location]:
        return {loc.id: loc for loc in self.locations}

    @property
    def week_start(self) -> dt.date:
        """Monday of the planning week (waits are counted up to this day)."""
        year, week = self.week.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)


def wait_days(h: Household, week_start: dt.date) -> int:
    """Days a status holder has waited for a link since the permit, at the start of the week."""
    if h.permit_date is None:
        return 0
    return max(0, (week_start - h.permit_date).days)


def consistency_errors(s: Scenario) -> list[str]:
    """Cross-record checks, each message naming the field path and the value (PyPSA 'consistency')."""
    errors: list[str] = []
    for name, ids in (
        ("locations", [x.id for x in s.locations]),
        ("municipalities", [x.gm_code for x in s.municipalities]),
        ("households", [x.id for x in s.households]),
    ):
        dupes = [k for k, n in Counter(ids).items() if n > 1]
        if dupes:
            errors.append(f"{name}: duplicate id(s) {dupes[:5]}")
    locs = {loc.id: loc for loc in s.locations}
    gms = {m.gm_code for m in s.municipalities}
    week_end = s.week_start + dt.timedelta(days=6)
    listed: dict[str, int] = defaultdict(int)
    for i, h in enumerate(s.households):
        loc = locs.get(h.location)
        if loc is None:
            errors.append(f"households[{i}].location: unknown location {h.location!r}")
            continue
        listed[h.location] += h.size
        if h.status is Status.arrival and loc.kind not in (LocationKind.col, LocationKind.gvl):
            errors.append(
                f"households[{i}].location: arrival {h.id!r} is at {loc.id!r} of kind "
                f"{loc.kind.value!r}; arrivals are at a col or gvl"
            )
        if h.linked_gm_code is not None and h.linked_gm_code not in gms:
            errors.append(
                f"households[{i}].linked_gm_code: unknown municipality {h.linked_gm_code!r}"
            )
        if h.permit_date is not None and h.permit_date > week_end:
            errors.append(
                f"households[{i}].permit_date: {h.permit_date.isoformat()} is after the planning "
                f"week {s.week} (ends {week_end.isoformat()})"
            )
    for i, loc in enumerate(s.locations):
        n = listed.get(loc.id, 0)
        if n > loc.residents:
            errors.append(
                f"locations[{i}].residents: {loc.residents} at {loc.id!r} but its listed households "
                f"hold {n} persons"
            )
        if loc.closing and n < loc.residents:
            errors.append(
                f"locations[{i}].residents: {loc.id!r} is closing but only {n} of its {loc.residents} "
                f"residents are listed as households, so the rest cannot be moved"
            )
    errors += _pin_errors(s, locs, gms)
    return errors


def _pin_errors(s: Scenario, locs: dict[str, Location], gms: set[str]) -> list[str]:
    errors: list[str] = []
    hh = {h.id: h for h in s.households}
    seen: set[tuple[str, bool]] = set()
    for i, pin in enumerate(s.pins):
        h = hh.get(pin.household)
        if h is None:
            errors.append(f"pins[{i}].household: unknown household {pin.household!r}")
            continue
        kind = pin.location is not None
        if (pin.household, kind) in seen:
            errors.append(f"pins[{i}].household: {pin.household!r} is pinned twice")
        seen.add((pin.household, kind))
        if pin.location is not None:
            loc = locs.get(pin.location)
            if loc is None:
                errors.append(f"pins[{i}].location: unknown location {pin.location!r}")
                continue
            prof = profile_of(h)
            staying = pin.location == h.location and h.status is not Status.arrival
            reason = unsuitable_reason(prof, loc)
            if reason is not None and not (staying and not loc.closing):
                errors.append(
                    f"pins[{i}].location: {loc.id!r} does not suit household {h.id!r} ({reason})"
                )
        else:
            if h.status is not Status.status_holder or h.linked_gm_code is not None:
                errors.append(
                    f"pins[{i}].gm_code: household {h.id!r} is not a status holder awaiting a link"
                )
            if pin.gm_code not in gms:
                errors.append(f"pins[{i}].gm_code: unknown municipality {pin.gm_code!r}")
    return errors
