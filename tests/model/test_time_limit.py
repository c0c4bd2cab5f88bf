"""The weekly allocation's time limit is wall-clock seconds for the whole ``allocate``: every
round's build and solve, the widening to the full model and the lexicographic phase."""

from __future__ import annotations

import time

import pytest

from optimizer.allocation import SolveOptions, allocate
from optimizer.documents.plan import StoppedBy
from optimizer.scenario_gen import ScenarioSpec, generate_scenario


@pytest.mark.slow
def test_national_week_within_a_short_limit() -> None:
    """Build and solve take 2-3 s nationally (the build, compile and LP alone about 1.3 s): a 1 s
    limit must end it in time."""
    s = generate_scenario(ScenarioSpec(seed=1, scale=1.0))
    limit = 1.0
    t0 = time.perf_counter()
    plan = allocate(s, SolveOptions(time_limit_s=limit))
    took = time.perf_counter() - t0
    assert took <= 1.1 * limit + 2.0, f"{took:.2f} s for a {limit} s limit"
    assert plan.stopped_by is StoppedBy.time_limit
    # whatever was found by then is a complete plan of the week (or an infeasible one that says so)
    if plan.status.value == "infeasible" and not plan.placements:
        assert any(v.family == "time_limit" for v in plan.diagnosis)


def test_a_solve_that_ends_by_itself_is_not_stopped() -> None:
    s = generate_scenario(ScenarioSpec(seed=1, scale=0.05))
    plan = allocate(s, SolveOptions(time_limit_s=60))
    assert plan.status.value == "optimal" and plan.stopped_by is None
