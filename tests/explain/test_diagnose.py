"""Each diagnosis case names the right family, place and amount on a tiny instance."""

import pytest

from optimizer.documents.scenario import Scenario
from optimizer.explain.score import explain_plan
from tests.builders import AMSTERDAM, UTRECHT, WESTERWOLDE, ZWOLLE, hh, loc, muni, scenario, solve


def test_amv_beds_short_in_the_whole_country() -> None:
    # 5 amv arrivals, one amv location with 2 free beds: amv beds short by 3.
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 5),
            loc("M", ZWOLLE, "amv", 10, 8, accepts_amv=True, accepts_families=False),
            loc("A", UTRECHT, "azc", 100, 50),
        ],
        [hh(f"M{i}", "TA", amv=True) for i in range(5)],
    )
    plan = solve(s)
    assert plan.kpis.beds_short == 3
    [line] = explain_plan(s, plan).conflicts
    assert line.startswith("suitability/capacity: amv beds short by 3 in the whole country")
    assert "(0 such beds free" in line


def test_school_beds_short() -> None:
    # A family with school children; the only azc with room has no school nearby, and the gvl
    # is over its beds, so the family cannot wait there.
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 3, 4),
            loc("S", ZWOLLE, "azc", 10, 9),
            loc("N", UTRECHT, "azc", 50, 10, school_nearby=False),
        ],
        [hh("F", "TA", size=4, school_age_children=2)],
    )
    plan = solve(s)
    [line] = explain_plan(s, plan).conflicts
    assert "near a school for families short by 4 in the whole country" in line


def test_closing_location_with_nowhere_to_go() -> None:
    s = scenario(
        [loc("N", ZWOLLE, "noodopvang", 10, 4, closing=True), loc("A", UTRECHT, "azc", 10, 8)],
        [hh(f"R{i}", "N", status="resident") for i in range(4)],
    )
    plan = solve(s)
    assert plan.status.value == "infeasible"
    [v] = plan.diagnosis
    assert (v.family, v.where, v.amount) == ("closing", "N", 2)  # 2 free beds for 4 persons
    assert explain_plan(s, plan).conflicts[0].startswith("closing: ")


def _pinned_over_quota() -> Scenario:
    """A planner pins 3 persons to Amsterdam, which has 1 person of quota left."""
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("S1", "A", status="status_holder", size=3)],
        [muni(AMSTERDAM, quota=10, housed=9)],
    )
    return type(s).model_validate(
        {**s.model_dump(), "pins": [{"household": "S1", "gm_code": AMSTERDAM}]}
    )


def test_quota_over_linking_by_pins() -> None:
    # A planner pins 3 persons to Amsterdam, which has 1 person of quota left.
    s = _pinned_over_quota()
    plan = solve(s)
    assert plan.status.value == "infeasible"
    [v] = plan.diagnosis
    assert (v.family, v.where, v.amount) == ("quota_cap", AMSTERDAM, 2)
    assert [(lk.household, lk.gm_code) for lk in plan.links] == [("S1", AMSTERDAM)]


def test_registry_objective_and_pricing_agree_on_an_infeasible_pinned_week() -> None:
    """One family registry: the solve's objective terms and the independent pricing have the same
    family keys and the same euros, the hard penalty included (it was once left out of the
    objective: 504.06 against 2,000,504.06 in the explanation)."""
    from optimizer.evaluate import plan_costs
    from optimizer.model.families.registry import FAMILIES, PRICED
    from optimizer.model.instance import build_instance

    s = _pinned_over_quota()
    plan = solve(s)
    assert plan.status.value == "infeasible"
    terms = plan.kpis.objective_terms_eur
    assert tuple(terms) == PRICED
    ev = plan_costs(build_instance(s), plan.placements, plan.links, plan.unplaced)
    assert set(ev) <= set(terms)
    for fam in PRICED:
        assert ev.get(fam, 0.0) == pytest.approx(terms[fam], abs=0.01), fam
    assert terms["quota_cap"] == pytest.approx(2 * 1_000_000.0)
    ex = explain_plan(s, plan)
    assert ex.total_eur == pytest.approx(plan.objective, abs=0.01)
    assert plan.objective == pytest.approx(sum(terms.values()), abs=0.01)
    assert [f.family for f in ex.families] == [f.name for f in FAMILIES]
    elastic = {f.family for f in ex.families if f.kind == "elastic"}
    assert elastic == {"capacity", "closing", "quota_cap"}
