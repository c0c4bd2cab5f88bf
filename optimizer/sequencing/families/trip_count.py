"""Soft family *trip_count*: as few bus trips as possible (fill the buses).

    penalty = w_trip * sum_{k,t} y[k][t]

No sequence has fewer than ``sum_k ceil(persons_k / seats)`` trips (``SeqData.bound_trips``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.model import SeqModel

FAMILY = "trip_count"


def add_trip_count(m: SeqModel) -> None:
    w = m.data.opts.weights.trip
    m.penalties[FAMILY] = expr((v, w) for row in m.y for v in row)
