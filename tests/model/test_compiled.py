"""The compiled transport to HiGHS: rows, bounds, integrality and the changes between solves."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest

from optimizer.model.compiled import CompiledModel


def _model() -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 10))
    m.y = pyo.Var(domain=pyo.NonNegativeReals)
    m.z = pyo.Var(domain=pyo.NonNegativeReals, bounds=(0, 4))
    m.ranged = pyo.Constraint(expr=pyo.inequality(1.5, m.x + m.y, 7.5))
    m.eq = pyo.Constraint(expr=m.y + m.z == 3.2)
    m.ge = pyo.Constraint(expr=m.x - m.z >= -1)
    m.obj = pyo.Objective(expr=-3 * m.x + m.y + 2 * m.z + 5)
    return m


def test_solves_like_the_model_says_with_one_row_per_constraint() -> None:
    m = _model()
    cm = CompiledModel(m, threads=1, seed=1)
    assert cm.h.getNumRow() == 3 and cm.n == 3  # the ranged constraint is one row, not two
    res = cm.run(10, rel_gap=0)
    assert res.status == "optimal"
    cm.load()
    # objective = -3x - y + 11.4 on y + z = 3.2; x integer and x + y <= 7.5: x = 7, y = 0.5
    assert (pyo.value(m.x), pyo.value(m.y), pyo.value(m.z)) == pytest.approx((7, 0.5, 2.7))
    assert res.objective == pytest.approx(pyo.value(m.obj)) == pytest.approx(-10.1)


def test_relaxation_bound_restriction_and_start() -> None:
    m = _model()
    cm = CompiledModel(m, threads=1, seed=1)
    lp = cm.run(10, relax=True)
    assert lp.status == "optimal" and lp.bound == pytest.approx(lp.objective) == pytest.approx(
        -11.1
    )
    assert cm.values()[cm.cols([m.x])[0]] == pytest.approx(7.5)  # fractional: the relaxation
    rc = cm.reduced_costs()
    assert rc.shape == (3,)
    col = cm.cols([m.x])
    cm.set_upper(col, np.array([2.0]))
    assert cm.run(10, rel_gap=0).objective == pytest.approx(-6 - 3.2 + 11.4)  # y = 3.2, z = 0
    cm.load()
    assert pyo.value(m.x) == pytest.approx(2)
    assert m.x.ub == 10  # the Pyomo model is left as built
    cm.restore_upper(col)
    start = np.zeros(cm.n)
    start[cm.cols([m.x, m.y, m.z])] = [7.0, 0.5, 2.7]
    cm.set_start(start)
    again = cm.run(10, rel_gap=0)
    cm.load()
    assert again.status == "optimal" and pyo.value(m.x) == pytest.approx(7)
    assert cm.cols([pyo.Var()]).tolist() == [-1]  # a variable that is not in the model


def test_compiling_does_not_import_scipy_stats() -> None:
    """Pyomo's scipy callback (scipy.stats & co., 0.5-1 s cold) is skipped; sparse is enough."""
    import subprocess
    import sys

    code = (
        "import sys, pyomo.environ as pyo\n"
        "from optimizer.model.compiled import CompiledModel\n"
        "m = pyo.ConcreteModel(); m.x = pyo.Var(bounds=(0, 2), domain=pyo.Integers)\n"
        "m.c = pyo.Constraint(expr=m.x <= 1.5); m.o = pyo.Objective(expr=-m.x)\n"
        "cm = CompiledModel(m, 1, 1); r = cm.run(5.0)\n"
        "print(r.status, r.objective, 'scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["optimal", "-1.0", "False"]


def test_fix_and_unfix_restore_the_model_bounds() -> None:
    m = _model()
    cm = CompiledModel(m, threads=1, seed=1)
    col = cm.cols([m.x])
    cm.fix(col, np.array([3.0]))
    assert cm.run(10, relax=True).objective == pytest.approx(-9 - 3.2 + 11.4)  # x = 3, y = 3.2
    cm.unfix(col)
    lp = cm.h.getLp()
    assert list(lp.col_lower_) == list(cm.lower) and list(lp.col_upper_) == list(cm.upper)
    assert cm.run(10, relax=True).objective == pytest.approx(-11.1)


def test_a_node_limit_holds_for_its_run_only() -> None:
    cm = CompiledModel(_model(), threads=1, seed=1)
    assert cm.run(10, max_nodes=5).has_solution
    assert cm.h.getOptionValue("mip_max_nodes")[1] == 5
    assert cm.run(10).status == "optimal"
    assert cm.h.getOptionValue("mip_max_nodes")[1] == 2**31 - 1  # HiGHS's default again
