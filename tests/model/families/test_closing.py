"""Family closing: a closing location ends the week empty, or the plan says who is stuck."""

from tests.builders import UTRECHT, ZWOLLE, dest, hh, loc, scenario, solve


def test_closing_location_is_emptied() -> None:
    s = scenario(
        [loc("N", ZWOLLE, "noodopvang", 10, 3, closing=True), loc("A", UTRECHT, "azc", 20, 15)],
        [hh("R1", "N", status="resident"), hh("R2", "N", status="resident", size=2)],
    )
    plan = solve(s)
    assert dest(plan) == {"R1": "A", "R2": "A"}
    assert {p.reason for p in plan.placements} == {"closing"}
    end = {k.id: k.residents_end for k in plan.kpis.locations}
    assert end["N"] == 0


def test_closing_amv_location_with_nowhere_to_go_is_diagnosed() -> None:
    s = scenario(
        [
            loc("M", ZWOLLE, "amv", 10, 3, closing=True, accepts_amv=True, accepts_families=False),
            loc("A", UTRECHT, "azc", 20, 5),
        ],
        [hh(f"M{i}", "M", status="resident", amv=True) for i in range(3)],
    )
    plan = solve(s)
    assert plan.status.value == "infeasible"
    [v] = plan.diagnosis
    assert (v.family, v.where, v.amount) == ("closing", "M", 3)
