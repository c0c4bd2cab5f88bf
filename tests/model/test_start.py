"""The MIP starts of the weekly solve (optimizer.model.start): the dive on the LP by household
size, and the chains that make room for a waiting family."""

from __future__ import annotations

import time

import numpy as np
import pyomo.core as pyo
import pytest
from hypothesis import HealthCheck, given, settings

from optimizer.documents.scenario import Scenario
from optimizer.model.build import create_model
from optimizer.model.compiled import CompiledModel
from optimizer.model.instance import Instance, build_instance
from optimizer.model.solve import _dive
from optimizer.model.start import (
    SizeDive,
    improve_by_moves,
    make_room,
    rins,
    round_per_class,
    tighten_slacks,
)
from optimizer.rules.week import SEED
from optimizer.scenario_gen import ScenarioSpec, generate_scenario
from tests.builders import UTRECHT, WESTERWOLDE, ZWOLLE, dest, hh, loc, scenario, solve
from tests.model.strategies import scenarios


def _lp(seed: int = 1, scale: float = 0.1) -> tuple[pyo.ConcreteModel, Instance, CompiledModel]:
    inst = build_instance(generate_scenario(ScenarioSpec(seed=seed, scale=scale)))
    m = create_model(inst)
    cm = CompiledModel(m, 1, SEED)
    assert cm.run(60, relax=True).status == "optimal"
    return m, inst, cm


def _compiled_lp(inst: Instance) -> tuple[pyo.ConcreteModel, CompiledModel, float]:
    """The model of ``inst`` compiled, with its LP solved in HiGHS: model, compiled, LP bound."""
    m = create_model(inst)
    cm = CompiledModel(m, 1, SEED)
    lp = cm.run(60, relax=True)
    assert lp.status == "optimal" and lp.objective is not None
    return m, cm, lp.objective


def _whole(cm: CompiledModel, x: np.ndarray) -> None:
    """No household split, every column within its bounds."""
    assert np.all(np.abs(x[cm.integer] - np.round(x[cm.integer])) < 1e-9)
    assert np.all(x >= cm.lower - 1e-9) and np.all(x <= cm.upper + 1e-9)


def _bounds_restored(cm: CompiledModel) -> None:
    hl = cm.h.getLp()
    assert np.array_equal(np.asarray(hl.col_lower_), cm.lower)
    assert np.array_equal(np.asarray(hl.col_upper_), cm.upper)


def _hard_rows_hold(m: pyo.ConcreteModel) -> None:
    """Every constraint of the model holds at the values loaded (the hard slacks included)."""
    for con in m.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body)
        if con.has_lb():
            assert body >= pyo.value(con.lower) - 1e-6, con.name
        if con.has_ub():
            assert body <= pyo.value(con.upper) + 1e-6, con.name


@pytest.fixture(scope="module")
def dived() -> tuple[pyo.ConcreteModel, Instance, CompiledModel, float]:
    m, inst, cm = _lp()
    lp = cm.objective_of(cm.values())
    assert SizeDive(m, inst, cm).run(time.perf_counter() + 60)
    return m, inst, cm, lp


def test_the_dive_leaves_a_whole_plan_that_keeps_every_rule(
    dived: tuple[pyo.ConcreteModel, Instance, CompiledModel, float],
) -> None:
    m, _inst, cm, lp = dived
    x = cm.model_values()
    _whole(cm, x)
    _hard_rows_hold(m)
    hard = sum(pyo.value(v) for v in getattr(m, "v_capacity_excess", {}).values())
    assert hard == 0
    assert cm.objective_of(x) >= lp - 1e-6  # the LP is a bound


def test_the_dive_restores_the_bounds_so_the_lp_bound_is_unchanged(
    dived: tuple[pyo.ConcreteModel, Instance, CompiledModel, float],
) -> None:
    _m, _inst, cm, lp = dived
    _bounds_restored(cm)
    assert cm.run(60, relax=True).objective == pytest.approx(lp)


def test_the_dive_is_closer_to_the_bound_than_rounding_all_at_once() -> None:
    m, inst, cm = _lp()
    cm.load()
    round_per_class(m, inst)
    improve_by_moves(m, inst, cm)
    plain = cm.objective_of(cm.model_values())
    SizeDive(m, inst, cm).run(time.perf_counter() + 60)
    assert cm.objective_of(cm.model_values()) < plain


@pytest.mark.slow
def test_on_the_national_week_the_start_is_within_the_restricted_target() -> None:
    # the national reference week: the LP is tight (0.04 % below the best plan HiGHS finds), so
    # the start is the plan when it is within 0.4 % of the bound and HiGHS is not run
    m, inst, cm = _lp(scale=1.0)
    lp = cm.objective_of(cm.values())
    # no size step of the dive from the LP is undone: the pairs' step overfilled a pol at the
    # first try (a resident pair the LP had half on its way out stayed) and holds at the second
    dive = SizeDive(m, inst, cm)
    dive.run(time.perf_counter() + 60)
    assert [size for size, outcome in dive.steps if outcome == "undone"] == []
    m, inst, cm = _lp(scale=1.0)
    _start, obj, done = _dive(m, inst, cm, time.perf_counter() + 60, lp, target=lp * 1.004)
    assert done and (obj - lp) / obj < 0.004


def test_rins_keeps_a_plan_or_finds_a_better_one_and_restores_the_bounds() -> None:
    m, inst, cm = _lp(seed=2)
    lp_x = cm.values()
    SizeDive(m, inst, cm).run(time.perf_counter() + 60)
    plan = cm.model_values()
    cm.run(60, relax=True)  # another optimal vertex of the same LP
    refs = [lp_x, cm.values()]
    better, obj = rins(cm, refs, plan, time.perf_counter() + 60)
    assert obj <= cm.objective_of(plan) + 1e-6
    assert obj == pytest.approx(cm.objective_of(better))
    assert np.all(np.abs(better[cm.integer] - np.round(better[cm.integer])) < 1e-9)
    # only where the plan and an LP vertex disagreed may the sub-MIP change a household
    agree = cm.integer & (np.abs(refs[0] - plan) <= 1e-6) & (np.abs(refs[1] - plan) <= 1e-6)
    assert np.array_equal(better[agree], plan[agree])
    _bounds_restored(cm)
    for v, val in zip(cm.columns, better.tolist(), strict=True):
        v.set_value(val, skip_validation=True)
    _hard_rows_hold(m)
    again, again_obj = rins(cm, refs, plan, time.perf_counter() + 60)
    assert again_obj == obj and np.array_equal(again, better)  # deterministic (a node limit)


def test_rins_past_its_deadline_returns_the_plan() -> None:
    m, inst, cm = _lp(seed=2)
    SizeDive(m, inst, cm).run(time.perf_counter() + 60)
    plan = cm.model_values()
    same, obj = rins(cm, [np.zeros(cm.n)], plan, time.perf_counter() - 1.0)
    assert same is plan and obj == cm.objective_of(plan)


def test_the_dive_is_deterministic() -> None:
    plans = []
    for _ in range(2):
        m, inst, cm = _lp(seed=3)
        SizeDive(m, inst, cm).run(time.perf_counter() + 60)
        plans.append(cm.model_values())
    assert np.array_equal(plans[0], plans[1])


def test_a_dive_past_its_deadline_still_leaves_a_whole_plan() -> None:
    m, inst, cm = _lp(seed=2)
    assert not SizeDive(m, inst, cm).run(time.perf_counter() - 1.0)
    x = cm.model_values()
    assert np.all(np.abs(x[cm.integer] - np.round(x[cm.integer])) < 1e-9)
    _hard_rows_hold(m)


def test_the_neighbourhood_and_a_second_dive_are_kept_only_if_better() -> None:
    m, inst, cm = _lp(seed=2)
    one = SizeDive(m, inst, cm)
    one.run(time.perf_counter() + 60)
    first = cm.objective_of(cm.model_values())
    m, inst, cm = _lp(seed=2)
    # a target just below the first dive's plan: it misses it narrowly, so the second one runs
    lp = cm.objective_of(cm.values())
    start, obj, done = _dive(m, inst, cm, time.perf_counter() + 60, lp, target=first - 1e-3)
    assert done and obj <= first + 1e-6
    assert obj == pytest.approx(cm.objective_of(cm.model_values()))  # the kept plan is loaded
    assert np.array_equal(start, cm.model_values())


def _full_azc() -> Scenario:
    # A family of two arrives at Ter Apel. Its one azc (A) is full with two single residents who
    # may move to B, which takes no families: the family can only have A if both move on.
    return scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 40, 5),
            loc("A", ZWOLLE, "azc", 10, 10),
            loc("B", UTRECHT, "azc", 100, 60, accepts_families=False),
        ],
        [
            hh("K", "TA", size=2),
            hh("ONE", "A", status="resident"),
            hh("TWO", "A", status="resident"),
        ],
    )


def test_make_room_moves_residents_on_so_a_waiting_family_gets_the_beds() -> None:
    inst = build_instance(_full_azc())
    m = create_model(inst)
    cm = CompiledModel(m, 1, SEED)
    # the plan before: the family waits at Ter Apel, the residents stay
    for v in m.component_data_objects(pyo.Var):
        v.set_value(0, skip_validation=True)
    [k] = [c for c in inst.classes_with_role("arrival")]
    [wait] = [a for a in m.arcs_of[k] if inst.arc_wait[a]]
    m.place_vars[wait].set_value(1)
    tighten_slacks(m, inst)
    before = cm.objective_of(cm.model_values())
    assert make_room(m, inst, cm) == 1
    after = cm.objective_of(cm.model_values())
    placed = {
        inst.locations[int(inst.arc_dest[a])].id: round(m.place_vars[a].value)
        for a in range(inst.n_arcs)
        if round(m.place_vars[a].value or 0) > 0
    }
    assert placed == {"A": 1, "B": 2}  # the family's arc into A, both singles' arcs into B
    assert after < before - 4000 + 2 * 300 + 1000  # the wait (EUR 4,000) saved, two moves paid
    _hard_rows_hold(m)


def test_the_solver_gives_the_family_the_beds_the_residents_leave() -> None:
    plan = solve(_full_azc())
    assert dest(plan) == {"K": "A", "ONE": "B", "TWO": "B"}
    assert plan.registration_waits == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_dive_keeps_every_row_on_random_weeks(s: Scenario) -> None:
    # random small weeks (tests/model/strategies.py): shortages, closures, over-full gvls, families
    # that fit nowhere; whatever the LP, the dive's plan is whole and keeps every row of the model
    inst = build_instance(s)
    m, cm, lp = _compiled_lp(inst)
    assert SizeDive(m, inst, cm).run(time.perf_counter() + 60)
    x = cm.model_values()
    _whole(cm, x)
    _hard_rows_hold(m)
    assert cm.objective_of(x) >= lp - 1e-6 * max(1.0, abs(lp))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_neighbourhoods_keep_every_row_on_random_weeks(s: Scenario) -> None:
    # a target just below the dive's plan: the neighbourhood sub-MIPs run (and the second dive,
    # where they miss); the plan kept is whole, keeps every row, is no worse than the dive alone
    # and leaves the model's bounds as they were
    inst = build_instance(s)
    m, cm, lp = _compiled_lp(inst)
    SizeDive(m, inst, cm).run(time.perf_counter() + 60)
    dive_obj = cm.objective_of(cm.model_values())
    m, cm, _lp_again = _compiled_lp(inst)
    target = lp + 0.999 * (dive_obj - lp)
    start, obj, done = _dive(m, inst, cm, time.perf_counter() + 60, lp, target)
    assert done and obj <= dive_obj + 1e-6 * max(1.0, abs(dive_obj))
    x = cm.model_values()
    assert np.array_equal(start, x)
    assert np.all(np.abs(x[cm.integer] - np.round(x[cm.integer])) < 1e-9)
    _hard_rows_hold(m)
    _bounds_restored(cm)
