"""Key figures of a plan, recomputed from the decisions themselves (not from solver variables), so
the same function measures the model's plan and the greedy baseline's."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from optimizer.documents.plan import Kpis, Link, LocationKpi, MunicipalityKpi, Placement, Unplaced
from optimizer.documents.scenario import Status
from optimizer.model.families.occupancy_band import band_high, band_low

if TYPE_CHECKING:
    from optimizer.model.instance import Instance

DAYS = 7


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


def compute_kpis(
    inst: Instance,
    placements: list[Placement],
    links: list[Link],
    unplaced: list[Unplaced],
    costs: dict[str, float],
) -> Kpis:
    s = inst.scenario
    p = s.policy
    hh = inst.households
    end = end_residents(inst, placements, unplaced)
    intake: dict[str, int] = defaultdict(int)
    outflow: dict[str, int] = defaultdict(int)
    for pl in placements:
        intake[pl.location] += hh[pl.household].size
        outflow[pl.from_location] += hh[pl.household].size
    for u in unplaced:
        outflow[hh[u.household].location] += u.persons

    loc_kpis: list[LocationKpi] = []
    outside = 0
    band_dev = 0.0
    bed_cost = 0.0
    for loc in inst.locations:
        e = end[loc.id]
        bed_cost += e * loc.cost_per_bed_day * DAYS
        dev = 0.0
        if not loc.closing and loc.capacity > 0:
            lo, hi = (
                band_low(p.occupancy_min, loc.capacity),
                band_high(p.occupancy_max, loc.capacity),
            )
            dev = e - hi if e > hi else (e - lo if e < lo else 0.0)
            if abs(dev) > 1e-9:
                outside += 1
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
            )
        )

    arrivals = [h for h in s.households if h.status is Status.arrival]
    placed_arrivals = {pl.household for pl in placements if pl.reason == "arrival"}
    unplaced_ids = {u.household for u in unplaced}
    moves = [pl for pl in placements if pl.reason != "arrival"]
    beds = sum(loc.capacity for loc in inst.locations if not loc.closing)
    start_total = sum(loc.residents for loc in inst.locations)
    end_total = sum(end.values())
    return Kpis(
        occupancy_total_start=round(
            start_total / max(1, sum(x.capacity for x in inst.locations)), 4
        ),
        occupancy_total_end=round(end_total / max(1, beds), 4),
        beds_total=beds,
        residents_start=start_total,
        residents_end=end_total,
        locations_outside_band=outside,
        band_deviation_beds=round(band_dev, 2),
        arrivals_households=len(arrivals),
        arrivals_persons=sum(h.size for h in arrivals),
        arrivals_placed_persons=sum(hh[i].size for i in placed_arrivals),
        arrivals_staying_persons=sum(
            h.size for h in arrivals if h.id not in placed_arrivals and h.id not in unplaced_ids
        ),
        beds_short=sum(u.persons for u in unplaced),
        moves_households=len(moves),
        moves_persons=sum(hh[pl.household].size for pl in moves),
        moves_school_age_children=sum(hh[pl.household].school_age_children for pl in moves),
        links_households=len(links),
        links_persons=sum(lk.persons for lk in links),
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
