"""Golden values of the reference weeks (seed 1). Every change of a number here needs a one-line
reason in the commit and in the comment beside it."""

from __future__ import annotations

import pytest

from optimizer.allocation import SolveOptions, allocate
from optimizer.documents.plan import Plan
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
    # 2026-12-02: 1,735,959.31 -> 634,870.64: decisions a planner signs. Every status holder with
    #             a municipality with room is linked (unlinked priced per person-week, not only
    #             the pace), link_eur 2 -> 1 per km, arrivals wait in free col/gvl beds instead of
    #             having no bed (registration_wait EUR 2,000 < unplaced EUR 10,000), the band only
    #             on band kinds (not col/gvl), no rebalancing of school children, permit dates
    # 2026-12-02: 634,870.64 -> 634,951.85: improvements within the gap taken after the solve
    #             (3 persons linked), so no second round with wider link candidates is needed
    # 2026-12-09: 634,951.85 -> 635,960.68: a MIP start rounded per class from the LP and improved
    #             by single moves is within the gap (0.23% of the same bound), so it is the plan
    # 2026-12-03: 635,960.68 -> 635,967.96: the start is a dive on the LP by household size;
    #             here it is 3 % above the LP (a week of shortage), so HiGHS runs from it and
    #             stops at another plan inside the gap (EUR 7 more); same bound
    assert plan.objective == pytest.approx(635_967.96, abs=1.0)
    assert plan.bound == pytest.approx(634_483.63, abs=1.0)
    assert plan.model.classes == 139  # 124 -> 139: link classes split by weeks waited
    assert plan.model.variables == 3979  # 2515 -> 3979: wait arcs and more link classes
    assert plan.model.constraints == 865  # 843 -> 865: one integrity row per link class
    assert len(plan.placements) == 336  # 343 -> 336: no school children moved to rebalance
    assert len(plan.links) == 100  # 100 -> 96 with highspy 1.12, back to 100 compiled (same gap)
    # scale 0.1 keeps Ter Apel and Budel whole but only a tenth of the other beds: a shortage,
    # and the 58 persons without a suitable bed now wait in the free beds of Ter Apel and Budel
    assert plan.kpis.beds_short == 0  # 58 -> 0: they wait at registration (below)
    assert plan.kpis.registration_wait_persons == 58
    assert plan.kpis.unlinked_with_quota_left_households == 0


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
    # 2026-12-02: 2,940,460.76 -> 2,581,652.64: decisions a planner signs (see the small week)
    assert plan.bound == pytest.approx(2_581_652.64, abs=1.0)
    assert plan.objective <= plan.bound * 1.005
    assert plan.kpis.beds_short == 0
    assert plan.diagnosis == []
    assert plan.model.classes == 1210  # 1341 -> 1210: fewer rebalance classes (school, band kinds)
    assert plan.kpis.unlinked_with_quota_left_households == 0
    assert plan.kpis.moves_school_age_children == sum(
        s.households[i].school_age_children
        for i, h in enumerate(s.households)
        if s.location_index()[h.location].closing
    )  # closures only: no school child is moved to tidy up a band
