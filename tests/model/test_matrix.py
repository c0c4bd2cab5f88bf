"""The weekly model's matrices read off its expressions (optimizer.model.matrix) are exactly what
Pyomo's standard-form compiler gives, and anything the direct reading does not know goes to
that compiler."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pyomo.core as pyo
import pytest
from hypothesis import HealthCheck, given, settings
from pyomo.common.errors import InvalidConstraintError

from optimizer.documents.scenario import Scenario
from optimizer.model.build import create_model
from optimizer.model.instance import build_instance
from optimizer.model.matrix import StandardForm, pyomo_standard_form, standard_form
from optimizer.scenario_gen import ScenarioSpec, generate_scenario
from tests.model.strategies import scenarios

FIELDS = ("cost", "start", "index", "value", "row_lower", "row_upper")


def _same(a: StandardForm, b: StandardForm) -> None:
    assert len(a.columns) == len(b.columns)
    assert all(x is y for x, y in zip(a.columns, b.columns, strict=True))
    for f in FIELDS:
        x, y = getattr(a, f), getattr(b, f)
        assert x.dtype == y.dtype and np.array_equal(x, y), f
    assert a.offset == b.offset


def test_the_national_week_reads_as_pyomo_compiles_it() -> None:
    m = create_model(build_instance(generate_scenario(ScenarioSpec(seed=1, scale=1.0))))
    fast = standard_form(m)
    assert fast.fast and fast.n_rows > 2000 and len(fast.columns) > 40_000
    _same(fast, pyomo_standard_form(m))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_random_weeks_read_as_pyomo_compiles_them(s: Scenario) -> None:
    m = create_model(build_instance(s))
    fast = standard_form(m)
    assert fast.fast
    _same(fast, pyomo_standard_form(m))


def _small() -> pyo.ConcreteModel:
    """Every node kind the reading knows: scalar and indexed variables, a named expression used
    twice, a negation, an equality, a range, an inactive and a constant row, a maximised
    objective, and a column whose terms cancel."""
    m = pyo.ConcreteModel()
    m.z = pyo.Var(bounds=(0, 4))
    m.x = pyo.Var(range(4), bounds=(0, 3), domain=pyo.Integers)
    m.unused = pyo.Var()
    m.e = pyo.Expression(expr=2 * m.x[0] + m.x[1] + 5)
    m.range = pyo.Constraint(expr=pyo.inequality(1, m.e - m.x[2], 9))
    m.eq = pyo.Constraint(expr=-(m.x[3] + m.z) == -2)
    m.cancel = pyo.Constraint(expr=m.x[1] - m.x[1] + m.z <= 3)
    m.twice = pyo.Constraint(expr=m.e + m.e >= 4 + m.z)
    m.off = pyo.Constraint(expr=m.x[0] <= 1)
    m.off.deactivate()
    m.const = pyo.Constraint(expr=m.x[0] - m.x[0] + 1 <= 2)
    m.o = pyo.Objective(expr=m.z + 3 * m.x[2] - m.e, sense=pyo.maximize)
    return m


def test_every_node_kind_reads_as_pyomo_compiles_it() -> None:
    m = _small()
    fast = standard_form(m)
    assert fast.fast
    _same(fast, pyomo_standard_form(m))
    # z is met first (objective), then x; ``unused`` appears nowhere and is no column
    assert [v.name for v in fast.columns] == ["z", "x[0]", "x[1]", "x[2]", "x[3]"]
    assert fast.n_rows == 4  # the inactive and the constant row are dropped, the range is one


def test_a_fixed_variable_goes_to_pyomos_compiler() -> None:
    m = _small()
    m.x[3].fix(1)
    form = standard_form(m)
    assert not form.fast
    _same(form, pyomo_standard_form(m))
    assert "x[3]" not in [v.name for v in form.columns]


def test_a_nonlinear_row_gets_pyomos_own_error() -> None:
    m = _small()
    m.bad = pyo.Constraint(expr=m.x[0] * m.x[1] <= 2)
    with pytest.raises(InvalidConstraintError, match="bad"):
        standard_form(m)


def test_the_allocation_never_imports_scipy() -> None:
    """scipy.sparse (0.16 s in a cold process) is only needed by Pyomo's compiler."""
    code = (
        "import sys\n"
        "from optimizer.allocation import SolveOptions, allocate\n"
        "from optimizer.scenario_gen import ScenarioSpec, generate_scenario\n"
        "plan = allocate(generate_scenario(ScenarioSpec(seed=2, scale=0.05)), SolveOptions())\n"
        "print(plan.status, sorted(k for k in sys.modules if k.startswith('scipy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, mods = out.stdout.split(" ", 1)
    assert status in ("optimal", "feasible") and mods.strip() == "[]"
