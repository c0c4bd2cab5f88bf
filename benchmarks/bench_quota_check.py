"""Benchmark of the half-year quota check: all 12 provinces, 342 municipalities, 26 weeks.

Target (issue 'Half-year quotas', Speed): the check in <= 1 s on a 2-core machine. Printed: the
median of several runs of ``check_quotas`` (LP build + HiGHS solve + report rows), the LP size and
HiGHS time, reading and validating STATUS.json, the 6.3.2 variant, and as a same-run baseline the
time of a trivial pro-rata computation (largest remainder over population plus a closed-form
reachable = housed + min(need, capacity x weeks left), no LP), so machine noise cancels.

    .venv/bin/python benchmarks/bench_quota_check.py [--seed N] [--repeat 7] [--weeks-left 26]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from rich.console import Console
from rich.table import Table

from optimizer.quotas.apportion import largest_remainder
from optimizer.quotas.check import check_quotas, prepare
from optimizer.quotas.documents import QuotaStatus
from optimizer.quotas.example import SEED, example_status
from optimizer.quotas.provincial import provincial_variant
from optimizer.reference_data import load_municipalities

TARGET_S = 1.0


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, list[float], object]:
    out = fn()  # warm-up (imports, caches)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), runs, out


def trivial_pro_rata(status: QuotaStatus, national: int) -> np.ndarray:
    """The baseline: quotas pro rata population and a closed-form reachable, no LP."""
    pop = load_municipalities()["population"].to_numpy(float)
    quota = np.array(largest_remainder(national, pop))
    d = prepare(status)
    return np.minimum(quota, d.housed + np.minimum(d.need, d.capacity_limit))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--weeks-left", type=int, default=26)
    ap.add_argument("--national", type=int, default=10_500)
    args = ap.parse_args()
    con = Console()
    status = example_status(
        seed=args.seed, weeks_left=args.weeks_left, national=args.national, capacity_given_share=1.0
    )
    text = status.model_dump_json()
    provinces = len({m.pv_code for m in check_quotas(status).municipalities})
    con.print(
        f"instance: {provinces} provinces, {len(status.municipalities)} municipalities, "
        f"{status.half_year.weeks_left} weeks, national {args.national:,}, "
        f"{len(status.supply.waiting)} supply locations, seed {args.seed}"
    )
    t_check, runs, res = timed(lambda: check_quotas(status), args.repeat)
    t_parse, _, _ = timed(lambda: QuotaStatus.model_validate_json(text), args.repeat)
    t_var, _, _ = timed(lambda: provincial_variant(status), max(3, args.repeat // 2))
    t_base, _, _ = timed(lambda: trivial_pro_rata(status, args.national), args.repeat)
    assert res is not None
    tab = Table(title="Quota check, median of runs (s)")
    tab.add_column("what")
    tab.add_column("seconds", justify="right")
    tab.add_row("check_quotas (LP build + HiGHS + rows)", f"{t_check:.3f}")
    tab.add_row("  of which HiGHS (last run)", f"{res.solver.seconds:.3f}")  # type: ignore[attr-defined]
    tab.add_row("read + validate STATUS.json", f"{t_parse:.3f}")
    tab.add_row("6.3.2 provincial variant", f"{t_var:.3f}")
    tab.add_row("baseline: trivial pro rata (no LP)", f"{t_base:.4f}")
    tab.add_row("check / baseline", f"{t_check / t_base:.1f}x")
    con.print(tab)
    solver = res.solver  # type: ignore[attr-defined]
    con.print(
        f"LP: {solver.columns:,} columns, {solver.rows:,} rows, {solver.status}; "
        f"runs: {', '.join(f'{r:.3f}' for r in runs)}"
    )
    short = sum(p.shortfall for p in res.provinces)  # type: ignore[attr-defined]
    con.print(f"national shortfall {short:,} persons")
    ok = t_check <= TARGET_S
    con.print(f"target check <= {TARGET_S:.1f} s: {'met' if ok else 'NOT met'} ({t_check:.3f} s)")


if __name__ == "__main__":
    main()
