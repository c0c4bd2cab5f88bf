"""Key figures of a plan, recomputed from the decisions themselves (not from solver variables), so
the same function measures the model's plan and the greedy baseline's."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from optimizer.documents.plan import (
    Kpis,
    Link,
    LocationKpi,
    MunicipalityKpi,
    Placement,
    RegistrationWait,
    Unplaced,
)
from optimizer.documents.scenario import Status, wait_days
from optimizer.rules.band import band_high, band_low, band_note, band_penalty_eur, in_band_scope
from optimizer.rules.costs import placement_cost
from optimizer.rules.week import DAYS

if TYPE_CHECKING:
    from optimizer.model.instance import Instance


def end_residents(
    inst: Instance, placements: list[Placement], unplaced: list[Unplaced]
) -> dict[str, int]:
    """Residents per location at the end of the week."""
    end = {loc.id: loc.residents for loc in inst.locations}
    hh = inst.households
    for p in placements:
        size = hh[p.household].size
        end[p.from_location] -= size
        end[p.location] += size
    for u in unplaced:
        end[hh[u.household].location] -= u.persons
    return end


def with_savings(
    inst: Instance, placements: list[Placement], unplaced: list[Unplaced]
) -> list[Placement]:
    """The placements, each rebalancing move with ``saving_eur``: what the move saves against the
    household staying where it is, every other decision held fixed (band at both ends, bed cost,
    transport, the move itself); the same arithmetic as the explanation's "stay" option. A move
    whose bed went to the week's intake (the origin ends full, so staying would break capacity)
    has no saving of its own: it is marked ``frees_bed`` instead."""
    p = inst.scenario.policy
    end = end_residents(inst, placements, unplaced)
    li = inst.loc_index
    out: list[Placement] = []
    for pl in placements:
        if pl.reason != "rebalance":
            out.append(pl)
            continue
        h = inst.households[pl.household]
        o, d = li[pl.from_location], li[pl.location]
        lo, ld = inst.locations[o], inst.locations[d]
        if end[lo.id] + h.size > lo.capacity:
            out.append(pl.model_copy(update={"frees_bed": True}))
            continue
        move = sum(
            placement_cost(
                p,
                "rebalance",
                h.size,
                h.school_age_children,
                False,
                lo,
                ld,
                float(inst.dist_loc_loc[o, d]),
                float(inst.region_factor[d]),
                stay=False,
            )
        )
        move += band_penalty_eur(p, ld, end[ld.id]) - band_penalty_eur(p, ld, end[ld.id] - h.size)
        stay = band_penalty_eur(p, lo, end[lo.id] + h.size) - band_penalty_eur(p, lo, end[lo.id])
        out.append(pl.model_copy(update={"saving_eur": round(stay - move, 2)}))
    return out


def compute_kpis(
    inst: Instance,
    placements: list[Placement],
    links: list[Link],
    unplaced: list[Unplaced],
    costs: dict[str, float],
    waits: list[RegistrationWait] | None = None,
) -> Kpis:
    s = inst.scenario
    p = s.policy
    hh = inst.households
    waits = waits or []
    end = end_residents(inst, placements, unplaced)
    intake: dict[str, int] = defaultdict(int)
    outflow: dict[str, int] = defaultdict(int)
    for pl in placements:
        intake[pl.location] += hh[pl.household].size
        outflow[pl.from_location] += hh[pl.household].size
    for u in unplaced:
        outflow[hh[u.household].location] += u.persons

    loc_kpis: list[LocationKpi] = []
    above = below = 0
    band_dev = 0.0
    bed_cost = 0.0
    for loc in inst.locations:
        e = end[loc.id]
        bed_cost += e * loc.cost_per_bed_day * DAYS
        dev = 0.0
        scoped = in_band_scope(p, loc)
        if scoped:
            lo, hi = (
                band_low(p.occupancy_min, loc.capacity),
                band_high(p.occupancy_max, loc.capacity),
            )
            dev = e - hi if e > hi else (e - lo if e < lo else 0.0)
            above += dev > 1e-9
            below += dev < -1e-9
            band_dev += abs(dev)
        loc_kpis.append(
            LocationKpi(
                id=loc.id,
                kind=loc.kind.value,
                capacity=loc.capacity,
                residents_start=loc.residents,
                residents_end=e,
                occupancy_start=round(loc.residents / loc.capacity, 4) if loc.capacity else None,
                occupancy_end=round(e / loc.capacity, 4) if loc.capacity else None,
                band_deviation_beds=round(dev, 2),
                intake=intake[loc.id],
                outflow=outflow[loc.id],
                in_band_scope=scoped,
            )
        )

    linked: dict[str, int] = defaultdict(int)
    for lk in links:
        linked[lk.gm_code] += lk.persons
    muni: list[MunicipalityKpi] = []
    short_total = 0.0
    target_total = 0.0
    for g, m in enumerate(s.municipalities):
        target = float(inst.pace_target[g])
        short = max(0.0, target - linked[m.gm_code])
        short_total += short
        target_total += target
        muni.append(
            MunicipalityKpi(
                gm_code=m.gm_code,
                quota=m.quota,
                remaining_before=m.remaining,
                target_this_week=round(target, 2),
                linked_this_week=linked[m.gm_code],
                pace_shortfall=round(short, 2),
                cap_this_week=int(inst.link_cap[g]),
            )
        )
    room = np.array([inst.link_cap[g] - linked[gm] for g, gm in enumerate(inst.gm_codes)])
    most_room = float(room.max()) if len(room) else 0.0
    awaiting = [
        h for h in s.households if h.status is Status.status_holder and h.linked_gm_code is None
    ]
    linked_ids = {lk.household for lk in links}
    left = [h for h in awaiting if h.id not in linked_ids]
    left_with_room = [h for h in left if h.size <= most_room]
    waited = [wait_days(h, s.week_start) for h in left if h.permit_date is not None]

    arrivals = [h for h in s.households if h.status is Status.arrival]
    placed_arrivals = {pl.household for pl in placements if pl.reason == "arrival"}
    unplaced_ids = {u.household for u in unplaced}
    moves = [pl for pl in placements if pl.reason != "arrival"]
    rebalance = [pl for pl in moves if pl.reason == "rebalance"]
    freeing = [pl for pl in rebalance if pl.frees_bed]
    beds = sum(loc.capacity for loc in inst.locations if not loc.closing)
    start_total = sum(loc.residents for loc in inst.locations)
    end_total = sum(end.values())
    registration_free = sum(
        max(0, loc.capacity - end[loc.id])
        for loc in inst.locations
        if not loc.closing and loc.kind.value in ("col", "gvl")
    )
    return Kpis(
        occupancy_total_start=round(
            start_total / max(1, sum(x.capacity for x in inst.locations)), 4
        ),
        occupancy_total_end=round(end_total / max(1, beds), 4),
        beds_total=beds,
        residents_start=start_total,
        residents_end=end_total,
        locations_outside_band=above + below,
        locations_above_band=above,
        locations_below_band=below,
        band_deviation_beds=round(band_dev, 2),
        band_note=band_note(p, inst.locations, end),
        arrivals_households=len(arrivals),
        arrivals_persons=sum(h.size for h in arrivals),
        arrivals_placed_persons=sum(hh[i].size for i in placed_arrivals),
        arrivals_staying_persons=sum(
            h.size for h in arrivals if h.id not in placed_arrivals and h.id not in unplaced_ids
        ),
        beds_short=sum(u.persons for u in unplaced),
        registration_wait_households=len(waits),
        registration_wait_persons=sum(w.persons for w in waits),
        registration_beds_free_end=registration_free,
        moves_households=len(moves),
        moves_persons=sum(hh[pl.household].size for pl in moves),
        moves_school_age_children=sum(hh[pl.household].school_age_children for pl in moves),
        moves_closing_households=sum(pl.reason == "closing" for pl in moves),
        moves_rebalance_households=len(rebalance),
        moves_freeing_beds_households=len(freeing),
        rebalance_saving_eur=round(sum(pl.saving_eur or 0.0 for pl in rebalance), 2),
        links_households=len(links),
        links_persons=sum(lk.persons for lk in links),
        awaiting_link_households=len(awaiting),
        awaiting_link_persons=sum(h.size for h in awaiting),
        unlinked_households=len(left),
        unlinked_persons=sum(h.size for h in left),
        unlinked_with_quota_left_households=len(left_with_room),
        unlinked_with_quota_left_persons=sum(h.size for h in left_with_room),
        longest_wait_unlinked_days=max(waited) if waited else None,
        quota_target_persons=round(target_total, 2),
        quota_pace_shortfall_persons=round(short_total, 2),
        distance_person_km=round(
            sum(pl.distance_km * hh[pl.household].size for pl in placements), 1
        ),
        link_distance_person_km=round(sum(lk.distance_km * lk.persons for lk in links), 1),
        bed_cost_eur_week=round(bed_cost, 2),
        objective_terms_eur={k: round(v, 2) for k, v in costs.items()},
        locations=loc_kpis,
        municipalities=muni,
    )
