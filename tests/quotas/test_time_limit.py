"""The quota LPs' time limit is wall-clock seconds (assembly included) and the result says when
it stopped the solve."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from optimizer.quotas.check import check_quotas
from optimizer.quotas.cli import quota_app
from optimizer.quotas.documents import QuotaCheck
from optimizer.quotas.example import example_status
from optimizer.quotas.lp import INF, LpBuilder
from optimizer.quotas.provincial import provincial_variant


def _transport_lp(n: int) -> LpBuilder:
    """A dense n x n transport LP (the 6.3.2 variant's shape): 1,000 x 1,000 takes HiGHS about
    4 s on the 2-core machine, far beyond the limits below."""
    rng = np.random.default_rng(1)
    lp = LpBuilder(maximize=False)
    k2, g2 = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    idx = lp.add_cols("v_y", rng.uniform(1, 300, n * n), 0.0, INF)
    one = np.ones(len(idx))
    supply = rng.integers(10, 100, n).astype(float)
    lp.add_rows("supply", np.full(n, -INF), supply, k2.ravel(), idx, one)
    lp.add_rows(
        "demand", rng.integers(5, 50, n).astype(float), np.full(n, INF), g2.ravel(), idx, one
    )
    return lp


def test_lp_time_limit_is_wall_clock() -> None:
    lp = _transport_lp(1000)
    limit = 1.5
    t0 = time.perf_counter()
    res = lp.solve(limit)
    took = time.perf_counter() - t0
    assert took <= 1.1 * limit + 2.0, f"{took:.2f} s for a {limit} s limit"
    assert res.stopped and res.status == "Time limit reached"


def test_solved_checks_are_not_stopped() -> None:
    status = example_status()
    assert check_quotas(status, time_limit_s=30).stopped_by is None
    assert provincial_variant(status, time_limit_s=30).stopped_by is None


def test_stored_results_without_stopped_by_still_load() -> None:
    doc = json.loads(check_quotas(example_status()).model_dump_json())
    del doc["stopped_by"]
    assert QuotaCheck.model_validate(doc).stopped_by is None


def test_cli_time_limit(tmp_path: Path) -> None:
    p = tmp_path / "STATUS.json"
    p.write_text(example_status().model_dump_json(), encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(quota_app, ["check", str(p), "--time-limit", "20", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert '"stopped_by":null' in r.stdout.replace(" ", "")
    bad = runner.invoke(quota_app, ["provincial", str(p), "--time-limit", "0"])
    assert bad.exit_code == 2 and "--time-limit" in bad.output
