"""Golden values of the reference weeks (seed 1). Every change of a number here needs a one-line
reason in the commit and in the comment beside it."""

from __future__ import annotations

import pytest

from optimizer.documents.plan import Plan
from optimizer.model.solve import SolveOptions, allocate
from optimizer.scenario_gen import ScenarioSpec, generate_scenario


@pytest.fixture(scope="module")
def small() -> tuple[Plan, Plan]:
    s = generate_scenario(ScenarioSpec(seed=1, scale=0.1))
    return allocate(s), allocate(s)


def test_small_reference_week_golden(small: tuple[Plan, Plan]) -> None:
    plan, _ = small
    assert plan.status.value == "optimal"
    # 2026-11-22: initial model (class aggregation, LP + reduced-cost restricted MIP)
    # 2026-11-22: 1,733,061.75 -> 1,737,320.43: highspy 1.15 -> 1.12 (the HiGHS ortools bundles)
    #             stops at another plan inside the 0.5% gap; the LP bound is unchanged
    # 2026-11-22: 1,737,320.43 -> 1,735,959.31: the model reaches HiGHS as compiled matrices
    #             (another column order), which stops at a cheaper plan inside the gap; same bound
    assert plan.objective == pytest.approx(1_735_959.31, abs=1.0)
    assert plan.bound == pytest.approx(1_732_746.17, abs=1.0)
    assert plan.model.classes == 124
    assert plan.model.variables == 2515
    assert plan.model.constraints == 843
    assert len(plan.placements) == 343
    assert len(plan.links) == 100  # 100 -> 96 with highspy 1.12, back to 100 compiled (same gap)
    # scale 0.1 keeps Ter Apel and Budel whole but only a tenth of the other beds: a shortage
    assert plan.kpis.beds_short == 58


def test_same_input_same_plan(small: tuple[Plan, Plan]) -> None:
    a, b = small
    skip = {"solve_seconds": True, "model": {"build_seconds"}}
    assert a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


@pytest.mark.slow
def test_national_reference_week_golden() -> None:
    s = generate_scenario(ScenarioSpec(seed=1, scale=1.0))
    assert len(s.locations) == 246 and len(s.municipalities) == 342
    plan = allocate(s, SolveOptions(time_limit_s=120))
    assert plan.status.value == "optimal"
    assert plan.gap <= 0.005
    # 2026-11-22: initial model; the LP bound is the floor, objective within 0.5% of it
    assert plan.bound == pytest.approx(2_940_460.76, abs=1.0)
    assert plan.objective <= plan.bound * 1.005
    assert plan.kpis.beds_short == 0
    assert plan.diagnosis == []
    assert plan.model.classes == 1341
