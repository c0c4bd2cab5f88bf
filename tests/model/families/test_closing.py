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


def test_an_impossible_closing_does_not_loosen_the_rest_of_the_plan() -> None:
    # A reference week whose amv locations are all full and one of them closes: 106 minors have
    # nowhere to go (EUR 106 mln of penalty). A relative gap on that objective would leave the
    # soft costs loose; the lexicographic second phase minimises them with the violation fixed.
    from optimizer.allocation import SolveOptions, allocate
    from optimizer.documents.scenario import Scenario
    from optimizer.scenario_gen import ScenarioSpec, generate_scenario

    d = generate_scenario(ScenarioSpec(seed=1, scale=0.1)).model_dump()
    amv = [loc for loc in d["locations"] if loc["kind"] == "amv"]
    for loc_ in amv:
        loc_["capacity"] = loc_["residents"]
    amv[0]["closing"] = True
    s = Scenario.model_validate(d)
    two = allocate(s, SolveOptions(lexicographic=True))
    one = allocate(s, SolveOptions(lexicographic=False))
    assert [(v.family, v.where, v.amount) for v in two.diagnosis] == [
        ("closing", amv[0]["id"], 106)
    ]

    def soft(p: object) -> float:
        terms = p.kpis.objective_terms_eur  # type: ignore[attr-defined]
        return sum(v for k, v in terms.items() if k not in ("closing", "capacity", "quota_cap"))

    # the violation is kept, and the second phase never loosens the rest (on this week the first
    # phase, from the reduced-cost restricted MIP, already finds the soft optimum: equal here)
    assert two.kpis.objective_terms_eur["closing"] == one.kpis.objective_terms_eur["closing"]
    assert soft(two) <= soft(one) + 0.01


def test_unit_closing_row_per_class_must_leave() -> None:
    """Only closing: every closing class's households leave, or are stuck at the hard penalty."""
    import pyomo.environ as pyo

    from optimizer.model.families.closing import add_closing
    from tests.model.families.units import arc, class_of, family_model

    s = scenario(
        [loc("N", ZWOLLE, "noodopvang", 10, 2, closing=True), loc("A", UTRECHT, "azc", 10, 5)],
        [hh("R1", "N", status="resident"), hh("R2", "N", status="resident")],
    )
    m, inst = family_model(s, add_closing)
    c = class_of(inst, "R1", "closing")
    assert list(m.closing) == [c] and pyo.value(m.closing[c].upper) == 2
    m.v_place[arc(inst, "R1", "A", "closing")].set_value(1)
    m.v_closing_stuck[c].set_value(1)
    assert pyo.value(m.closing[c].body) == 2
    assert pyo.value(m.cost_closing) == 1_000_000.0
