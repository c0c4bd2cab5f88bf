"""Hard family *move_once*: every move of the plan happens exactly once, on one day.

    sum_t x[g][t] = n_g                      for every group g

A household is one unit of ``x`` (never split over days); trips keep it in one bus (see ``trips``).
Relaxed: ``sum_t x[g][t] + u_g = n_g`` with ``u_g`` the households left unmoved in the horizon.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.data import SeqData
    from optimizer.sequencing.model import SeqModel, Slack

FAMILY = "move_once"


def add_move_once(m: SeqModel) -> None:
    if not m.active(FAMILY):
        return
    for gi, g in enumerate(m.data.groups):
        terms = [(v, 1) for v in m.x[gi]]
        if m.relaxed(FAMILY):
            terms.append((m.slack(FAMILY, g.n, (g.origin, g.dest), None, "households"), 1))
        m.enforce(m.cp.add(expr(terms) == g.n), FAMILY)


def explain(data: SeqData, hits: list[tuple[Slack, int]]) -> str:
    parts = [
        f"{v} household(s) {data.loc_ids[s.where[0]]} -> {data.loc_ids[s.where[1]]}"
        for s, v in hits
    ]
    return "these moves cannot all happen within the horizon: " + ", ".join(parts[:8])
