"""Price any plan (the model's, the greedy baseline's, a planner's edit) family by family.

This is an independent re-computation from the decisions, written from the business rules rather
than from the Pyomo expressions: the tests check that for the model's own plan both agree, so the
per-family costs shown to a planner are the objective, not an approximation of it.
"""

from __future__ import annotations

from collections import defaultdict

from optimizer.documents.plan import Link, Placement, Unplaced
from optimizer.documents.scenario import Status, Track
from optimizer.kpis import end_residents
from optimizer.model.families.occupancy_band import band_high, band_low
from optimizer.model.families.registry import HARD_PENALTY_EUR_PER_PERSON
from optimizer.model.instance import DAYS, Instance


def plan_costs(
    inst: Instance, placements: list[Placement], links: list[Link], unplaced: list[Unplaced]
) -> dict[str, float]:
    """Euros per rule family for the week (same names as the model's ``cost_<family>``)."""
    s = inst.scenario
    p = s.policy
    hh = inst.households
    li = inst.loc_index
    locs = inst.locations
    cost: dict[str, float] = defaultdict(float)

    moved = {pl.household: pl for pl in placements}
    gone = {u.household for u in unplaced}
    for u in unplaced:
        cost["unplaced"] += u.persons * p.unplaced_eur_per_person
    for h in s.households:
        if h.status is not Status.arrival or h.id in gone:
            continue
        o = li[h.location]
        pl = moved.get(h.id)
        d = li[pl.location] if pl else o
        cost["bed_cost"] += h.size * locs[d].cost_per_bed_day * DAYS
        if h.track is Track.kansrijk:
            cost["kansrijk_region"] += (
                h.size * p.kansrijk_region_eur_per_person * float(inst.region_factor[d])
            )
    for pl in placements:
        h = hh[pl.household]
        o, d = li[pl.from_location], li[pl.location]
        cost["transport"] += h.size * p.transport_eur_per_person_km * float(inst.dist_loc_loc[o, d])
        if h.status is Status.arrival:
            continue
        cost["moves"] += h.size * p.move_eur_per_person
        cost["school_moves"] += h.school_age_children * p.move_eur_per_school_child
        if locs[o].closing:
            cost["bed_cost"] += h.size * locs[d].cost_per_bed_day * DAYS
        else:
            cost["bed_cost"] += h.size * (locs[d].cost_per_bed_day - locs[o].cost_per_bed_day) * DAYS

    linked: dict[str, int] = defaultdict(int)
    for lk in links:
        linked[lk.gm_code] += lk.persons
        o = li[hh[lk.household].location]
        g = inst.gm_index[lk.gm_code]
        cost["link_distance"] += lk.persons * p.link_eur_per_person_km * float(inst.dist_loc_gm[o, g])
    for g, gm in enumerate(inst.gm_codes):
        short = max(0.0, float(inst.pace_target[g]) - linked[gm])
        cost["quota_pace"] += short * p.waiting_eur_per_person_day * DAYS

    end = end_residents(inst, placements, unplaced)
    for loc in locs:
        e = end[loc.id]
        if loc.closing:
            cost["closing"] += HARD_PENALTY_EUR_PER_PERSON * e
            continue
        cost["capacity"] += HARD_PENALTY_EUR_PER_PERSON * max(0, e - loc.capacity)
        if loc.capacity > 0:
            under = max(0, band_low(p.occupancy_min, loc.capacity) - e)
            over = max(0, e - band_high(p.occupancy_max, loc.capacity))
            cost["occupancy_band"] += under * loc.cost_per_bed_day * DAYS + over * p.band_eur_per_bed_week
    return dict(cost)
