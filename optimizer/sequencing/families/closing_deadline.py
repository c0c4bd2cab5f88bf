"""Hard family *closing_deadline*: a closing location is empty by its closing day ``c_l``.

    occ[l, c_l] <= 0
    sum_{g out of or into l} sum_{t > c_l} size_g * x[g][t] <= 0

(nobody leaves late and nobody arrives after closing, so it stays empty). If the plan leaves
residents at a closing location, this family breaks with the persons left named.
Relaxed: one slack in persons per closing location, on both lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.data import SeqData
    from optimizer.sequencing.model import SeqModel, Slack

FAMILY = "closing_deadline"


def add_closing_deadline(m: SeqModel) -> None:
    if not m.active(FAMILY):
        return
    d = m.data
    for loc, c in enumerate(d.closing_day):
        if c is None:
            continue
        occ = m.cum_terms(loc, c, "in") + [(v, -s) for v, s in m.cum_terms(loc, c, "out")]
        late = [
            (m.x[g][t], d.groups[g].size)
            for g in d.g_out.get(loc, []) + d.g_in.get(loc, [])
            for t in d.horizon
            if t > c
        ]
        if m.relaxed(FAMILY):
            s = m.slack(FAMILY, d.r0[loc] + d.n_moves * 30, (loc,), c, "persons")
            occ = [*occ, (s, -1)]
            late = [*late, (s, -1)]
        m.enforce(m.cp.add(expr(occ, d.r0[loc]) <= 0), FAMILY)
        if late:
            m.enforce(m.cp.add(expr(late) <= 0), FAMILY)


def explain(data: SeqData, hits: list[tuple[Slack, int]]) -> str:
    parts = []
    for s, v in hits:
        i = s.where[0]
        parts.append(
            f"{data.loc_ids[i]} ({data.loc_names[i]}) still holds {v} person(s) at the end of "
            f"its closing day {s.day} ({data.days[s.day or 0].isoformat()})"
        )
    return "closing location(s) not empty in time: " + "; ".join(parts)
