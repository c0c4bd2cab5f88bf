"""Hard family *trips*: buses carry households from one origin to one destination on one day.

    sum_{g in k} size_g * x[g][t] <= seats * y[k][t]          persons fit the buses of pair k
    sum_{g in k, size_g >= s} x[g][t] <= (seats // s) * y[k][t]   for large sizes s (> seats/7)
    sum_k y[k][t] <= buses_per_day                              for every day t

A household travels together: the second line counts how many large households one bus can take
(a bus holds at most ``seats // s`` households of ``s`` or more persons), so large households are
not split over buses; households are packed into the buses afterwards (first-fit decreasing).
Relaxed: slack buses per day above ``buses_per_day``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.data import SeqData
    from optimizer.sequencing.model import SeqModel, Slack

FAMILY = "trips"


def add_trips(m: SeqModel) -> None:
    if not m.active(FAMILY):
        return
    d = m.data
    seats = d.opts.seats
    for k, gs in enumerate(d.od_groups):
        sizes = sorted({d.groups[g].size for g in gs if d.groups[g].size * 7 > seats})
        for t in d.horizon:
            persons = [(m.x[g][t], d.groups[g].size) for g in gs]
            m.enforce(m.cp.add(expr(persons) <= seats * m.y[k][t]), FAMILY)
            for s in sizes:
                big = [(m.x[g][t], 1) for g in gs if d.groups[g].size >= s]
                m.enforce(m.cp.add(expr(big) <= (seats // s) * m.y[k][t]), FAMILY)
    if not d.ods:
        return
    for t in d.horizon:
        terms = [(m.y[k][t], 1) for k in range(len(d.ods))]
        if m.relaxed(FAMILY):
            terms.append((m.slack(FAMILY, d.n_moves, (), t, "buses"), -1))
        m.enforce(m.cp.add(expr(terms) <= d.opts.buses_per_day), FAMILY)


def explain(data: SeqData, hits: list[tuple[Slack, int]]) -> str:
    days = sorted({s.day for s, _ in hits if s.day is not None})
    over = sum(v for _, v in hits)
    if not hits:
        big = [g for g in data.groups if g.size > data.opts.seats]
        if big:
            return f"{len(big)} household(s) larger than a bus of {data.opts.seats} seats"
    return (
        f"{data.opts.buses_per_day} buses a day are not enough: {over} more bus trip(s) needed "
        f"on day(s) {', '.join(map(str, days))}"
    )
