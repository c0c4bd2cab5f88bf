"""Hard family *intake_limit*: a location receives at most ``intake_limit[l]`` households a day.

    sum_{g into l} x[g][t] <= intake_limit[l]          for every l, t

Skipped where all households moving into l fit within one day's limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.data import SeqData
    from optimizer.sequencing.model import SeqModel, Slack

FAMILY = "intake_limit"


def add_intake_limit(m: SeqModel) -> None:
    if not m.active(FAMILY):
        return
    d = m.data
    for loc, gs in sorted(d.g_in.items()):
        total = sum(d.groups[g].n for g in gs)
        if total <= d.intake_limit[loc]:
            continue
        for t in d.horizon:
            terms = [(m.x[g][t], 1) for g in gs]
            if m.relaxed(FAMILY):
                terms.append((m.slack(FAMILY, total, (loc,), t, "households"), -1))
            m.enforce(m.cp.add(expr(terms) <= d.intake_limit[loc]), FAMILY)


def explain(data: SeqData, hits: list[tuple[Slack, int]]) -> str:
    locs = sorted({s.where[0] for s, _ in hits})
    parts = [
        f"{data.loc_ids[i]} (limit {data.intake_limit[i]} a day, "
        f"{sum(v for s, v in hits if s.where[0] == i)} household(s) over)"
        for i in locs
    ]
    return "daily intake limit too low for the moves planned into " + ", ".join(parts)
