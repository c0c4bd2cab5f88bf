"""The Pyomo model compiled once into matrices and solved by highspy directly.

Pyomo's persistent HiGHS interface walks every constraint expression on ``set_instance`` to track
named expressions and variables for later incremental updates. The weekly solve needs none of that:
between its solves only column bounds, the MIP start and the options change. At national scale
(28k columns, 2.7k rows, 118k nonzeros) ``set_instance`` took 0.8-0.9 s a week; the matrices
come from ``optimizer.model.matrix`` instead, which reads them off the expressions directly. In a
26-week what-if run that is most of the difference between the model's own build time and the
solve.

The model stays the Pyomo model of ``optimizer.model.build`` (one module per rule family); this
module only replaces the transport to HiGHS.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.core as pyo

from optimizer.model.matrix import standard_form

INF = highspy.kHighsInf
NO_LIMIT = 2**31 - 1  # HiGHS's default for its integer limits (kHighsIInf)


@dataclass(frozen=True)
class HighsRun:
    """One HiGHS run: ``status`` is optimal, feasible (an incumbent, gap not closed) or
    no_solution; ``bound`` is the dual bound of a MIP or the LP optimum."""

    status: str
    objective: float | None
    bound: float | None
    stopped: bool = False  # the run's time limit ended it

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


class CompiledModel:
    """The active objective and constraints of ``m`` as a HiGHS model; columns map to Pyomo vars."""

    def __init__(self, m: pyo.ConcreteModel, threads: int, seed: int) -> None:
        form = standard_form(m)
        self.columns: list[pyo.Var] = form.columns
        self.col_of: dict[int, int] = {id(v): j for j, v in enumerate(self.columns)}
        n = len(self.columns)
        lower = np.empty(n)
        upper = np.empty(n)
        integer = np.zeros(n, dtype=bool)
        for j, v in enumerate(self.columns):
            lb, ub = v.bounds
            lower[j] = -INF if lb is None else lb
            upper[j] = INF if ub is None else ub
            integer[j] = v.is_integer()
        self.lower = lower
        self.upper = upper  # the model's own upper bounds (restrictions are undone to these)
        self.integer = integer
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = form.n_rows
        self.cost = form.cost
        self.offset = form.offset
        lp.col_cost_ = self.cost
        lp.offset_ = self.offset
        lp.col_lower_ = lower
        lp.col_upper_ = upper
        lp.row_lower_ = form.row_lower  # -inf / inf where a row has no bound: kHighsInf is inf
        lp.row_upper_ = form.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = form.start
        lp.a_matrix_.index_ = form.index
        lp.a_matrix_.value_ = form.value
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if k else highspy.HighsVarType.kContinuous
            for k in integer
        ]
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("threads", int(threads))
        self.h.setOptionValue("random_seed", int(seed))
        self.h.setOptionValue("mip_feasibility_tolerance", 1e-7)
        self.h.passModel(lp)

    @property
    def n(self) -> int:
        return len(self.columns)

    def cols(self, variables: list[pyo.Var]) -> np.ndarray:
        """Column of each variable (-1 for one that appears nowhere in the model)."""
        return np.array([self.col_of.get(id(v), -1) for v in variables], dtype=np.int64)

    def costs_of(self, variables: list[pyo.Var]) -> np.ndarray:
        """Objective coefficient of each variable (0 for one that appears nowhere in the model)."""
        cols = self.cols(variables)
        return np.where(cols >= 0, self.cost[np.maximum(cols, 0)], 0.0)

    def run(
        self,
        time_limit: float,
        rel_gap: float | None = None,
        relax: bool = False,
        max_nodes: int | None = None,
    ) -> HighsRun:
        """One HiGHS run of at most ``time_limit`` wall-clock seconds (HiGHS checks its clock
        between nodes and iterations, so a run may end a few tenths of a second late) and, if
        given, ``max_nodes`` branch-and-bound nodes (a deterministic limit: the same model gives
        the same result however busy the machine is)."""
        h = self.h
        h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
        h.setOptionValue("solve_relaxation", bool(relax))
        h.setOptionValue("mip_max_nodes", int(max_nodes) if max_nodes is not None else NO_LIMIT)
        if rel_gap is not None:
            h.setOptionValue("mip_rel_gap", float(rel_gap))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        feasible = info.primal_solution_status == 2
        if status == highspy.HighsModelStatus.kOptimal:
            name = "optimal"
        elif feasible:
            name = "feasible"
        else:
            name = "no_solution"
        objective = float(info.objective_function_value) if feasible else None
        if info.mip_node_count == -1:  # solved as an LP
            bound = objective if name == "optimal" else None
        else:
            bound = float(info.mip_dual_bound)
        stopped = status == highspy.HighsModelStatus.kTimeLimit
        return HighsRun(name, objective, bound, stopped)

    def values(self) -> np.ndarray:
        return np.asarray(self.h.getSolution().col_value, dtype=float)

    def reduced_costs(self) -> np.ndarray:
        return np.asarray(self.h.getSolution().col_dual, dtype=float)

    def load(self) -> None:
        """Put the last solution into the Pyomo variables."""
        for v, x in zip(self.columns, self.values(), strict=True):
            v.set_value(float(x), skip_validation=True)

    def set_upper(self, cols: np.ndarray, upper: np.ndarray) -> None:
        if len(cols):
            self.h.changeColsBounds(
                len(cols), cols.astype(np.int32), self.lower[cols], upper.astype(float)
            )

    def restore_upper(self, cols: np.ndarray) -> None:
        """Undo :meth:`set_upper` for these columns."""
        self.set_upper(cols, self.upper[cols])

    def set_start(self, x: np.ndarray) -> None:
        """A MIP start (integers rounded)."""
        x = np.where(self.integer, np.round(x), x)
        idx = np.arange(self.n, dtype=np.int32)
        self.h.setSolution(self.n, idx, x.astype(float))

    def model_values(self) -> np.ndarray:
        """The values loaded in the Pyomo variables, per column."""
        return np.array([v.value or 0.0 for v in self.columns], dtype=float)

    def objective_of(self, x: np.ndarray) -> float:
        """The objective at column values ``x``."""
        return float(self.cost @ x) + self.offset

    def start_from_model(self) -> None:
        """The values loaded in the Pyomo variables as a MIP start."""
        self.set_start(self.model_values())

    def fix(self, cols: np.ndarray, values: np.ndarray) -> None:
        """Fix columns at values (both bounds); :meth:`unfix` restores the model's bounds."""
        if len(cols):
            v = values.astype(float)
            self.h.changeColsBounds(len(cols), cols.astype(np.int32), v, v)

    def unfix(self, cols: np.ndarray) -> None:
        if len(cols):
            c = cols.astype(np.int32)
            self.h.changeColsBounds(len(c), c, self.lower[c], self.upper[c])
