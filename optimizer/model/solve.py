"""The solve strategy of the weekly allocation: HiGHS on the Pyomo model compiled to matrices.

LP relaxation (the global bound) -> MIP restricted by reduced costs -> the full MIP if the gap is
still above the target -> for weeks whose hard rules cannot all hold, a lexicographic second phase
on the soft costs -> slacks tightened and the improvements the gap let pass taken. The result is
class counts (:class:`Solved`); turning them into a plan is :mod:`optimizer.allocation`.

Solving never raises on infeasibility: hard rules are elastic (priced at a penalty), so HiGHS always
finds a plan, and any hard slack above zero is reported per elastic family.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.core as pyo

from optimizer.model.build import COST_FAMILIES, cost_breakdown
from optimizer.model.compiled import CompiledModel, HighsRun
from optimizer.model.families.registry import ELASTIC
from optimizer.model.instance import Instance
from optimizer.model.linear import total
from optimizer.model.start import (
    SizeDive,
    improve_by_moves,
    previous_start,
    repair_within_gap,
    rins,
    tighten_slacks,
)
from optimizer.rules.week import SEED


@dataclass(frozen=True)
class SolveOptions:
    """Time limit, gap, threads and seed: the same input gives the same plan."""

    time_limit_s: float = 60.0
    mip_rel_gap: float = 0.005
    threads: int = 1
    seed: int = SEED
    relax: bool = False  # solve the LP relaxation only (benchmarks: the floor any solve pays)
    reduced_cost_window_eur: float = 10.0  # arcs above this LP reduced cost start fixed at zero
    lexicographic: bool = True  # weeks with broken hard rules: then minimise the soft costs alone


@dataclass
class Solved:
    """The counts found by the solver, before disaggregation."""

    place: np.ndarray
    unplaced: dict[int, int]
    link: np.ndarray
    objective: float
    bound: float
    status: str
    solve_seconds: float
    costs: dict[str, float]
    lp_seconds: float = 0.0
    slacks: dict[str, dict[int, float]] = field(default_factory=dict)
    """Per elastic family: its slack values above zero (what the diagnosis reads)."""
    time_limit_hit: bool = False
    """The time limit ended a HiGHS run or left a phase out (widening, the lexicographic phase)."""


def _values(var: pyo.Var, integer: bool) -> dict[int, float]:
    out = {}
    for k, v in var.items():
        x = v.value or 0.0
        out[k] = round(x) if integer else x
    return out


HARD_COST_FAMILIES = tuple(f.name for f in ELASTIC)


def _polish_soft(
    m: pyo.ConcreteModel, opts: SolveOptions, hard: float, time_left: float
) -> tuple[HighsRun, CompiledModel] | None:
    """Second, lexicographic phase for a week where hard rules cannot all hold.

    The hard penalties then dominate the objective and a relative gap leaves the soft costs loose
    (0.5% of EUR 3 mln is EUR 15,000 of needless moves). Keep the hard violations at what phase
    one found and minimise the soft costs alone, starting from phase one's plan (loaded in ``m``).
    The model is compiled again with the extra row and objective; restricted arcs are open again.
    """
    hard_expr: Any = total([getattr(m, f"cost_{f}") for f in HARD_COST_FAMILIES])
    m.lexicographic_hard = pyo.Constraint(expr=hard_expr <= hard + 1e-3)
    m.objective.deactivate()
    m.objective_soft = pyo.Objective(
        expr=total([getattr(m, f"cost_{f}") for f in COST_FAMILIES if f not in HARD_COST_FAMILIES])
    )
    t0 = time.perf_counter()
    try:
        cm = CompiledModel(m, opts.threads, opts.seed)
        cm.start_from_model()
        # the compile is part of the phase: its time comes off the limit
        res = cm.run(time_left - (time.perf_counter() - t0), rel_gap=opts.mip_rel_gap)
    finally:
        m.objective_soft.deactivate()
        m.objective.activate()
    return (res, cm) if res.has_solution else None


def _restrict(
    cm: CompiledModel,
    cols: np.ndarray,
    x: np.ndarray,
    rc: np.ndarray,
    tau: float,
    keep: np.ndarray | None = None,
) -> np.ndarray:
    """Fix to zero every arc that the LP leaves empty and whose reduced cost exceeds ``tau``
    (except the columns above zero in ``keep``, the MIP start, which must stay feasible).

    Reduced-cost reasoning: an arc with reduced cost above (incumbent - LP bound) cannot be used
    by any better plan, so with the tight LP of this model the restricted MIP loses (almost)
    nothing; the gap reported is always against the LP bound of the full model. Returns the
    columns fixed (their bounds in HiGHS only; the Pyomo model is left as built).
    """
    c = cols[cols >= 0]
    drop = (x[c] <= 1e-6) & (rc[c] > tau)
    if keep is not None:
        drop &= keep[c] <= 1e-6
    fixed = c[drop]
    cm.set_upper(fixed, np.zeros(len(fixed)))
    return fixed


NEAR_REL = 0.01
"""A start within 1 % of the LP bound (or twice the target's distance, if that is more) is worth
the neighbourhood sub-MIPs before HiGHS's branch and cut: on a national week they cost 0.3-1 s,
the branch and cut 1.3-15 s."""


def _dive(
    m: pyo.ConcreteModel,
    inst: Instance,
    cm: CompiledModel,
    deadline: float,
    bound: float,
    target: float,
) -> tuple[np.ndarray, float, bool]:
    """The start of the weekly MIP: :class:`SizeDive` from the LP solution in HiGHS. Where that
    plan misses ``target`` but is near it (:data:`NEAR_REL`), :func:`rins` solves the sub-MIP over
    the columns where the plan and the LP disagree (national week: 0.48 % -> 0.35 % in 0.3 s);
    if that misses, HiGHS solves the LP again from its basis, which ends on another optimal
    vertex, and the sub-MIP where the plan and either vertex disagree (-> 0.14 %, 0.6 s more).
    If that still misses narrowly, a second dive from a third vertex, and the sub-MIP of both
    plans. The solve stops at the first plan that meets the target: a planner who asks a tighter
    gap gets the closer plan. The plan kept is loaded in ``m``. Returns its column values,
    objective and whether the deadline left the dives whole."""
    dive = SizeDive(m, inst, cm)
    refs = [cm.values()]  # the LP solution the dive starts from
    done = dive.run(deadline)
    start = cm.model_values()
    start_obj = cm.objective_of(start)

    def lp_again() -> bool:
        again = cm.run(deadline - time.perf_counter(), relax=True)
        if again.status == "optimal":
            refs.append(cm.values())
        return again.status == "optimal"

    def near(obj: float) -> bool:  # close enough for a neighbourhood to reach the target
        return obj - bound <= max(2.0 * (target - bound), NEAR_REL * max(1.0, abs(bound)))

    if start_obj > target and near(start_obj) and done:
        # the neighbourhood where the plan and the LP disagree, then where the plan and the LP's
        # two vertices do (about twice the columns and the time, and closer to the bound)
        start, start_obj = rins(cm, refs, start, deadline)
        if start_obj > target and lp_again():
            start, start_obj = rins(cm, refs, start, deadline)
        if (
            start_obj > target
            and near(start_obj)
            and deadline - time.perf_counter() >= 1.0
            and lp_again()
        ):
            done = dive.run(deadline)  # from a third vertex, then both plans' neighbourhood
            other = cm.model_values()
            base, alt = (other, start) if cm.objective_of(other) < start_obj else (start, other)
            start, start_obj = rins(cm, [*refs, alt], base, deadline)
    for v, val in zip(cm.columns, start.tolist(), strict=True):
        v.set_value(val, skip_validation=True)
    return start, start_obj, done


def solve_model(m: pyo.ConcreteModel, inst: Instance, opts: SolveOptions) -> Solved:
    """LP relaxation (the global bound), a MIP restricted by reduced costs, and, if the gap to the
    LP bound is still above the target, the full MIP from that incumbent.

    ``opts.time_limit_s`` is wall-clock seconds for all of it (compiling included): each phase
    gets what the ones before left."""
    t0 = time.perf_counter()
    cm = CompiledModel(m, opts.threads, opts.seed)
    res = cm.run(opts.time_limit_s - (time.perf_counter() - t0), relax=True)
    stopped = res.stopped
    lp_seconds = time.perf_counter() - t0
    lp_ok = res.has_solution
    lp_bound = res.objective if lp_ok else None
    full_model = True  # is the last solve over the full model (so its bound is global)?
    left = opts.time_limit_s - lp_seconds
    loaded = False  # are the values of ``res`` in the Pyomo variables?
    if not opts.relax and lp_ok:
        arcs = cm.cols(m.place_vars + m.link_vars)
        lp_x, lp_rc = cm.values(), cm.reduced_costs()
        # a MIP start by diving on the LP, the largest households first: if it is already within
        # the restricted target of the LP bound, HiGHS would stop at its root with it, so it is
        # the plan
        assert lp_bound is not None
        target = lp_bound + opts.mip_rel_gap * 0.8 * max(1.0, abs(lp_bound))
        start, start_obj, done = _dive(m, inst, cm, t0 + opts.time_limit_s, lp_bound, target)
        stopped = stopped or not done
        if previous_start(m, inst):  # replanning: the previous decisions may be the better start
            tighten_slacks(m, inst)
            improve_by_moves(m, inst, cm)
            again = cm.model_values()
            if cm.objective_of(again) <= start_obj:
                start, start_obj = again, cm.objective_of(again)
            else:
                for v, val in zip(cm.columns, start, strict=True):
                    v.set_value(float(val), skip_validation=True)
        fixed = _restrict(cm, arcs, lp_x, lp_rc, opts.reduced_cost_window_eur, keep=start)
        full_model = not len(fixed)
        if (start_obj - lp_bound) / max(1.0, abs(start_obj)) <= opts.mip_rel_gap * 0.8:
            res = HighsRun("feasible", start_obj, lp_bound)
            full_model = True  # its gap is against the LP bound of the full model
            loaded = True
        else:
            cm.set_start(start)
            left = opts.time_limit_s - (time.perf_counter() - t0)
            res = cm.run(max(0.05, left), rel_gap=opts.mip_rel_gap * 0.8)
        stopped = res.stopped
        gap = (
            (res.objective - lp_bound) / max(1.0, abs(res.objective))
            if res.objective is not None and lp_bound is not None
            else 1.0
        )
        left = opts.time_limit_s - (time.perf_counter() - t0)
        if gap > opts.mip_rel_gap and left > 1.0:
            # widen to the full model, starting from the restricted incumbent
            start = cm.values() if res.has_solution else start
            cm.restore_upper(fixed)
            if start is not None:
                cm.set_start(start)
            full_model = True
            res = cm.run(left, rel_gap=opts.mip_rel_gap)
            stopped = res.stopped
        elif gap > opts.mip_rel_gap:
            stopped = True  # no time left to widen to the full model
    elif not opts.relax:
        res = cm.run(opts.time_limit_s - (time.perf_counter() - t0), rel_gap=opts.mip_rel_gap)
        stopped = stopped or res.stopped
    if not opts.relax and res.has_solution:
        if not loaded:
            cm.load()
            loaded = True
        hard = sum(pyo.value(getattr(m, f"cost_{f}")) for f in HARD_COST_FAMILIES)
        left = opts.time_limit_s - (time.perf_counter() - t0)
        if opts.lexicographic and hard > 0.5 and left <= 1.0:
            stopped = True  # no time left for the lexicographic phase
        elif opts.lexicographic and hard > 0.5:
            polished = _polish_soft(m, opts, hard, left)
            if polished is not None:
                res, cm = polished
                stopped = stopped or res.stopped
                loaded = False
                full_model = False  # the phase-two bound is not a bound of the full objective
    secs = time.perf_counter() - t0
    if res.has_solution:
        if not loaded:
            cm.load()
        if not opts.relax:
            tighten_slacks(m, inst)
            repair_within_gap(m, inst)
    else:  # no incumbent within the time limit: nothing is placed
        for v in m.component_data_objects(pyo.Var):
            v.set_value(0, skip_validation=True)
    integer = not opts.relax
    pv = _values(m.v_place, integer)
    lv = _values(m.v_link, integer)
    place = np.array([pv[a] for a in range(inst.n_arcs)], dtype=float)
    link = np.array([lv[k] for k in range(inst.n_links)], dtype=float)
    # the cost of the plan as it is (integers exact, slacks at their least value); the objective
    # is the sum of the families, so it is not evaluated a second time
    costs = cost_breakdown(m)
    objective = float(sum(costs.values())) if res.objective is not None else float("nan")
    bound = float(res.bound) if res.bound is not None else objective
    if lp_bound is not None:
        # a restricted MIP's own bound is not global: then the LP bound of the full model is
        bound = max(bound, lp_bound) if full_model and not opts.relax else lp_bound
    has = res.has_solution
    gap = abs(objective - bound) / max(1.0, abs(objective)) if has else 1.0
    status = (
        "no_solution" if not has else ("optimal" if gap <= opts.mip_rel_gap + 1e-9 else "feasible")
    )
    slacks: dict[str, dict[int, float]] = {}
    for f in ELASTIC:
        var = getattr(m, f.slack or "", None)
        if var is not None:
            slacks[f.name] = {int(k): float(v) for k, v in _values(var, False).items() if v > 1e-6}
    return Solved(
        place=place,
        unplaced={int(c): int(v) for c, v in _values(m.v_unplaced, integer).items()},
        link=link,
        objective=objective,
        bound=bound,
        status=status,
        solve_seconds=secs,
        costs=costs,
        lp_seconds=lp_seconds,
        slacks=slacks,
        time_limit_hit=stopped,
    )
