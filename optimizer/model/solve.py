"""Solve the weekly allocation with HiGHS (the Pyomo model compiled to matrices) and turn the counts back into a plan.

Solving never raises on infeasibility: hard rules are elastic (priced at a penalty), so HiGHS always
finds a plan, and any hard slack above zero becomes ``status = infeasible`` with a diagnosis naming
the family, the place and the amount.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.environ as pyo

from optimizer.documents.plan import (
    Change,
    Link,
    ModelSize,
    Placement,
    Plan,
    PlanStatus,
    Unplaced,
    Violation,
)
from optimizer.documents.scenario import Scenario
from optimizer.kpis import compute_kpis
from optimizer.model.build import COST_FAMILIES, cost_breakdown, create_model
from optimizer.model.compiled import CompiledModel, HighsRun
from optimizer.model.families.suitability import Profile, group_of, unsuitable_reason
from optimizer.model.instance import Instance, build_instance
from optimizer.model.linear import total


@dataclass(frozen=True)
class SolveOptions:
    """Time limit, gap, threads and seed: the same input gives the same plan."""

    time_limit_s: float = 60.0
    mip_rel_gap: float = 0.005
    threads: int = 1
    seed: int = 20261122
    relax: bool = False  # solve the LP relaxation only (benchmarks: the floor any solve pays)
    reduced_cost_window_eur: float = 10.0
    lexicographic: bool = True  # weeks with broken hard rules: then minimise the soft costs alone  # arcs above this LP reduced cost start fixed at zero


@dataclass
class Solved:
    """The counts found by the solver, before disaggregation."""

    place: np.ndarray
    unplaced: dict[int, int]
    stuck: dict[int, int]
    link: np.ndarray
    excess: dict[int, float]
    objective: float
    bound: float
    status: str
    solve_seconds: float
    costs: dict[str, float]
    lp_seconds: float = 0.0
    quota_excess: dict[int, float] = field(default_factory=dict)


def scenario_hash(s: Scenario) -> str:
    """Content hash of the scenario (defaults left out, so adding a defaulted field keeps it)."""
    return hashlib.sha256(s.model_dump_json(exclude_defaults=True).encode()).hexdigest()[:16]


def _values(var: pyo.Var, integer: bool) -> dict[int, float]:
    out = {}
    for k, v in var.items():
        x = v.value or 0.0
        out[k] = round(x) if integer else x
    return out


HARD_COST_FAMILIES = ("capacity", "closing", "quota_cap")


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
    try:
        cm = CompiledModel(m, opts.threads, opts.seed)
        cm.start_from_model()
        res = cm.run(time_left, rel_gap=opts.mip_rel_gap)
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
    # end-of-week residents and linked persons from the integer decisions (vectorised: evaluating
    # the Pyomo expressions one by one costs about a second at national scale)
    persons = np.array([c.persons for c in inst.classes], dtype=float)
    x = np.array([m.v_place[a].value for a in range(inst.n_arcs)], dtype=float)
    origin = np.array([c.key.origin for c in inst.classes], dtype=int)[inst.arc_class]
    moved = (inst.arc_dest != origin) * x * persons[inst.arc_class]
    end = np.array([loc.residents for loc in inst.locations], dtype=float)
    np.add.at(end, inst.arc_dest, moved)
    np.subtract.at(end, origin, moved)
    for c, v in m.v_unplaced.items():
        end[inst.classes[c].key.origin] -= persons[c] * v.value
    linked = np.zeros(len(inst.gm_codes))
    if inst.n_links:
        y = np.array([m.v_link[k].value for k in range(inst.n_links)], dtype=float)
        np.add.at(linked, inst.link_gm, y * persons[inst.link_class])
    for i in getattr(m, "v_band_under", {}):
        m.v_band_under[i].set_value(max(0.0, val(m.occupancy_band_under[i].lower) - end[i]))
        m.v_band_over[i].set_value(max(0.0, end[i] - val(m.occupancy_band_over[i].upper)))
    for i in getattr(m, "v_capacity_excess", {}):
        m.v_capacity_excess[i].set_value(max(0.0, end[i] - inst.locations[i].capacity))
    for g in getattr(m, "v_pace_short", {}):
        m.v_pace_short[g].set_value(max(0.0, float(inst.pace_target[g]) - linked[g]))
    for g in getattr(m, "v_quota_excess", {}):
        m.v_quota_excess[g].set_value(max(0.0, linked[g] - float(inst.remaining[g])))


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
    LP bound is still above the target, the full MIP from that incumbent."""
    t0 = time.perf_counter()
    cm = CompiledModel(m, opts.threads, opts.seed)
    res = cm.run(opts.time_limit_s, relax=True)
    lp_seconds = time.perf_counter() - t0
    lp_ok = res.has_solution
    lp_bound = res.objective if lp_ok else None
    full_model = True  # is the last solve over the full model (so its bound is global)?
    left = opts.time_limit_s - lp_seconds
    if not opts.relax and lp_ok:
        arcs = cm.cols([m.v_place[a] for a in range(inst.n_arcs)]
                       + [m.v_link[k] for k in range(inst.n_links)])
        fixed = _restrict(cm, arcs, cm.values(), cm.reduced_costs(),
                          opts.reduced_cost_window_eur)
        full_model = not len(fixed)
        left = opts.time_limit_s - (time.perf_counter() - t0)
        res = cm.run(max(1.0, left), rel_gap=opts.mip_rel_gap * 0.8)
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
    elif not opts.relax:
        res = cm.run(opts.time_limit_s, rel_gap=opts.mip_rel_gap)
    loaded = False  # are the values of ``res`` in the Pyomo variables?
    if not opts.relax and res.has_solution:
        cm.load()
        loaded = True
        hard = sum(pyo.value(getattr(m, f"cost_{f}")) for f in HARD_COST_FAMILIES)
        left = opts.time_limit_s - (time.perf_counter() - t0)
        if opts.lexicographic and hard > 0.5 and left > 1.0:
            polished = _polish_soft(m, opts, hard, left)
            if polished is not None:
                res, cm = polished
                loaded = False
                full_model = False  # the phase-two bound is not a bound of the full objective
    secs = time.perf_counter() - t0
    if res.has_solution:
        if not loaded:
            cm.load()
        if not opts.relax:
            _tighten_slacks(m, inst)
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
    return Solved(
        place=place,
        unplaced={int(c): int(v) for c, v in _values(m.v_unplaced, integer).items()},
        stuck={int(c): int(v) for c, v in _values(m.v_closing_stuck, integer).items()}
        if hasattr(m, "v_closing_stuck")
        else {},
        link=link,
        excess={
            int(i): float(v) for i, v in _values(m.v_capacity_excess, False).items() if v > 1e-6
        }
        if hasattr(m, "v_capacity_excess")
        else {},
        objective=objective,
        bound=bound,
        status=status,
        solve_seconds=secs,
        costs=costs,
        lp_seconds=lp_seconds,
        quota_excess={
            int(g): float(v) for g, v in _values(m.v_quota_excess, False).items() if v > 1e-6
        }
        if hasattr(m, "v_quota_excess")
        else {},
    )


def _unplaced_reason(inst: Instance, c: int) -> str:
    key = inst.classes[c].key
    prof = key.profile
    reasons = [unsuitable_reason(prof, loc) for loc in inst.locations]
    if all(r is not None for r in reasons):
        return (
            "no suitable location anywhere ("
            + ", ".join(sorted({r for r in reasons if r}))[:120]
            + ")"
        )
    return "no room in any suitable location (beds short)"


def disaggregate(inst: Instance, sol: Solved) -> tuple[list[Placement], list[Link], list[Unplaced]]:
    """Hand out class members in id order to the arcs in arc order: deterministic and exact."""
    placements: list[Placement] = []
    links: list[Link] = []
    unplaced: list[Unplaced] = []
    cursor = {c: 0 for c in range(len(inst.classes))}
    for a in range(inst.n_arcs):
        n = int(round(sol.place[a]))
        if n <= 0:
            continue
        c = int(inst.arc_class[a])
        cls = inst.classes[c]
        members = cls.members[cursor[c] : cursor[c] + n]
        cursor[c] += n
        d = int(inst.arc_dest[a])
        if d == cls.key.origin:
            continue
        for h in members:
            placements.append(
                Placement(
                    household=h,
                    location=inst.locations[d].id,
                    from_location=inst.locations[cls.key.origin].id,
                    reason=cls.key.role,
                    distance_km=round(float(inst.dist_loc_loc[cls.key.origin, d]), 1),
                )
            )
    for c, n in sorted(sol.unplaced.items()):
        cls = inst.classes[c]
        reason = _unplaced_reason(inst, c)
        for h in cls.members[cursor[c] : cursor[c] + n]:
            unplaced.append(Unplaced(household=h, persons=cls.persons, reason=reason))
        cursor[c] += n
    for k in range(inst.n_links):
        n = int(round(sol.link[k]))
        if n <= 0:
            continue
        c = int(inst.link_class[k])
        cls = inst.classes[c]
        g = int(inst.link_gm[k])
        for h in cls.members[cursor[c] : cursor[c] + n]:
            links.append(
                Link(
                    household=h,
                    gm_code=inst.gm_codes[g],
                    persons=cls.persons,
                    distance_km=round(float(inst.dist_loc_gm[cls.key.origin, g]), 1),
                )
            )
        cursor[c] += n
    placements.sort(key=lambda p: p.household)
    links.sort(key=lambda x: x.household)
    unplaced.sort(key=lambda u: u.household)
    return placements, links, unplaced


def diagnose(inst: Instance, sol: Solved) -> list[Violation]:
    """Hard rules that could not hold, in planner words (elastic slack above zero)."""
    stuck_at: dict[int, int] = {}
    for c, n in sol.stuck.items():
        if n > 0:
            o = inst.classes[c].key.origin
            stuck_at[o] = stuck_at.get(o, 0) + n * inst.classes[c].persons
    found: list[tuple[str, str, int, str]] = []  # family, where, persons, message
    for o, persons in sorted(stuck_at.items()):
        loc = inst.locations[o]
        found.append(
            (
                "closing",
                loc.id,
                persons,
                f"{loc.name} ({loc.id}) is closing but "
                f"{persons} residents have no suitable free bed elsewhere",
            )
        )
    for i, x in sorted(sol.excess.items()):
        loc, n = inst.locations[i], int(np.ceil(x - 1e-6))
        found.append(
            (
                "capacity",
                loc.id,
                n,
                f"{loc.name} ({loc.id}) ends the week {n} persons "
                f"over its {loc.capacity} beds: no suitable free bed elsewhere for them",
            )
        )
    for g, x in sorted(sol.quota_excess.items()):
        gm, n = inst.gm_codes[g], int(np.ceil(x - 1e-6))
        found.append(
            (
                "quota_cap",
                gm,
                n,
                f"{gm}: pinned links exceed its remaining quota "
                f"({int(inst.remaining[g])} persons) by {n}",
            )
        )
    return [
        Violation(family=f, where=w, amount=n, unit="persons", message=msg)
        for f, w, n, msg in found
    ]


def _decision_map(
    placements: list[Placement], links: list[Link], unplaced: list[Unplaced]
) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for p in placements:
        out[(p.household, "place")] = p.location
    for u in unplaced:
        out[(u.household, "place")] = "unplaced"
    for lk in links:
        out[(lk.household, "link")] = lk.gm_code
    return out


def _changes(
    inst: Instance,
    previous: Plan,
    placements: list[Placement],
    links: list[Link],
    unplaced: list[Unplaced],
) -> list[Change]:
    """Every decision of the previous plan that is not kept, or new, with the reason."""
    before = _decision_map(previous.placements, previous.links, previous.unplaced)
    after = _decision_map(placements, links, unplaced)
    pinned = {p.household for p in inst.scenario.pins}
    out: list[Change] = []
    for key in sorted(set(before) | set(after)):
        hid, kind = key
        if hid not in inst.households:
            continue
        b, a = before.get(key, "not decided"), after.get(key, "not decided")
        if a == b:
            continue
        if hid in pinned:
            reason = "pinned by a planner"
        elif b in inst.loc_index and inst.locations[inst.loc_index[b]].closing:
            reason = f"{b} is now closing"
        elif b == "not decided":
            reason = "new decision (household new or its situation changed)"
        elif b in inst.loc_index:
            h = inst.households[hid]
            prof = Profile(
                group_of(h.status, h.track, h.amv), h.size > 1, h.school_age_children > 0
            )
            why = unsuitable_reason(prof, inst.locations[inst.loc_index[b]])
            reason = (
                f"{b} no longer suits: {why}"
                if why
                else (
                    f"{b} has no room left for it, or keeping it costs more than "
                    f"EUR {inst.scenario.policy.change_eur_per_decision:,.0f}"
                )
            )
        elif (
            kind == "link"
            and b in inst.gm_index
            and inst.remaining[inst.gm_index[b]] < inst.households[hid].size
        ):
            reason = f"{b} has no quota left"
        else:
            reason = (
                f"keeping it costs more than EUR "
                f"{inst.scenario.policy.change_eur_per_decision:,.0f}"
            )
        out.append(Change(household=hid, previous=b, now=a, reason=reason))
    return out


def allocate(s: Scenario, opts: SolveOptions | None = None, previous: Plan | None = None) -> Plan:
    """The weekly allocation: build, solve, disaggregate, diagnose and measure. With ``previous``
    (last run's plan) decisions are kept unless changing them pays (family *stability*) and the
    plan lists what changed and why; ``scenario.pins`` are kept always."""
    opts = opts or SolveOptions()
    t0 = time.perf_counter()
    inst = build_instance(s, previous)
    m = create_model(inst)
    build_s = time.perf_counter() - t0
    sol = solve_model(m, inst, opts)
    placements, links, unplaced = disaggregate(inst, sol)
    diagnosis = diagnose(inst, sol)
    if sol.status == "no_solution":
        status = PlanStatus.infeasible
        diagnosis.append(
            Violation(
                family="time_limit",
                where="model",
                amount=opts.time_limit_s,
                unit="seconds",
                message="HiGHS found no plan within the time limit; raise --time-limit",
            )
        )
    elif diagnosis:
        status = PlanStatus.infeasible
    else:
        status = PlanStatus(sol.status)
    kpis = compute_kpis(inst, placements, links, unplaced, sol.costs)
    gap = (
        abs(sol.objective - sol.bound) / max(1.0, abs(sol.objective))
        if sol.objective == sol.objective
        else 1.0
    )
    n_int = inst.n_arcs + inst.n_links + len(sol.unplaced) + len(sol.stuck)
    return Plan(
        week=s.week,
        scenario_hash=scenario_hash(s),
        status=status,
        objective=round(sol.objective, 2) if sol.objective == sol.objective else 0.0,
        bound=round(sol.bound, 2) if sol.bound == sol.bound else 0.0,
        gap=round(gap, 6),
        solve_seconds=round(sol.solve_seconds, 3),
        solver=f"HiGHS via Pyomo (threads={opts.threads}, seed={opts.seed}, "
        f"gap={opts.mip_rel_gap}, time_limit={opts.time_limit_s}s)",
        placements=placements,
        links=links,
        unplaced=unplaced,
        diagnosis=diagnosis,
        kpis=kpis,
        changes=_changes(inst, previous, placements, links, unplaced) if previous else [],
        model=ModelSize(
            classes=len(inst.classes),
            variables=m.nvariables(),
            integer_variables=n_int,
            constraints=m.nconstraints(),
            build_seconds=round(build_s, 3),
            households=len(s.households),
        ),
    )
