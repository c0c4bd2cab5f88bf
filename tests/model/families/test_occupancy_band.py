"""Family occupancy_band: fill idle beds below the band first, avoid eating the reserve."""

import pytest

from optimizer.model.families.occupancy_band import band_high, band_low
from tests.builders import UTRECHT, WESTERWOLDE, ZWOLLE, dest, hh, loc, scenario, solve


def test_band_limits_in_whole_persons() -> None:
    assert band_low(0.85, 125) == 107  # 106.25 -> at least 107 persons
    assert band_high(0.91, 125) == 113  # 113.75 -> at most 113 persons
    assert band_low(0.85, 100) == 85 and band_high(0.91, 100) == 91


def test_arrival_goes_where_the_band_has_room() -> None:
    # Same cost and nearly the same distance; LOW is at 80% (idle beds), HIGH at 91% (top of band).
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 10),
            loc("HIGH", ZWOLLE, "azc", 100, 91),
            loc("LOW", UTRECHT, "azc", 100, 80),
        ],
        [hh("H1", "TA")],
    )
    assert dest(solve(s)) == {"H1": "LOW"}


def test_band_cost_is_idle_beds_and_reserve() -> None:
    # End state: LOW 81 of 100 (4 idle beds below 85 at 68*7), HIGH 91 (inside).
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 10),
            loc("HIGH", ZWOLLE, "azc", 100, 91),
            loc("LOW", UTRECHT, "azc", 100, 80),
        ],
        [hh("H1", "TA")],
    )
    plan = solve(s)
    # TA ends at 9 of 10 (inside 85-91%? 9 > 9.1 floor 9 -> inside); LOW 81 -> 4 below 85.
    assert plan.kpis.objective_terms_eur["occupancy_band"] == 4 * 68 * 7


def test_band_not_on_registration_centres_and_nobody_moved_into_them() -> None:
    # A pol above the band with dublin residents, a col at 10%: the old band priced the col's idle
    # beds and filled it with residents. Its free beds are the arrivals' buffer now.
    s = scenario(
        [
            loc("COL", WESTERWOLDE, "col", 100, 10),
            loc("POL", ZWOLLE, "pol", 100, 99),
            loc("VBL", UTRECHT, "vbl", 100, 95),
        ],
        [hh(f"D{i}", "POL", status="resident", track="dublin") for i in range(8)],
    )
    plan = solve(s)
    assert not [p for p in plan.placements if p.location == "COL"]
    k = {x.id: x for x in plan.kpis.locations}
    assert not k["COL"].in_band_scope and k["COL"].band_deviation_beds == 0
    assert plan.kpis.locations_outside_band == (
        plan.kpis.locations_above_band + plan.kpis.locations_below_band
    )


def test_closing_locations_are_not_counted_outside_the_band() -> None:
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 5),
            loc("N", ZWOLLE, "noodopvang", 10, 2, closing=True),
            loc("A", UTRECHT, "azc", 100, 86),
        ],
        [hh("R1", "N", status="resident"), hh("R2", "N", status="resident")],
    )
    plan = solve(s)
    assert plan.kpis.locations_outside_band == 0  # N ends empty, A at 88%, TA not a band kind


def test_band_impossible_is_stated_with_the_numbers() -> None:
    # 190 persons in 200 beds of band kinds: 95% > 91%, so at least 8 beds end above the band.
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 0),
            loc("A", ZWOLLE, "azc", 100, 95),
            loc("B", UTRECHT, "azc", 100, 95),
        ],
        [],
    )
    plan = solve(s)
    assert plan.kpis.band_note == (
        "190 persons in 200 beds of band kinds (95.0%): at most 182 fit within 91%, so at least "
        "8 beds must end above the band"
    )
    assert plan.kpis.locations_above_band == 2


def test_band_kinds_is_a_policy() -> None:
    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 100, 10), loc("A", ZWOLLE, "azc", 100, 88)],
        [],
        band_kinds=["gvl", "azc"],
    )
    plan = solve(s)
    assert plan.kpis.locations_below_band == 1  # the gvl, now a band kind


def test_unit_band_rows_only_on_band_kinds() -> None:
    """Only the occupancy_band family: rows for the azc, none for the gvl or a closing location;
    the row's limits are the band in whole persons."""
    import pyomo.environ as pyo

    from optimizer.model.families.occupancy_band import add_occupancy_band
    from tests.model.families.units import family_model

    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 100, 10),
            loc("A", ZWOLLE, "azc", 125, 100),
            loc("N", UTRECHT, "noodopvang", 10, 0, closing=True),
        ],
        [],
    )
    m, inst = family_model(s, add_occupancy_band)
    assert list(m.occupancy_band_under) == [inst.loc_index["A"]]
    i = inst.loc_index["A"]
    assert pyo.value(m.occupancy_band_under[i].lower) == 107
    assert pyo.value(m.occupancy_band_over[i].upper) == 113
    m.v_band_under[i].set_value(7)  # 100 residents: 7 idle beds below 85%
    assert pyo.value(m.cost_occupancy_band) == pytest.approx(7 * 68.0 * 7)
