"""Independent pricing of plans: it agrees with the model on the model's plan, and the model beats
the greedy baseline on the same scenario."""

import pytest

from optimizer.allocation import allocate
from optimizer.baseline import greedy_plan
from optimizer.evaluate import plan_costs
from optimizer.model.instance import build_instance
from optimizer.scenario_gen import ScenarioSpec, generate_scenario


@pytest.fixture(scope="module")
def week():  # type: ignore[no-untyped-def]
    s = generate_scenario(ScenarioSpec(seed=4, scale=0.1))
    return s, build_instance(s), allocate(s)


def test_family_costs_add_up_to_the_objective(week) -> None:  # type: ignore[no-untyped-def]
    s, inst, plan = week
    ev = plan_costs(inst, plan.placements, plan.links, plan.unplaced)
    assert sum(ev.values()) == pytest.approx(plan.objective, abs=0.05)
    for fam, eur in plan.kpis.objective_terms_eur.items():
        assert ev.get(fam, 0.0) == pytest.approx(eur, abs=0.05), fam


def test_model_is_never_worse_than_the_greedy_baseline(week) -> None:  # type: ignore[no-untyped-def]
    s, inst, plan = week
    base = plan_costs(inst, *greedy_plan(inst))
    assert plan.objective <= sum(base.values()) + 1e-6


def test_greedy_respects_capacity_and_quota(week) -> None:  # type: ignore[no-untyped-def]
    s, inst, plan = week
    placements, links, unplaced = greedy_plan(inst)
    from optimizer.kpis import end_residents

    end = end_residents(inst, placements, unplaced)
    for loc in s.locations:
        if not loc.closing:
            assert end[loc.id] <= max(loc.capacity, loc.residents)
    per: dict[str, int] = {}
    for lk in links:
        per[lk.gm_code] = per.get(lk.gm_code, 0) + lk.persons
    for m in s.municipalities:
        assert per.get(m.gm_code, 0) <= m.remaining
