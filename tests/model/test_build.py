"""The weekly model as built (optimizer.model.build): released, it leaves nothing to Python's
cyclic collector, so a what-if run's weeks do not pile up garbage for it to walk."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from optimizer.allocation import allocate
from optimizer.model.build import create_model, release_model
from optimizer.model.instance import build_instance
from optimizer.scenario_gen import ScenarioSpec, generate_scenario

SHELL = 400
"""What stays cyclic of a released model whatever the week's size: the empty model and the index
sets of its components (about 210 objects; a national week's model is 520,000)."""


@pytest.fixture
def collector_paused() -> Iterator[None]:
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


def _week() -> object:
    return build_instance(generate_scenario(ScenarioSpec(seed=3, scale=0.05)))


def test_a_dropped_model_is_garbage_in_cycles(collector_paused: None) -> None:
    """Why release_model exists: Pyomo's blocks and scalar components hold themselves."""
    m = create_model(_week())  # type: ignore[arg-type]
    n = m.nvariables()
    del m
    assert gc.collect() > n


def test_a_released_model_leaves_nothing_to_the_collector(collector_paused: None) -> None:
    m = create_model(_week())  # type: ignore[arg-type]
    assert m.nvariables() > 500
    release_model(m)
    assert m.nvariables() == 0 and m.nconstraints() == 0
    del m
    assert gc.collect() < SHELL


def test_a_weekly_allocation_leaves_nothing_to_the_collector(collector_paused: None) -> None:
    s = generate_scenario(ScenarioSpec(seed=3, scale=0.05))
    gc.collect()
    plan = allocate(s)
    assert plan.model.variables > 500
    assert gc.collect() < SHELL
