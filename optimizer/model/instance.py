"""From a validated scenario to the sparse index sets of the model.

Households are aggregated into *classes* of identical households: same role, same origin location,
same suitability profile and the same size and number of school-age children. Every cost and rule of
the model depends on a household only through these, so assigning class counts to locations
(a transportation problem with a tight LP bound) and then handing out the members in id order is
exact. The index sets are sparse: :func:`build_instance` creates a placement arc only for a
suitable (class, location) pair and a link arc only to a municipality with room for the class, so
the families index over existing arcs (``Instance.arc_*``, ``Instance.link_*``) and nothing else.

Roles:
- ``arrival``: newly registered households at a col/gvl: placed, staying where suitable, waiting in
  a free bed of their own col/gvl (a *wait arc*, priced by *registration_wait*), or unplaced;
- ``closing``: every household at a closing location: must move;
- ``rebalance``: residents of an open location of a band kind above the occupancy band: may move
  to one of the ``policy.rebalance_candidates`` nearest suitable locations of a band kind below the
  band (households with school-age children only if ``policy.rebalance_school_children``);
- ``link``: status holders without a link: linked to one of the ``policy.link_candidates`` nearest
  municipalities with room for the whole household (quota left and, where stated, weekly intake),
  or left waiting (priced by *unlinked*); classes are split by whole weeks waited since the permit
  and by being past the link target, since the price of waiting depends on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import (
    Household,
    Location,
    Scenario,
    Status,
    Track,
)
from optimizer.reference_data import distance_matrix_km, municipality_index
from optimizer.rules.band import in_band_scope
from optimizer.rules.costs import ARC_COMPONENTS, placement_cost, region_factor
from optimizer.rules.linking import link_caps, pace_targets, wait_class
from optimizer.rules.suitability import (
    Group,
    Profile,
    group_of,
    may_wait_at_registration,
    unsuitable_reason,
)
from optimizer.rules.week import DAYS

__all__ = ["DAYS", "ARC_COMPONENTS", "Instance", "build_instance", "placement_cost"]

# Per-household cost components of a placement arc, in euros for the week.


@dataclass(frozen=True, slots=True)
class ClassKey:
    """Everything the model sees of a household; members of a class are interchangeable."""

    role: str
    origin: int
    group: Group
    kansrijk_arrival: bool  # only kansrijk arrivals pay the kansrijk_region cost
    size: int
    school_children: int
    pin: int = -1  # pinned destination (location index; municipality index for links)
    previous: int = -1  # the previous plan's destination, kept if it costs little
    wait_weeks: int = 0  # links: whole weeks waited since the permit
    late: bool = False  # links: waited longer than policy.link_target_days

    @property
    def profile(self) -> Profile:
        return Profile(group=self.group, family=self.size > 1, school=self.school_children > 0)


@dataclass(slots=True)
class HouseholdClass:
    key: ClassKey
    members: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.members)

    @property
    def persons(self) -> int:
        return self.key.size


@dataclass(slots=True)
class Instance:
    """Clean, typed, index-based data for the model builder (no pydantic, no files)."""

    scenario: Scenario
    locations: list[Location]
    loc_index: dict[str, int]
    gm_codes: list[str]
    gm_index: dict[str, int]
    remaining: np.ndarray  # persons of quota left per municipality
    link_cap: np.ndarray  # persons that may be linked this week: min(remaining, max_links_per_week)
    pace_target: np.ndarray  # persons this week per municipality
    loc_gm: np.ndarray  # municipality index of each location (-1 if not in the scenario)
    dist_loc_loc: np.ndarray  # km
    dist_loc_gm: np.ndarray  # km
    region_factor: np.ndarray  # per location, 0 (province with most quota per bed) .. 1 (none)
    classes: list[HouseholdClass]
    # placement arcs (class -> location); stay arcs have dest == origin
    arc_class: np.ndarray
    arc_dest: np.ndarray
    arc_cost: np.ndarray  # (n_arcs, len(ARC_COMPONENTS)) per household
    arc_wait: np.ndarray  # bool: an arrival waiting at its own col/gvl (registration_wait)
    # link arcs (class -> municipality)
    link_class: np.ndarray
    link_gm: np.ndarray
    link_cost: np.ndarray  # per household, EUR
    over_band_at_start: set[int]
    band_scope: np.ndarray  # bool per location: the occupancy band applies (policy.band_kinds)
    households: dict[str, Household]

    @property
    def n_arcs(self) -> int:
        return int(self.arc_class.shape[0])

    def class_persons(self) -> np.ndarray:
        """Persons per household of each class (float, for the arithmetic of the heuristics)."""
        return np.array([c.persons for c in self.classes], dtype=float)

    def arc_eur(self) -> np.ndarray:
        """Euros per household of each placement arc, all arc cost components together."""
        return self.arc_cost.sum(axis=1) if self.n_arcs else np.zeros(0)

    def class_origins(self) -> np.ndarray:
        """Location index each class is at now."""
        return np.array([c.key.origin for c in self.classes], dtype=int)

    @property
    def n_links(self) -> int:
        return int(self.link_class.shape[0])

    def classes_with_role(self, role: str) -> list[int]:
        return [i for i, c in enumerate(self.classes) if c.key.role == role]

    def is_stay(self, arc: int) -> bool:
        return int(self.arc_dest[arc]) == self.classes[int(self.arc_class[arc])].key.origin


def _points(gm_codes: list[str]) -> np.ndarray:
    ref = municipality_index()
    missing = [g for g in gm_codes if g not in ref]
    if missing:
        raise ValueError(
            f"gm_code(s) not in the CBS 2024 municipalities: {sorted(set(missing))[:5]}"
        )
    xy = [(ref[g].x_rd_m, ref[g].y_rd_m) for g in gm_codes]
    return np.array(xy, dtype=float).reshape(len(gm_codes), 2)


def _class_key(role: str, origin: int, h: Household, pin: int, previous: int) -> ClassKey:
    kansrijk = role == "arrival" and h.status is Status.arrival and h.track is Track.kansrijk
    return ClassKey(
        role,
        origin,
        group_of(h.status, h.track, h.amv),
        kansrijk,
        h.size,
        h.school_age_children,
        pin,
        previous,
    )


@dataclass(frozen=True, slots=True)
class Decisions:
    """Pins (must) and the previous plan (preferred), per household, as indices."""

    pin_place: dict[str, int] = field(default_factory=dict)
    pin_link: dict[str, int] = field(default_factory=dict)
    prev_place: dict[str, int] = field(default_factory=dict)
    prev_link: dict[str, int] = field(default_factory=dict)


def _decisions(
    s: Scenario, loc_index: dict[str, int], gm_index: dict[str, int], previous: Plan | None
) -> Decisions:
    d = Decisions()
    for pin in s.pins:
        if pin.location is not None:
            d.pin_place[pin.household] = loc_index[pin.location]
        elif pin.gm_code is not None:
            d.pin_link[pin.household] = gm_index[pin.gm_code]
    if previous is not None:
        known = {h.id for h in s.households}
        for pl in previous.placements:
            if pl.household in known and pl.location in loc_index:
                d.prev_place[pl.household] = loc_index[pl.location]
        for lk in previous.links:
            if lk.household in known and lk.gm_code in gm_index:
                d.prev_link[lk.household] = gm_index[lk.gm_code]
    return d


def _build_classes(
    s: Scenario, loc_index: dict[str, int], over_band: set[int], dec: Decisions
) -> list[HouseholdClass]:
    p = s.policy
    start = s.week_start
    by_key: dict[ClassKey, HouseholdClass] = {}
    for h in s.households:
        o = loc_index[h.location]
        loc = s.locations[o]
        pin = dec.pin_place.get(h.id, -1)
        prev = dec.prev_place.get(h.id, -1)
        keys: list[ClassKey] = []
        # school children are not moved to tidy up a band unless the policy says so (or pinned)
        may_rebalance = pin >= 0 or h.school_age_children == 0 or p.rebalance_school_children
        if loc.closing:
            keys.append(_class_key("closing", o, h, pin, prev))
        elif h.status is Status.arrival:
            keys.append(_class_key("arrival", o, h, pin, prev))
        elif (o in over_band or pin >= 0 or prev >= 0) and pin != o and may_rebalance:
            keys.append(_class_key("rebalance", o, h, pin, prev))
        if h.status is Status.status_holder and h.linked_gm_code is None:
            wait_weeks, late = wait_class(p, h, start)
            keys.append(
                ClassKey(
                    "link",
                    o,
                    Group.regular,
                    False,
                    h.size,
                    0,
                    dec.pin_link.get(h.id, -1),
                    dec.prev_link.get(h.id, -1),
                    wait_weeks=wait_weeks,
                    late=late,
                )
            )
        for k in keys:
            by_key.setdefault(k, HouseholdClass(k)).members.append(h.id)
    classes = sorted(
        by_key.values(),
        key=lambda c: (
            c.key.role,
            c.key.origin,
            c.key.group.value,
            c.key.kansrijk_arrival,
            c.key.size,
            c.key.school_children,
            c.key.pin,
            c.key.previous,
            c.key.wait_weeks,
            c.key.late,
        ),
    )
    for c in classes:
        c.members.sort()
    return classes


def build_instance(
    s: Scenario,
    previous: Plan | None = None,
    extra_links: Mapping[int, Iterable[int]] | None = None,
) -> Instance:
    """Index sets, distances and per-arc costs. Raises ValueError for gm_codes unknown to CBS 2024.

    ``extra_links``: per origin location, municipalities to consider for its status holders
    beyond the ``link_candidates`` nearest (added by ``allocate`` when the nearest ran out of
    quota while a farther municipality still had room)."""
    p = s.policy
    locs = list(s.locations)
    loc_index = {loc.id: i for i, loc in enumerate(locs)}
    gm_codes = [m.gm_code for m in s.municipalities]
    gm_index = {g: i for i, g in enumerate(gm_codes)}
    loc_pts = _points([loc.gm_code for loc in locs])
    gm_pts = _points(gm_codes) if gm_codes else np.zeros((0, 2))
    d_ll = distance_matrix_km(loc_pts, loc_pts)
    d_lg = distance_matrix_km(loc_pts, gm_pts) if gm_codes else np.zeros((len(locs), 0))
    remaining = np.array([m.remaining for m in s.municipalities], dtype=float)
    cap = link_caps(s)
    pace = pace_targets(s)
    region = region_factor(s, locs)
    occ_start = np.array([loc.residents / loc.capacity if loc.capacity else np.inf for loc in locs])
    scope = np.array([in_band_scope(p, loc) for loc in locs], dtype=bool)
    over_band = {i for i in range(len(locs)) if scope[i] and occ_start[i] > p.occupancy_max}
    below_band = np.array([scope[i] and occ_start[i] < p.occupancy_max for i in range(len(locs))])
    dec = _decisions(s, loc_index, gm_index, previous)
    classes = _build_classes(s, loc_index, over_band, dec)

    a_cls: list[int] = []
    a_dst: list[int] = []
    a_cost: list[tuple[float, ...]] = []
    a_wait: list[bool] = []
    l_cls: list[int] = []
    l_gm: list[int] = []
    l_cost: list[float] = []
    suit_cache: dict[tuple[Profile, bool], np.ndarray] = {}
    extra = {o: set(gs) for o, gs in (extra_links or {}).items()}

    def suitable_mask(prof: Profile, moving_resident: bool = False) -> np.ndarray:
        key = (prof, moving_resident)
        if key not in suit_cache:
            suit_cache[key] = np.array(
                [unsuitable_reason(prof, loc, moving_resident) is None for loc in locs]
            )
        return suit_cache[key]

    for ci, c in enumerate(classes):
        k = c.key
        if k.role == "link":
            if k.pin >= 0:
                picked = [k.pin]
            else:
                order = np.argsort(d_lg[k.origin], kind="stable")
                picked = [int(g) for g in order if cap[g] >= k.size][: p.link_candidates]
                more = {k.previous} | extra.get(k.origin, set())
                picked += sorted(g for g in more if g >= 0 and g not in picked and cap[g] >= k.size)
            for g in sorted(picked):
                l_cls.append(ci)
                l_gm.append(g)
                l_cost.append(k.size * p.link_eur_per_person_km * float(d_lg[k.origin, g]))
            continue
        moving = k.role != "arrival"
        mask = suitable_mask(k.profile, moving).copy()
        wait_at = -1  # an arrival that may wait at its own col/gvl although it does not suit
        if k.pin >= 0:
            dests = [k.pin]  # validated at the boundary: the pinned place suits the household
        elif k.role == "rebalance":
            mask &= below_band
            mask[k.origin] = False
            cand = np.flatnonzero(mask)
            cand = cand[np.argsort(d_ll[k.origin, cand], kind="stable")][: p.rebalance_candidates]
            dests = sorted(int(x) for x in cand)
            prev = k.previous
            if prev >= 0 and prev not in dests and prev != k.origin and mask[prev]:
                dests = sorted([*dests, prev])
        else:
            dests = [int(x) for x in np.flatnonzero(mask)]
            if (
                k.role == "arrival"
                and not mask[k.origin]
                and may_wait_at_registration(k.profile, locs[k.origin])
            ):
                wait_at = k.origin
                dests = sorted([*dests, k.origin])
        for d in dests:
            a_cls.append(ci)
            a_dst.append(d)
            a_wait.append(d == wait_at)
            a_cost.append(
                placement_cost(
                    p,
                    k.role,
                    k.size,
                    k.school_children,
                    k.kansrijk_arrival,
                    locs[k.origin],
                    locs[d],
                    float(d_ll[k.origin, d]),
                    float(region[d]),
                    stay=d == k.origin,
                    wait=d == wait_at,
                )
            )

    return Instance(
        scenario=s,
        locations=locs,
        loc_index=loc_index,
        gm_codes=gm_codes,
        gm_index=gm_index,
        remaining=remaining,
        link_cap=cap,
        pace_target=pace,
        loc_gm=np.array([gm_index.get(loc.gm_code, -1) for loc in locs], dtype=int),
        dist_loc_loc=d_ll,
        dist_loc_gm=d_lg,
        region_factor=region,
        classes=classes,
        arc_class=np.array(a_cls, dtype=int),
        arc_dest=np.array(a_dst, dtype=int),
        arc_cost=np.array(a_cost, dtype=float).reshape(-1, len(ARC_COMPONENTS)),
        arc_wait=np.array(a_wait, dtype=bool),
        link_class=np.array(l_cls, dtype=int),
        link_gm=np.array(l_gm, dtype=int),
        link_cost=np.array(l_cost, dtype=float),
        over_band_at_start=over_band,
        band_scope=scope,
        households={h.id: h for h in s.households},
    )
