"""Score analysis: per-family costs add up to the objective; conflicts are named."""

import pytest

from optimizer.allocation import allocate
from optimizer.explain.score import explain_plan
from optimizer.model.families.registry import FAMILIES
from optimizer.scenario_gen import ScenarioSpec, generate_scenario


@pytest.mark.parametrize("seed", [1, 7])
def test_family_costs_sum_to_the_objective(seed: int) -> None:
    s = generate_scenario(ScenarioSpec(seed=seed, scale=0.1))
    plan = allocate(s)
    ex = explain_plan(s, plan)
    assert [f.family for f in ex.families] == [f.name for f in FAMILIES]
    assert ex.total_eur == pytest.approx(plan.objective, abs=0.05)
    for f in ex.families:
        assert f.eur == pytest.approx(plan.kpis.objective_terms_eur.get(f.family, 0.0), abs=0.05)
        assert len(f.top) <= 10
        assert all(abs(a.eur) >= abs(b.eur) for a, b in zip(f.top, f.top[1:], strict=False))
