"""Hard family *departure_limit*: at most ``departure_limit[l]`` households leave l a day.

    sum_{g out of l} x[g][t] <= departure_limit[l]      for every l, t

Skipped where all households leaving l fit within one day's limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.data import SeqData
    from optimizer.sequencing.model import SeqModel, Slack

FAMILY = "departure_limit"


def add_departure_limit(m: SeqModel) -> None:
    if not m.active(FAMILY):
        return
    d = m.data
    for loc, gs in sorted(d.g_out.items()):
        total = sum(d.groups[g].n for g in gs)
        if total <= d.departure_limit[loc]:
            continue
        for t in d.horizon:
            terms = [(m.x[g][t], 1) for g in gs]
            if m.relaxed(FAMILY):
                terms.append((m.slack(FAMILY, total, (loc,), t, "households"), -1))
            m.enforce(m.cp.add(expr(terms) <= d.departure_limit[loc]), FAMILY)


def explain(data: SeqData, hits: list[tuple[Slack, int]]) -> str:
    locs = sorted({s.where[0] for s, _ in hits})
    parts = [
        f"{data.loc_ids[i]} (limit {data.departure_limit[i]} a day, "
        f"{sum(v for s, v in hits if s.where[0] == i)} household(s) over)"
        for i in locs
    ]
    return "daily departure limit too low for the moves planned out of " + ", ".join(parts)
