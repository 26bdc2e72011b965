"""For the engine's speed target (README): one group's LP re-solved for many objectives, warm from
the last basis, with COIN-OR CLP.

Certifying a group's bounds asks about twenty objectives of one small model. CLP keeps its
factorisation between those solves (startFinishOptions "xf"), which makes a re-solve after a
change of objective cost under half of what it costs in HiGHS, whose every run starts with
checks, a thread-count probe and a rebuild (0.10 against 0.23 ms for a single month's
re-solve here). HiGHS (lp.py) stays the engine's LP for everything else. A model whose
solve CLP does not answer cleanly (optimal with a point that keeps every row, or unbounded)
goes over to HiGHS for good, so CLP never declares a group infeasible and its warm state is
not reused after trouble. (Near the feasibility tolerance, about 1e-7 t, CLP may still call
a group feasible that HiGHS would not: far below any written precision.)
"""
from __future__ import annotations

import math

import numpy as np
from cylp.cy import CyClpSimplex
from cylp.cy.CyCoinPackedMatrix import CyCoinPackedMatrix

from .lp import IntervalLP, Optimum

NO_INDICES = np.zeros(0, dtype=np.int64)
DUAL_ZERO = 1e-9  # a row or column bound with a dual this small is not binding
ROW_SLACK = 1e-6  # relative: an "optimal" point that breaks a row by more is not believed


class WarmLP:
    """Variables lower <= x <= upper; rows lo <= A x <= hi (A a scipy CSR matrix)."""

    def __init__(self, matrix, row_lo: np.ndarray, row_hi: np.ndarray, col_lower: np.ndarray,
                 col_upper: np.ndarray, dual_first: bool = False):
        row_lo, row_hi, col_lower, col_upper = (np.asarray(v, dtype=float) for v in (row_lo, row_hi, col_lower, col_upper))
        self._model = (matrix, row_lo, row_hi, col_lower, col_upper)
        self._highs: IntervalLP | None = None
        self.n_cols = matrix.shape[1]
        coo = matrix.tocoo()
        simplex = CyClpSimplex()
        big = simplex.getCoinInfinity()
        simplex.loadProblem(
            CyCoinPackedMatrix(False, coo.row.astype(np.int32), coo.col.astype(np.int32), coo.data.astype(float)),
            col_lower, np.where(np.isfinite(col_upper), col_upper, big), np.zeros(self.n_cols),
            np.where(np.isfinite(row_lo), row_lo, -big), np.where(np.isfinite(row_hi), row_hi, big))
        simplex.logLevel = 0
        self._simplex = simplex
        self._dual = dual_first   # the first solve from scratch by the dual simplex (faster on a large model)
        # CLP sizes the model from the largest index it is given: an empty last row or column is lost
        if (simplex.nCols, simplex.nRows) != (self.n_cols, matrix.shape[0]):
            self._hand_to_highs()

    def optimise(self, cost: np.ndarray, maximise: bool, binding: bool = True) -> Optimum:
        """min or max of cost . x; binding=False skips the binding rows and columns (the duals)."""
        if self._highs is not None:
            return self._highs.optimise(cost, maximise, binding)
        simplex = self._simplex
        simplex.setObjectiveArray(-cost if maximise else cost)
        try:
            if self._dual:
                self._dual = False
                status = simplex.dual(startFinishOptions="xf")
            else:
                status = simplex.primal(startFinishOptions="xf")  # keep the work areas and the factorisation
        except IndexError:  # cylp looks some of CLP's return codes (seen on infeasible models) up past its list
            status = "unknown"
        if status == "dual infeasible":
            return Optimum(math.inf if maximise else -math.inf, None, NO_INDICES)
        x = simplex.primalVariableSolution.copy() if status == "optimal" else None  # a view of CLP's array
        if x is None or not self._keeps_every_row(x):
            return self._hand_to_highs().optimise(cost, maximise, binding)
        if not binding:
            return Optimum(float(cost @ x), x, NO_INDICES)
        rows = np.flatnonzero(np.abs(simplex.dualConstraintSolution) > DUAL_ZERO)
        cols = np.flatnonzero(np.abs(np.asarray(simplex.reducedCosts)[:self.n_cols]) > DUAL_ZERO)
        return Optimum(float(cost @ x), x, rows, cols)

    def _hand_to_highs(self) -> IntervalLP:
        """HiGHS answers for this model from now on."""
        self._highs = IntervalLP.from_csr(*self._model)
        return self._highs

    def _keeps_every_row(self, x: np.ndarray) -> bool:
        matrix, row_lo, row_hi, _, _ = self._model
        activity = matrix @ x
        slack = ROW_SLACK * np.maximum(1.0, np.abs(activity))
        return bool(((activity >= row_lo - slack) & (activity <= row_hi + slack)).all())
