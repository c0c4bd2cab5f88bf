"""``build_data``: the clean, indexed input of the sequencing model (validated once, here).

Households that make the same move and look the same to every rule (same origin, destination, size
and school-age children) are interchangeable, so they form one *group* ``g`` with ``n_g`` members;
the model decides how many members move on each day, which is exact and keeps CP-SAT small.

Start occupancy ``r0[l]`` is the scenario's ``residents`` minus the unplaced arrivals at ``l``:
those leave for crisis reception on day 0 and are not moves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.documents.sequence import SequenceOptions


class SequenceInputError(ValueError):
    """The scenario, plan and options do not fit together (field path and value in the message)."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        more = f" (+{len(errors) - 10} more)" if len(errors) > 10 else ""
        super().__init__("; ".join(errors[:10]) + more)


@dataclass(frozen=True)
class Group:
    """``n`` interchangeable households moving ``origin -> dest`` (location indices)."""

    origin: int
    dest: int
    size: int
    kids: int
    members: tuple[str, ...]
    reason: str

    @property
    def n(self) -> int:
        return len(self.members)


@dataclass
class SeqData:
    week: str
    days: list[dt.date]
    school_day: list[bool]
    loc_ids: list[str]
    loc_names: list[str]
    capacity: list[int]
    residents: list[int]  # scenario residents (before the unplaced leave)
    r0: list[int]  # start occupancy after the unplaced leave on day 0
    unplaced_persons: list[int]
    intake_limit: list[int]
    departure_limit: list[int]
    closing_day: list[int | None]
    opening_day: list[int | None]
    groups: list[Group]
    ods: list[tuple[int, int]]
    od_groups: list[list[int]]
    opts: SequenceOptions
    g_in: dict[int, list[int]] = field(default_factory=dict)
    g_out: dict[int, list[int]] = field(default_factory=dict)

    @property
    def horizon(self) -> range:
        return range(len(self.days))

    @property
    def n_moves(self) -> int:
        return sum(g.n for g in self.groups)

    def od_persons(self, k: int) -> int:
        return sum(self.groups[g].size * self.groups[g].n for g in self.od_groups[k])

    def bound_trips(self) -> int:
        """sum over OD pairs of ceil(persons / seats): no sequence uses fewer buses."""
        s = self.opts.seats
        return sum(-(-self.od_persons(k) // s) for k in range(len(self.ods)))

    def touched(self) -> list[int]:
        """Locations with a move in or out, or unplaced arrivals leaving, or a deadline."""
        t = set(self.g_in) | set(self.g_out)
        t |= {i for i, u in enumerate(self.unplaced_persons) if u}
        t |= {i for i, c in enumerate(self.closing_day) if c is not None}
        return sorted(t)


def iso_monday(week: str) -> dt.date:
    year, w = week.split("-W")
    return dt.date.fromisocalendar(int(year), int(w), 1)


def input_errors(s: Scenario, p: Plan, o: SequenceOptions) -> list[str]:
    """Cross-document checks, each naming the document, field path and value."""
    errors: list[str] = []
    hh = {h.id: h for h in s.households}
    locs = s.location_index()
    if p.week != s.week:
        errors.append(f"plan.week: {p.week!r} but the scenario is week {s.week!r}")
    seen: set[str] = set()
    for i, pl in enumerate(p.placements):
        h = hh.get(pl.household)
        if h is None:
            errors.append(f"plan.placements[{i}].household: {pl.household!r} not in the scenario")
            continue
        if pl.household in seen:
            errors.append(f"plan.placements[{i}].household: {pl.household!r} placed twice")
        seen.add(pl.household)
        if pl.from_location != h.location:
            errors.append(
                f"plan.placements[{i}].from_location: {pl.from_location!r} but household "
                f"{h.id!r} is at {h.location!r} in the scenario"
            )
        if pl.location not in locs:
            errors.append(f"plan.placements[{i}].location: unknown location {pl.location!r}")
    for i, u in enumerate(p.unplaced):
        h = hh.get(u.household)
        if h is None:
            errors.append(f"plan.unplaced[{i}].household: {u.household!r} not in the scenario")
        elif u.household in seen:
            errors.append(f"plan.unplaced[{i}].household: {u.household!r} is also placed")
    for name, d in (
        ("intake_limits", o.intake_limits),
        ("departure_limits", o.departure_limits),
        ("closing_days", o.closing_days),
        ("opening_days", o.opening_days),
    ):
        errors += [f"options.{name}: unknown location {k!r}" for k in d if k not in locs]
    return errors


def bound_trips_of(s: Scenario, p: Plan, o: SequenceOptions) -> int:
    """The trip lower bound of :meth:`SeqData.bound_trips` straight from the documents (for a
    progress display before the data is built; placements of unknown households are skipped)."""
    size = {h.id: h.size for h in s.households}
    persons: dict[tuple[str, str], int] = defaultdict(int)
    for pl in p.placements:
        if pl.household in size and pl.from_location != pl.location:
            persons[(pl.from_location, pl.location)] += size[pl.household]
    return sum(-(-n // o.seats) for n in persons.values())


def build_data(s: Scenario, p: Plan, o: SequenceOptions) -> SeqData:
    """Index locations, group the plan's moves and resolve the per-location options."""
    errors = input_errors(s, p, o)
    if errors:
        raise SequenceInputError(errors)
    start = o.start or iso_monday(s.week)
    days = [start + dt.timedelta(days=t) for t in range(o.days)]
    holidays = set(o.holidays)
    school_day = [d.isoweekday() <= 5 and d not in holidays for d in days]
    index = {loc.id: i for i, loc in enumerate(s.locations)}
    hh = {h.id: h for h in s.households}
    unplaced = [0] * len(s.locations)
    for u in p.unplaced:
        unplaced[index[hh[u.household].location]] += hh[u.household].size
    members: dict[tuple[int, int, int, int, str], list[str]] = defaultdict(list)
    for pl in p.placements:
        h = hh[pl.household]
        o_i, d_i = index[pl.from_location], index[pl.location]
        if o_i != d_i:
            members[(o_i, d_i, h.size, h.school_age_children, pl.reason)].append(h.id)
    groups = [
        Group(k[0], k[1], k[2], k[3], tuple(sorted(v)), k[4]) for k, v in sorted(members.items())
    ]
    od_index: dict[tuple[int, int], int] = {}
    od_groups: list[list[int]] = []
    g_in: dict[int, list[int]] = defaultdict(list)
    g_out: dict[int, list[int]] = defaultdict(list)
    for gi, g in enumerate(groups):
        k = od_index.setdefault((g.origin, g.dest), len(od_index))
        if k == len(od_groups):
            od_groups.append([])
        od_groups[k].append(gi)
        g_in[g.dest].append(gi)
        g_out[g.origin].append(gi)
    last = o.days - 1
    return SeqData(
        week=s.week,
        days=days,
        school_day=school_day,
        loc_ids=[loc.id for loc in s.locations],
        loc_names=[loc.name for loc in s.locations],
        capacity=[loc.capacity for loc in s.locations],
        residents=[loc.residents for loc in s.locations],
        r0=[loc.residents - unplaced[i] for i, loc in enumerate(s.locations)],
        unplaced_persons=unplaced,
        intake_limit=[o.intake_limits.get(loc.id, o.intake_limit) for loc in s.locations],
        departure_limit=[o.departure_limit_for(loc) for loc in s.locations],
        closing_day=[
            o.closing_days.get(loc.id, last if loc.closing else None) for loc in s.locations
        ],
        opening_day=[o.opening_days.get(loc.id) for loc in s.locations],
        groups=groups,
        ods=list(od_index),
        od_groups=od_groups,
        opts=o,
        g_in=dict(g_in),
        g_out=dict(g_out),
    )
