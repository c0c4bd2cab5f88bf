"""The collector pause around a week's build and solve: nested, shared between threads, and never
switching on a collector someone else switched off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from optimizer.gc_pause import paused_gc


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_on_again_after() -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_switch_on_only_when_the_outer_one_ends() -> None:
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_exception() -> None:
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("solve failed")
    assert gc.isenabled()


def test_a_collector_switched_off_by_someone_else_stays_off() -> None:
    gc.disable()
    with paused_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_as_a_decorator_keeps_the_signature() -> None:
    import inspect

    @paused_gc()
    def solve(week: str, limit: float = 60.0) -> bool:
        return gc.isenabled()

    assert solve("2026-W48") is False
    assert gc.isenabled()
    assert list(inspect.signature(solve).parameters) == ["week", "limit"]


def test_two_threads_the_collector_comes_back_when_the_last_leaves() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with paused_gc():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with paused_gc():
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after the first left": False}
    assert gc.isenabled()


def test_the_weekly_allocation_runs_with_the_collector_paused(monkeypatch) -> None:
    import optimizer.allocation as allocation

    seen: list[bool] = []
    real = allocation.create_model

    def spy(inst):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(inst)

    monkeypatch.setattr(allocation, "create_model", spy)
    from optimizer.scenario_gen import ScenarioSpec, generate_scenario

    allocation.allocate(generate_scenario(ScenarioSpec(seed=3, scale=0.02)))
    assert seen and not any(seen)
    assert gc.isenabled()


def test_the_last_command_of_a_one_shot_process_freezes_instead_of_scanning() -> None:
    """Only with both ``one_shot_process()`` (the ``coa-plan`` program) and ``ends_process``; in
    this (longer) process the same command leaves its garbage to the collector."""
    import subprocess
    import sys

    code = (
        "import gc\n"
        "from optimizer.gc_pause import one_shot_process, paused_gc\n"
        "gc.enable()\n"
        "with paused_gc(ends_process=True):\n"
        "    garbage = [[] for _ in range(1000)]\n"
        "before = gc.get_freeze_count()\n"
        "one_shot_process()\n"
        "with paused_gc():\n"
        "    pass\n"
        "middle = gc.get_freeze_count()\n"
        "with paused_gc(ends_process=True):\n"
        "    cycles = [[] for _ in range(1000)]\n"
        "print(before, middle, gc.get_freeze_count() >= 1000, gc.isenabled())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0", "True", "True"]
    with paused_gc(ends_process=True):
        pass
    assert gc.get_freeze_count() == 0  # this process never said it is one-shot
