"""Hard family *capacity*: no location is overfilled at the end of any day.

With ``A[l,t]`` the persons arrived and ``D[l,t]`` the persons left by the end of day t (departures
free beds on their own day), the rule chosen is

    A[l,t] <= max(0, capacity[l] - r0[l] + D[l,t])

For a location within capacity at the start (``r0 <= capacity``) this is simply
``occ[l,t] = r0 - D + A <= capacity``. A location already over capacity at the start (a col/gvl
counting its arrivals) is not blamed for it, but receives no one until departures have brought it
back under capacity, and then only up to capacity; in other words
``occ[l,t] <= max(capacity, r0 - D[l,t])``. The max is a disjunction on a boolean ``z[l,t]``:
``z -> A - D <= capacity - r0`` and ``not z -> A <= 0``.
Only days on which something can arrive matter, so locations nobody moves into are skipped.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.data import SeqData
    from optimizer.sequencing.model import SeqModel, Slack

FAMILY = "capacity"


def add_capacity(m: SeqModel) -> None:
    if not m.active(FAMILY):
        return
    d = m.data
    for loc in sorted(d.g_in):
        room = d.capacity[loc] - d.r0[loc]
        inflow = sum(d.groups[g].size * d.groups[g].n for g in d.g_in[loc])
        for t in d.horizon:
            arr = m.cum_terms(loc, t, "in")
            dep = m.cum_terms(loc, t, "out")
            net = arr + [(v, -c) for v, c in dep]
            if m.relaxed(FAMILY):
                s = m.slack(FAMILY, inflow, (loc,), t, "persons")
                net = [*net, (s, -1)]
                arr = [*arr, (s, -1)]
            if room >= 0:
                m.enforce(m.cp.add(expr(net) <= room), FAMILY)
            else:
                z = m.cp.new_bool_var(f"capacity_back_under_{loc}_{t}")
                m.back_under[(loc, t)] = z
                m.enforce(m.cp.add(expr(net) <= room), FAMILY, [z])
                m.enforce(m.cp.add(expr(arr) <= 0), FAMILY, [z.Not()])


def swap_cycles(data: SeqData) -> list[list[int]]:
    """Strongly connected components (size >= 2) of the move graph origin -> destination."""
    succ: dict[int, set[int]] = defaultdict(set)
    for o, dest in data.ods:
        succ[o].add(dest)
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on: set[int] = set()
    out: list[list[int]] = []
    counter = [0]

    def visit(v: int) -> None:  # Tarjan; the move graph is small (locations)
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return out


def explain(data: SeqData, hits: list[tuple[Slack, int]]) -> str:
    locs = sorted({s.where[0] for s, _ in hits})
    worst = max(hits, key=lambda h: h[1])
    msg = (
        f"no day-by-day order keeps {', '.join(data.loc_ids[i] for i in locs)} within its beds: "
        f"at least {worst[1]} person(s) too many at {data.loc_ids[worst[0].where[0]]} "
        f"({data.loc_names[worst[0].where[0]]}) at the end of day {worst[0].day}"
    )
    for comp in swap_cycles(data):
        if set(locs) & set(comp):
            names = " <-> ".join(data.loc_ids[i] for i in comp)
            msg += (
                f"; swap cycle {names}: these locations are full and exchange residents, and no "
                "free bed lets one side move first"
            )
    return msg
