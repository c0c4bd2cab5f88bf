"""Price any plan (the model's, the greedy baseline's, a planner's edit) family by family.

This is an independent re-computation from the decisions, written from the business rules rather
than from the Pyomo expressions: the tests check that for the model's own plan both agree, so the
per-family costs shown to a planner are the objective, not an approximation of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from optimizer.documents.plan import Link, Placement, Unplaced
from optimizer.documents.scenario import Status, Track
from optimizer.kpis import end_residents
from optimizer.model.families.base import HARD_PENALTY_EUR_PER_PERSON
from optimizer.model.instance import Instance
from optimizer.rules.band import band_high, band_low, in_band_scope
from optimizer.rules.linking import unlinked_price, wait_class
from optimizer.rules.suitability import profile_of, unsuitable_reason
from optimizer.rules.week import DAYS


@dataclass(frozen=True, slots=True)
class CostItem:
    """One priced consequence of a plan: which rule, where, for whom, how much."""

    family: str
    where: str  # a location id or gm_code
    household: str | None
    amount: float  # in ``unit``
    unit: str
    eur: float


def plan_costs(
    inst: Instance, placements: list[Placement], links: list[Link], unplaced: list[Unplaced]
) -> dict[str, float]:
    """Euros per rule family for the week (same names as the model's ``cost_<family>``)."""
    out: dict[str, float] = defaultdict(float)
    for item in cost_items(inst, placements, links, unplaced):
        out[item.family] += item.eur
    return dict(out)


def cost_items(
    inst: Instance, placements: list[Placement], links: list[Link], unplaced: list[Unplaced]
) -> list[CostItem]:
    """Every priced item of the plan; their euros sum to the objective (a score analysis)."""
    s = inst.scenario
    p = s.policy
    hh = inst.households
    li = inst.loc_index
    locs = inst.locations
    items: list[CostItem] = []
    add = items.append

    moved = {pl.household: pl for pl in placements}
    gone = {u.household for u in unplaced}
    for u in unplaced:
        where = hh[u.household].location
        add(
            CostItem(
                "unplaced",
                where,
                u.household,
                u.persons,
                "persons",
                u.persons * p.unplaced_eur_per_person,
            )
        )
    for h in s.households:
        if h.status is not Status.arrival or h.id in gone:
            continue
        o = li[h.location]
        pl = moved.get(h.id)
        d = li[pl.location] if pl else o
        if pl is None and unsuitable_reason(profile_of(h), locs[o]) is not None:
            # waits in a free bed of its own col/gvl although its track belongs elsewhere
            add(
                CostItem(
                    "registration_wait",
                    locs[o].id,
                    h.id,
                    h.size,
                    "persons",
                    h.size * p.registration_wait_eur_per_person,
                )
            )
        add(
            CostItem(
                "bed_cost",
                locs[d].id,
                h.id,
                h.size * DAYS,
                "bed-days",
                h.size * locs[d].cost_per_bed_day * DAYS,
            )
        )
        if h.track is Track.kansrijk:
            add(
                CostItem(
                    "kansrijk_region",
                    locs[d].id,
                    h.id,
                    h.size,
                    "persons",
                    h.size * p.kansrijk_region_eur_per_person * float(inst.region_factor[d]),
                )
            )
    for pl in placements:
        h = hh[pl.household]
        o, d = li[pl.from_location], li[pl.location]
        km = float(inst.dist_loc_loc[o, d])
        add(
            CostItem(
                "transport",
                pl.location,
                h.id,
                h.size * km,
                "person-km",
                h.size * p.transport_eur_per_person_km * km,
            )
        )
        if h.status is Status.arrival:
            continue
        add(
            CostItem(
                "moves", pl.from_location, h.id, h.size, "persons", h.size * p.move_eur_per_person
            )
        )
        if h.school_age_children:
            add(
                CostItem(
                    "school_moves",
                    pl.from_location,
                    h.id,
                    h.school_age_children,
                    "children",
                    h.school_age_children * p.move_eur_per_school_child,
                )
            )
        if locs[o].closing:
            eur = h.size * locs[d].cost_per_bed_day * DAYS
        else:
            eur = h.size * (locs[d].cost_per_bed_day - locs[o].cost_per_bed_day) * DAYS
        add(CostItem("bed_cost", pl.location, h.id, h.size * DAYS, "bed-days", eur))

    linked: dict[str, int] = defaultdict(int)
    linked_ids = {lk.household for lk in links}
    for h in s.households:
        if h.status is not Status.status_holder or h.linked_gm_code is not None:
            continue
        if h.id in linked_ids:
            continue
        price = unlinked_price(p, *wait_class(p, h, s.week_start))
        add(CostItem("unlinked", h.location, h.id, h.size, "persons", h.size * price))
    for lk in links:
        linked[lk.gm_code] += lk.persons
        o = li[hh[lk.household].location]
        g = inst.gm_index[lk.gm_code]
        km = float(inst.dist_loc_gm[o, g])
        add(
            CostItem(
                "link_distance",
                lk.gm_code,
                lk.household,
                lk.persons * km,
                "person-km",
                lk.persons * p.link_eur_per_person_km * km,
            )
        )
    for g, gm in enumerate(inst.gm_codes):
        short = max(0.0, float(inst.pace_target[g]) - linked[gm])
        if short > 0:
            add(
                CostItem(
                    "quota_pace",
                    gm,
                    None,
                    short,
                    "persons",
                    short * p.waiting_eur_per_person_day * DAYS,
                )
            )

    for g, gm in enumerate(inst.gm_codes):
        over = linked[gm] - float(inst.link_cap[g])
        if over > 0:
            add(
                CostItem("quota_cap", gm, None, over, "persons", HARD_PENALTY_EUR_PER_PERSON * over)
            )
    _stability_items(inst, placements, links, add)

    end = end_residents(inst, placements, unplaced)
    for loc in locs:
        e = end[loc.id]
        if loc.closing:
            if e > 0:
                add(
                    CostItem("closing", loc.id, None, e, "persons", HARD_PENALTY_EUR_PER_PERSON * e)
                )
            continue
        if e > loc.capacity:
            add(
                CostItem(
                    "capacity",
                    loc.id,
                    None,
                    e - loc.capacity,
                    "persons",
                    HARD_PENALTY_EUR_PER_PERSON * (e - loc.capacity),
                )
            )
        if in_band_scope(p, loc):
            under = max(0, band_low(p.occupancy_min, loc.capacity) - e)
            over = max(0, e - band_high(p.occupancy_max, loc.capacity))
            if under:
                add(
                    CostItem(
                        "occupancy_band",
                        loc.id,
                        None,
                        -under,
                        "beds below the band",
                        under * loc.cost_per_bed_day * DAYS,
                    )
                )
            if over:
                add(
                    CostItem(
                        "occupancy_band",
                        loc.id,
                        None,
                        over,
                        "beds above the band",
                        over * p.band_eur_per_bed_week,
                    )
                )
    return items


def _stability_items(
    inst: Instance, placements: list[Placement], links: list[Link], add: Callable[[CostItem], None]
) -> None:
    """A decision of the previous plan not kept costs ``change_eur_per_decision``."""
    w = inst.scenario.policy.change_eur_per_decision
    now_place = {p.household: p.location for p in placements}
    now_link = {lk.household: lk.gm_code for lk in links}
    for c in inst.classes:
        prev = c.key.previous
        if prev < 0:
            continue
        if c.key.role == "link":
            target, now = inst.gm_codes[prev], now_link
        else:
            target, now = inst.locations[prev].id, now_place
        for hid in c.members:
            if now.get(hid) != target:
                add(CostItem("stability", target, hid, 1, "decisions changed", w))
