"""Why a sequence is infeasible: the families (assumption core), then where and when they break.

1. Every hard family is guarded by one enforcement literal, all passed as assumptions; CP-SAT's
   ``sufficient_assumptions_for_infeasibility()`` returns a set of families that cannot all hold.
2. The set is shrunk by deletion (drop one family, still infeasible? then it was not needed).
3. Each family of the core is relaxed in turn with slack (the other core families hard, the rest
   dropped) and the total slack minimised: the slack left names the locations, days and amounts.
   ``move_once`` is in every core (without moves nothing can break) and is only reported alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.documents.plan import StoppedBy
from optimizer.documents.sequence import SequenceViolation
from optimizer.sequencing.data import SeqData
from optimizer.sequencing.families import (
    capacity,
    closing_deadline,
    departure_limit,
    intake_limit,
    move_once,
    opening,
    trips,
)
from optimizer.sequencing.families.registry import BY_NAME, HARD
from optimizer.sequencing.model import SeqModel, Slack, build_sequence_model

EXPLAIN: dict[str, Callable[[SeqData, list[tuple[Slack, int]]], str]] = {
    "move_once": move_once.explain,
    "capacity": capacity.explain,
    "intake_limit": intake_limit.explain,
    "departure_limit": departure_limit.explain,
    "trips": trips.explain,
    "closing_deadline": closing_deadline.explain,
    "opening": opening.explain,
}


@dataclass
class Budget:
    """What is left of the two limits, shared by every CP-SAT solve of one ``sequence`` call.

    ``deadline`` is the end of the wall-clock limit (``time.perf_counter()``), ``work`` the
    deterministic work still allowed (None: no work limit). Each solve gets what is left of both
    and is charged its deterministic time afterwards, so a work limit that binds first ends the
    whole call on the same work (and so with the same answer) on any machine.
    """

    deadline: float
    work: float | None = None
    stopped_by: StoppedBy | None = None

    def seconds(self) -> float:
        return self.deadline - time.perf_counter()

    def exhausted(self) -> bool:
        return self.seconds() <= 0.0 or (self.work is not None and self.work <= 1e-6)

    def solver(self, data: SeqData, cap_s: float | None = None) -> cp_model.CpSolver:
        """A CP-SAT solver with the options' seed and workers and what is left of the limits.

        Deterministic mode interleaves the subsolvers in fixed batches, so the search path does
        not depend on the machine's load; it ends on optimality, on the work limit
        (``max_deterministic_time``) or on the wall clock (``max_time_in_seconds``), whichever
        comes first. ``cap_s`` caps this solve further (both in seconds and in work).
        """
        solver = cp_model.CpSolver()
        p = solver.parameters
        seconds = self.seconds() if cap_s is None else min(cap_s, self.seconds())
        p.max_time_in_seconds = max(0.01, seconds)
        p.random_seed = data.opts.seed
        p.num_workers = data.opts.workers
        if data.opts.deterministic:
            p.interleave_search = True
        if self.work is not None or cap_s is not None:
            work = self.work if self.work is not None else cap_s
            if cap_s is not None and work is not None:
                work = min(work, cap_s)
            p.max_deterministic_time = max(0.001, float(work or 0.0))
        return solver

    def charge(self, solver: cp_model.CpSolver, status: cp_model.CpSolverStatus) -> None:
        """Take the solve's work off the budget; note which limit stopped it, if one did."""
        used = float(solver.deterministic_time)
        work_hit = False
        if self.work is not None:
            work_hit = used >= 0.99 * self.work
            self.work = max(0.0, self.work - used)
        if status in (cp_model.FEASIBLE, cp_model.UNKNOWN) and self.stopped_by is None:
            self.stopped_by = StoppedBy.work_limit if work_hit else StoppedBy.time_limit


def new_solver(data: SeqData, time_limit_s: float) -> cp_model.CpSolver:
    """A solver for ``time_limit_s`` wall-clock seconds and the options' work limit."""
    return Budget(time.perf_counter() + time_limit_s, data.opts.work_limit).solver(data)


def _core(m: SeqModel, solver: cp_model.CpSolver) -> list[str]:
    idx = set(solver.sufficient_assumptions_for_infeasibility())
    return [f for f in HARD if f in m.literals and m.literals[f].index in idx]


def infeasible_core(data: SeqData, budget: Budget) -> list[str] | None:
    """A small set of hard families that cannot all hold, or None if none was proven in time."""
    m = build_sequence_model(data, mode="assume")
    lits = [m.literals[f] for f in HARD if f in m.literals]
    m.cp.add_assumptions(lits)
    solver = budget.solver(data)
    status = solver.solve(m.cp)
    budget.charge(solver, status)
    if status != cp_model.INFEASIBLE:
        return None
    core = _core(m, solver)
    for f in list(core):
        if f == "move_once" or f not in core or budget.exhausted():
            continue
        trial = [g for g in core if g != f]
        m.cp.clear_assumptions()
        m.cp.add_assumptions([m.literals[g] for g in trial])
        solver = budget.solver(data, cap_s=10.0)
        status = solver.solve(m.cp)
        # a trial cut short only keeps ``f`` in the core (the core stays a true one)
        budget.work = None if budget.work is None else budget.work - solver.deterministic_time
        if status == cp_model.INFEASIBLE:
            core = [g for g in trial if g in set(_core(m, solver))] or trial
    return core


def measure(data: SeqData, family: str, core: list[str], budget: Budget) -> SequenceViolation:
    """Relax ``family`` with slack and read where and when it breaks."""
    drop = [f for f in HARD if f not in core and f != "move_once"]
    m = build_sequence_model(data, mode="relax", relax=[family], drop=drop)
    solver = budget.solver(data)
    status = solver.solve(m.cp)
    budget.charge(solver, status)
    hits: list[tuple[Slack, int]] = []
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        hits = [(s, v) for s in m.slacks.get(family, []) if (v := int(solver.value(s.var))) > 0]
    where_i = sorted({i for s, _ in hits for i in s.where})
    if family == "capacity":
        for comp in capacity.swap_cycles(data):
            if set(comp) & set(where_i):
                where_i = sorted(set(where_i) | set(comp))
    days = sorted({s.day for s, _ in hits if s.day is not None})
    others = [f for f in core if f not in (family, "move_once")]
    message = EXPLAIN[family](data, hits) if hits or family == "trips" else BY_NAME[family].title
    if others:
        message += f" (together with: {', '.join(others)})"
    return SequenceViolation(
        family=family,
        where=[data.loc_ids[i] for i in where_i],
        days=days,
        amount=float(sum(v for _, v in hits)),
        unit=hits[0][0].unit if hits else "",
        message=message,
    )


def diagnose(data: SeqData, budget: Budget) -> list[SequenceViolation] | None:
    """The families that break, in planner words; None if infeasibility was not proven within
    the budget (what is left of the time and work limits)."""
    core = infeasible_core(data, budget)
    if core is None:
        return None
    reported = [f for f in core if f != "move_once"] or core
    return [measure(data, f, core, budget) for f in reported]
