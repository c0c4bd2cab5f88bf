"""Honest limits: ``time_limit_s`` is wall-clock seconds end to end, ``work_limit`` reproducible.

The instance is the benchmark's (2,000 moves between 300 locations, tight capacities): CP-SAT
runs far longer than these limits on it, so the limits are what stops it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from optimizer.sequencing import SequenceOptions, sequence
from optimizer.sequencing.replay import replay_errors

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_sequence import build_instance  # noqa: E402


@pytest.fixture(scope="module")
def big() -> tuple:
    return build_instance(seed=7, n_loc=300, n_moves=2000)


def test_time_limit_is_wall_clock_end_to_end(big: tuple) -> None:
    s, p, o = big
    limit = 2.5
    t0 = time.perf_counter()
    seq = sequence(s, p, o.model_copy(update={"time_limit_s": limit}))
    took = time.perf_counter() - t0
    assert took <= 1.1 * limit + 2.0, f"{took:.2f} s for a {limit} s limit"
    assert seq.status.value == "feasible" and seq.stopped_by is not None
    assert seq.stopped_by.value == "time_limit"
    assert replay_errors(s, p, seq, o) == []


def test_work_limit_binding_first_gives_the_same_sequence(big: tuple) -> None:
    s, p, o = big
    opts = o.model_copy(update={"time_limit_s": 60.0, "work_limit": 0.05})
    a, b = sequence(s, p, opts), sequence(s, p, opts)
    assert a.stopped_by is not None and a.stopped_by.value == "work_limit"
    assert a.solve_seconds < 30.0
    drop = {"solve_seconds"}
    assert a.model_dump(exclude=drop) == b.model_dump(exclude=drop)


def test_isolated_worker_counts_the_hand_over(big: tuple) -> None:
    """In a worker process (spawned on first use) the limit still runs from the call."""
    s, p, o = big
    limit = 2.0
    t0 = time.perf_counter()
    seq = sequence(s, p, o.model_copy(update={"time_limit_s": limit}), isolate=True)
    took = time.perf_counter() - t0
    assert took <= 1.1 * limit + 2.0, f"{took:.2f} s for a {limit} s limit"
    assert seq.stopped_by is not None and seq.stopped_by.value == "time_limit"


def test_a_search_that_ends_by_itself_is_not_stopped() -> None:
    s, p, o = build_instance(seed=3, n_loc=20, n_moves=30, days=3)
    seq = sequence(s, p, o.model_copy(update={"time_limit_s": 20.0}))
    assert seq.status.value == "optimal" and seq.stopped_by is None


def test_options_without_work_limit_still_load() -> None:
    """Stored options and sequences from before the work limit load with its default."""
    o = SequenceOptions.model_validate({"time_limit_s": 5.0, "deterministic": True})
    assert o.work_limit is None
