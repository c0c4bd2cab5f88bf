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


def test_unit_arrival_row_counts_placed_staying_and_unplaced() -> None:
    """Only household_integrity: each arrival class is placed, stays or is unplaced, exactly."""
    import pyomo.environ as pyo

    from optimizer.model.families.household_integrity import add_household_integrity
    from tests.model.families.units import arc, class_of, family_model

    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 6), loc("A", ZWOLLE, "azc", 10, 2)],
        [hh(f"H{i}", "TA") for i in range(3)],
    )
    m, inst = family_model(s, add_household_integrity)
    c = class_of(inst, "H0", "arrival")
    row = m.household_integrity_arrival[c]
    assert pyo.value(row.upper) == pyo.value(row.lower) == 3
    m.v_place[arc(inst, "H0", "A")].set_value(1)
    m.v_place[arc(inst, "H0", "TA")].set_value(1)  # waits at its own gvl
    m.v_unplaced[c].set_value(1)
    assert pyo.value(row.body) == 3
