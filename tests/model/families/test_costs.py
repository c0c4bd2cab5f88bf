"""Soft cost families: bed_cost, transport, moves, school_moves, kansrijk_region, link_distance,
unplaced."""

import pytest

from tests.builders import (
    AMSTERDAM,
    GRONINGEN,
    MAASTRICHT,
    UTRECHT,
    WESTERWOLDE,
    ZWOLLE,
    dest,
    hh,
    links,
    loc,
    muni,
    scenario,
    solve,
)


def test_bed_cost_noodopvang_is_the_expensive_last_resort() -> None:
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 10),
            loc("N", ZWOLLE, "noodopvang", 100, 88, cost_per_bed_day=130),
            loc("A", ZWOLLE, "azc", 100, 88, cost_per_bed_day=68),
        ],
        [hh("H1", "TA")],
    )
    plan = solve(s)
    assert dest(plan) == {"H1": "A"}
    assert plan.kpis.objective_terms_eur["bed_cost"] == 68 * 7


def test_transport_prefers_the_nearer_of_two_equal_locations() -> None:
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 10),
            loc("NEAR", GRONINGEN, "azc", 100, 88),
            loc("FAR", MAASTRICHT, "azc", 100, 88),
        ],
        [hh("H1", "TA")],
    )
    assert dest(solve(s)) == {"H1": "NEAR"}


def test_school_children_are_not_moved_for_rebalancing() -> None:
    # OVER is above the band (95%); a single and a family with 2 school children live there.
    # Moving the single pays (band), moving the family does not (2 x EUR 2,500 school moves).
    s = scenario(
        [loc("OVER", ZWOLLE, "azc", 100, 95), loc("UNDER", UTRECHT, "azc", 100, 70)],
        [
            hh("S", "OVER", status="resident"),
            hh("F", "OVER", status="resident", size=4, school_age_children=2),
        ],
    )
    plan = solve(s)
    assert dest(plan) == {"S": "UNDER"}
    assert plan.kpis.moves_school_age_children == 0
    assert plan.kpis.objective_terms_eur["moves"] == 300.0


def test_moves_are_priced_and_arrivals_are_not_moves() -> None:
    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 10), loc("A", ZWOLLE, "azc", 100, 86)],
        [hh("H1", "TA")],
    )
    plan = solve(s)
    assert plan.kpis.moves_households == 0
    assert plan.kpis.objective_terms_eur["moves"] == 0


def test_kansrijk_arrivals_go_where_the_province_has_quota() -> None:
    # Two equal azcs at the same distance class; only Utrecht's province has quota left.
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 10),
            loc("ZW", ZWOLLE, "azc", 100, 88),
            loc("UT", UTRECHT, "azc", 100, 88),
        ],
        [hh("K", "TA", track="kansrijk")],
        [muni(UTRECHT, quota=50), muni(ZWOLLE, quota=0)],
        transport_eur_per_person_km=0.0,
    )
    assert dest(solve(s)) == {"K": "UT"}


def test_link_distance_prefers_the_nearest_municipality() -> None:
    # Both need 2 persons this week (50 left over 26 weeks): the one status holder goes to the
    # nearer municipality, the other keeps a shortfall of 2 (equal pace cost either way).
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("S1", "A", status="status_holder")],
        [muni(ZWOLLE, quota=50), muni(AMSTERDAM, quota=50)],
        weeks_left=26,
    )
    assert links(solve(s)) == {"S1": ZWOLLE}


def test_amv_arrival_without_amv_beds_is_unplaced_with_reason() -> None:
    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 10), loc("A", ZWOLLE, "azc", 100, 50)],
        [hh("M", "TA", amv=True)],
    )
    plan = solve(s)
    [u] = plan.unplaced
    assert (
        u.household == "M"
        and "no location in the scenario suits this household" in u.reason
        and u.location == "TA"
    )
    assert plan.kpis.objective_terms_eur["unplaced"] == 10_000.0


def test_unit_unplaced_and_link_distance_terms() -> None:
    """Only unplaced and link_distance: EUR 10,000 a person without a bed, EUR 1 a person-km."""
    import pyomo.environ as pyo

    from optimizer.model.families.costs import add_link_distance, add_unplaced
    from tests.model.families.units import class_of, family_model, link

    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 5), loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("K", "TA", size=3), hh("S", "A", status="status_holder", size=2)],
        [muni(AMSTERDAM, quota=5)],
    )
    m, inst = family_model(s, add_unplaced, add_link_distance)
    m.v_unplaced[class_of(inst, "K", "arrival")].set_value(1)
    k = link(inst, "S", AMSTERDAM)
    m.v_link[k].set_value(1)
    km = float(inst.dist_loc_gm[inst.loc_index["A"], inst.gm_index[AMSTERDAM]])
    assert pyo.value(m.cost_unplaced) == 3 * 10_000.0
    assert pyo.value(m.cost_link_distance) == pytest.approx(2 * 1.0 * km)
