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
from dataclasses import dataclass

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
    return highs


@dataclass
class Optimum:
    value: float                # +inf / -inf when unbounded
    x: np.ndarray | None        # an optimal point
    active_rows: np.ndarray     # indices of rows with a non-zero dual (the binding claims)


class IntervalLP:
    """Variables x >= 0; rows lo <= A x <= hi. Answers min/max of c.x and feasibility."""

    def __init__(self, n_cols: int, rows: list[tuple[list[int], list[float], float, float]]):
        self.n_cols = n_cols
        self.n_rows = len(rows)
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = n_cols
        lp.num_row_ = len(rows)
        lp.col_cost_ = np.zeros(n_cols)
        lp.col_lower_ = np.zeros(n_cols)
        lp.col_upper_ = np.full(n_cols, inf)
        lp.row_lower_ = np.array([lo if math.isfinite(lo) else -inf for _, _, lo, _ in rows], dtype=float)
        lp.row_upper_ = np.array([hi if math.isfinite(hi) else inf for _, _, _, hi in rows], dtype=float)
        starts, indices, values = [0], [], []
        for cols, coefs, _, _ in rows:
            indices.extend(cols)
            values.extend(coefs)
            starts.append(len(indices))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(indices, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(values, dtype=float)
        lp.a_matrix_.num_col_ = n_cols
        lp.a_matrix_.num_row_ = len(rows)
        self.highs = new_highs()
        self.highs.passModel(lp)
        self._cost = np.zeros(n_cols)

    def _set_cost(self, cost: np.ndarray) -> None:
        changed = np.flatnonzero(cost != self._cost)
        if changed.size:
            self.highs.changeColsCost(changed.size, changed.astype(np.int32), cost[changed])
            self._cost = cost.copy()

    def feasible(self) -> bool:
        self._set_cost(np.zeros(self.n_cols))
        self.highs.run()
        return self.highs.getModelStatus() == highspy.HighsModelStatus.kOptimal

    def optimise(self, cost: np.ndarray, maximise: bool) -> Optimum:
        self._set_cost(np.asarray(cost, dtype=float))
        sense = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        self.highs.changeObjectiveSense(sense)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kUnbounded:
            return Optimum(math.inf if maximise else -math.inf, None, np.array([], dtype=int))
        if status != highspy.HighsModelStatus.kOptimal:
            # rare numerical trouble: retry once from scratch
            self.highs.clearSolver()
            self.highs.run()
            status = self.highs.getModelStatus()
            if status == highspy.HighsModelStatus.kUnbounded:
                return Optimum(math.inf if maximise else -math.inf, None, np.array([], dtype=int))
            if status != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"LP solver ended with status {self.highs.modelStatusToString(status)}")
        solution = self.highs.getSolution()
        x = np.array(solution.col_value)
        duals = np.array(solution.row_dual)
        active = np.flatnonzero(np.abs(duals) > 1e-9)
        return Optimum(float(np.dot(cost, x)), x, active)
