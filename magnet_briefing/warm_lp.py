"""One group's LP re-solved for many objectives, warm from the last basis, with COIN-OR CLP.

Certifying a group's bounds asks about twenty objectives of one small model. CLP keeps its
factorisation between those solves (startFinishOptions "xf"), which makes a re-solve after a
change of objective cost a third of what the same re-solve costs in HiGHS, whose every run
starts with checks, a thread-count probe and a rebuild (measured in bench/lp.py). HiGHS
(lp.py) stays the engine's LP for everything else, and answers whatever CLP does not report
as optimal or unbounded, so CLP never has the last word on infeasibility.
"""
from __future__ import annotations

import math

import numpy as np
from cylp.cy import CyClpSimplex
from cylp.cy.CyCoinPackedMatrix import CyCoinPackedMatrix

from .lp import IntervalLP, Optimum

NO_INDICES = np.zeros(0, dtype=np.int64)
DUAL_ZERO = 1e-9  # a row or column bound with a dual this small is not binding


class WarmLP:
    """Variables lower <= x <= upper; rows lo <= A x <= hi (A a scipy CSR matrix)."""

    def __init__(self, matrix, row_lo: np.ndarray, row_hi: np.ndarray, col_lower: np.ndarray,
                 col_upper: np.ndarray):
        self._model = (matrix, row_lo, row_hi, col_lower, col_upper)
        self._fallback: IntervalLP | None = None
        self.n_cols = matrix.shape[1]
        coo = matrix.tocoo()
        simplex = CyClpSimplex()
        big = simplex.getCoinInfinity()
        simplex.loadProblem(
            CyCoinPackedMatrix(False, coo.row.astype(np.int32), coo.col.astype(np.int32), coo.data.astype(float)),
            np.asarray(col_lower, dtype=float), np.where(np.isfinite(col_upper), col_upper, big),
            np.zeros(self.n_cols), np.where(np.isfinite(row_lo), row_lo, -big), np.where(np.isfinite(row_hi), row_hi, big))
        simplex.logLevel = 0
        self._simplex = simplex

    def optimise(self, cost: np.ndarray, maximise: bool, binding: bool = True) -> Optimum:
        """min or max of cost . x; binding=False skips the binding rows and columns (the duals)."""
        simplex = self._simplex
        simplex.setObjectiveArray(-cost if maximise else cost)
        status = simplex.primal(startFinishOptions="xf")  # keep the work areas and the factorisation
        if status == "dual infeasible":
            return Optimum(math.inf if maximise else -math.inf, None, NO_INDICES)
        if status != "optimal":
            return self._highs().optimise(cost, maximise, binding)
        x = simplex.primalVariableSolution.copy()  # a view of CLP's own array otherwise
        if not binding:
            return Optimum(float(cost @ x), x, NO_INDICES)
        rows = np.flatnonzero(np.abs(simplex.dualConstraintSolution) > DUAL_ZERO)
        cols = np.flatnonzero(np.abs(np.asarray(simplex.reducedCosts)[:self.n_cols]) > DUAL_ZERO)
        return Optimum(float(cost @ x), x, rows, cols)

    def _highs(self) -> IntervalLP:
        """The same model in HiGHS, for the rare solve CLP leaves open (infeasible, or numerical trouble)."""
        if self._fallback is None:
            self._fallback = IntervalLP.from_csr(*self._model)
        return self._fallback
