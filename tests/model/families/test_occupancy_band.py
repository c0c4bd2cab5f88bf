"""Family occupancy_band: fill idle beds below the band first, avoid eating the reserve."""

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
