"""``build_sequence_model``: the relocation sequence as a flat list of rule families (CP-SAT).

Decision variables (``g`` a group of interchangeable households, ``k`` an origin-destination pair,
``t`` a day of the horizon):

- ``x[g][t]`` integer in ``[0, n_g]``: households of group g moving on day t;
- ``y[k][t]`` integer: buses from the origin of k to its destination on day t.

End-of-day occupancy of location l (departures free beds on their own day)::

    occ[l, t] = r0[l] - sum_{g out of l} size_g * sum_{t' <= t} x[g][t']
                      + sum_{g into l}  size_g * sum_{t' <= t} x[g][t']

Every hard family is guarded by ONE enforcement literal (``mode='assume'``) so that
``sufficient_assumptions_for_infeasibility()`` names the families that break; in ``mode='hard'``
the constraints are plain (a stronger model, the fast path) and in ``mode='relax'`` the families
listed in ``relax`` get non-negative slack variables whose total is minimised (to measure where
they break).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from ortools.sat.python import cp_model

from optimizer.sequencing.data import SeqData
from optimizer.sequencing.families.capacity import add_capacity
from optimizer.sequencing.families.closing_deadline import add_closing_deadline
from optimizer.sequencing.families.departure_limit import add_departure_limit
from optimizer.sequencing.families.intake_limit import add_intake_limit
from optimizer.sequencing.families.intake_spread import add_intake_spread
from optimizer.sequencing.families.late_moves import add_late_moves
from optimizer.sequencing.families.move_once import add_move_once
from optimizer.sequencing.families.opening import add_opening
from optimizer.sequencing.families.school_days import add_school_days
from optimizer.sequencing.families.trip_count import add_trip_count
from optimizer.sequencing.families.trips import add_trips
from optimizer.sequencing.linear import Term, expr

Mode = Literal["hard", "assume", "relax"]


@dataclass(frozen=True)
class Slack:
    """A slack variable of a relaxed family: how much the rule breaks at ``where`` on ``day``."""

    var: cp_model.IntVar
    where: tuple[int, ...]
    day: int | None
    unit: str


@dataclass
class SeqModel:
    """The CP-SAT model with its variables, family literals, slacks and soft penalty terms."""

    data: SeqData
    mode: Mode = "hard"
    relax: frozenset[str] = frozenset()
    drop: frozenset[str] = frozenset()
    cp: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: list[list[cp_model.IntVar]] = field(default_factory=list)
    y: list[list[cp_model.IntVar]] = field(default_factory=list)
    literals: dict[str, cp_model.IntVar] = field(default_factory=dict)
    slacks: dict[str, list[Slack]] = field(default_factory=dict)
    penalties: dict[str, cp_model.LinearExprT] = field(default_factory=dict)
    peaks: dict[int, cp_model.IntVar] = field(default_factory=dict)  # intake_spread
    back_under: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # capacity
    _cum: dict[tuple[int, int, str], list[Term]] = field(default_factory=dict)

    # -- family plumbing -------------------------------------------------------------------------
    def active(self, family: str) -> bool:
        return family not in self.drop

    def relaxed(self, family: str) -> bool:
        return self.mode == "relax" and family in self.relax

    def literal(self, family: str) -> cp_model.IntVar:
        """The family's enforcement literal (one per family, created on first use)."""
        if family not in self.literals:
            self.literals[family] = self.cp.new_bool_var(f"enforce_{family}")
        return self.literals[family]

    def enforce(
        self, ct: cp_model.Constraint, family: str, extra: Iterable[cp_model.LiteralT] = ()
    ) -> cp_model.Constraint:
        """Guard ``ct`` by the family literal in 'assume' mode (plus ``extra`` literals, if any)."""
        lits: list[cp_model.LiteralT] = list(extra)
        if self.mode == "assume":
            lits.append(self.literal(family))
        if lits:
            ct.only_enforce_if(lits)
        return ct

    def slack(
        self, family: str, ub: int, where: tuple[int, ...], day: int | None, unit: str
    ) -> cp_model.IntVar:
        v = self.cp.new_int_var(0, max(0, ub), f"slack_{family}_{'_'.join(map(str, where))}_{day}")
        self.slacks.setdefault(family, []).append(Slack(v, where, day, unit))
        return v

    # -- shared expressions ----------------------------------------------------------------------
    def day_terms(self, loc: int, t: int, direction: str) -> list[Term]:
        """(x, size) terms of persons arriving at ('in') or leaving ('out') location l on day t."""
        gs = (self.data.g_in if direction == "in" else self.data.g_out).get(loc, [])
        return [(self.x[g][t], self.data.groups[g].size) for g in gs]

    def cum_terms(self, loc: int, t: int, direction: str) -> list[Term]:
        """Persons arrived ('in') or left ('out') by the end of day t."""
        key = (loc, t, direction)
        if key not in self._cum:
            prev = self.cum_terms(loc, t - 1, direction) if t > 0 else []
            self._cum[key] = prev + self.day_terms(loc, t, direction)
        return self._cum[key]


def add_variables(m: SeqModel) -> None:
    d = m.data
    m.x = [
        [m.cp.new_int_var(0, g.n, f"x_{gi}_{t}") for t in d.horizon]
        for gi, g in enumerate(d.groups)
    ]
    m.y = []
    for k, gs in enumerate(d.od_groups):
        ub = sum(d.groups[g].n for g in gs)  # one bus per household always suffices
        m.y.append([m.cp.new_int_var(0, ub, f"y_{k}_{t}") for t in d.horizon])


def build_sequence_model(
    data: SeqData,
    mode: Mode = "hard",
    relax: Iterable[str] = (),
    drop: Iterable[str] = (),
) -> SeqModel:
    """The sequencing model; reads like the business rules."""
    m = SeqModel(data, mode, frozenset(relax), frozenset(drop))
    add_variables(m)
    # hard rules
    add_move_once(m)
    add_capacity(m)
    add_intake_limit(m)
    add_departure_limit(m)
    add_trips(m)
    add_closing_deadline(m)
    add_opening(m)
    if mode == "relax":
        m.cp.minimize(expr((s.var, 1) for ss in m.slacks.values() for s in ss))
        return m
    if mode == "assume":  # feasibility only: which families break, not how good
        return m
    # soft rules (penalty terms, summed in the objective)
    add_trip_count(m)
    add_late_moves(m)
    add_school_days(m)
    add_intake_spread(m)
    m.cp.minimize(sum(m.penalties.values()))
    return m
