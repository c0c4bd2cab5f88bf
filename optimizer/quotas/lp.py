"""A small vectorised LP builder on highspy, for the quota check and the 6.3.2 variant.

Why not Pyomo here: the national check has ~9,000 columns and must run in under a second on two
cores; building that through Pyomo's expression system alone takes longer than the HiGHS solve.
The LPs are built as numpy triplets (one block of rows per named constraint family, PyPSA style)
and passed to HiGHS in one ``passModel`` call. HiGHS is the same solver the allocation MIP uses.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np

INF = highspy.kHighsInf


@dataclass
class LpResult:
    status: str
    objective: float
    x: np.ndarray
    row_activity: np.ndarray
    seconds: float
    columns: int
    rows: int
    stopped: bool = False  # the time limit ended the solve (x is HiGHS's last iterate)


@dataclass
class LpBuilder:
    """Columns in named blocks, rows in named families; ``solve`` maximises or minimises."""

    maximize: bool = False
    _cost: list[np.ndarray] = field(default_factory=list)
    _lb: list[np.ndarray] = field(default_factory=list)
    _ub: list[np.ndarray] = field(default_factory=list)
    _rlb: list[np.ndarray] = field(default_factory=list)
    _rub: list[np.ndarray] = field(default_factory=list)
    _ri: list[np.ndarray] = field(default_factory=list)
    _ci: list[np.ndarray] = field(default_factory=list)
    _v: list[np.ndarray] = field(default_factory=list)
    n_cols: int = 0
    n_rows: int = 0
    col_blocks: dict[str, slice] = field(default_factory=dict)
    row_families: dict[str, slice] = field(default_factory=dict)

    def add_cols(
        self, name: str, cost: np.ndarray, lb: np.ndarray | float, ub: np.ndarray | float
    ) -> np.ndarray:
        """Add a block of columns; returns their indices."""
        n = len(cost)
        idx = np.arange(self.n_cols, self.n_cols + n)
        self._cost.append(np.asarray(cost, float))
        self._lb.append(np.broadcast_to(np.asarray(lb, float), (n,)).copy())
        self._ub.append(np.broadcast_to(np.asarray(ub, float), (n,)).copy())
        self.col_blocks[name] = slice(self.n_cols, self.n_cols + n)
        self.n_cols += n
        return idx

    def add_rows(
        self,
        family: str,
        lower: np.ndarray,
        upper: np.ndarray | float,
        rows: np.ndarray,
        cols: np.ndarray,
        vals: np.ndarray,
    ) -> None:
        """Add rows ``lower <= A x <= upper`` as triplets; ``rows`` count from 0 in the family."""
        n = len(lower)
        if n == 0:
            return
        self._rlb.append(np.asarray(lower, float))
        self._rub.append(np.broadcast_to(np.asarray(upper, float), (n,)).copy())
        self._ri.append(np.asarray(rows, np.int64) + self.n_rows)
        self._ci.append(np.asarray(cols, np.int64))
        self._v.append(np.asarray(vals, float))
        self.row_families[family] = slice(self.n_rows, self.n_rows + n)
        self.n_rows += n

    def solve(self, time_limit_s: float = 30.0) -> LpResult:
        """Assemble and solve within ``time_limit_s`` wall-clock seconds (assembly included)."""
        t0 = time.perf_counter()
        lp = highspy.HighsLp()
        lp.num_col_ = self.n_cols
        lp.num_row_ = self.n_rows
        lp.col_cost_ = np.concatenate(self._cost) if self._cost else np.zeros(0)
        lp.col_lower_ = np.concatenate(self._lb) if self._lb else np.zeros(0)
        lp.col_upper_ = np.concatenate(self._ub) if self._ub else np.zeros(0)
        lp.row_lower_ = np.concatenate(self._rlb) if self._rlb else np.zeros(0)
        lp.row_upper_ = np.concatenate(self._rub) if self._rub else np.zeros(0)
        ri = np.concatenate(self._ri) if self._ri else np.zeros(0, np.int64)
        ci = np.concatenate(self._ci) if self._ci else np.zeros(0, np.int64)
        v = np.concatenate(self._v) if self._v else np.zeros(0)
        order = np.lexsort((ri, ci))
        ri, ci, v = ri[order], ci[order], v[order]
        start = np.zeros(self.n_cols + 1, dtype=np.int64)
        np.cumsum(np.bincount(ci, minlength=self.n_cols), out=start[1:])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = start.astype(np.int32)
        lp.a_matrix_.index_ = ri.astype(np.int32)
        lp.a_matrix_.value_ = v
        lp.sense_ = highspy.ObjSense.kMaximize if self.maximize else highspy.ObjSense.kMinimize
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.passModel(lp)
        h.setOptionValue("time_limit", max(0.001, time_limit_s - (time.perf_counter() - t0)))
        h.run()
        status = h.modelStatusToString(h.getModelStatus())
        stopped = h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
        sol = h.getSolution()
        x = np.asarray(sol.col_value, float) if self.n_cols else np.zeros(0)
        act = np.asarray(sol.row_value, float) if self.n_rows else np.zeros(0)
        obj = float(h.getInfo().objective_function_value)
        return LpResult(
            status=status,
            objective=obj,
            x=x,
            row_activity=act,
            seconds=time.perf_counter() - t0,
            columns=self.n_cols,
            rows=self.n_rows,
            stopped=stopped,
        )
