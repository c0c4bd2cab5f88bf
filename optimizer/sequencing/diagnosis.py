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

from ortools.sat.python import cp_model

from optimizer.sequencing.data import SeqData
from optimizer.sequencing.document import SequenceViolation
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


def new_solver(data: SeqData, time_limit_s: float) -> cp_model.CpSolver:
    """A CP-SAT solver with the options' seed and workers: same input, same answer.

    Deterministic mode interleaves the subsolvers in fixed batches and stops on deterministic time
    (a count of work, not of seconds), so the result does not depend on the machine's load.
    """
    solver = cp_model.CpSolver()
    p = solver.parameters
    limit = max(0.1, time_limit_s)
    p.random_seed = data.opts.seed
    p.num_workers = data.opts.workers
    if data.opts.deterministic:
        p.interleave_search = True
        p.max_deterministic_time = limit
        p.max_time_in_seconds = 3 * limit
    else:
        p.max_time_in_seconds = limit
    return solver


def _core(m: SeqModel, solver: cp_model.CpSolver) -> list[str]:
    idx = set(solver.sufficient_assumptions_for_infeasibility())
    return [f for f in HARD if f in m.literals and m.literals[f].index in idx]


def infeasible_core(data: SeqData, deadline: float) -> list[str] | None:
    """A small set of hard families that cannot all hold, or None if none was proven in time."""
    m = build_sequence_model(data, mode="assume")
    lits = [m.literals[f] for f in HARD if f in m.literals]
    m.cp.add_assumptions(lits)
    solver = new_solver(data, deadline - time.perf_counter())
    if solver.solve(m.cp) != cp_model.INFEASIBLE:
        return None
    core = _core(m, solver)
    for f in list(core):
        if f == "move_once" or f not in core or time.perf_counter() > deadline:
            continue
        trial = [g for g in core if g != f]
        m.cp.clear_assumptions()
        m.cp.add_assumptions([m.literals[g] for g in trial])
        solver = new_solver(data, min(10.0, deadline - time.perf_counter()))
        if solver.solve(m.cp) == cp_model.INFEASIBLE:
            core = [g for g in trial if g in set(_core(m, solver))] or trial
    return core


def measure(data: SeqData, family: str, core: list[str], deadline: float) -> SequenceViolation:
    """Relax ``family`` with slack and read where and when it breaks."""
    drop = [f for f in HARD if f not in core and f != "move_once"]
    m = build_sequence_model(data, mode="relax", relax=[family], drop=drop)
    solver = new_solver(data, deadline - time.perf_counter())
    status = solver.solve(m.cp)
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


def diagnose(data: SeqData, time_limit_s: float) -> list[SequenceViolation] | None:
    """The families that break, in planner words; None if infeasibility was not proven in time."""
    deadline = time.perf_counter() + time_limit_s
    core = infeasible_core(data, deadline)
    if core is None:
        return None
    reported = [f for f in core if f != "move_once"] or core
    return [measure(data, f, core, deadline) for f in reported]
