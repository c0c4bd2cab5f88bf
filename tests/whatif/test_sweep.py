"""Sweeps on dask.distributed: the same numbers on 0 (in-process), 1 and 2 workers."""

from __future__ import annotations

import pandas as pd

from optimizer.whatif.documents import RunSpec, Site, Start, Variant
from optimizer.whatif.sweep import run_sweep

SPEC = RunSpec(
    horizon_weeks=3,
    start=Start(seed=5, scale=0.05, week="2026-W38", half_year="2026-H2", weeks_left=16),
    inflows=["steady", "2015-peak"],
    variants=[
        Variant(name="none"),
        Variant(
            name="gvl",
            sites=[Site(name="GVL Den Haag", gm_code="GM0518", capacity=1000, opening_week=1)],
        ),
    ],
    seeds=[1, 2],
)


def test_sweeps_identical_on_one_and_two_workers() -> None:
    one = run_sweep(SPEC, workers=1, progress=False)
    two = run_sweep(SPEC, workers=2, progress=False)
    assert one.workers == 1 and two.workers == 2
    a = one.weekly.drop(columns=["solve_seconds"])
    b = two.weekly.drop(columns=["solve_seconds"])
    assert len(a) == 2 * 2 * 2 * 3
    pd.testing.assert_frame_equal(a, b)
    local = run_sweep(SPEC, workers=0, progress=False).weekly.drop(columns=["solve_seconds"])
    pd.testing.assert_frame_equal(a, local)


def test_progress_callback_sees_every_task() -> None:
    seen: list[tuple[int, int]] = []
    spec = SPEC.model_copy(update={"horizon_weeks": 1, "inflows": ["steady"], "seeds": [1]})
    res = run_sweep(spec, workers=0, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 2), (2, 2)]
    assert set(res.weekly["variant"]) == {"none", "gvl"}


def test_sweep_on_an_existing_cluster_by_its_scheduler_address() -> None:
    """The cluster path: a scheduler started elsewhere (here a LocalCluster of its own), reached by
    address only, gives the same table as the in-process run."""
    from dask.distributed import LocalCluster

    spec = SPEC.model_copy(update={"horizon_weeks": 2, "seeds": [1]})
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        remote = run_sweep(spec, scheduler_address=cluster.scheduler_address, progress=False)
    assert remote.workers == 2
    local = run_sweep(spec, workers=0, progress=False)
    pd.testing.assert_frame_equal(
        remote.weekly.drop(columns=["solve_seconds"]), local.weekly.drop(columns=["solve_seconds"])
    )
