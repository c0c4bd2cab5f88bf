"""Families moves and school_moves: moves a planner accepts. School children are not moved to
tidy up a band unless the policy says so; every rebalancing move states what it saves."""

from optimizer.explain.decision import explain_household
from tests.builders import UTRECHT, ZWOLLE, dest, hh, loc, scenario, solve


def _over_band(**policy: object):  # type: ignore[no-untyped-def]
    # OVER at 99% with a family with school children and a single; UNDER at 60%.
    return scenario(
        [loc("OVER", ZWOLLE, "azc", 100, 99), loc("UNDER", UTRECHT, "azc", 100, 60)],
        [
            hh("FAM", "OVER", status="resident", size=4, school_age_children=2),
            hh("ONE", "OVER", status="resident"),
        ],
        **policy,
    )


def test_school_children_are_not_moved_to_rebalance_by_default() -> None:
    plan = solve(_over_band(move_eur_per_school_child=0.0))  # even when moving them were free
    assert "FAM" not in dest(plan)
    assert plan.kpis.moves_school_age_children == 0


def test_policy_may_allow_rebalancing_school_children() -> None:
    plan = solve(_over_band(move_eur_per_school_child=0.0, rebalance_school_children=True))
    assert dest(plan).get("FAM") == "UNDER"


def test_closures_still_move_school_children() -> None:
    s = scenario(
        [loc("N", ZWOLLE, "noodopvang", 10, 4, closing=True), loc("A", UTRECHT, "azc", 100, 60)],
        [hh("FAM", "N", status="resident", size=4, school_age_children=2)],
    )
    plan = solve(s)
    assert dest(plan) == {"FAM": "A"}
    assert plan.kpis.moves_closing_households == 1 and plan.kpis.moves_rebalance_households == 0


def test_rebalancing_move_states_its_saving_and_the_stay_put_option() -> None:
    s = _over_band()
    plan = solve(s)
    [move] = [p for p in plan.placements if p.reason == "rebalance"]
    assert move.household == "ONE" and move.saving_eur is not None and move.saving_eur > 0
    assert plan.kpis.moves_rebalance_households == 1
    assert plan.kpis.rebalance_saving_eur == move.saving_eur
    ex = explain_household(s, plan, "ONE")
    stay = next(a for a in ex.alternatives if a.where == "OVER")
    assert stay.name == "stay at AZC OVER"
    assert stay.extra_eur == move.saving_eur  # the same arithmetic as the plan's saving
    assert stay.breaks is not None and stay.breaks.startswith("occupancy_band: AZC OVER would end")
    assert "above 91%" in stay.breaks


def test_closing_resident_explained_with_stay_ruled_out() -> None:
    s = scenario(
        [loc("N", ZWOLLE, "noodopvang", 10, 1, closing=True), loc("A", UTRECHT, "azc", 100, 60)],
        [hh("R", "N", status="resident")],
    )
    plan = solve(s)
    ex = explain_household(s, plan, "R")
    stay = ex.alternatives[0]
    assert stay.name == "stay at NOODOPVANG N"
    assert stay.breaks == "closing: NOODOPVANG N must end the week empty"
