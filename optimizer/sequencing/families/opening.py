"""Hard family *opening*: a location opening on day ``o_l`` receives no one earlier.

    sum_{g into l} sum_{t < o_l} size_g * x[g][t] <= 0

Relaxed: slack persons per opening location.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.data import SeqData
    from optimizer.sequencing.model import SeqModel, Slack

FAMILY = "opening"


def add_opening(m: SeqModel) -> None:
    if not m.active(FAMILY):
        return
    d = m.data
    for loc, o in enumerate(d.opening_day):
        if not o or loc not in d.g_in:
            continue
        early = [(m.x[g][t], d.groups[g].size) for g in d.g_in[loc] for t in range(o)]
        if m.relaxed(FAMILY):
            early.append((m.slack(FAMILY, d.n_moves * 30, (loc,), o, "persons"), -1))
        m.enforce(m.cp.add(expr(early) <= 0), FAMILY)


def explain(data: SeqData, hits: list[tuple[Slack, int]]) -> str:
    parts = [
        f"{v} person(s) must reach {data.loc_ids[s.where[0]]} before it opens on day {s.day}"
        for s, v in hits
    ]
    return "opening day too late: " + "; ".join(parts)
