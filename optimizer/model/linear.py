"""Fast construction of linear expressions for large sparse index sets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyomo.core as pyo
from pyomo.core.base.expression import ExpressionData
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression, SumExpression


def lin(terms: Iterable[tuple[float, pyo.Var]], constant: float = 0.0) -> LinearExpression:
    """sum(coef * var) + constant, built directly as one LinearExpression node."""
    args: list[object] = [float(constant)]
    args.extend(MonomialTermExpression((float(c), v)) for c, v in terms if c != 0)
    return LinearExpression(args)


def total(parts: Sequence[object]) -> object:
    """Sum of already-built expressions (few terms)."""
    return pyo.quicksum(parts) if parts else 0.0


def value_of(e: object) -> float:
    """``pyo.value(e)`` for the expressions this model builds (named expressions, sums and
    linear expressions of variables), without Pyomo's generic tree walk, which costs about a
    second per national week for the per-family costs; anything else goes to ``pyo.value``.
    Variables without a value count as 0."""
    if isinstance(e, (int, float)):
        return float(e)
    if isinstance(e, VarData):
        return float(e.value or 0.0)
    if isinstance(e, ExpressionData):
        return value_of(e.expr)
    if isinstance(e, MonomialTermExpression):
        c, v = e.args
        return value_of(c) * value_of(v)
    if isinstance(e, (LinearExpression, SumExpression)):  # LinearExpression is a SumExpression
        total = 0.0
        for a in e.args:
            if a.__class__ is MonomialTermExpression:  # the bulk, without a call per term
                c, v = a.args
                if c.__class__ in (float, int) and isinstance(v, VarData):
                    total += c * (v.value or 0.0)
                    continue
            total += value_of(a)
        return float(total)
    return float(pyo.value(e, exception=False) or 0.0)
