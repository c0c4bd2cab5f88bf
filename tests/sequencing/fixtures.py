"""Build small scenarios and plans directly (tests, benchmarks, notebooks).

A sequence only reads a plan's placements and unplaced arrivals, so :func:`plan_of` fills the other
plan fields (KPIs, model size) with zeros.
"""

from __future__ import annotations

from collections.abc import Iterable

from optimizer.documents.plan import Kpis, ModelSize, Placement, Plan, PlanStatus, Unplaced
from optimizer.documents.scenario import HalfYear, Household, Location, Scenario

# Real municipalities for hand-checked instances:
# Westerwolde (Ter Apel), Zwolle, Utrecht, Amsterdam.
GM = {"westerwolde": "GM1950", "zwolle": "GM0193", "utrecht": "GM0344", "amsterdam": "GM0363"}


def location(
    id: str,
    capacity: int,
    residents: int,
    gm_code: str = "GM0344",
    kind: str = "azc",
    closing: bool = False,
) -> Location:
    return Location(
        id=id,
        name=f"azc {id}",
        gm_code=gm_code,
        kind=kind,
        capacity=capacity,
        residents=residents,
        closing=closing,
        cost_per_bed_day=68.0,
    )


def scenario_of(
    locations: list[Location],
    households: Iterable[tuple[str, int, int, str, str]],
    week: str = "2026-W48",
) -> Scenario:
    """``households``: (id, size, school_age_children, status, location)."""
    return Scenario(
        week=week,
        half_year=HalfYear(id="2026-H2", weeks_left=5),
        locations=locations,
        municipalities=[],
        households=[
            Household(id=h, size=n, school_age_children=k, status=st, location=loc)
            for h, n, k, st, loc in households
        ],
    )


def plan_of(
    s: Scenario,
    moves: Iterable[tuple[str, str]],
    unplaced: Iterable[str] = (),
    reason: str = "rebalance",
) -> Plan:
    """A plan moving household ``h`` to ``dest`` for every (h, dest) in ``moves``."""
    hh = {h.id: h for h in s.households}
    placements = [
        Placement(
            household=h,
            location=dest,
            from_location=hh[h].location,
            reason="arrival" if hh[h].status == "arrival" else reason,
            distance_km=0.0,
        )
        for h, dest in moves
    ]
    zeros = dict.fromkeys(
        [
            "occupancy_total_start",
            "occupancy_total_end",
            "band_deviation_beds",
            "quota_target_persons",
            "quota_pace_shortfall_persons",
            "distance_person_km",
            "link_distance_person_km",
            "bed_cost_eur_week",
        ],
        0.0,
    )
    counts = dict.fromkeys(
        [
            "beds_total",
            "residents_start",
            "residents_end",
            "locations_outside_band",
            "arrivals_households",
            "arrivals_persons",
            "arrivals_placed_persons",
            "arrivals_staying_persons",
            "beds_short",
            "moves_households",
            "moves_persons",
            "moves_school_age_children",
            "links_households",
            "links_persons",
        ],
        0,
    )
    return Plan(
        week=s.week,
        scenario_hash="fixture",
        status=PlanStatus.optimal,
        objective=0.0,
        bound=0.0,
        gap=0.0,
        solve_seconds=0.0,
        solver="fixture",
        placements=placements,
        links=[],
        unplaced=[Unplaced(household=h, persons=hh[h].size, reason="no bed") for h in unplaced],
        diagnosis=[],
        kpis=Kpis(**zeros, **counts, objective_terms_eur={}, locations=[], municipalities=[]),
        model=ModelSize(
            classes=0,
            variables=0,
            integer_variables=0,
            constraints=0,
            build_seconds=0.0,
            households=len(s.households),
        ),
    )
