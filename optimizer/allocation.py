"""The weekly allocation as a planner receives it: build, solve, and assemble the plan.

:func:`allocate` builds the instance and the model, runs the solve strategy
(:mod:`optimizer.model.solve`), re-solves with wider link candidates when a status holder was left
unlinked for want of one, hands the class counts out to households (:func:`disaggregate`), names
the hard rules that could not hold (:func:`diagnose`, from each elastic family's own message),
measures the plan (:mod:`optimizer.kpis`) and, when replanning, lists what changed and why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from optimizer.documents.hashing import scenario_hash
from optimizer.documents.plan import (
    Change,
    Link,
    ModelSize,
    Placement,
    Plan,
    PlanStatus,
    RegistrationWait,
    StoppedBy,
    Unplaced,
    Violation,
)
from optimizer.documents.scenario import Scenario, Status
from optimizer.gc_pause import paused_gc
from optimizer.kpis import compute_kpis, with_savings
from optimizer.model.build import create_model, release_model
from optimizer.model.families.registry import ELASTIC
from optimizer.model.instance import Instance, build_instance
from optimizer.model.solve import Solved, SolveOptions, solve_model
from optimizer.rules.suitability import (
    GROUP_KINDS,
    Group,
    may_wait_at_registration,
    profile_of,
    unsuitable_reason,
)

__all__ = ["Decided", "SolveOptions", "allocate", "diagnose", "disaggregate", "scenario_hash"]


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
    place = np.round(sol.place).astype(np.int64)
    for a in np.flatnonzero(place > 0).tolist():  # arc order, only arcs in use
        n = int(place[a])
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
    link = np.round(sol.link).astype(np.int64)
    for k in np.flatnonzero(link > 0).tolist():
        n = int(link[k])
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
    persons = inst.class_persons()
    counts = np.round(sol.link)
    linked = np.zeros(len(inst.gm_codes))
    np.add.at(linked, inst.link_gm, counts * persons[inst.link_class])
    taken = np.zeros(len(inst.classes))
    np.add.at(taken, inst.link_class, counts)
    room = inst.link_cap - linked
    left = [
        c
        for c in inst.classes_with_role("link")
        if inst.classes[c].key.pin < 0 and taken[c] < inst.classes[c].n
    ]
    if not left:
        return {}
    cand: dict[int, set[int]] = {c: set() for c in left}
    for c, g in zip(inst.link_class.tolist(), inst.link_gm.tolist(), strict=True):
        if c in cand:
            cand[c].add(g)
    out: dict[int, set[int]] = {}
    for c in left:
        cls = inst.classes[c]
        o = cls.key.origin
        fits = [
            int(g)
            for g in np.argsort(inst.dist_loc_gm[o], kind="stable")
            if room[g] >= cls.persons and int(g) not in cand[c]
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
    added and the week is solved again (at most twice), so nobody waits for want of a candidate.

    ``opts.time_limit_s`` is wall-clock seconds for all of it, every round's build and solve
    included; ``plan.stopped_by`` says whether the limit cut a solve, a phase or a round short.

    Python's cyclic garbage collector is paused meanwhile (:mod:`optimizer.gc_pause`)."""
    with paused_gc():
        return _allocate(s, opts or SolveOptions(), previous)


def _allocate(s: Scenario, opts: SolveOptions, previous: Plan | None) -> Plan:
    t0 = time.perf_counter()
    extra: dict[int, set[int]] = {}
    build_s = solve_s = 0.0
    for _round in range(3):
        t1 = time.perf_counter()
        inst = build_instance(s, previous, extra)
        m = create_model(inst)
        build_s += time.perf_counter() - t1
        left = opts.time_limit_s - (time.perf_counter() - t0)
        sol = solve_model(m, inst, replace(opts, time_limit_s=max(0.05, left)))
        solve_s += sol.solve_seconds
        stopped = sol.time_limit_hit
        more = _extra_links(inst, sol) if sol.status != "no_solution" else {}
        if not more:
            break
        if time.perf_counter() - t0 > opts.time_limit_s / 2:
            stopped = True  # farther municipalities left out: no time for another round
            break
        for o, gs in more.items():
            extra.setdefault(o, set()).update(gs)
        # another round: with the collector paused, this model (garbage in reference cycles once
        # dropped) would stay beside the next one to the end
        release_model(m)
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
    size = ModelSize(
        classes=len(inst.classes),
        variables=m.nvariables(),
        integer_variables=n_int,
        constraints=m.nconstraints(),
        build_seconds=round(build_s, 3),
        households=len(s.households),
    )
    release_model(m)  # freed now, not left to the collector (see release_model)
    return Plan(
        week=s.week,
        scenario_hash=scenario_hash(s),
        status=status,
        stopped_by=StoppedBy.time_limit if stopped else None,
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
        model=size,
    )
