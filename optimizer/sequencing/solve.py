"""``sequence``: order the plan's moves day by day and into bus trips (OR-Tools CP-SAT).

The fast path solves the plain model from a greedy hint. Only if CP-SAT proves it infeasible is the
model rebuilt with one enforcement literal per family as assumptions to name the families that
break (see ``diagnosis``). Solving never raises on infeasibility; inputs that do not fit together
raise :class:`~optimizer.sequencing.data.SequenceInputError` at the boundary, before any solving.

Process isolation: CP-SAT runs in this process by default. ``isolate=True`` runs it in one
long-lived worker process instead (spawned once, reused), so that a solver crash (CP-SAT 9.15 has
aborted on some partial hints) cannot take the calling process down; the service uses that.
``highspy`` is pinned to the HiGHS version that ``ortools`` bundles (both load ``libhighs.so.1``),
so the weekly allocation and the sequencing share one process.

Limits: ``time_limit_s`` is wall-clock seconds from the call to the answer (building, searching,
diagnosing); ``work_limit`` is CP-SAT's deterministic time (a count of work). Reproducible: fixed
seed and worker count and an interleaved search, so the same input gives the same sequence when the
search ends by itself or on the work limit (``Sequence.stopped_by`` says which limit ended it);
households are handed out to days and buses in id order.
"""

from __future__ import annotations

import atexit
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.documents.sequence import Sequence, SequenceOptions
from optimizer.sequencing.data import SequenceInputError, input_errors
from optimizer.sequencing.progress import Progress

_pool: ProcessPoolExecutor | None = None


def _worker() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
    return _pool


def _in_worker(scenario: str, plan: str, options: str, called_at: float) -> str:
    """Runs in the worker process: only there is OR-Tools imported. ``called_at`` (``time.time()``
    in the caller) lets the time limit count the hand-over (a first call spawns the process)."""
    from optimizer.sequencing.engine import sequence_json

    return sequence_json(scenario, plan, options, elapsed_s=max(0.0, time.time() - called_at))


def sequence(
    scenario: Scenario,
    plan: Plan,
    options: SequenceOptions | None = None,
    progress: Progress | None = None,
    isolate: bool = False,
) -> Sequence:
    """Schedule every move of ``plan`` onto a day of the horizon and into a bus trip.

    ``isolate``: run CP-SAT in a reused worker process (crash isolation; no ``progress``).
    ``options.time_limit_s`` is wall-clock seconds from this call to the answer.
    """
    called_at = time.time()
    o = options or SequenceOptions()
    errors = input_errors(scenario, plan, o)
    if errors:
        raise SequenceInputError(errors)
    if isolate and progress is not None:
        raise ValueError("progress callbacks need isolate=False (CP-SAT in this process)")
    if not isolate:
        from optimizer.sequencing.engine import sequence_in_process

        return sequence_in_process(scenario, plan, o, progress)
    global _pool
    try:
        fut = _worker().submit(
            _in_worker,
            scenario.model_dump_json(),
            plan.model_dump_json(),
            o.model_dump_json(),
            called_at,
        )
        return Sequence.model_validate_json(fut.result())
    except BrokenProcessPool:
        _pool = None  # a fresh worker next time
        raise RuntimeError("the CP-SAT worker process died (solver crash)") from None
