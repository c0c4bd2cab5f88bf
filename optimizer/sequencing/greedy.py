"""A greedy day-by-day sequence: the starting point (``solution_hint``) handed to CP-SAT.

Day by day, origin-destination pairs are taken in priority order (closing deadline first, then the
most persons) and moved whole when they fit, otherwise in full buses; a partial bus only goes when
a deadline or the last day forces it. A pair fits if the destination has room at the end of the day
(``A <= max(0, capacity - r0 + D)``, see ``families.capacity``), within the intake, departure and
bus limits. Passes repeat within a day while something moves, since departures free beds the same
day. It may leave moves unscheduled; CP-SAT then completes or repairs it.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.sequencing.data import SeqData


@dataclass
class GreedySequence:
    x: list[list[int]]  # households of group g moving on day t
    y: list[list[int]]  # buses of pair k on day t
    complete: bool


def buses_needed(data: SeqData, counts: dict[int, int]) -> int:
    """Buses for ``counts[g]`` households per group of one pair on one day (see ``trips``)."""
    seats = data.opts.seats
    persons = sum(data.groups[g].size * n for g, n in counts.items())
    need = -(-persons // seats)
    for s in {
        data.groups[g].size for g, n in counts.items() if n and data.groups[g].size * 7 > seats
    }:
        big = sum(n for g, n in counts.items() if data.groups[g].size >= s)
        need = max(need, -(-big // max(1, seats // s)))
    return need


def greedy_sequence(data: SeqData) -> GreedySequence:
    d, o = data, data.opts
    T = len(d.days)
    n_loc = len(d.loc_ids)
    x = [[0] * T for _ in d.groups]
    y = [[0] * T for _ in d.ods]
    rem = [g.n for g in d.groups]
    arrived = [0] * n_loc  # persons arrived so far (cumulative)
    left = [0] * n_loc  # persons left so far (cumulative)
    order = sorted(
        range(len(d.ods)),
        key=lambda k: (
            d.closing_day[d.ods[k][0]] if d.closing_day[d.ods[k][0]] is not None else T,
            -d.od_persons(k),
            k,
        ),
    )
    for t in range(T):
        intake = [0] * n_loc
        departures = [0] * n_loc
        buses = 0
        progress = True
        while progress:
            progress = False
            for k in order:
                orig, dest = d.ods[k]
                gs = sorted(
                    (g for g in d.od_groups[k] if rem[g]), key=lambda g: (-d.groups[g].size, g)
                )
                if not gs:
                    continue
                if (d.opening_day[dest] or 0) > t:
                    continue
                cd_o, cd_d = d.closing_day[orig], d.closing_day[dest]
                if (cd_o is not None and t > cd_o) or (cd_d is not None and t > cd_d):
                    continue
                forced = t == T - 1 or cd_o == t
                room = max(0, d.capacity[dest] - d.r0[dest] + left[dest]) - arrived[dest]
                hh_left = min(
                    d.intake_limit[dest] - intake[dest], d.departure_limit[orig] - departures[orig]
                )
                total = sum(d.groups[g].size * rem[g] for g in gs)
                full = total <= room and sum(rem[g] for g in gs) <= hh_left
                cap_persons = room if (full or forced) else (min(room, total) // o.seats) * o.seats
                take: dict[int, int] = {}
                persons = count = 0
                for g in gs:
                    s = d.groups[g].size
                    n = min(rem[g], hh_left - count, max(0, cap_persons - persons) // s)
                    if n > 0:
                        take[g] = n
                        persons += n * s
                        count += n
                before = buses_needed(d, {g: x[g][t] for g in d.od_groups[k] if x[g][t]})
                while take:
                    after = buses_needed(d, {g: x[g][t] + take.get(g, 0) for g in d.od_groups[k]})
                    if buses + after - before <= o.buses_per_day:
                        break
                    g = min(take, key=lambda g: (d.groups[g].size, g))  # drop a small household
                    take[g] -= 1
                    persons -= d.groups[g].size
                    count -= 1
                    if not take[g]:
                        del take[g]
                if not take:
                    continue
                for g, n in take.items():
                    x[g][t] += n
                    rem[g] -= n
                y[k][t] = after
                buses += after - before
                arrived[dest] += persons
                left[orig] += persons
                intake[dest] += count
                departures[orig] += count
                progress = True
    return GreedySequence(x, y, complete=not any(rem))
