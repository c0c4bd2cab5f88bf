"""Family household_integrity: a household is placed once and never split."""

from tests.builders import UTRECHT, WESTERWOLDE, ZWOLLE, dest, hh, loc, scenario, solve


def test_family_is_never_split_over_two_half_free_locations() -> None:
    # 3 free beds in each azc, and the gvl is over its beds (a court order), so the family cannot
    # wait there either: a family of 5 fits nowhere whole -> unplaced (never split 3 + 2).
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 4, 5),
            loc("A", ZWOLLE, "azc", 10, 7),
            loc("B", UTRECHT, "azc", 10, 7),
        ],
        [hh("F", "TA", size=5)],
    )
    plan = solve(s)
    assert dest(plan) == {}
    assert [(u.household, u.persons) for u in plan.unplaced] == [("F", 5)]
    assert plan.kpis.beds_short == 5
    assert plan.unplaced[0].location == "TA"
    assert "full at the end of the week" in plan.unplaced[0].reason
    assert plan.status.value == "optimal"  # a shortage is a result, not an infeasibility


def test_each_arrival_exactly_once() -> None:
    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 6), loc("A", ZWOLLE, "azc", 10, 2)],
        [hh(f"H{i}", "TA") for i in range(6)],
    )
    plan = solve(s)
    placed = [p.household for p in plan.placements]
    assert len(placed) == len(set(placed))
    assert len(placed) + len(plan.unplaced) + plan.kpis.arrivals_staying_persons == 6
