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
import pyomo.environ as pyo

from optimizer.model.build import COST_FAMILIES, cost_breakdown
from optimizer.model.compiled import CompiledModel, HighsRun
from optimizer.model.families.registry import ELASTIC
from optimizer.model.instance import Instance
from optimizer.model.linear import total
from optimizer.rules.band import band_penalty_eur
from optimizer.rules.linking import unlinked_price
from optimizer.rules.week import DAYS


@dataclass(frozen=True)
class SolveOptions:
    """Time limit, gap, threads and seed: the same input gives the same plan."""

    time_limit_s: float = 60.0
    mip_rel_gap: float = 0.005
    threads: int = 1
    seed: int = 20261122
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


def _tighten_slacks(m: pyo.ConcreteModel, inst: Instance) -> None:
    """Set every continuous slack to the least value the integer decisions allow.

    Within the MIP gap a solver may leave a slack (band deviation, pace shortfall, excess) above
    its bound: the plan would then be priced above what it costs. Tightening makes the objective
    and the per-family costs exactly the cost of the plan's decisions.
    """
    val = pyo.value
    for var in (m.v_place, m.v_link, m.v_unplaced, getattr(m, "v_closing_stuck", {})):
        for v in var.values():
            v.set_value(round(v.value or 0.0), skip_validation=True)
    end, linked = _end_and_linked(m, inst)
    for i in getattr(m, "v_band_under", {}):
        m.v_band_under[i].set_value(max(0.0, val(m.occupancy_band_under[i].lower) - end[i]))
        m.v_band_over[i].set_value(max(0.0, end[i] - val(m.occupancy_band_over[i].upper)))
    for i in getattr(m, "v_capacity_excess", {}):
        m.v_capacity_excess[i].set_value(max(0.0, end[i] - inst.locations[i].capacity))
    for g in getattr(m, "v_pace_short", {}):
        m.v_pace_short[g].set_value(max(0.0, float(inst.pace_target[g]) - linked[g]))
    for g in getattr(m, "v_quota_excess", {}):
        m.v_quota_excess[g].set_value(max(0.0, linked[g] - float(inst.link_cap[g])))


def _end_and_linked(m: pyo.ConcreteModel, inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """End-of-week persons per location and persons linked per municipality, from the decisions
    (vectorised: evaluating the Pyomo expressions one by one costs about a second nationally)."""
    persons = np.array([c.persons for c in inst.classes], dtype=float)
    x = np.array([m.v_place[a].value or 0.0 for a in range(inst.n_arcs)], dtype=float)
    origin = np.array([c.key.origin for c in inst.classes], dtype=int)[inst.arc_class]
    moved = (inst.arc_dest != origin) * x * persons[inst.arc_class]
    end = np.array([loc.residents for loc in inst.locations], dtype=float)
    np.add.at(end, inst.arc_dest, moved)
    np.subtract.at(end, origin, moved)
    for c, v in m.v_unplaced.items():
        end[inst.classes[c].key.origin] -= persons[c] * (v.value or 0.0)
    linked = np.zeros(len(inst.gm_codes))
    if inst.n_links:
        y = np.array([m.v_link[k].value or 0.0 for k in range(inst.n_links)], dtype=float)
        np.add.at(linked, inst.link_gm, y * persons[inst.link_class])
    return end, linked


def _repair_within_gap(m: pyo.ConcreteModel, inst: Instance) -> None:
    """Take every improvement a planner would see at a glance that the MIP gap let pass.

    A relative gap of 0.5% on a crisis week of EUR 27 mln is EUR 135,000: enough for the solver to
    stop with a status holder unlinked beside a municipality with room (EUR 476 a person) or an
    arrival without a bed beside a free bed it may use (EUR 10,000 a person). Each repair below
    only lowers the objective and keeps every hard rule: an unplaced arrival takes the cheapest of
    its own arcs with room (its own col/gvl included), and an unlinked status holder is linked to
    the cheapest of its municipalities with room, if that costs less than its wait.
    """
    p = inst.scenario.policy
    end, linked = _end_and_linked(m, inst)
    cap = np.array([loc.capacity for loc in inst.locations], dtype=float)
    arc_eur = inst.arc_cost.sum(axis=1) if inst.n_arcs else np.zeros(0)
    changed = False
    for c, v in m.v_unplaced.items():
        left = round(v.value or 0.0)
        cls = inst.classes[c]
        arcs = sorted(m.arcs_of[c], key=lambda a: (arc_eur[a], a))
        for a in arcs:
            d = int(inst.arc_dest[a])
            loc = inst.locations[d]
            while left > 0 and cap[d] - end[d] >= cls.persons:
                band = band_penalty_eur(p, loc, end[d] + cls.persons) - band_penalty_eur(
                    p, loc, end[d]
                )
                if arc_eur[a] + band >= p.unplaced_eur_per_person * cls.persons:
                    break
                m.v_place[a].set_value(round(m.v_place[a].value or 0.0) + 1)
                left -= 1
                end[d] += cls.persons  # (an unplaced household was already off its origin)
                changed = True
        v.set_value(left)
    if inst.n_links:
        pace = inst.pace_target
        taken = np.zeros(len(inst.classes))
        for k in range(inst.n_links):
            taken[int(inst.link_class[k])] += round(m.v_link[k].value or 0.0)
        for c in inst.classes_with_role("link"):
            cls = inst.classes[c]
            wait = cls.persons * unlinked_price(p, cls.key.wait_weeks, cls.key.late)
            while taken[c] < cls.n:
                best, best_eur = -1, 0.0
                for k in m.links_of[c]:
                    g = int(inst.link_gm[k])
                    if inst.link_cap[g] - linked[g] < cls.persons:
                        continue
                    gain = (
                        p.waiting_eur_per_person_day
                        * DAYS
                        * min(cls.persons, max(0.0, pace[g] - linked[g]))
                    )
                    eur = float(inst.link_cost[k]) - gain - wait
                    if eur < best_eur - 1e-9:
                        best, best_eur = k, eur
                if best < 0:
                    break
                m.v_link[best].set_value(round(m.v_link[best].value or 0.0) + 1)
                linked[int(inst.link_gm[best])] += cls.persons
                taken[c] += 1
                changed = True
    if changed:
        _tighten_slacks(m, inst)


def _restrict(
    cm: CompiledModel, cols: np.ndarray, x: np.ndarray, rc: np.ndarray, tau: float
) -> np.ndarray:
    """Fix to zero every arc that the LP leaves empty and whose reduced cost exceeds ``tau``.

    Reduced-cost reasoning: an arc with reduced cost above (incumbent - LP bound) cannot be used
    by any better plan, so with the tight LP of this model the restricted MIP loses (almost)
    nothing; the gap reported is always against the LP bound of the full model. Returns the
    columns fixed (their bounds in HiGHS only; the Pyomo model is left as built).
    """
    c = cols[cols >= 0]
    fixed = c[(x[c] <= 1e-6) & (rc[c] > tau)]
    cm.set_upper(fixed, np.zeros(len(fixed)))
    return fixed


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
    if not opts.relax and lp_ok:
        arcs = cm.cols(
            [m.v_place[a] for a in range(inst.n_arcs)] + [m.v_link[k] for k in range(inst.n_links)]
        )
        fixed = _restrict(cm, arcs, cm.values(), cm.reduced_costs(), opts.reduced_cost_window_eur)
        full_model = not len(fixed)
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
            start = cm.values() if res.has_solution else None
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
    loaded = False  # are the values of ``res`` in the Pyomo variables?
    if not opts.relax and res.has_solution:
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
            _tighten_slacks(m, inst)
            _repair_within_gap(m, inst)
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
