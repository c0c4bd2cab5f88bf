"""Fast construction of linear expressions for large sparse index sets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression


def lin(terms: Iterable[tuple[float, pyo.Var]], constant: float = 0.0) -> LinearExpression:
    """sum(coef * var) + constant, built directly as one LinearExpression node."""
    args: list[object] = [float(constant)]
    args.extend(MonomialTermExpression((float(c), v)) for c, v in terms if c != 0)
    return LinearExpression(args)


def total(parts: Sequence[object]) -> object:
    """Sum of already-built expressions (few terms)."""
    return pyo.quicksum(parts) if parts else 0.0
