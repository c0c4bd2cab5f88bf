"""The weekly model's objective and constraints as sparse matrices, read straight off its
expressions.

The rule families build every expression from a few node kinds (``linear.lin``: one
``LinearExpression`` of ``coef * var`` terms; sums of those; named expressions such as the
end-of-week residents, shared by several rows). Pyomo's ``LinearStandardFormCompiler`` handles
any expression through its generic visitor, which at national scale (43k columns, 2.6k rows,
218k terms) cost 0.4-0.6 s a solve, plus 0.16 s to import scipy.sparse in a cold process.
:func:`standard_form` walks the node kinds above directly and falls back to Pyomo's compiler
for anything else (a nonlinear term, a fixed variable, a node kind it does not know), so the
result is always Pyomo's own.

It gives exactly what that compiler gives with ``mixed_form=True`` and its default (ordered)
file determinism, and ``tests/model/test_matrix.py`` compares the two: columns are the model's
variable components in the order their first variable is met (objective first, then the rows
in declaration order), each component in index order, without the variables that have no
nonzero; rows are the active constraints in declaration order, without those without bounds,
a ranged or two-sided constraint as one row with both bounds (HiGHS takes ranges), the body's
constant moved into the bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.common.dependencies as pyomo_deps
import pyomo.core as pyo
from pyomo.core.base.expression import ExpressionData, ScalarExpression
from pyomo.core.base.var import ScalarVar, VarData
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
    NegationExpression,
    SumExpression,
)
from pyomo.core.expr.numvalue import NumericConstant

_NUMBER = (int, float)
_VARS = (VarData, ScalarVar)
_NAMED = (ExpressionData, ScalarExpression)


def _skip_scipy_stats() -> None:
    """Pyomo's deferred import of scipy runs a callback that imports scipy.stats, .integrate and
    .spatial (about 0.5-1 s in a cold process); the standard-form compiler only needs
    scipy.sparse, which scipy loads on attribute access. Drop the callback before the first use
    (a no-op once scipy is resolved or if Pyomo renames these internals). Only the fallback
    below uses that compiler; the direct reading needs no scipy at all."""
    flag = getattr(pyomo_deps, "scipy_available", None)
    if flag is not None and getattr(flag, "_module", True) is None and hasattr(flag, "_callback"):
        flag._callback = None
        finder = getattr(pyomo_deps, "DeferredImportCallbackFinder", None)
        callbacks = getattr(finder, "_callbacks", None)
        if isinstance(callbacks, dict):
            callbacks.pop("scipy", None)


_skip_scipy_stats()


@dataclass(frozen=True)
class StandardForm:
    """min cost @ x + offset  s.t.  row_lower <= A x <= row_upper (A in CSC: ``start``,
    ``index``, ``value``), column j is ``columns[j]``."""

    columns: list[VarData]
    cost: np.ndarray
    offset: float
    start: np.ndarray  # int32, len n + 1
    index: np.ndarray  # int32 row of each nonzero, ascending within a column
    value: np.ndarray
    row_lower: np.ndarray  # -inf for none
    row_upper: np.ndarray  # +inf for none
    fast: bool  # read by this module's walk (False: by Pyomo's compiler)

    @property
    def n_rows(self) -> int:
        return len(self.row_lower)


class _Unknown(Exception):
    """A node this module does not read: Pyomo's compiler takes over."""


class _Walk:
    """Every coefficient keyed by ``id(var)``. A term is entered even at a coefficient of zero, so
    each dict's keys are in the order its variables were met (Pyomo registers a variable when it
    meets it, whatever its coefficient, and orders the columns by that); :meth:`row` drops the
    zeros afterwards, as Pyomo does."""

    def __init__(self) -> None:
        self.named: dict[int, tuple[dict[int, float], float]] = {}
        self.met: list[dict[int, float]] = []  # the objective and the rows, before dropping zeros

    def linear(self, e: object) -> tuple[dict[int, float], float]:
        out: dict[int, float] = {}
        const = self._add(e, 1.0, out)
        return out, const

    def row(self, e: object) -> tuple[dict[int, float], float]:
        """A row or the objective: as :meth:`linear`, without the terms that cancelled (Pyomo
        drops those at the top of an expression; a row left without terms is a constant)."""
        out, const = self.linear(e)
        self.met.append(out)
        if 0.0 in out.values():
            out = {k: c for k, c in out.items() if c}
        return out, const

    def _add(self, e: object, mult: float, out: dict[int, float]) -> float:
        """Add ``mult * e`` into ``out`` (id(var) -> coefficient); return its constant."""
        cls = e.__class__
        if cls is LinearExpression or cls is SumExpression:
            const = 0.0
            get = out.get
            for a in e.args:  # type: ignore[attr-defined]
                if a.__class__ is MonomialTermExpression:
                    c, v = a._args_
                    if v.__class__ is VarData and c.__class__ in _NUMBER:
                        k = id(v)
                        out[k] = get(k, 0.0) + (c if mult == 1.0 else mult * c)
                        continue
                const += self._add(a, mult, out)
            return const
        if cls in _NUMBER:
            return mult * e  # type: ignore[operator]
        if isinstance(e, _VARS):
            return self._term(1.0, e, mult, out)
        if cls is MonomialTermExpression:
            c, v = e._args_  # type: ignore[attr-defined]
            if c.__class__ not in _NUMBER or not isinstance(v, _VARS):
                raise _Unknown
            return self._term(c, v, mult, out)
        if isinstance(e, _NAMED):
            got = self.named.get(id(e))
            if got is None:
                got = self.named[id(e)] = self.linear(e.expr)  # type: ignore[attr-defined]
            part, c0 = got
            get = out.get
            if mult == 1.0:
                for k, c in part.items():
                    out[k] = get(k, 0.0) + c
            else:
                for k, c in part.items():
                    out[k] = get(k, 0.0) + mult * c
            return mult * c0
        if cls is NegationExpression:
            return self._add(e.args[0], -mult, out)  # type: ignore[attr-defined]
        if cls is NumericConstant:
            return mult * e.value  # type: ignore[attr-defined]
        raise _Unknown(cls.__name__)

    @staticmethod
    def _term(c: float, v: VarData, mult: float, out: dict[int, float]) -> float:
        k = id(v)
        out[k] = out.get(k, 0.0) + mult * c
        return 0.0


def _bound(b: object) -> float | None:
    if b is None:
        return None
    if b.__class__ in _NUMBER:
        return float(b)  # type: ignore[arg-type]
    return float(pyo.value(b))


def _fast(m: pyo.ConcreteModel) -> StandardForm:
    walk = _Walk()
    objectives = list(m.component_data_objects(pyo.Objective, active=True))
    if len(objectives) != 1:
        raise _Unknown
    obj = objectives[0]
    cost_of, offset = walk.row(obj.expr)
    if obj.sense != pyo.minimize:
        cost_of = {k: -c for k, c in cost_of.items()}
        offset = -offset
    rows: list[dict[int, float]] = []
    lower: list[float] = []
    upper: list[float] = []
    for con in m.component_data_objects(pyo.Constraint, active=True):
        lb, body, ub = con.to_bounded_expression()
        lo, up = _bound(lb), _bound(ub)
        terms, const = walk.row(body)
        if lo is None and up is None:
            continue
        if not terms:
            if (lo is None or lo <= const) and (up is None or up >= const):
                continue
            raise _Unknown  # trivially infeasible: Pyomo's compiler says which
        rows.append(terms)
        lower.append(-np.inf if lo is None else lo - const)
        upper.append(np.inf if up is None else up - const)

    # columns: whole components, in the order their first variable was met; ``pos`` numbers
    # the variables in the model's own order, ``perm`` maps that to the column order
    comps = list(m.component_objects(pyo.Var, descend_into=True))
    pos: dict[int, int] = {}
    every: list[VarData] = []
    comp_at: list[int] = []  # component of each position
    bounds = [0]
    for i, comp in enumerate(comps):
        for v in comp.values():
            if v.fixed:
                raise _Unknown  # Pyomo moves a fixed variable into the bounds
            pos[id(v)] = len(every)
            every.append(v)
        comp_at.extend([i] * (len(every) - bounds[-1]))
        bounds.append(len(every))
    rank: dict[int, None] = {}
    for d in walk.met:
        for k in d:
            p = pos.get(k)
            if p is None:
                raise _Unknown  # a variable of another model
            ci = comp_at[p]
            if ci not in rank:
                rank[ci] = None
                if len(rank) == len(comps):
                    break
        if len(rank) == len(comps):
            break
    order = np.concatenate(
        [np.arange(bounds[ci], bounds[ci + 1]) for ci in rank] or [np.zeros(0, dtype=np.int64)]
    ).astype(np.int64)
    perm = np.full(len(every), -1, dtype=np.int64)  # -1: a component never met
    perm[order] = np.arange(len(order))
    every = [every[j] for j in order.tolist()]

    nnz = sum(len(r) for r in rows)
    r_idx = np.repeat(np.arange(len(rows), dtype=np.int64), [len(r) for r in rows])
    try:
        c_idx = perm[np.fromiter((pos[k] for r in rows for k in r), dtype=np.int64, count=nnz)]
        cols = perm[np.fromiter((pos[k] for k in cost_of), dtype=np.int64, count=len(cost_of))]
    except KeyError:
        raise _Unknown from None  # a variable of another model
    data = np.fromiter((c for r in rows for c in r.values()), dtype=float, count=nnz)
    cost_all = np.zeros(len(every))
    cost_all[cols] = np.fromiter(cost_of.values(), dtype=float, count=len(cost_of))
    # drop the columns without a nonzero, as Pyomo does
    used = np.zeros(len(every), dtype=bool)
    used[c_idx] = True
    used |= cost_all != 0.0
    new = np.cumsum(used) - 1
    c_idx = new[c_idx]
    n = int(used.sum())
    # CSC with rows ascending in each column: rows were appended in order, so a stable sort by
    # column keeps them ascending
    by_col = np.argsort(c_idx, kind="stable")
    start = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(c_idx, minlength=n), out=start[1:])
    return StandardForm(
        columns=[v for v, u in zip(every, used.tolist(), strict=True) if u],
        cost=cost_all[used],
        offset=float(offset),
        start=start,
        index=r_idx[by_col].astype(np.int32),
        value=data[by_col],
        row_lower=np.array(lower, dtype=float),
        row_upper=np.array(upper, dtype=float),
        fast=True,
    )


def pyomo_standard_form(m: pyo.ConcreteModel) -> StandardForm:
    """The same, by Pyomo's ``LinearStandardFormCompiler`` (any linear model)."""
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    repn = LinearStandardFormCompiler().write(m, mixed_form=True)
    A = repn.A.tocsr()
    keep: list[int] = []
    lower: list[float] = []
    upper: list[float] = []
    last = None
    for r, (con, sense) in enumerate(repn.rows):
        rhs = float(repn.rhs[r])
        if con is last:  # the lower half of a ranged constraint
            if sense < 0:
                lower[-1] = rhs
            else:
                upper[-1] = rhs
            continue
        last = con
        keep.append(r)
        lower.append(rhs if sense <= 0 else -np.inf)
        upper.append(rhs if sense >= 0 else np.inf)
    A = A[keep].tocsc()
    A.sort_indices()
    return StandardForm(
        columns=list(repn.columns),
        cost=np.asarray(repn.c.toarray()[0], dtype=float),
        offset=float(repn.c_offset[0]),
        start=A.indptr.astype(np.int32),
        index=A.indices.astype(np.int32),
        value=A.data.astype(float),
        row_lower=np.array(lower, dtype=float),
        row_upper=np.array(upper, dtype=float),
        fast=False,
    )


def standard_form(m: pyo.ConcreteModel) -> StandardForm:
    """The model's matrices: read directly where every node is one this module knows, else by
    Pyomo's compiler (same result, slower)."""
    try:
        return _fast(m)
    except _Unknown:
        return pyomo_standard_form(m)
