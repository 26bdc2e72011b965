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

from .lp import IntervalLP
from .rows import System

EXACT_RANKING_ROWS = 24   # a ranking's latest rows tried by exact ratios


def _component_rows(system: System, columns: np.ndarray):
    """The rows and months of the connected groups of months these columns belong to."""
    component = np.unique(system.component[columns])
    months = np.flatnonzero(np.isin(system.component, component[component >= 0]))
    coo = system.matrix.tocsc()[:, months].tocoo()
    rows = np.unique(coo.row)
    return rows, months


def exact_ratio(system: System, current: np.ndarray, base: np.ndarray) -> tuple[float, float]:
    """Least and greatest sum(current) / sum(base) over every point the system's rows allow
    (columns of one series; (0, inf) where the base may be 0 and the current not)."""
    rows, months = _component_rows(system, np.r_[current, base])
    local = np.full(system.n_cols, -1)
    local[months] = np.arange(len(months))
    if (local[np.r_[current, base]] < 0).any():
        return 0.0, math.inf   # a month no row bounds
    t = len(months)
    part = system.matrix[rows]
    lp_rows = []
    for i, r in enumerate(rows):
        cols = local[part.indices[part.indptr[i]:part.indptr[i + 1]]].tolist()
        coefs = part.data[part.indptr[i]:part.indptr[i + 1]].tolist()
        lo, hi = system.row_lo[r], system.row_hi[r]
        if math.isfinite(lo):
            lp_rows.append((cols + [t], coefs + [-lo], 0.0, math.inf))
        if math.isfinite(hi):
            lp_rows.append((cols + [t], coefs + [-hi], -math.inf, 0.0))
    lp_rows.append((local[base].tolist(), [1.0] * len(base), 1.0, 1.0))
    lp = IntervalLP(t + 1, lp_rows)
    cost = np.zeros(t + 1)
    cost[local[current]] = 1.0
    least, most = (lp.optimise(cost, maximise) for maximise in (False, True))
    if least.infeasible or most.infeasible:
        return 0.0, math.inf
    return max(least.value, 0.0), most.value


def ratio_bounds(fit, current: np.ndarray, base: np.ndarray, claim_lo: float, claim_hi: float):
    """(least, greatest, claim ids) of sum(current) / sum(base) in `fit` (an estimates.Estimates or
    a readings.Fit over ledger columns): from the periods' bounds, or exactly when those meet the
    claim's interval claim_lo..claim_hi."""
    now, before = fit.sum_bounds(current), fit.sum_bounds(base)
    ids = now[2] | before[2]
    least = now[0] / before[1] if before[1] > 0 else 0.0
    most = now[1] / before[0] if before[0] > 0 else math.inf
    if least <= claim_hi and claim_lo <= most:
        system = fit.system
        local = fit.local if hasattr(fit, "local") else (lambda columns: columns)
        least, most = exact_ratio(system, local(current), local(base))
    return least, most, ids


def ranking_witness(fit, claims, k: int, widen: float, columns_of):
    """A row of ranking k that every point of the fit breaks, even with the ranking widened by its
    allowance `widen`: (earlier period's first month, whether it must be at least as high as the
    ranked period, None or the exact bounds of ranked / earlier when the periods' own bounds do
    not show it); None when no single row shows it. `columns_of(month ordinals)` gives the ledger
    columns of months of the claim's series (None outside its window)."""
    length = int(claims.end[k] - claims.start[k] + 1)
    step = 12 if length > 1 else 1
    ranked = columns_of(np.arange(claims.start[k], claims.end[k] + 1))
    higher = claims.measure[k] == "highest_since"
    now = fit.sum_bounds(ranked)
    rows = []
    for other in range(int(claims.start[k]) - step, int(claims.since[k]) - 1, -step):
        earlier = columns_of(np.arange(other, other + length))
        if earlier is None:
            break
        at_least = (other == claims.since[k]) == higher
        low, high, _ = fit.sum_bounds(earlier)
        if (at_least and high < (1 - widen) * now[0]) or (not at_least and low > (1 + widen) * now[1]):
            return other, at_least, None
        rows.append((other, at_least, earlier))
    local = fit.local if hasattr(fit, "local") else (lambda columns: columns)
    for other, at_least, earlier in rows[:EXACT_RANKING_ROWS]:
        least, most = exact_ratio(fit.system, local(ranked), local(earlier))
        if (at_least and least * (1 - widen) > 1) or (not at_least and most * (1 + widen) < 1):
            return other, at_least, (least, most)
    return None
