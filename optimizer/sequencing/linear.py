"""Small helpers to build CP-SAT linear expressions from (variable, coefficient) terms."""

from __future__ import annotations

from collections.abc import Iterable

from ortools.sat.python import cp_model

Term = tuple[cp_model.IntVar, int]


def expr(terms: Iterable[Term], constant: int = 0) -> cp_model.LinearExpr:
    """sum_i c_i * v_i + constant."""
    ts = list(terms)
    if not ts:
        return cp_model.LinearExpr.constant(constant)
    e = cp_model.LinearExpr.weighted_sum([v for v, _ in ts], [c for _, c in ts])
    return e + constant if constant else e
