"""The tightest bounds the claims allow for every month of every series, and the rows each rests on.

Bound propagation (propagate.py) gives valid bounds for the whole ledger at once. Rows those
bounds already imply are dropped; what remains splits into small independent groups of
months. A group with no row left is settled by its propagated bounds; so is a group with
one row, where propagation is exact. Each other group becomes one small LP: a proposed bound
that some feasible point attains cannot be tightened, so a few LPs over sums of months
settle most months, and only the rest get an LP of their own.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .lp import IntervalLP
from .propagate import Propagation, implied_rows, propagate
from .system import System, components_of

SUM_ROUNDS = 4
ZERO_TONNES = 1e-6  # a gram
ATTAINED = 1e-7   # relative: a point this close to a proposed bound attains it


class Explainer:
    """Rows a propagated bound rests on: the row that set it, then, recursively, the rows behind
    the bounds of the other variables that row used (the side each one used, not both).
    Closures are cached: reaching an explained bound adds its whole closure."""

    def __init__(self, matrix: sparse.csr_matrix, propagation: Propagation):
        self.matrix = matrix
        self._reasons = (propagation.lower_reason.tolist(), propagation.upper_reason.tolist())
        self._entries: dict[int, tuple[list[int], list[float]]] = {}
        self._closures: dict[tuple[int, int], frozenset[int]] = {}

    def _row(self, row: int) -> tuple[list[int], list[float]]:
        entries = self._entries.get(row)
        if entries is None:
            a, b = self.matrix.indptr[row], self.matrix.indptr[row + 1]
            entries = self._entries[row] = (self.matrix.indices[a:b].tolist(), self.matrix.data[a:b].tolist())
        return entries

    def rows(self, column: int, side: str) -> frozenset[int]:
        key = (column, 1 if side == "upper" else 0)
        closures = self._closures
        if key in closures:
            return closures[key]
        used: set[int] = set()
        seen = {key}
        stack = [key]
        while stack:
            j, upper = stack.pop()
            if (j, upper) != key and (j, upper) in closures:
                used |= closures[j, upper]
                continue
            row = self._reasons[upper][j]
            if row < 0:
                continue
            used.add(row)
            cols, coefs = self._row(row)
            uses_max = (not upper) == (coefs[cols.index(j)] > 0)   # the other terms at their largest?
            for k, a in zip(cols, coefs):
                node = (k, 1 if (a > 0) == uses_max else 0)
                if k != j and node not in seen:
                    seen.add(node)
                    stack.append(node)
        closures[key] = frozen = frozenset(used)
        return frozen


@dataclass
class LedgerBounds:
    low: np.ndarray                 # per column
    high: np.ndarray
    support: list[frozenset[int]]   # per column: rows its bounds rest on
    box_lower: np.ndarray           # propagated bounds: with `kept` rows, the same feasible set
    box_upper: np.ndarray
    kept: np.ndarray                # rows the propagated bounds do not imply
    infeasible: np.ndarray          # per original component: its rows cannot all hold


def _group_slices(labels: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts): members of group g are order[starts[g]:starts[g + 1]]."""
    order = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[order], np.arange(count + 1))
    return order, starts


def ledger_bounds(system: System) -> LedgerBounds:
    n = system.n_cols
    matrix = system.matrix
    done = propagate(matrix, system.row_lo, system.row_hi, np.zeros(n), np.full(n, math.inf))
    explainer = Explainer(matrix, done)
    infeasible = np.zeros(system.component.max(initial=-1) + 1, dtype=bool)
    infeasible[system.component[done.infeasible & (system.component >= 0)]] = True
    kept = np.flatnonzero(~implied_rows(matrix, system.row_lo, system.row_hi, done.lower, done.upper))
    reduced = matrix[kept]
    groups = components_of(reduced, n)
    n_groups = groups.max(initial=-1) + 1
    row_group = groups[reduced.indices[reduced.indptr[:-1]]] if len(kept) else np.zeros(0, dtype=int)
    rows_in_group = np.bincount(row_group, minlength=n_groups)
    unsettled = np.bincount(row_group, weights=done.unsettled[kept], minlength=n_groups) > 0
    row_order, row_starts = _group_slices(row_group, n_groups)
    col_order, col_starts = _group_slices(groups, n_groups)
    low, high = done.lower.copy(), done.upper.copy()
    support: list[frozenset[int]] = [frozenset()] * n
    needs_lp = (rows_in_group >= 2) | unsettled  # one row: propagation is already exact
    broken = set(np.flatnonzero(infeasible))
    for g in np.flatnonzero(needs_lp):
        cols = col_order[col_starts[g]:col_starts[g + 1]]
        if system.component[cols[0]] in broken:
            continue
        rows = kept[row_order[row_starts[g]:row_starts[g + 1]]]
        settled = _certify(matrix[rows][:, cols], system.row_lo[rows], system.row_hi[rows],
                           done.lower[cols], done.upper[cols], cols, rows, explainer)
        if settled is None:
            infeasible[system.component[cols[0]]] = True
            continue
        low[cols], high[cols], extra = settled
        for j, rows_used in zip(cols, extra):
            support[j] = rows_used
    touched = np.flatnonzero(system.component >= 0)
    for j in touched:
        if not support[j]:
            support[j] = explainer.rows(int(j), "lower") | explainer.rows(int(j), "upper")
    # float dust (a propagated 2e-9 t where the claims force a month to zero) is zero
    low, high = np.where(low < ZERO_TONNES, 0.0, low), np.where(np.abs(high) < ZERO_TONNES, 0.0, high)
    return LedgerBounds(low, high, support, done.lower, done.upper, kept, infeasible)


def _certify(matrix, row_lo, row_hi, lower, upper, cols, rows, explainer: Explainer):
    """Tightest bounds of one group of months (None if its rows cannot all hold), and the rows
    (global indices) each month's bounds rest on."""
    n = len(cols)
    lp = IntervalLP.from_csr(matrix, row_lo, row_hi, lower, upper)
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    support: list[set[int]] = [set() for _ in range(n)]

    def explain(j: int, side: str) -> frozenset[int]:
        return explainer.rows(int(cols[j]), side)

    def attained(x: np.ndarray | None) -> int:
        """Settle the months whose proposed bound this feasible point reaches; how many were settled."""
        if x is None:
            return 0
        tol = ATTAINED * np.maximum(1.0, np.abs(x))
        count = 0
        for side, proposal, settled in (("lower", lower, low), ("upper", upper, high)):
            hit = np.isnan(settled) & np.isfinite(proposal) & (np.abs(x - proposal) <= tol)
            for j in np.flatnonzero(hit):
                settled[j] = proposal[j]
                support[j] |= explain(j, side)
            count += int(hit.sum())
        return count

    weights = np.random.default_rng(n)  # fixed: the same ledger always takes the same path
    for maximise, settled in ((False, low), (True, high)):
        for _ in range(SUM_ROUNDS):
            # weighted sums over the months still open: where several months compete for one
            # total, the lightest takes the slack and the others reach their bounds
            open_months = np.isnan(settled) & (np.isfinite(upper) | (not maximise))
            if not open_months.any():
                break
            optimum = lp.optimise(open_months * 10 ** weights.uniform(0.0, 3.0, n), maximise, binding=False)
            if optimum.infeasible:
                return None
            if not attained(optimum.x):
                break
    for j in range(n):
        for maximise, settled in ((False, low), (True, high)):
            if not np.isnan(settled[j]):
                continue
            cost = np.zeros(n)
            cost[j] = 1.0
            optimum = lp.optimise(cost, maximise=maximise)
            if optimum.infeasible:
                return None
            settled[j] = optimum.value
            support[j] |= {int(rows[r]) for r in optimum.active_rows}
            for k in optimum.active_cols:  # a binding column bound rests on the rows that set it
                at_upper = abs(optimum.x[k] - upper[k]) <= ATTAINED * max(1.0, abs(upper[k]))
                support[j] |= explain(int(k), "upper" if at_upper else "lower")
            attained(optimum.x)
    return low, high, [frozenset(s) for s in support]
