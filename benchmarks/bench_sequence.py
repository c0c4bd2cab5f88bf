"""Benchmark: sequence 2,000 moves over 7 days between 300 locations (issue 'Speed').

The instance is built around a hidden witness: every origin-destination pair gets one random day
(large pairs two), and capacities are set to the witness's highest end-of-day occupancy. So the
instance is feasible and tight (most locations touch their capacity on some day, many start or end
exactly full, swap cycles included), and the witness itself uses exactly the lower bound of trips.

Prints the time to the first feasible sequence, the trips at 10 s and 60 s, the lower bound
(sum over pairs of ceil(persons / seats)) and the ratio. Targets: first feasible <= 10 s, trips
within 5% of the bound within 60 s, 2 workers.

    .venv/bin/python benchmarks/bench_sequence.py [--seed 7] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.documents.sequence import SequenceOptions
from optimizer.sequencing.solve import sequence
from tests.sequencing.fixtures import location, plan_of, scenario_of

SIZES = [1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7]


def build_instance(
    seed: int = 7, n_loc: int = 300, n_moves: int = 2000, days: int = 7
) -> tuple[Scenario, Plan, SequenceOptions]:
    rng = random.Random(seed)
    entries = [0, 1, 2]
    closing = list(range(3, 9))
    regular = list(range(9, n_loc))
    ids = [f"L{i:03d}" for i in range(n_loc)]
    ods: list[tuple[int, int, int]] = []  # (origin, destination, households)
    # arrivals from the col/gvl: 45% of moves, about 6 households per pair
    left = int(0.45 * n_moves)
    while left > 0:
        n = min(left, rng.randint(2, 10))
        ods.append((rng.choice(entries[:1] * 4 + entries[1:]), rng.choice(regular), n))
        left -= n
    # closing locations emptied: 30% of moves, about 12 households per pair
    per_closing = int(0.30 * n_moves) // len(closing)
    for c in closing:
        left = per_closing
        while left > 0:
            n = min(left, rng.randint(6, 18))
            ods.append((c, rng.choice(regular), n))
            left -= n
    # rebalancing between regular locations (some both ways: swap cycles)
    left = n_moves - sum(n for _, _, n in ods)
    while left > 0:
        n = min(left, rng.randint(2, 8))
        a, b = rng.sample(regular, 2)
        ods.append((a, b, n))
        left -= n
        if left > 0 and rng.random() < 0.15:
            m = min(left, rng.randint(2, 6))
            ods.append((b, a, m))
            left -= m
    # households and the witness day per pair
    r0 = [rng.randint(150, 700) for _ in range(n_loc)]
    for e in entries:
        r0[e] = rng.randint(900, 1800)
    hh: list[tuple[str, int, int, str, str]] = []
    moves: list[tuple[str, str]] = []
    delta = [[0] * days for _ in range(n_loc)]
    od_day_persons: dict[tuple[int, int], int] = defaultdict(int)
    counter = 0
    for o, d, n in ods:
        split = n > 20
        wday = [rng.randrange(days)] if not split else sorted(rng.sample(range(days), 2))
        for j in range(n):
            counter += 1
            size = rng.choice(SIZES)
            kids = max(0, size - 2) if rng.random() < 0.5 else 0
            hid = f"H{counter:05d}"
            hh.append((hid, size, kids, "arrival" if o in entries else "resident", ids[o]))
            moves.append((hid, ids[d]))
            t = wday[j % len(wday)]
            od_day_persons[(o * n_loc + d, t)] += size
            delta[o][t] -= size
            delta[d][t] += size
    listed = defaultdict(int)
    for _, size, _, _, loc in hh:
        listed[loc] += size
    capacity = []
    for i in range(n_loc):
        r0[i] = max(r0[i], listed[ids[i]]) if i not in closing else listed[ids[i]]
        occ, peak = r0[i], r0[i]
        for t in range(days):
            occ += delta[i][t]
            peak = max(peak, occ)
        capacity.append(peak + (0 if rng.random() < 0.7 else rng.randint(1, 10)))
    locs = [
        location(
            ids[i],
            capacity[i],
            r0[i],
            kind="gvl" if i in entries else ("noodopvang" if i in closing else "azc"),
            closing=i in closing,
        )
        for i in range(n_loc)
    ]
    s = scenario_of(locs, hh)
    p = plan_of(s, moves, reason="closing")
    witness_buses = [0] * days
    for (_, t), persons in od_day_persons.items():
        witness_buses[t] += -(-persons // 50)
    opts = SequenceOptions(
        days=days,
        buses_per_day=max(witness_buses) + 2,  # tight: the witness's busiest day plus two
        departure_limits={ids[e]: 250 for e in entries},
        intake_limit=25,
    )
    return s, p, opts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-hint", action="store_true", help="CP-SAT alone, without the greedy")
    ap.add_argument("--portfolio", action="store_true", help="wall-clock parallel portfolio")
    args = ap.parse_args()
    t0 = time.perf_counter()
    s, p, opts = build_instance(args.seed)
    opts = opts.model_copy(
        update={
            "time_limit_s": args.time_limit,
            "workers": args.workers,
            "hint": not args.no_hint,
            "deterministic": not args.portfolio,
        }
    )
    build_s = time.perf_counter() - t0
    log: list[tuple[float, int, float]] = []
    seq = sequence(
        s, p, opts, progress=lambda sec, trips, obj: log.append((sec, trips, obj)), isolate=False
    )

    def trips_at(sec: float) -> int | None:
        got = [tr for s_, tr, _ in log if s_ <= sec]  # trips of the best sequence so far
        return got[-1] if got else None

    bound = seq.bound_trips
    print(
        f"instance: {len(p.placements)} moves, {len(s.locations)} locations, "
        f"{opts.days} days, seats {opts.seats}, buses/day {opts.buses_per_day} "
        f"(built in {build_s:.1f} s)"
    )
    print(f"status: {seq.status.value}, wall {seq.solve_seconds:.1f} s, {seq.solver}")
    first = log[0][0] if log else None
    print(f"first feasible: {first:.2f} s" if first is not None else "first feasible: none")
    for sec in (10.0, 60.0):
        tr = trips_at(sec)
        if tr is None:
            print(f"trips at {sec:.0f} s: none")
        else:
            print(f"trips at {sec:.0f} s: {tr}  bound {bound}  ratio {tr / bound:.3f}")
    print(
        f"final: {len(seq.trips)} trips  bound {bound}  ratio {len(seq.trips) / bound:.3f}  "
        f"objective {seq.objective:.0f} (bound {seq.objective_bound:.0f})"
    )


if __name__ == "__main__":
    main()
