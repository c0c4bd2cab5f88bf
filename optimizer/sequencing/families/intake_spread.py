"""Soft family *intake_spread*: a location's intake is spread over the days.

peak[l] >= sum_{g into l} x[g][t]        for every t
penalty  = w_peak * sum_l peak[l]        (households on the busiest intake day)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.model import SeqModel

FAMILY = "intake_spread"


def add_intake_spread(m: SeqModel) -> None:
    d = m.data
    w = d.opts.weights.intake_peak
    peaks = []
    for loc, gs in sorted(d.g_in.items()):
        total = sum(d.groups[g].n for g in gs)
        if total <= 1 or w == 0:
            continue
        peak = m.cp.new_int_var(0, total, f"intake_peak_{loc}")
        for t in d.horizon:
            m.cp.add(expr((m.x[g][t], 1) for g in gs) <= peak)
        peaks.append((peak, w))
        m.peaks[loc] = peak
    m.penalties[FAMILY] = expr(peaks)
