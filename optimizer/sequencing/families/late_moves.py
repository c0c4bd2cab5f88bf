"""Soft family *late_moves*: moves done early rather than late.

penalty = w_late * sum_{g,t} t * x[g][t]        (household-days of delay)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.model import SeqModel

FAMILY = "late_moves"


def add_late_moves(m: SeqModel) -> None:
    w = m.data.opts.weights.late
    m.penalties[FAMILY] = expr((row[t], w * t) for row in m.x for t in range(1, len(row)))
