"""A small linear program over one connected group of months, solved repeatedly with HiGHS.

One model is built per component and re-solved with different objectives (min/max of a
month or of a sum of months); HiGHS warm-starts from the previous basis, which is what
makes hundreds of bound computations per series cheap.
"""
from __future__ import annotations

import math
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

import highspy
import numpy as np

_BANNER_SILENCED = False


@contextmanager
def _stdout_to_devnull():
    """HiGHS prints a copyright banner from C on the first model of a process."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def new_highs() -> highspy.Highs:
    global _BANNER_SILENCED
    if not _BANNER_SILENCED:
        try:
            with _stdout_to_devnull():
                highs = highspy.Highs()
        except OSError:  # no real file descriptor 1 (some embedded runners)
            highs = highspy.Highs()
        _BANNER_SILENCED = True
    else:
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    # one thread: the simplex is serial anyway, and starting HiGHS's worker pool on every run
    # costs more than a small re-solve itself (about 0.1 ms a run here)
    highs.setOptionValue("threads", 1)
    return highs


@dataclass
class Optimum:
    value: float                # +inf / -inf when unbounded
    x: np.ndarray | None        # an optimal point
    active_rows: np.ndarray     # indices of rows with a non-zero dual (the binding claims)
    active_cols: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))  # binding column bounds
    infeasible: bool = False    # the rows cannot all hold: value is NaN and x is None


class IntervalLP:
    """Variables x >= 0; rows lo <= A x <= hi. Answers min/max of c.x and feasibility."""

    def __init__(self, n_cols: int, rows: list[tuple[list[int], list[float], float, float]],
                 col_lower: np.ndarray | None = None, col_upper: np.ndarray | None = None):
        starts, indices, values = [0], [], []
        for cols, coefs, _, _ in rows:
            if len(set(cols)) < len(cols):  # a column twice in a row: one entry with the summed coefficient
                merged: dict[int, float] = {}
                for c, a in zip(cols, coefs):
                    merged[c] = merged.get(c, 0.0) + a
                cols, coefs = list(merged), list(merged.values())
            indices.extend(cols)
            values.extend(coefs)
            starts.append(len(indices))
        self._setup(n_cols, np.array(starts), np.array(indices, dtype=np.int64), np.array(values, dtype=float),
                    np.array([lo for _, _, lo, _ in rows], dtype=float),
                    np.array([hi for _, _, _, hi in rows], dtype=float), col_lower, col_upper)

    @classmethod
    def from_csr(cls, matrix, row_lo: np.ndarray, row_hi: np.ndarray, col_lower: np.ndarray | None = None,
                 col_upper: np.ndarray | None = None) -> IntervalLP:
        """The same LP from a scipy CSR matrix of rows, without building Python lists."""
        lp = cls.__new__(cls)
        lp._setup(matrix.shape[1], matrix.indptr, matrix.indices, matrix.data, row_lo, row_hi, col_lower, col_upper)
        return lp

    def _setup(self, n_cols, starts, indices, values, row_lo, row_hi, col_lower, col_upper) -> None:
        self.n_cols = n_cols
        self.n_rows = len(starts) - 1
        inf = highspy.kHighsInf
        lower = np.zeros(n_cols) if col_lower is None else np.asarray(col_lower, dtype=float)
        upper = np.full(n_cols, np.inf) if col_upper is None else np.asarray(col_upper, dtype=float)
        self.col_lower = lower
        self.col_upper = np.where(np.isfinite(upper), upper, np.inf)
        self.highs = new_highs()
        self.highs.setOptionValue("simplex_strategy", 4)  # primal: re-solves after a cost change stay warm
        self.highs.setOptionValue("presolve", "off")  # models are small; presolve costs more than it saves
        starts = np.asarray(starts, dtype=np.int32)
        # the arrays straight to HiGHS: building a HighsLp field by field costs more than the model
        status = self.highs.passModel(
            n_cols, self.n_rows, int(starts[-1]), int(highspy.MatrixFormat.kRowwise), int(highspy.ObjSense.kMinimize),
            0.0, np.zeros(n_cols), lower, np.where(np.isfinite(upper), upper, inf),
            np.where(np.isfinite(row_lo), row_lo, -inf).astype(float), np.where(np.isfinite(row_hi), row_hi, inf).astype(float),
            starts, np.asarray(indices, dtype=np.int32), np.asarray(values, dtype=float),
            np.zeros(n_cols, dtype=np.int32))  # every column continuous
        if status != highspy.HighsStatus.kOk:
            raise ValueError(f"HiGHS refused the model ({n_cols} columns, {self.n_rows} rows)")
        self._cost = np.zeros(n_cols)
        self._maximise = False

    def _set_cost(self, cost: np.ndarray) -> None:
        changed = np.flatnonzero(cost != self._cost)
        if changed.size:
            self.highs.changeColsCost(changed.size, changed.astype(np.int32), cost[changed])
            self._cost = cost.copy()

    def feasible(self) -> bool:
        if self.n_rows == 0:
            return bool((self.col_lower <= self.col_upper).all())
        self._set_cost(np.zeros(self.n_cols))
        self.highs.setOptionValue("presolve", "on")  # a one-off model: presolve pays for itself here
        self.highs.run()
        return self.highs.getModelStatus() == highspy.HighsModelStatus.kOptimal

    def conflict(self) -> np.ndarray | None:
        """Rows of an irreducible infeasible subset after feasible() returned False (None if HiGHS
        cannot name one): every way to make the rows hold drops at least one of these."""
        self.highs.setOptionValue("iis_strategy", 6)  # from the LP, made irreducible
        status, iis = self.highs.getIis()
        rows = np.asarray(iis.row_index_, dtype=int)
        if status != highspy.HighsStatus.kOk or not iis.valid_ or not len(rows):
            return None
        return rows

    def _optimise_box(self, cost: np.ndarray, maximise: bool) -> Optimum:
        """No rows left: each column sits at whichever bound the objective prefers."""
        sign = -cost if maximise else cost
        x = np.where(sign > 0, self.col_lower, np.where(sign < 0, self.col_upper, self.col_lower))
        if not np.isfinite(x).all():
            return Optimum(math.inf if maximise else -math.inf, None, np.array([], dtype=int))
        return Optimum(float(np.dot(cost, x)), x, np.array([], dtype=int), np.flatnonzero(cost != 0))

    def optimise(self, cost: np.ndarray, maximise: bool, binding: bool = True) -> Optimum:
        """min or max of cost . x; binding=False skips the binding rows and columns (the duals).

        HiGHS starts from the last basis with the primal simplex: the basis stays feasible when
        only the objective changes."""
        if self.n_rows == 0:
            return self._optimise_box(np.asarray(cost, dtype=float), maximise)
        cost = np.asarray(cost, dtype=float)
        self._set_cost(cost)
        if maximise != self._maximise:
            self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize)
            self._maximise = maximise
        self.highs.run()
        status = self.highs.getModelStatus()
        answered = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded,
                    highspy.HighsModelStatus.kInfeasible)
        if status not in answered:
            # rare numerical trouble (the primal simplex from scratch can stop at "unknown" on a
            # feasible, bounded LP), or presolve reducing the model to nothing: retry from no basis,
            # without presolve, with the dual simplex, then go back to the primal for later re-solves
            self.highs.clearSolver()
            self.highs.setOptionValue("presolve", "off")
            self.highs.setOptionValue("simplex_strategy", 1)
            self.highs.run()
            status = self.highs.getModelStatus()
            self.highs.setOptionValue("simplex_strategy", 4)
        if status == highspy.HighsModelStatus.kUnbounded:
            return Optimum(math.inf if maximise else -math.inf, None, np.array([], dtype=int))
        if status == highspy.HighsModelStatus.kInfeasible:
            return Optimum(math.nan, None, np.array([], dtype=int), infeasible=True)
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"LP solver ended with status {self.highs.modelStatusToString(status)} "
                               f"({self.n_cols} columns, {self.n_rows} rows)")
        solution = self.highs.getSolution()
        x = np.array(solution.col_value)
        value = float(cost @ x)
        if not binding:
            return Optimum(value, x, np.array([], dtype=int))
        active = np.flatnonzero(np.abs(np.array(solution.row_dual)) > 1e-9)
        active_cols = np.flatnonzero(np.abs(np.array(solution.col_dual)) > 1e-9)
        return Optimum(value, x, active, active_cols)
