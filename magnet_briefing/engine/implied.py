"""What a fit (the final one, or a disputed group's reading) implies for the quantity a claim
states: the bounds of a total of months, of a change between two periods, or which earlier
month a ranking cannot rank above. explain.py words them.

A change's bounds come first from its periods' bounds (low over the other's high, and so on):
valid, but loose where the periods are not pinned apart (two rates on months no level
states). Where those loose bounds would meet the claim's own interval, the exact bounds of the
ratio over the fit's rows are found by a linear-fractional program (Charnes and Cooper: with
t = 1 / base and y = t x, the ratio is linear in y), so a reason never states a range that
contains the figure it rejects.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import sparse

from .bounds import LedgerBounds
from .lp import IntervalLP
from .rows import System

EXACT_RANKING_ROWS = 24   # a ranking's latest rows tried by exact ratios


def exact_ratio(system: System, bounds: LedgerBounds, current: np.ndarray, base: np.ndarray) -> tuple[float, float]:
    """Least and greatest sum(current) / sum(base) over every point the fit allows (columns of one
    series; (0, inf) where the base may be 0 and the current not). The fit's groups of months
    (bounds.py) with their propagated box are the same feasible set in fewer rows; months of no
    group are free within their box."""
    groups = bounds.groups
    wanted = np.unique(np.r_[current, base])
    labels = np.unique(groups.label[wanted])
    months = np.unique(np.concatenate([wanted] + [groups.members(g) for g in labels[labels >= 0]]))
    local = np.full(system.n_cols, -1)
    local[months] = np.arange(len(months))
    parts, lo, hi = [], [], []
    for g in labels[labels >= 0]:
        part = groups.matrix_of(g).tocoo()
        rows = groups.rows_of(g)
        parts.append(sparse.csr_matrix((part.data, (part.row, local[groups.members(g)][part.col])),
                                       shape=(len(rows), len(months))))
        lo.append(system.row_lo[rows])
        hi.append(system.row_hi[rows])
    parts.append(sparse.identity(len(months), format="csr"))
    lo.append(bounds.box_lower[months])
    hi.append(bounds.box_upper[months])
    matrix, lo, hi = sparse.vstack(parts, format="csr"), np.concatenate(lo), np.concatenate(hi)
    # with t = 1 / base and y = t x: lo t <= A y <= hi t, sum(y over base) = 1, and the ratio is linear in y
    with_lo, with_hi = np.flatnonzero(np.isfinite(lo)), np.flatnonzero(np.isfinite(hi))
    rows = sparse.vstack([sparse.hstack([matrix[with_lo], sparse.csr_matrix(-lo[with_lo][:, None])]),
                          sparse.hstack([matrix[with_hi], sparse.csr_matrix(-hi[with_hi][:, None])]),
                          sparse.csr_matrix((np.ones(len(base)), (np.zeros(len(base), dtype=int), local[base])),
                                            shape=(1, len(months) + 1))], format="csr")
    row_lo = np.r_[np.zeros(len(with_lo)), np.full(len(with_hi), -math.inf), 1.0]
    row_hi = np.r_[np.full(len(with_lo), math.inf), np.zeros(len(with_hi)), 1.0]
    lp = IntervalLP.from_csr(rows, row_lo, row_hi)
    cost = np.zeros(len(months) + 1)
    cost[local[current]] = 1.0
    least, most = (lp.optimise(cost, maximise, binding=False) for maximise in (False, True))
    if least.infeasible or most.infeasible:
        return 0.0, math.inf
    return max(least.value, 0.0), most.value


class Implied:
    """What one fit implies, with each answer kept: a fit is asked about the same periods often."""

    def __init__(self, fit):
        self.fit = fit
        self.local = fit.local if hasattr(fit, "local") else (lambda columns: columns)
        self.also = getattr(fit, "also", {})
        self._exact: dict[tuple, tuple] = {}

    def exact(self, columns: np.ndarray) -> tuple[float, float, set[str]]:
        """The tightest bounds of the total of these ledger columns, and the claims they rest on."""
        key = tuple(columns.tolist())
        if key not in self._exact:
            self._exact[key] = self.fit.sum_bounds(columns)
        return self._exact[key]

    def loose(self, columns: np.ndarray) -> tuple[float, float, set[str]]:
        """The sum of these months' own bounds (valid, not always the tightest for their total), and
        the claims those rest on."""
        local, bounds = self.local(columns), self.fit.bounds
        rows = set().union(*(bounds.support[int(j)] for j in local))
        claims = self.fit.claims_of_rows(rows).union(*(self.also.get(int(c), ()) for c in columns))
        return float(bounds.low[local].sum()), float(bounds.high[local].sum()), claims

    def period(self, columns: np.ndarray, avoid: tuple[float, float] | None = None) -> tuple[float, float, set[str]]:
        """Bounds of the total of these months: the sum of the months' own bounds where that keeps
        clear of the interval `avoid` (a claim's, which the answer must not seem to admit), else
        the tightest (an LP); a single month's bounds are the tightest already."""
        if len(columns) == 1 or avoid is None:
            return self.exact(columns)
        low, high, claims = self.loose(columns)
        if low <= avoid[1] and avoid[0] <= high:
            return self.exact(columns)
        return low, high, claims

    def ratio(self, current: np.ndarray, base: np.ndarray, avoid: tuple[float, float] | None):
        """(least, greatest, claim ids) of sum(current) / sum(base): from the periods' bounds, or
        exactly where those meet the interval `avoid` (the claim's own; None: from the periods'
        bounds whatever they meet)."""
        now, before = self.loose(current), self.loose(base)
        least = now[0] / before[1] if before[1] > 0 else 0.0
        most = now[1] / before[0] if before[0] > 0 else math.inf
        if avoid is not None and least <= avoid[1] and avoid[0] <= most:
            least, most = exact_ratio(self.fit.system, self.fit.bounds, self.local(current), self.local(base))
        return least, most, now[2] | before[2]

    def ranking_witness(self, claims, k: int, widen: float, columns_of):
        """A row of ranking k that every point of the fit breaks, even with the ranking widened by
        its allowance `widen`: (earlier period's first month, whether it must be at least as high as
        the ranked period, None or the exact bounds of ranked / earlier when the periods' own bounds
        do not show it); None when no single row shows it. `columns_of(month ordinals)` gives the
        ledger columns of months of the claim's series (None outside its window)."""
        length = int(claims.end[k] - claims.start[k] + 1)
        step = 12 if length > 1 else 1
        ranked = columns_of(np.arange(claims.start[k], claims.end[k] + 1))
        higher = claims.measure[k] == "highest_since"
        now = self.exact(ranked)
        rows = []
        for other in range(int(claims.start[k]) - step, int(claims.since[k]) - 1, -step):
            earlier = columns_of(np.arange(other, other + length))
            if earlier is None:
                break
            at_least = (other == claims.since[k]) == higher
            low, high, _ = self.exact(earlier)
            if (at_least and high < (1 - widen) * now[0]) or (not at_least and low > (1 + widen) * now[1]):
                return other, at_least, None
            rows.append((other, at_least, earlier))
        for other, at_least, earlier in rows[:EXACT_RANKING_ROWS]:
            least, most = exact_ratio(self.fit.system, self.fit.bounds, self.local(ranked), self.local(earlier))
            if (at_least and least * (1 - widen) > 1) or (not at_least and most * (1 + widen) < 1):
                return other, at_least, (least, most)
        return None
