"""The fast linear expressions and their evaluation (``optimizer/model/linear.py``)."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from optimizer.model.build import COST_FAMILIES, cost_breakdown, create_model
from optimizer.model.instance import build_instance
from optimizer.model.linear import lin, total, value_of
from optimizer.model.solve import SolveOptions, solve_model
from optimizer.scenario_gen import ScenarioSpec, generate_scenario


def test_value_of_equals_pyomo_on_the_shapes_the_model_builds() -> None:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(3), initialize={0: 1.0, 1: 2.0, 2: 4.0})
    m.e = pyo.Expression(expr=lin([(2.0, m.x[0]), (-0.5, m.x[1]), (0.0, m.x[2])], constant=3.0))
    m.f = pyo.Expression(expr=total([m.e, lin([(1.5, m.x[2])])]))
    m.g = pyo.Expression(expr=total([m.f, 7 * m.x[1], m.x[0]]))  # plain Pyomo sums and products
    m.h = pyo.Expression(expr=m.x[0] * m.x[2] + 1)  # not linear: goes to pyo.value
    for e in (m.e, m.f, m.g, m.h, m.x[1], 2.5):
        assert value_of(e) == pytest.approx(pyo.value(e), abs=1e-12)
    m.x[2].set_value(None)
    assert value_of(lin([(3.0, m.x[2])])) == 0.0  # a variable without a value counts as 0


def test_cost_breakdown_is_pyomo_value_per_family_on_a_solved_week() -> None:
    s = generate_scenario(ScenarioSpec(seed=3, scale=0.03))
    inst = build_instance(s)
    m = create_model(inst)
    solve_model(m, inst, SolveOptions(time_limit_s=30))
    costs = cost_breakdown(m)
    assert set(costs) == set(COST_FAMILIES)
    for name in COST_FAMILIES:
        assert costs[name] == pytest.approx(pyo.value(getattr(m, f"cost_{name}")), abs=1e-6)
    assert sum(costs.values()) == pytest.approx(pyo.value(m.objective), abs=1e-6)
