"""Recommendation latency at national scale (issue 5 target: under 200 ms, no re-solve).

Prints the time to prepare the plan context once, the per-call latency (median and p95 over many
new households of every kind), and as a same-run baseline the time of a full re-solve.

    python benchmarks/bench_recommend.py [--calls 200]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from optimizer.allocation import allocate
from optimizer.documents.scenario import Household
from optimizer.explain.options import PlanContext
from optimizer.explain.recommend import recommend
from optimizer.scenario_gen import ScenarioSpec, generate_scenario


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    args = ap.parse_args()
    s = generate_scenario(ScenarioSpec(seed=1))
    t0 = time.perf_counter()
    plan = allocate(s)
    solve_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ctx = PlanContext.build(s, plan)
    ctx_s = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    entry = [loc.id for loc in s.locations if loc.kind.value in ("col", "gvl")]
    azc = [loc.id for loc in s.locations if loc.kind.value == "azc"]
    times = []
    for i in range(args.calls):
        kind = i % 4
        size = int(rng.integers(1, 6))
        h = Household(
            id=f"NEW{i}",
            size=1 if kind == 2 else size,
            school_age_children=int(rng.integers(0, size)) if kind != 2 else 0,
            amv=kind == 2,
            status="status_holder" if kind == 3 else "arrival",
            track=str(rng.choice(["kansrijk", "dublin", "unknown"])),
            location=str(rng.choice(azc if kind == 3 else entry)),
        )
        t0 = time.perf_counter()
        recommend(s, plan, h, ctx=ctx)
        times.append(time.perf_counter() - t0)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"national scale: {len(s.locations)} locations, {len(s.municipalities)} municipalities")
    print(f"prepare plan context once: {ctx_s * 1000:.1f} ms")
    print(
        f"recommend per call over {len(times)} households: median "
        f"{statistics.median(times) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
        f"max {times[-1] * 1000:.2f} ms (target < 200 ms)"
    )
    print(
        f"baseline, full re-solve of the week: {solve_s:.2f} s "
        f"(ratio re-solve / recommend p95: {solve_s / p95:,.0f}x)"
    )


if __name__ == "__main__":
    main()
