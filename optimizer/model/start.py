"""Primal heuristics of the weekly solve: integer plans (MIP starts) built from an LP solution.

* :func:`round_per_class` rounds the LP loaded in the model per class, keeping each class whole;
* :func:`improve_by_moves` moves single households while that lowers the exact objective;
* :func:`repair_within_gap` takes the improvements a planner would see at a glance;
* :func:`tighten_slacks` sets every continuous slack to the least value the decisions allow;
* :func:`previous_start` gives the previous plan's decisions again (replanning);
* :class:`SizeDive` dives on the LP, the largest households first (the weekly start).

They work on the values loaded in the Pyomo variables and never change the model.
"""

from __future__ import annotations

import time

import numpy as np
import pyomo.core as pyo

from optimizer.model.compiled import CompiledModel
from optimizer.model.families.registry import ELASTIC
from optimizer.model.instance import Instance
from optimizer.rules.band import band_high, band_low, band_penalty_eur
from optimizer.rules.linking import unlinked_price
from optimizer.rules.week import DAYS


def tighten_slacks(m: pyo.ConcreteModel, inst: Instance) -> None:
    """Set every continuous slack to the least value the integer decisions allow.

    Within the MIP gap a solver may leave a slack (band deviation, pace shortfall, excess) above
    its bound: the plan would then be priced above what it costs. Tightening makes the objective
    and the per-family costs exactly the cost of the plan's decisions.
    """
    val = pyo.value
    stuck = getattr(m, "v_closing_stuck", {})
    for vs in (m.place_vars, m.link_vars, list(m.v_unplaced.values()), list(stuck.values())):
        for v in vs:  # only what is off an integer is written (most of 43,000 are on one)
            x = v.value or 0.0
            r = round(x)
            if x != r:
                v.set_value(r, skip_validation=True)
    end, linked = end_and_linked(m, inst)
    for i in getattr(m, "v_band_under", {}):
        m.v_band_under[i].set_value(max(0.0, val(m.occupancy_band_under[i].lower) - end[i]))
        m.v_band_over[i].set_value(max(0.0, end[i] - val(m.occupancy_band_over[i].upper)))
    for i in getattr(m, "v_capacity_excess", {}):
        m.v_capacity_excess[i].set_value(max(0.0, end[i] - inst.locations[i].capacity))
    for g in getattr(m, "v_pace_short", {}):
        m.v_pace_short[g].set_value(max(0.0, float(inst.pace_target[g]) - linked[g]))
    for g in getattr(m, "v_quota_excess", {}):
        m.v_quota_excess[g].set_value(max(0.0, linked[g] - float(inst.link_cap[g])))


def end_and_linked(m: pyo.ConcreteModel, inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """End-of-week persons per location and persons linked per municipality, from the decisions
    (vectorised: evaluating the Pyomo expressions one by one costs about a second nationally)."""
    persons = inst.class_persons()
    x = np.array([v.value or 0.0 for v in m.place_vars], dtype=float)
    origin = inst.class_origins()[inst.arc_class]
    moved = (inst.arc_dest != origin) * x * persons[inst.arc_class]
    end = np.array([loc.residents for loc in inst.locations], dtype=float)
    np.add.at(end, inst.arc_dest, moved)
    np.subtract.at(end, origin, moved)
    for c, v in m.v_unplaced.items():
        end[inst.classes[c].key.origin] -= persons[c] * (v.value or 0.0)
    linked = np.zeros(len(inst.gm_codes))
    if inst.n_links:
        y = np.array([v.value or 0.0 for v in m.link_vars], dtype=float)
        np.add.at(linked, inst.link_gm, y * persons[inst.link_class])
    return end, linked


def load_counts(m: pyo.ConcreteModel, place: np.ndarray, link: np.ndarray) -> None:
    """Put class counts per arc and per link into the model's variables."""
    for v, x in zip(m.place_vars, place.tolist(), strict=True):
        v.set_value(float(x), skip_validation=True)
    for v, x in zip(m.link_vars, link.tolist(), strict=True):
        v.set_value(float(x), skip_validation=True)


def repair_within_gap(m: pyo.ConcreteModel, inst: Instance) -> None:
    """Take every improvement a planner would see at a glance that the MIP gap let pass.

    A relative gap of 0.5% on a crisis week of EUR 27 mln is EUR 135,000: enough for the solver to
    stop with a status holder unlinked beside a municipality with room (EUR 476 a person) or an
    arrival without a bed beside a free bed it may use (EUR 10,000 a person). Each repair below
    only lowers the objective and keeps every hard rule: an unplaced arrival takes the cheapest of
    its own arcs with room (its own col/gvl included), and an unlinked status holder is linked to
    the cheapest of its municipalities with room, if that costs less than its wait.
    """
    p = inst.scenario.policy
    end, linked = end_and_linked(m, inst)
    cap = np.array([loc.capacity for loc in inst.locations], dtype=float)
    arc_eur = inst.arc_eur()
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
                m.place_vars[a].set_value(round(m.place_vars[a].value or 0.0) + 1)
                left -= 1
                end[d] += cls.persons  # (an unplaced household was already off its origin)
                changed = True
        v.set_value(left)
    if inst.n_links:
        pace = inst.pace_target
        taken = np.zeros(len(inst.classes))
        for k in range(inst.n_links):
            taken[int(inst.link_class[k])] += round(m.link_vars[k].value or 0.0)
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
                m.link_vars[best].set_value(round(m.link_vars[best].value or 0.0) + 1)
                linked[int(inst.link_gm[best])] += cls.persons
                taken[c] += 1
                changed = True
    if changed:
        tighten_slacks(m, inst)


def round_per_class(m: pyo.ConcreteModel, inst: Instance) -> None:
    """A plan from the LP solution loaded in ``m``: each class's counts rounded, the class kept whole.

    Per class every LP value is rounded down; the households left over (one per fractional part,
    at most) go, largest fractional part first over all classes, to the arc they were partly on
    if its location (or municipality) still has room for them; the rest stay where they are (an
    arrival is then without a bed, a closing class stuck, a status holder unlinked). Rounding
    down never fills a location or a municipality beyond what the LP did, so no hard rule breaks
    that the LP kept (a rebalance class staying put aside). The slacks are then set to their
    least value and the improvements at a glance taken (:func:`repair_within_gap`): the plan is
    a MIP start, often within the gap of the LP bound.
    """
    eps = 1e-6
    persons = inst.class_persons()
    origin = inst.class_origins()
    x = np.array([v.value or 0.0 for v in m.place_vars], dtype=float)
    y = np.array([v.value or 0.0 for v in m.link_vars], dtype=float)
    xf = np.floor(x + eps)
    yf = np.floor(y + eps)
    left = np.array([c.n for c in inst.classes], dtype=float)  # households not yet decided
    np.subtract.at(left, inst.arc_class, xf)
    for c, v in m.v_unplaced.items():
        u = np.floor((v.value or 0.0) + eps)
        v.set_value(u, skip_validation=True)
        left[c] -= u
    stuck = getattr(m, "v_closing_stuck", {})
    for c, v in stuck.items():
        u = np.floor((v.value or 0.0) + eps)
        v.set_value(u, skip_validation=True)
        left[c] -= u
    is_link = np.array([c.key.role == "link" for c in inst.classes], dtype=bool)
    left_link = left.copy()
    np.subtract.at(left_link, inst.link_class, yf)
    left = np.where(is_link, left_link, left)
    # a rebalance or link class need not move (be linked) whole: only its LP share, rounded
    optional = np.array([c.key.role in ("rebalance", "link") for c in inst.classes], dtype=bool)
    share = np.zeros(len(inst.classes))
    np.add.at(share, inst.arc_class, x - xf)
    np.add.at(share, inst.link_class, y - yf)
    left = np.where(optional, np.minimum(left, np.round(share)), left)
    # end-of-week persons with the rounded-down counts (households left over are at their origin)
    a_origin = origin[inst.arc_class]
    moved = (inst.arc_dest != a_origin) * xf * persons[inst.arc_class]
    end = np.array([loc.residents for loc in inst.locations], dtype=float)
    np.add.at(end, inst.arc_dest, moved)
    np.subtract.at(end, a_origin, moved)
    for c, v in m.v_unplaced.items():
        # an arrival left over is off its origin until it is given an arc (its stay arc too)
        end[origin[c]] -= persons[c] * ((v.value or 0.0) + left[c])
    room = np.array([loc.capacity for loc in inst.locations], dtype=float) - end
    closing = np.array([loc.closing for loc in inst.locations], dtype=bool)
    room[closing] = -np.inf
    linked = np.zeros(len(inst.gm_codes))
    np.add.at(linked, inst.link_gm, yf * persons[inst.link_class])
    gm_room = inst.link_cap - linked
    # the leftover households, the largest first (the hardest to fit), each to the arc it was most
    # on in the LP that has room for it, else to the cheapest of its arcs with room
    fx = x - xf
    fy = y - yf
    arc_eur = inst.arc_eur()
    price = inst.scenario.policy.unplaced_eur_per_person
    order = sorted(np.flatnonzero(left >= 1), key=lambda c: (-persons[c], c))
    for c in order:
        p = persons[c]
        if is_link[c]:
            ks = m.links_of[c]
            pref = sorted((k for k in ks if fy[k] > eps), key=lambda k: (-fy[k], k))
            while left[c] >= 1:
                k = next((k for k in pref if gm_room[int(inst.link_gm[k])] >= p), -1)
                if k < 0:
                    break
                gm_room[int(inst.link_gm[k])] -= p
                yf[k] += 1
                fy[k] = 0.0
                pref.remove(k)
                left[c] -= 1
            continue
        arcs = m.arcs_of[c]
        pref = sorted((a for a in arcs if fx[a] > eps), key=lambda a: (-fx[a], a))
        rest = sorted((a for a in arcs if fx[a] <= eps), key=lambda a: (arc_eur[a], a))
        arrival = c in m.v_unplaced
        while left[c] >= 1:
            a = next((a for a in pref if room[int(inst.arc_dest[a])] >= p), -1)
            if a >= 0:
                pref.remove(a)
            elif optional[c]:
                break
            else:
                a = next((a for a in rest if room[int(inst.arc_dest[a])] >= p), -1)
                if a < 0 or (arrival and arc_eur[a] >= price * p):
                    break
            d = int(inst.arc_dest[a])
            room[d] -= p
            if not arrival:  # a resident leaving its origin frees its bed
                room[int(origin[c])] += p
            xf[a] += 1
            left[c] -= 1
    for c, v in m.v_unplaced.items():
        if left[c] >= 1:  # no room on its arcs: without a bed for now (the repair may place it)
            v.set_value((v.value or 0.0) + left[c], skip_validation=True)
    for c, v in stuck.items():
        if left[c] >= 1:
            v.set_value((v.value or 0.0) + left[c], skip_validation=True)
    load_counts(m, xf, yf)
    tighten_slacks(m, inst)
    repair_within_gap(m, inst)


def previous_start(m: pyo.ConcreteModel, inst: Instance) -> bool:
    """Replanning: the plan with every previous decision given again (on the plan loaded in
    ``m``: a class without one keeps its values). False if no class has a previous decision."""
    any_prev = False
    stuck = getattr(m, "v_closing_stuck", {})
    for c, cls in enumerate(inst.classes):
        prev = cls.key.previous
        if prev < 0 or cls.key.pin >= 0:
            continue
        if cls.key.role == "link":
            ks = m.links_of[c]
            keep = [k for k in ks if int(inst.link_gm[k]) == prev]
            var = m.v_link
        else:
            ks = m.arcs_of[c]
            keep = [a for a in ks if int(inst.arc_dest[a]) == prev]
            var = m.v_place
        if not keep:
            continue
        any_prev = True
        for k in ks:
            var[k].set_value(float(cls.n) if k == keep[0] else 0.0, skip_validation=True)
        if c in m.v_unplaced:
            m.v_unplaced[c].set_value(0.0, skip_validation=True)
        if c in stuck:
            stuck[c].set_value(0.0, skip_validation=True)
    return any_prev


_NO = 1e15  # the price of breaking a rule that has no slack: never paid by a move


class _Prices:
    """What the objective charges per location and per municipality for its end-of-week persons
    (band, capacity excess) and its persons linked (pace shortfall, quota excess): the prices of
    the slack columns, read from the compiled objective so they are exactly the model's."""

    def __init__(self, m: pyo.ConcreteModel, inst: Instance, cm: CompiledModel) -> None:
        p = inst.scenario.policy
        n, g = len(inst.locations), len(inst.gm_codes)

        def price(var_name: str, size: int) -> np.ndarray:
            out = np.zeros(size)
            var = getattr(m, var_name, None)
            if var is not None:
                idx = list(var.keys())
                out[np.array(idx, dtype=int)] = cm.costs_of([var[i] for i in idx])
            return out

        self.under = price("v_band_under", n)
        self.over = price("v_band_over", n)
        self.excess = price("v_capacity_excess", n)
        self.short = price("v_pace_short", g)
        # a municipality without a quota slack may not be linked beyond its cap at all
        self.quota_excess = price("v_quota_excess", g)
        var = getattr(m, "v_quota_excess", {})
        self.quota_excess[[j for j in range(g) if j not in var]] = _NO
        cap = np.array([loc.capacity for loc in inst.locations], dtype=float)
        self.cap = cap
        self.low = np.array([band_low(p.occupancy_min, int(c)) for c in cap], dtype=float)
        self.high = np.array([band_high(p.occupancy_max, int(c)) for c in cap], dtype=float)
        self.target = np.asarray(inst.pace_target, dtype=float)
        self.link_cap = np.asarray(inst.link_cap, dtype=float)
        self._lists: tuple[list[float], ...] | None = None

    def loc1(self, d: int, e: float) -> float:
        """:meth:`loc` of one location (plain floats: chains price thousands of single steps)."""
        if self._lists is None:
            self._lists = tuple(
                a.tolist() for a in (self.under, self.low, self.over, self.high, self.excess)
            ) + (self.cap.tolist(),)
        under, low, over, high, excess, cap = self._lists
        return (
            under[d] * max(0.0, low[d] - e)
            + over[d] * max(0.0, e - high[d])
            + excess[d] * max(0.0, e - cap[d])
        )

    def loc(self, d: np.ndarray, e: np.ndarray) -> np.ndarray:
        return (
            self.under[d] * np.maximum(0.0, self.low[d] - e)
            + self.over[d] * np.maximum(0.0, e - self.high[d])
            + self.excess[d] * np.maximum(0.0, e - self.cap[d])
        )

    def gm(self, g: np.ndarray, linked: np.ndarray) -> np.ndarray:
        return self.short[g] * np.maximum(0.0, self.target[g] - linked) + self.quota_excess[
            g
        ] * np.maximum(0.0, linked - self.link_cap[g])


def improve_by_moves(
    m: pyo.ConcreteModel, inst: Instance, cm: CompiledModel, passes: int = 8
) -> None:
    """Move single households while that lowers the objective (a local search on the integer
    plan loaded in ``m``): an arrival or a household of a closing location from one of its
    options (arcs, without a bed, stuck) to another, a status holder from one municipality (or
    waiting) to another. Each move is priced exactly: the columns' objective coefficients plus
    the change of the band, capacity, pace and quota prices where it leaves and where it goes.
    Ties keep the plan; the classes are visited in order, so the result is deterministic."""
    pr = _Prices(m, inst, cm)
    persons = inst.class_persons()
    x = np.array([round(v.value or 0.0) for v in m.place_vars], dtype=float)
    y = np.array([round(v.value or 0.0) for v in m.link_vars], dtype=float)
    arc_c = cm.costs_of(m.place_vars)
    link_c = cm.costs_of(m.link_vars)
    end, linked = end_and_linked(m, inst)
    stuck = getattr(m, "v_closing_stuck", {})
    # per class: its options' destinations (-1: none), costs and counts
    groups: list[tuple[int, str, np.ndarray, np.ndarray, np.ndarray, pyo.Var | None]] = []
    for c, cls in enumerate(inst.classes):
        role = cls.key.role
        if cls.key.pin >= 0:  # a pinned decision is not moved
            continue
        if role == "link":
            ks = np.array(m.links_of[c], dtype=int)
            if len(ks):
                groups.append((c, "link", ks, inst.link_gm[ks], link_c[ks], None))
        elif role in ("arrival", "closing"):
            arcs = np.array(m.arcs_of[c], dtype=int)
            slack = m.v_unplaced[c] if role == "arrival" else None
            if role == "closing" and c in stuck:
                slack = stuck[c]
            if len(arcs) + (slack is not None) >= 2:
                groups.append((c, role, arcs, inst.arc_dest[arcs], arc_c[arcs], slack))
    slack_cost = {
        id(slack): float(cm.costs_of([slack])[0])
        for _c, _role, _idx, _dest, _cost, slack in groups
        if slack is not None
    }
    eps = 1e-6
    # per class, once: its options' destinations (-1: none) and costs; the last option is the
    # slack (no bed, stuck, waiting) where the class has one
    opts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for _c, role, _idx, dest, cost, slack in groups:
        if role == "link" or slack is not None:
            dest_all = np.append(dest, -1)
            cost_all = np.append(cost, slack_cost.get(id(slack), 0.0) if slack is not None else 0.0)
        else:
            dest_all, cost_all = np.asarray(dest), np.asarray(cost)
        has = dest_all >= 0
        opts.append((dest_all, cost_all, has, np.where(has, dest_all, 0)))
    # a class is looked at again only when a place among its options changed since it was last
    # looked at (its best move cannot have changed otherwise): the stamps of the last change
    step = 0
    stamp = {False: np.zeros(len(end), dtype=np.int64), True: np.zeros(len(linked), dtype=np.int64)}
    seen = np.full(len(groups), -1, dtype=np.int64)
    places = [dest_all[has] for dest_all, _cost, has, _dd in opts]
    for _pass in range(passes):
        improved = False
        for g, ((c, role, idx, _dest, _cost, slack), (dest_all, cost_all, has, dd)) in enumerate(
            zip(groups, opts, strict=True)
        ):
            is_link = role == "link"
            if seen[g] >= 0 and (not len(places[g]) or stamp[is_link][places[g]].max() <= seen[g]):
                continue
            p = persons[c]
            counts = y[idx] if is_link else x[idx]
            if slack is not None:
                count_all = np.append(counts, round(slack.value or 0.0))
            elif is_link:
                count_all = np.append(counts, inst.classes[c].n - int(counts.sum()))
            else:
                count_all = counts.copy()
            state, fn = (linked, pr.gm) if is_link else (end, pr.loc)
            while True:
                # the change of a destination's price when p persons arrive (dest -1: none)
                now = fn(dd, state[dd])
                add = np.where(has, fn(dd, state[dd] + p) - now, 0.0)
                less = np.where(has, fn(dd, state[dd] - p) - now, 0.0)
                best = (0.0, -1, -1)
                for j in np.flatnonzero(count_all >= 1):
                    dj = int(dest_all[j])
                    rem = float(less[j])
                    # leaving option j, then arriving at another: when both are the same place
                    # nothing changes there
                    delta = cost_all - cost_all[j] + add + rem
                    same = dest_all == dj
                    delta = np.where(same, cost_all - cost_all[j], delta)
                    delta[j] = 0.0
                    i = int(np.argmin(delta))
                    if delta[i] < best[0] - eps * max(1.0, abs(cost_all[j])) - 1e-6:
                        best = (float(delta[i]), int(j), i)
                if best[1] < 0:
                    break
                _d, out, into = best
                count_all[out] -= 1
                count_all[into] += 1
                step += 1
                for jj, sign in ((out, -1.0), (into, 1.0)):
                    dj = int(dest_all[jj])
                    if dj >= 0:
                        state[dj] += sign * p
                        stamp[is_link][dj] = step
                improved = True
            seen[g] = step
            if is_link:
                y[idx] = count_all[: len(idx)]
            else:
                x[idx] = count_all[: len(idx)]
            if slack is not None:
                slack.set_value(float(count_all[-1]), skip_validation=True)
        if not improved:
            break
    load_counts(m, x, y)
    tighten_slacks(m, inst)


class SizeDive:
    """A MIP start by diving on the LP, the largest households first.

    Per household size, from the largest down to 2: the classes of that size are rounded to
    whole households (:meth:`round_size`), their columns fixed at those counts, and the LP solved
    again (HiGHS restarts from its basis), so every smaller household is re-planned around what
    is fixed. Households of one person are left to the last LP: with every larger household fixed,
    each of its rows counts persons of one, so its optimal vertex is integral (in practice: a few
    fractional columns, which the final :func:`round_per_class` takes). The plan is then improved
    by :func:`improve_by_moves`.

    Rounding all classes at once (the plain start) leaves fragments of rooms too small for the
    families the LP had split over them; here a family's room counts only what is fixed, so the
    large families get whole rooms first and the small ones fill what is left (first fit
    decreasing, guided by the LP). On 8 national weeks one dive came to 0.04-0.76 % of the LP
    bound (6 within 0.4 %), the plain rounding to 0.64-2.3 %.

    A step whose fix makes the next LP overfill a location is rounded once more with those
    locations counted strictly (``tight`` in :meth:`round_size`): there nobody counts on
    residents leaving, nobody waits in a bed the LP needed to free (an over-full col or gvl), and
    a resident the LP had half on its way out leaves. A step that still breaks a hard rule that
    the LP keeps (capacity, a closing location, a pinned decision) is undone and only its columns
    that the LP has integral are fixed; their households are rounded with the next size. Before
    the retry, an undone step on a peak week left its families to the final rounding, 1-3 % above
    the bound, where HiGHS then ran for 0.4-15 s. The LP bound itself is never changed: the
    model's own bounds are restored at the end.
    """

    def __init__(self, m: pyo.ConcreteModel, inst: Instance, cm: CompiledModel) -> None:
        self.m, self.inst, self.cm = m, inst, cm
        self.persons = inst.class_persons()
        self.origin = inst.class_origins()
        self.n = np.array([c.n for c in inst.classes], dtype=float)
        self.acol = cm.cols(m.place_vars)
        self.lcol = cm.cols(m.link_vars)
        stuck = getattr(m, "v_closing_stuck", {})
        # the slack option of a class: without a bed (arrival) or stuck (closing)
        self.slack_cls = np.array(list(m.v_unplaced.keys()) + list(stuck.keys()), dtype=int)
        self.slack_col = cm.cols(list(m.v_unplaced.values()) + list(stuck.values()))
        self.a_persons = self.persons[inst.arc_class]
        self.a_origin = self.origin[inst.arc_class]
        self.moves = inst.arc_dest != self.a_origin  # False: a stay (or wait) arc
        self.arc_eur = inst.arc_eur()
        locs = inst.locations
        self.cap = np.array([loc.capacity for loc in locs], dtype=float)
        self.closing = np.array([loc.closing for loc in locs], dtype=bool)
        self.residents = np.array([loc.residents for loc in locs], dtype=float)
        slacks = [getattr(m, f.slack or "", None) for f in ELASTIC]
        hard = [cm.cols(list(var.values())) for var in slacks if var is not None]
        cols = np.concatenate(hard) if hard else np.zeros(0, dtype=np.int64)
        self.hard_cols = cols[cols >= 0]
        self.steps: list[tuple[float, str]] = []
        """Per size of the last :meth:`run`: ``fixed``, ``retried`` (fixed at the second try,
        with the over-filled locations counted strictly) or ``undone``."""
        excess = getattr(m, "v_capacity_excess", {})
        self.excess_loc = np.array(list(excess.keys()), dtype=int)
        self.excess_col = cm.cols(list(excess.values()))

    def _at(self, x: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return np.where(cols >= 0, x[np.maximum(cols, 0)], 0.0)

    def _over(self, x: np.ndarray) -> np.ndarray:
        """Per location: is it above its capacity in ``x``?"""
        out = np.zeros(len(self.cap), dtype=bool)
        out[self.excess_loc[self._at(x, self.excess_col) > 1e-6]] = True
        return out

    def _hard(self, x: np.ndarray) -> float:
        return float(self.cm.cost[self.hard_cols] @ x[self.hard_cols])

    def round_size(
        self, x: np.ndarray, fixed: np.ndarray, size: float, tight: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Whole-household counts for the unfixed columns of the classes of ``size`` persons, from
        the LP values ``x``: the columns and their values.

        Every LP count is rounded down; the households left over (the LP's fractional parts,
        rounded, for a class that need not move or be linked whole) go to the arc or municipality
        they were most on in the LP where room is left for them, else (an arrival or a closing
        class) to the cheapest of their arcs with room, else to their slack. Room counts the
        fixed households and this size's, the LP's departures of smaller ones, and not the
        arrivals of smaller ones: those are re-planned around it.

        ``tight`` marks locations where that was too hopeful (the next LP had to exceed their
        capacity): there a household neither counts on residents leaving nor stays (waits) unless
        the room is there as counted.
        """
        inst, m = self.inst, self.m
        eps = 1e-6
        xa, xl = self._at(x, self.acol), self._at(x, self.lcol)
        fixed_a = self._at(fixed.astype(float), self.acol) > 0
        fixed_l = self._at(fixed.astype(float), self.lcol) > 0
        cur_a = (self.a_persons == size) & ~fixed_a & (self.acol >= 0)
        cur_l = (self.persons[inst.link_class] == size) & ~fixed_l & (self.lcol >= 0)
        va = np.where(cur_a, np.floor(xa + eps), xa)
        vl = np.where(cur_l, np.floor(xl + eps), xl)
        vs = self._at(x, self.slack_col)
        cur_s = (self.persons[self.slack_cls] == size) & (self.slack_col >= 0)
        cur_s &= ~(self._at(fixed.astype(float), self.slack_col) > 0)
        vs = np.where(cur_s, np.floor(vs + eps), vs)
        moved = self.moves * self.a_persons * va
        end = self.residents.copy()
        np.add.at(end, inst.arc_dest, np.where(fixed_a | cur_a, moved, 0.0))
        np.subtract.at(end, self.a_origin, moved)
        is_arrival = np.isin(self.slack_cls, list(m.v_unplaced.keys()))
        np.subtract.at(
            end,
            self.origin[self.slack_cls],
            np.where(is_arrival, self.persons[self.slack_cls] * vs, 0.0),
        )
        room = self.cap - end
        room[self.closing] = -np.inf
        linked = np.zeros(len(inst.gm_codes))
        np.add.at(
            linked, inst.link_gm, np.where(fixed_l | cur_l, vl, 0.0) * self.persons[inst.link_class]
        )
        gm_room = inst.link_cap - linked
        # per class of this size: households decided (rounded down) and the LP's fractional share
        nc = len(inst.classes)
        decided = np.zeros(nc)
        share = np.zeros(nc)
        np.add.at(decided, inst.arc_class, np.where(cur_a, va, 0.0))
        np.add.at(share, inst.arc_class, np.where(cur_a, xa - va, 0.0))
        np.add.at(decided, inst.link_class, np.where(cur_l, vl, 0.0))
        np.add.at(share, inst.link_class, np.where(cur_l, xl - vl, 0.0))
        np.add.at(decided, self.slack_cls, np.where(cur_s, vs, 0.0))
        slack_of = {int(c): j for j, c in enumerate(self.slack_cls) if cur_s[j]}
        price = inst.scenario.policy.unplaced_eur_per_person
        dest = inst.arc_dest
        # persons of smaller residents who may still leave (the LP has them stay): room that the
        # next LP can make by moving them on
        movable = np.zeros(len(self.cap))
        for c in inst.classes_with_role("rebalance"):
            arcs = m.arcs_of[c]
            if self.persons[c] < size and arcs and not fixed_a[arcs[0]]:
                stay = self.n[c] - float(xa[arcs].sum())
                movable[self.origin[c]] += self.persons[c] * max(0.0, stay)
        todo: list[int] = [
            c
            for c in range(nc)
            if self.persons[c] == size
            and (
                (m.arcs_of[c] and cur_a[m.arcs_of[c][0]])
                or (m.links_of[c] and cur_l[m.links_of[c][0]])
            )
        ]
        # the classes with the largest fractional share first: the LP most wanted them placed
        todo.sort(key=lambda c: (-(share[c] % 1.0), c))
        for c in todo:
            role = inst.classes[c].key.role
            left = self.n[c] - decided[c]
            if role in ("rebalance", "link"):  # need not move (be linked) whole
                up = role == "rebalance" and tight is not None and tight[self.origin[c]]
                # from a location the LP had to overfill, the LP's part of a household leaves
                left = min(left, float(np.ceil(share[c] - eps) if up else np.round(share[c])))
            if role == "link":
                ks = m.links_of[c]
                pref = sorted(
                    (k for k in ks if xl[k] - vl[k] > eps), key=lambda k: (-(xl[k] - vl[k]), k)
                )
                # then the nearest municipalities with room: a link anywhere beats waiting
                rest = sorted(
                    (k for k in ks if xl[k] - vl[k] <= eps), key=lambda k: (inst.link_cost[k], k)
                )
                for k in pref + rest:
                    g = int(inst.link_gm[k])
                    if left >= 1 and gm_room[g] >= size:
                        gm_room[g] -= size
                        vl[k] += 1
                        left -= 1
                continue
            arcs = m.arcs_of[c]
            frac = {a: xa[a] - va[a] for a in arcs}
            pref = sorted((a for a in arcs if frac[a] > eps), key=lambda a: (-frac[a], a))
            rest = sorted((a for a in arcs if frac[a] <= eps), key=lambda a: (self.arc_eur[a], a))

            def fits(a: int, spare: np.ndarray | None = None) -> bool:
                if not self.moves[a]:  # a stay or wait arc: only before or after the moves
                    o = int(self.a_origin[a])
                    return spare is None and (tight is None or not tight[o] or room[o] >= 0)
                d = int(dest[a])
                if spare is not None and tight is not None and tight[d]:
                    return False
                return room[d] + (0.0 if spare is None else spare[d]) >= size

            while left >= 1:
                a = next((a for a in pref if fits(a)), -1)
                if a < 0 and role == "rebalance":
                    break
                if a < 0:  # the cheapest other arc with room, then one where residents can leave
                    a = next((a for a in rest if self.moves[a] and fits(a)), -1)
                if a < 0:
                    a = next((a for a in pref + rest if fits(a, movable)), -1)
                    if a >= 0:
                        d = int(dest[a])
                        movable[d] -= max(0.0, size - room[d])
                if a < 0:
                    a = next((a for a in rest if not self.moves[a] and fits(a)), -1)
                if a < 0 or (role == "arrival" and self.arc_eur[a] >= price * size):
                    break
                if a in pref:
                    pref.remove(a)
                if self.moves[a]:
                    room[int(dest[a])] -= size
                    room[int(self.a_origin[a])] += size
                va[a] += 1
                left -= 1
            if left >= 1 and c in slack_of:
                vs[slack_of[c]] += left
        cols = np.concatenate([self.acol[cur_a], self.lcol[cur_l], self.slack_col[cur_s]])
        vals = np.concatenate([va[cur_a], vl[cur_l], vs[cur_s]])
        cm = self.cm
        inside = (vals >= cm.lower[cols] - eps) & (vals <= cm.upper[cols] + eps)
        return cols[inside].astype(np.int32), vals[inside]

    def run(self, deadline: float) -> bool:
        """Dive from the LP solution in HiGHS, leave the improved integer plan in the Pyomo
        variables and restore the column bounds. False if ``deadline`` (``time.perf_counter``)
        cut the dive short (the plan is then rounded from the last LP it reached)."""
        cm = self.cm
        fixed = np.zeros(cm.n, dtype=bool)
        x = cm.values()
        hard = self._hard(x)
        done = True
        self.steps = []
        for size in sorted({float(p) for p in self.persons if p > 1}, reverse=True):
            left = deadline - time.perf_counter()
            if left <= 0.05:
                done = False
                break
            cols, vals = self.round_size(x, fixed, size)
            cm.fix(cols, vals)
            res = cm.run(left, relax=True)
            if res.stopped:
                done = False
                cm.unfix(cols)
                break
            new = cm.values()
            over = self._over(new)
            outcome = "fixed"
            if res.status == "optimal" and over.any() and self._hard(new) > hard + 1e-3:
                outcome = "retried"
                # once more, where the locations the LP had to overfill are counted strictly
                cm.unfix(cols)
                cols, vals = self.round_size(x, fixed, size, tight=over)
                cm.fix(cols, vals)
                res = cm.run(deadline - time.perf_counter(), relax=True)
                if res.stopped:
                    done = False
                    cm.unfix(cols)
                    break
                new = cm.values()
            if res.status != "optimal" or self._hard(new) > hard + 1e-3:
                # undo; fix only what the LP has integral already (the LP solution stays)
                cm.unfix(cols)
                cols = cols[np.abs(x[cols] - np.round(x[cols])) <= 1e-9]
                vals = np.round(x[cols])
                cm.fix(cols, vals)
                new = x
                cm.run(deadline - time.perf_counter(), relax=True)  # its basis, for the next
                outcome = "undone"
            self.steps.append((size, outcome))
            fixed[cols] = True
            x = new
        for v, val in zip(cm.columns, x.tolist(), strict=True):
            v.set_value(val, skip_validation=True)
        cm.unfix(np.flatnonzero(fixed).astype(np.int32))
        round_per_class(self.m, self.inst)
        improve_by_moves(self.m, self.inst, cm)
        if make_room(self.m, self.inst, cm):
            improve_by_moves(self.m, self.inst, cm)
        return done


RINS_MAX_NODES = 200
"""Branch-and-bound nodes of the neighbourhood sub-MIP (:func:`rins`): a deterministic limit. On
the weeks measured HiGHS closes it in presolve or at its root."""


def rins(
    cm: CompiledModel, refs: list[np.ndarray], plan: np.ndarray, deadline: float
) -> tuple[np.ndarray, float]:
    """A relaxation induced neighbourhood of a whole plan (RINS: Danna, Rothberg and Le Pape,
    2005), widened by more than one reference: every integer column on which the plan and all of
    ``refs`` (LP solutions at different optimal vertices, other plans) agree is fixed, and HiGHS
    solves the MIP over the rest from the plan. On a national week that is 700-1,300 of 43,000
    columns: the households the dive had to round, where the LP split them or its vertices
    differ. Returns the better of the plan and the sub-MIP's plan, as column values, and its
    objective; the model's bounds are restored.
    """
    obj = cm.objective_of(plan)
    left = deadline - time.perf_counter()
    if left <= 0.05:
        return plan, obj
    agree = cm.integer.copy()
    for ref in refs:
        agree &= np.abs(ref - plan) <= 1e-6
    fixed = np.flatnonzero(agree).astype(np.int32)
    cm.fix(fixed, plan[fixed])
    try:
        cm.set_start(plan)
        res = cm.run(left, rel_gap=1e-4, max_nodes=RINS_MAX_NODES)
        better = cm.values() if res.has_solution else None
    finally:
        cm.unfix(fixed)
    if better is None:
        return plan, obj
    better = np.where(cm.integer, np.round(better), better)
    better_obj = cm.objective_of(better)
    return (better, better_obj) if better_obj < obj - 1e-6 else (plan, obj)


def make_room(m: pyo.ConcreteModel, inst: Instance, cm: CompiledModel, rounds: int = 100) -> int:
    """Chains of moves for arrivals left waiting (in a col/gvl bed or without a bed) beside a
    full location they may use: households there (arrivals placed there, or residents who may
    move) move on, each to its cheapest option with room, until the waiting household fits, and
    it takes their place, where the whole chain lowers the objective. Each chain is priced
    exactly, as in :func:`improve_by_moves`; the best chain is made first. Returns the number of
    chains made.

    Single moves cannot do this (each half alone costs more than it saves), and a start rounded
    from the LP leaves it wherever the LP split a family over the last beds of a full location.
    """
    pr = _Prices(m, inst, cm)
    persons = inst.class_persons()
    origin = inst.class_origins()
    x = np.array([round(v.value or 0.0) for v in m.place_vars], dtype=float)
    arc_c = cm.costs_of(m.place_vars)
    dest = inst.arc_dest
    moves = dest != origin[inst.arc_class]
    end, _linked = end_and_linked(m, inst)
    cap = pr.cap
    unplaced = {c: round(v.value or 0.0) for c, v in m.v_unplaced.items()}
    unplaced_cost = dict(
        zip(m.v_unplaced.keys(), cm.costs_of(list(m.v_unplaced.values())).tolist(), strict=True)
    )
    movable = {
        c: np.array([a for a in m.arcs_of[c] if moves[a]], dtype=int)
        for c, cls in enumerate(inst.classes)
        if cls.key.pin < 0 and cls.key.role in ("arrival", "closing", "rebalance")
    }
    movable = {c: arcs for c, arcs in movable.items() if len(arcs)}
    stay = {
        c: inst.classes[c].n - float(x[m.arcs_of[c]].sum())
        for c in inst.classes_with_role("rebalance")
        if c in movable
    }
    rebalance_at: dict[int, list[int]] = {}
    for c in stay:
        rebalance_at.setdefault(int(origin[c]), []).append(c)
    arcs_into: dict[int, list[int]] = {}
    for arcs in movable.values():
        for a in arcs:
            arcs_into.setdefault(int(dest[a]), []).append(int(a))
    waiting_classes = [c for c in inst.classes_with_role("arrival") if c in movable]
    eps = 1e-6

    def change(d: int, by: float, e: np.ndarray) -> float:
        now = float(e[d])
        return pr.loc1(d, now + by) - pr.loc1(d, now)

    def leavers(big_l: int) -> list[tuple[float, int, int, int, float]]:
        """Households at ``big_l`` who may leave: (cost per person of their cheapest move with
        room, class, the arc they are there by or -1 for residents, that move's arc, how many)."""
        out = []
        who = [(int(inst.arc_class[a]), a, x[a]) for a in arcs_into.get(big_l, []) if x[a] > 0]
        who += [(c, -1, stay[c]) for c in rebalance_at.get(big_l, []) if stay[c] >= 1]
        for c, a1, count in who:
            p = persons[c]
            a2s = movable[c]
            a2s = a2s[(dest[a2s] != big_l) & (end[dest[a2s]] + p <= cap[dest[a2s]])]
            if not len(a2s):
                continue
            d2 = dest[a2s]
            cost = arc_c[a2s] + pr.loc(d2, end[d2] + p) - pr.loc(d2, end[d2])
            cost -= arc_c[a1] if a1 >= 0 else 0.0
            i = int(np.argmin(cost))
            out.append((float(cost[i]) / p, c, a1, int(a2s[i]), float(count)))
        out.sort()
        return out

    made = 0
    cache: dict[int, list[tuple[float, int, int, int, float]]] = {}
    Chain = list[tuple[int, int, int]]  # (class, arc it leaves by or -1, arc it takes), one each
    for _round in range(rounds):
        best: tuple[float, Chain, tuple[int, int, int]] = (-eps, [], (-1, -1, -1))
        for c in waiting_classes:
            s = persons[c]
            col_c = int(origin[c])
            froms = [(int(a), arc_c[a], True) for a in m.arcs_of[c] if not moves[a] and x[a] > 0]
            if unplaced.get(c, 0) > 0:
                froms.append((-1, unplaced_cost[c], False))
            for a_from, cost_from, at_col in froms:
                e = end.copy()
                if at_col:
                    gain_col = change(col_c, -s, e)
                    e[col_c] -= s
                else:
                    gain_col = 0.0
                for a in movable[c]:
                    big_l = int(dest[a])
                    need = e[big_l] + s - cap[big_l]
                    if need <= 0:
                        continue  # room enough: a single move (improve_by_moves)
                    if big_l not in cache:
                        cache[big_l] = leavers(big_l)
                    ee = e.copy()
                    total = arc_c[a] - cost_from + gain_col
                    chain: Chain = []
                    for _per, c2, a1, a2, count in cache[big_l]:
                        if c2 == c:
                            continue
                        p2 = persons[c2]
                        d2 = int(dest[a2])
                        k = 0
                        while need > 0 and k < count and ee[d2] + p2 <= cap[d2]:
                            total += arc_c[a2] - (arc_c[a1] if a1 >= 0 else 0.0)
                            total += change(d2, p2, ee) + change(big_l, -p2, ee)
                            ee[d2] += p2
                            ee[big_l] -= p2
                            need -= p2
                            chain.append((c2, a1, a2))
                            k += 1
                        if need <= 0:
                            break
                    if need > 0 or total >= best[0]:
                        continue
                    total += change(big_l, s, ee)
                    if total < best[0]:
                        best = (total, chain, (c, a_from, int(a)))
        if not best[1]:
            break
        c, a_from, a = best[2]
        s = persons[c]
        if a_from >= 0:
            x[a_from] -= 1
            end[int(origin[c])] -= s
        else:
            unplaced[c] -= 1
        for c2, a1, a2 in best[1]:
            p2 = persons[c2]
            if a1 >= 0:
                x[a1] -= 1
            else:
                stay[c2] -= 1
            end[int(dest[a])] -= p2
            x[a2] += 1
            end[int(dest[a2])] += p2
        x[a] += 1
        end[int(dest[a])] += s
        cache.clear()  # rooms changed: every location's leavers are priced again
        made += 1
    if made:
        for c, v in m.v_unplaced.items():
            v.set_value(float(unplaced[c]), skip_validation=True)
        y = np.array([round(v.value or 0.0) for v in m.link_vars], dtype=float)
        load_counts(m, x, y)
        tighten_slacks(m, inst)
    return made
