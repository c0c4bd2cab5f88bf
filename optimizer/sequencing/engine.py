"""The CP-SAT engine of ``sequence`` (imports OR-Tools; see ``solve`` for the process isolation).

The fast path solves the plain model from a greedy hint. Only if CP-SAT proves it infeasible is the
model rebuilt with one enforcement literal per family as assumptions (see ``diagnosis``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimizer.documents.plan import Plan, StoppedBy
from optimizer.documents.scenario import Scenario
from optimizer.documents.sequence import (
    Move,
    Occupancy,
    Sequence,
    SequenceOptions,
    SequenceStatus,
    SequenceViolation,
    Trip,
)
from optimizer.sequencing.data import SeqData, build_data
from optimizer.sequencing.diagnosis import Budget, diagnose
from optimizer.sequencing.greedy import greedy_sequence
from optimizer.sequencing.linear import expr
from optimizer.sequencing.model import SeqModel, build_sequence_model
from optimizer.sequencing.progress import Progress


class _Recorder(cp_model.CpSolverSolutionCallback):
    def __init__(self, trips: cp_model.LinearExpr, t0: float, progress: Progress | None) -> None:
        super().__init__()
        self._trips, self._t0, self._progress = trips, t0, progress
        self.first_s: float | None = None

    def on_solution_callback(self) -> None:
        s = time.perf_counter() - self._t0
        if self.first_s is None:
            self.first_s = s
        if self._progress is not None:
            self._progress(s, int(self.value(self._trips)), float(self.objective_value))


@dataclass
class Solution:
    x: list[list[int]]
    y: list[list[int]]
    status: SequenceStatus
    objective_bound: float = 0.0
    diagnosis: list[SequenceViolation] = field(default_factory=list)
    stopped_by: StoppedBy | None = None


def pack(data: SeqData, households: list[tuple[str, int]], buses: int) -> list[list[str]]:
    """First-fit decreasing of (household, persons) into buses of ``seats``; never splits one."""
    seats = data.opts.seats
    bins: list[list[str]] = [[] for _ in range(buses)]
    free = [seats] * buses
    for h, size in sorted(households, key=lambda hs: (-hs[1], hs[0])):
        j = next((j for j, f in enumerate(free) if f >= size), None)
        if j is None:  # the model's bus count was not enough for whole households: one more bus
            bins.append([])
            free.append(seats)
            j = len(bins) - 1
        bins[j].append(h)
        free[j] -= size
    return [b for b in bins if b]


def objective_terms(data: SeqData, x: list[list[int]], n_trips: int) -> dict[str, float]:
    """The soft penalties of a sequence (same formulas as the soft families)."""
    w = data.opts.weights
    late = sum(t * n for row in x for t, n in enumerate(row))
    school = 0
    if not all(data.school_day):
        school = sum(
            g.kids * x[gi][t]
            for gi, g in enumerate(data.groups)
            for t in data.horizon
            if data.school_day[t]
        )
    peak = 0
    for gs in data.g_in.values():
        if sum(data.groups[g].n for g in gs) > 1:
            peak += max(sum(x[g][t] for g in gs) for t in data.horizon)
    return {
        "trip_count": float(w.trip * n_trips),
        "late_moves": float(w.late * late),
        "school_days": float(w.school_day * school),
        "intake_spread": float(w.intake_peak * peak),
    }


def assemble(data: SeqData, sol: Solution, solve_seconds: float, solver_name: str) -> Sequence:
    """Hand out group members to days and buses in id order; replay the occupancy."""
    T = len(data.days)
    moves: list[Move] = []
    trips: list[Trip] = []
    sizes = {h: g.size for g in data.groups for h in g.members}
    kids = {h: g.kids for g in data.groups for h in g.members}
    arrived = [[0] * T for _ in data.loc_ids]
    left = [[0] * T for _ in data.loc_ids]
    intake = [[0] * T for _ in data.loc_ids]
    departed = [[0] * T for _ in data.loc_ids]
    if sol.status in (SequenceStatus.optimal, SequenceStatus.feasible):
        for k, (o, d) in enumerate(data.ods):
            for t in data.horizon:
                hh: list[tuple[str, int]] = []
                for g in data.od_groups[k]:
                    grp = data.groups[g]
                    start = sum(sol.x[g][:t])
                    hh += [(h, grp.size) for h in grp.members[start : start + sol.x[g][t]]]
                if not hh:
                    continue
                for j, bus in enumerate(pack(data, hh, sol.y[k][t]), start=1):
                    tid = f"d{t}-{data.loc_ids[o]}-{data.loc_ids[d]}-{j}"
                    persons = sum(sizes[h] for h in bus)
                    trips.append(
                        Trip(
                            id=tid,
                            from_=data.loc_ids[o],
                            to=data.loc_ids[d],
                            day=t,
                            persons=persons,
                            households=len(bus),
                        )
                    )
                    moves += [
                        Move(
                            household=h,
                            from_=data.loc_ids[o],
                            to=data.loc_ids[d],
                            day=t,
                            trip=tid,
                            persons=sizes[h],
                            school_age_children=kids[h],
                        )
                        for h in bus
                    ]
                    arrived[d][t] += persons
                    left[o][t] += persons
                    intake[d][t] += len(bus)
                    departed[o][t] += len(bus)
    moves.sort(key=lambda mv: (mv.day, mv.trip, mv.household))
    trips.sort(key=lambda tr: (tr.day, tr.from_, tr.to, tr.id))
    occupancy = []
    for i in data.touched():
        occ, row = data.r0[i], []
        for t in data.horizon:
            occ += arrived[i][t] - left[i][t]
            row.append(occ)
        occupancy.append(
            Occupancy(
                location=data.loc_ids[i],
                capacity=data.capacity[i],
                start=data.residents[i],
                end_of_day=row,
                intake_households=intake[i],
                departure_households=departed[i],
            )
        )
    terms = objective_terms(data, sol.x, len(trips)) if moves else {}
    return Sequence(
        week=data.week,
        status=sol.status,
        days=data.days,
        moves=moves,
        trips=trips,
        occupancy=occupancy,
        bound_trips=data.bound_trips(),
        objective=sum(terms.values()),
        objective_bound=sol.objective_bound,
        objective_terms=terms,
        solve_seconds=round(solve_seconds, 3),
        solver=solver_name,
        diagnosis=sol.diagnosis,
        stopped_by=sol.stopped_by,
    )


def add_hint(data: SeqData, m: SeqModel, x: list[list[int]], y: list[list[int]]) -> None:
    """Hint every decision and auxiliary variable, so a complete greedy is a solution at once."""
    for row_v, row_h in zip(m.x + m.y, x + y, strict=True):
        for v, h in zip(row_v, row_h, strict=True):
            m.cp.add_hint(v, h)
    for loc, peak in m.peaks.items():
        m.cp.add_hint(peak, max(sum(x[g][t] for g in data.g_in[loc]) for t in data.horizon))
    for (loc, t), z in m.back_under.items():
        arr = sum(data.groups[g].size * sum(x[g][: t + 1]) for g in data.g_in.get(loc, []))
        dep = sum(data.groups[g].size * sum(x[g][: t + 1]) for g in data.g_out.get(loc, []))
        m.cp.add_hint(z, arr - dep <= data.capacity[loc] - data.r0[loc])


def solve_data(
    data: SeqData, progress: Progress | None = None, budget: Budget | None = None
) -> Solution:
    """Solve the plain model from the greedy hint; diagnose if it is proven infeasible.

    ``budget`` holds the wall-clock deadline and the work limit of the whole call (default: the
    options' limits from now); the plain solve and the diagnosis share it.
    """
    o = data.opts
    t0 = time.perf_counter()
    budget = budget or Budget(t0 + o.time_limit_s, o.work_limit)
    T = len(data.days)
    if not data.groups:
        return Solution([], [], SequenceStatus.optimal)
    greedy = greedy_sequence(data) if o.hint else None
    m = build_sequence_model(data)
    if greedy is not None and greedy.complete:
        # only a complete greedy is hinted: a partial hint is of little use, and CP-SAT 9.15
        # aborts (CHECK heuristics.fixed_search) on some partial hints with interleave_search
        add_hint(data, m, greedy.x, greedy.y)
    solver = budget.solver(data)
    rec = _Recorder(expr((v, 1) for row in m.y for v in row), t0, progress)
    status = solver.solve(m.cp, rec)
    budget.charge(solver, status)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        x = [[int(solver.value(v)) for v in row] for row in m.x]
        y = [[int(solver.value(v)) for v in row] for row in m.y]
        st = SequenceStatus.optimal if status == cp_model.OPTIMAL else SequenceStatus.feasible
        return Solution(x, y, st, float(solver.best_objective_bound), stopped_by=budget.stopped_by)
    if status == cp_model.INFEASIBLE:
        found = diagnose(data, budget)
        if found is not None:
            return Solution(
                [[0] * T for _ in data.groups],
                [[0] * T for _ in data.ods],
                SequenceStatus.infeasible,
                diagnosis=found,
                stopped_by=budget.stopped_by,
            )
        budget.stopped_by = budget.stopped_by or StoppedBy.time_limit
    stopped = budget.stopped_by or StoppedBy.time_limit
    if greedy is not None and greedy.complete:  # CP-SAT found nothing in time: the greedy holds
        return Solution(greedy.x, greedy.y, SequenceStatus.feasible, stopped_by=stopped)
    limit = (
        f"the work limit ({o.work_limit})"
        if stopped is StoppedBy.work_limit
        else f"the time limit ({o.time_limit_s:g} s)"
    )
    return Solution(
        [[0] * T for _ in data.groups],
        [[0] * T for _ in data.ods],
        SequenceStatus.unknown,
        diagnosis=[
            SequenceViolation(
                family=stopped.value,
                where=[],
                days=[],
                amount=o.work_limit if stopped is StoppedBy.work_limit else o.time_limit_s,
                unit="work units" if stopped is StoppedBy.work_limit else "seconds",
                message=f"CP-SAT found no sequence and no proof of infeasibility within {limit}; "
                f"raise --{stopped.value.replace('_', '-')}",
            )
        ],
        stopped_by=stopped,
    )


def sequence_in_process(
    scenario: Scenario,
    plan: Plan,
    options: SequenceOptions | None = None,
    progress: Progress | None = None,
    started: float | None = None,
) -> Sequence:
    """Schedule every move of ``plan`` onto a day of the horizon and into a bus trip.

    The time limit runs from ``started`` (``time.perf_counter()``; default: now) to the answer."""
    o = options or SequenceOptions()
    t0 = time.perf_counter()
    start = t0 if started is None else started
    budget = Budget(start + o.time_limit_s, o.work_limit)
    data = build_data(scenario, plan, o)
    sol = solve_data(data, progress, budget)
    work = "" if o.work_limit is None else f", work_limit={o.work_limit}"
    name = (
        f"OR-Tools CP-SAT (workers={o.workers}, seed={o.seed}, time_limit={o.time_limit_s}s"
        f"{work}, {'interleaved' if o.deterministic else 'portfolio'}, "
        f"hint={'greedy' if o.hint else 'none'})"
    )
    return assemble(data, sol, time.perf_counter() - start, name)


def sequence_json(scenario: str, plan: str, options: str, elapsed_s: float = 0.0) -> str:
    """JSON in, JSON out: the entry point of the worker process. ``elapsed_s``: seconds of the
    time limit already spent by the caller (handing the work to this process)."""
    seq = sequence_in_process(
        Scenario.model_validate_json(scenario),
        Plan.model_validate_json(plan),
        SequenceOptions.model_validate_json(options),
        started=time.perf_counter() - elapsed_s,
    )
    return seq.model_dump_json()
