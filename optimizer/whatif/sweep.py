"""Sweeps: variants x inflows x seeds, one Dask task per run, gathered into one table.

By default a ``LocalCluster`` of ``workers`` single-threaded processes is started on this machine;
give ``scheduler_address`` ('tcp://host:8786') to use an existing Dask cluster instead (its workers
need this package installed). ``workers=0`` runs everything in this process, without Dask.

Every task carries all it needs (the run spec, the variant, the inflow name, the seed) and seeds
its own random streams; HiGHS runs single-threaded with a fixed seed. So a sweep gives the same
numbers on 1, 2 or 200 workers, in any order of completion. (The only exception would be a weekly
solve that hits ``simulation.time_limit_s``; the default is far above the solve times.)
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from optimizer.whatif.documents import RunSpec, Variant
from optimizer.whatif.simulate import RunResult, run_one, start_scenario

KEY = ["variant", "inflow", "seed", "week"]


@dataclass(frozen=True)
class Task:
    """One run of a sweep."""

    variant: Variant
    inflow: str
    seed: int

    @property
    def key(self) -> str:
        return f"whatif-{self.variant.name}-{self.inflow}-{self.seed}"


@dataclass
class SweepResult:
    """All weekly rows of a sweep (sorted), and where the time went."""

    weekly: pd.DataFrame
    seconds: float
    workers: int
    allocate_seconds: float
    bookkeeping_seconds: float
    startup_seconds: float = 0.0
    """Of ``seconds``: starting the local cluster and readying its workers (imports, the
    generated start week), which a standing cluster has paid already."""


def tasks_of(spec: RunSpec, variants: list[Variant] | None = None) -> list[Task]:
    """Every (variant, inflow, seed) of the spec, in a fixed order."""
    return [
        Task(v, inflow, seed)
        for v in (variants if variants is not None else spec.variants)
        for inflow in spec.inflows
        for seed in spec.seeds
    ]


def _run_task(spec: RunSpec, task: Task) -> RunResult:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    return run_one(spec, task.variant, task.inflow, task.seed)


def _ready(spec: RunSpec) -> None:
    """On a worker before its first task: the solver modules imported and a generated start
    week built (both cached per process), so the tasks measure the runs."""
    import optimizer.allocation  # noqa: F401 - the import is the point

    if spec.start.scenario is None:
        start_scenario(spec.start)


def _gather(results: list[RunResult], seconds: float, workers: int,
            startup: float = 0.0) -> SweepResult:
    weekly = pd.concat([r.weekly for r in results], ignore_index=True)
    weekly = weekly.sort_values(KEY, kind="stable").reset_index(drop=True)
    return SweepResult(
        weekly,
        seconds,
        workers,
        sum(r.allocate_seconds for r in results),
        sum(r.bookkeeping_seconds for r in results),
        startup,
    )


def run_sweep(
    spec: RunSpec,
    variants: list[Variant] | None = None,
    workers: int | None = None,
    scheduler_address: str | None = None,
    progress: bool | Callable[[int, int], None] = True,
) -> SweepResult:
    """Run every (variant, inflow, seed) and gather the weekly rows into one DataFrame.

    ``workers`` and ``scheduler_address`` override ``spec.sweep``. ``progress`` is True (a rich
    progress bar), False, or a callback ``(done, total)``.
    """
    tasks = tasks_of(spec, variants)
    address = scheduler_address if scheduler_address is not None else spec.sweep.scheduler_address
    n = spec.sweep.workers if workers is None else workers
    t0 = time.perf_counter()
    if not address and n == 0:
        local: list[RunResult] = []
        with _Progress(len(tasks), progress) as bar:
            for task in tasks:
                local.append(_run_task(spec, task))
                bar.advance()
        return _gather(local, time.perf_counter() - t0, 0)

    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if address:
        client = Client(address)
    else:
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    try:
        n_workers = len(client.scheduler_info().get("workers", {})) or n
        spec_f = client.scatter(spec, broadcast=True)
        client.run(_ready, spec)
        startup = time.perf_counter() - t0
        futures = [
            client.submit(_run_task, spec_f, task, key=task.key, pure=False) for task in tasks
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[RunResult | None] = [None] * len(futures)
        with _Progress(len(tasks), progress) as bar:
            for fut in as_completed(futures):
                results[index[fut.key]] = fut.result()
                bar.advance()
        done = [r for r in results if r is not None]
        return _gather(done, time.perf_counter() - t0, n_workers, startup)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _Progress:
    """A rich progress bar, a callback, or nothing."""

    def __init__(self, total: int, how: bool | Callable[[int, int], None]) -> None:
        self.total, self.how, self.done = total, how, 0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.how is True:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self._bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("what-if runs", total=self.total)
        return self

    def advance(self) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.advance(self._task)
        elif callable(self.how):
            self.how(self.done, self.total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
