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
    RegistrationWait,
    Unplaced,
    Violation,
)
from optimizer.documents.scenario import Scenario, Status
from optimizer.kpis import compute_kpis, with_savings
from optimizer.model.build import COST_FAMILIES, cost_breakdown, create_model
from optimizer.model.compiled import CompiledModel, HighsRun
from optimizer.model.families.registry import ELASTIC
from optimizer.model.families.suitability import (
    GROUP_KINDS,
    Group,
    may_wait_at_registration,
    profile_of,
    unsuitable_reason,
)
from optimizer.model.instance import Instance, build_instance
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


def scenario_hash(s: Scenario) -> str:
    """Content hash of the scenario (defaults left out, so adding a defaulted field keeps it)."""
    return hashlib.sha256(s.model_dump_json(exclude_defaults=True).encode()).hexdigest()[:16]


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
        m.v_quota_excess[g].set_value(max(0.0, linked[g] - float(inst.link_cap[g])))


def _end_and_linked(m: pyo.ConcreteModel, inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """End-of-week persons per location and persons linked per municipality, from the integers."""
    persons = np.array([c.persons for c in inst.classes], dtype=float)
    origin = np.array([c.key.origin for c in inst.classes], dtype=int)
    end = np.array([loc.residents for loc in inst.locations], dtype=float)
    for a in range(inst.n_arcs):
        x = m.v_place[a].value or 0.0
        c = int(inst.arc_class[a])
        if x and int(inst.arc_dest[a]) != origin[c]:
            end[int(inst.arc_dest[a])] += x * persons[c]
            end[origin[c]] -= x * persons[c]
    for c, v in m.v_unplaced.items():
        end[origin[c]] -= persons[c] * (v.value or 0.0)
    linked = np.zeros(len(inst.gm_codes))
    for k in range(inst.n_links):
        linked[int(inst.link_gm[k])] += (m.v_link[k].value or 0.0) * persons[
            int(inst.link_class[k])
        ]
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
        arcs = cm.cols(
            [m.v_place[a] for a in range(inst.n_arcs)] + [m.v_link[k] for k in range(inst.n_links)]
        )
        fixed = _restrict(cm, arcs, cm.values(), cm.reduced_costs(), opts.reduced_cost_window_eur)
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
    )


def _kinds_words(group: Group) -> str:
    return "/".join(sorted(k.value for k in GROUP_KINDS[group]))


def _unplaced_reason(inst: Instance, c: int) -> str:
    """Where the household waits without a bed, and why, in one full sentence."""
    cls = inst.classes[c]
    key = cls.key
    prof = key.profile
    here = inst.locations[key.origin]
    at = f"Waits at {here.name} ({here.id}) without a bed"
    reasons = [unsuitable_reason(prof, loc) for loc in inst.locations]
    if all(r is not None for r in reasons):
        why = "; ".join(sorted({r for r in reasons if r}))
        return f"{at}: no location in the scenario suits this household ({why})."
    n_ok = sum(r is None for r in reasons)
    need = f"{key.size} person{'s' if key.size > 1 else ''}"
    if unsuitable_reason(prof, here) is None or may_wait_at_registration(prof, here):
        own = f"{here.name} itself has no free bed left for {need}"
    elif key.group is Group.amv:
        own = "unaccompanied minors may not wait in a location for adults"
    elif prof.family and not here.accepts_families:
        own = f"{here.name} takes no families"
    else:
        own = f"{here.name} has no beds"
    where = "the one location it may go to" if n_ok == 1 else f"all {n_ok} locations it may go to"
    verb = "is" if n_ok == 1 else "are"
    return (
        f"{at}: {where} ({_kinds_words(key.group)}) {verb} full at the end of the week, and {own}."
    )


def _wait_reason(inst: Instance, c: int) -> str:
    key = inst.classes[c].key
    here = inst.locations[key.origin]
    return (
        f"Waits in a free bed of {here.name} ({here.id}): every location for its track "
        f"({_kinds_words(key.group)}) that suits it is full at the end of the week; "
        f"registration_wait EUR {inst.scenario.policy.registration_wait_eur_per_person:,.0f} "
        f"per person."
    )


@dataclass
class Decided:
    """The plan's decisions per household (after disaggregation)."""

    placements: list[Placement]
    links: list[Link]
    unplaced: list[Unplaced]
    waits: list[RegistrationWait]


def disaggregate(inst: Instance, sol: Solved) -> Decided:
    """Hand out class members in id order to the arcs in arc order: deterministic and exact."""
    placements: list[Placement] = []
    links: list[Link] = []
    unplaced: list[Unplaced] = []
    waits: list[RegistrationWait] = []
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
        if inst.arc_wait[a]:
            reason = _wait_reason(inst, c)
            here = inst.locations[d].id
            waits += [
                RegistrationWait(household=h, persons=cls.persons, location=here, reason=reason)
                for h in members
            ]
            continue
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
        here = inst.locations[cls.key.origin].id
        for h in cls.members[cursor[c] : cursor[c] + n]:
            unplaced.append(
                Unplaced(household=h, persons=cls.persons, reason=reason, location=here)
            )
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
    waits.sort(key=lambda w: w.household)
    return Decided(placements, links, unplaced, waits)


def diagnose(inst: Instance, sol: Solved) -> list[Violation]:
    """Hard rules that could not hold, in planner words: each elastic family's own message for
    its slack above zero (declared beside its builder)."""
    out: list[Violation] = []
    for f in ELASTIC:
        assert f.diagnose is not None, f"elastic family {f.name} declares no diagnosis"
        for where, persons, message in f.diagnose(inst, sol.slacks.get(f.name, {})):
            out.append(
                Violation(
                    family=f.name, where=where, amount=persons, unit="persons", message=message
                )
            )
    return out


def _ends(
    inst: Instance, placements: list[Placement], links: list[Link], unplaced: list[Unplaced]
) -> tuple[dict[str, str], dict[str, str]]:
    """Where each household of the scenario ends the week (its location if it stays, or
    'unplaced') and, for status holders awaiting a link, the municipality or 'waiting'."""
    place = {h.id: h.location for h in inst.scenario.households}
    place.update({p.household: p.location for p in placements})
    place.update({u.household: "unplaced" for u in unplaced})
    link = {
        h.id: "waiting"
        for h in inst.scenario.households
        if h.status is Status.status_holder and h.linked_gm_code is None
    }
    link.update({lk.household: lk.gm_code for lk in links if lk.household in link})
    return place, link


def _changes(inst: Instance, previous: Plan, decided: Decided) -> list[Change]:
    """Every decision that differs from the previous plan's, with the reason. A decision is where
    the household ends the week (or its municipality), so a household placed last week that now
    stays where it was placed has not changed."""
    mentioned = (
        {p.household for p in previous.placements}
        | {u.household for u in previous.unplaced}
        | {lk.household for lk in previous.links}
        | {w.household for w in previous.registration_waits}
    )
    before_place, before_link = _ends(inst, [], [], [])
    before_place.update(
        {p.household: p.location for p in previous.placements if p.household in before_place}
    )
    before_place.update(
        {u.household: "unplaced" for u in previous.unplaced if u.household in before_place}
    )
    before_link.update(
        {lk.household: lk.gm_code for lk in previous.links if lk.household in before_link}
    )
    after_place, after_link = _ends(inst, decided.placements, decided.links, decided.unplaced)
    pinned = {p.household for p in inst.scenario.pins}
    change_eur = inst.scenario.policy.change_eur_per_decision
    out: list[Change] = []
    for kind, before, after in (
        ("place", before_place, after_place),
        ("link", before_link, after_link),
    ):
        for hid in sorted(after):
            b, a = before[hid], after[hid]
            if a == b:
                continue
            h = inst.households[hid]
            if hid in pinned:
                reason = "pinned by a planner"
            elif hid not in mentioned:
                reason = "new decision (household new or its situation changed)"
            elif b in inst.loc_index and inst.locations[inst.loc_index[b]].closing:
                reason = f"{b} is now closing"
            elif kind == "place" and b in inst.loc_index:
                why = unsuitable_reason(profile_of(h), inst.locations[inst.loc_index[b]])
                reason = (
                    f"{b} no longer suits: {why}"
                    if why and b != h.location
                    else f"{b} has no room left for it, or keeping it costs more than "
                    f"EUR {change_eur:,.0f}"
                )
            elif kind == "link" and b in inst.gm_index and inst.link_cap[inst.gm_index[b]] < h.size:
                reason = f"{b} has no quota left this week"
            else:
                reason = f"keeping it costs more than EUR {change_eur:,.0f}"
            out.append(Change(household=hid, previous=b, now=a, reason=reason))
    out.sort(key=lambda c: c.household)
    return out


def _extra_links(inst: Instance, sol: Solved) -> dict[int, set[int]]:
    """Municipalities beyond the nearest candidates that still have room for a household left
    unlinked: per origin location, the ``link_candidates`` nearest such (empty: nothing to add)."""
    linked = np.zeros(len(inst.gm_codes))
    taken = np.zeros(len(inst.classes))
    for k in range(inst.n_links):
        c = int(inst.link_class[k])
        n = round(sol.link[k])
        linked[int(inst.link_gm[k])] += n * inst.classes[c].persons
        taken[c] += n
    room = inst.link_cap - linked
    cand: dict[int, set[int]] = {}
    for k in range(inst.n_links):
        cand.setdefault(int(inst.link_class[k]), set()).add(int(inst.link_gm[k]))
    out: dict[int, set[int]] = {}
    for c in inst.classes_with_role("link"):
        cls = inst.classes[c]
        if cls.key.pin >= 0 or taken[c] >= cls.n:
            continue
        o = cls.key.origin
        fits = [
            int(g)
            for g in np.argsort(inst.dist_loc_gm[o], kind="stable")
            if room[g] >= cls.persons and int(g) not in cand.get(c, set())
        ]
        if fits:
            out.setdefault(o, set()).update(fits[: inst.scenario.policy.link_candidates])
    return out


def allocate(s: Scenario, opts: SolveOptions | None = None, previous: Plan | None = None) -> Plan:
    """The weekly allocation: build, solve, disaggregate, diagnose and measure. With ``previous``
    (last run's plan) decisions are kept unless changing them pays (family *stability*) and the
    plan lists what changed and why; ``scenario.pins`` are kept always.

    Links are first considered to the ``link_candidates`` nearest municipalities with room; when
    a status holder is left unlinked while a farther municipality still has room for it, those are
    added and the week is solved again (at most twice), so nobody waits for want of a candidate."""
    opts = opts or SolveOptions()
    t0 = time.perf_counter()
    extra: dict[int, set[int]] = {}
    build_s = solve_s = 0.0
    for _round in range(3):
        t1 = time.perf_counter()
        inst = build_instance(s, previous, extra)
        m = create_model(inst)
        build_s += time.perf_counter() - t1
        sol = solve_model(m, inst, opts)
        solve_s += sol.solve_seconds
        more = _extra_links(inst, sol) if sol.status != "no_solution" else {}
        if not more or time.perf_counter() - t0 > opts.time_limit_s / 2:
            break
        for o, gs in more.items():
            extra.setdefault(o, set()).update(gs)
    decided = disaggregate(inst, sol)
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
    placements = with_savings(inst, decided.placements, decided.unplaced)
    kpis = compute_kpis(inst, placements, decided.links, decided.unplaced, sol.costs, decided.waits)
    gap = (
        abs(sol.objective - sol.bound) / max(1.0, abs(sol.objective))
        if sol.objective == sol.objective
        else 1.0
    )
    n_int = inst.n_arcs + inst.n_links + len(sol.unplaced) + len(inst.classes_with_role("closing"))
    return Plan(
        week=s.week,
        scenario_hash=scenario_hash(s),
        status=status,
        objective=round(sol.objective, 2) if sol.objective == sol.objective else 0.0,
        bound=round(sol.bound, 2) if sol.bound == sol.bound else 0.0,
        gap=round(gap, 6),
        solve_seconds=round(solve_s, 3),
        solver=f"HiGHS via Pyomo (threads={opts.threads}, seed={opts.seed}, "
        f"gap={opts.mip_rel_gap}, time_limit={opts.time_limit_s}s)",
        placements=placements,
        links=decided.links,
        unplaced=decided.unplaced,
        registration_waits=decided.waits,
        diagnosis=diagnosis,
        kpis=kpis,
        changes=_changes(inst, previous, decided) if previous else [],
        model=ModelSize(
            classes=len(inst.classes),
            variables=m.nvariables(),
            integer_variables=n_int,
            constraints=m.nconstraints(),
            build_seconds=round(build_s, 3),
            households=len(s.households),
        ),
    )
