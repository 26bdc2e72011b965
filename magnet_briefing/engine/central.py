"""Where inside their bounds the merely bounded months most plausibly lie.

A bounded month shows no estimate, but residuals, reasons and sums still need a point for it.
Like a hand derivation, the point lets most stated figures hold exactly and puts rounding
discrepancies on as few claims as possible: the feasible point with the least absolute
scaled deviation from the stated central values (an LP). It is solved only for the groups of
months (bounds.py) that hold a bounded month; every other month keeps its estimate, which
enters the LP as a constant.
"""
from __future__ import annotations

import numpy as np

from ..ledger.intervals import REVISION_ALLOWANCE_T
from .bounds import LedgerBounds
from .lp import IntervalLP
from .rows import System

FIXED_WEIGHT = 1e3     # a stated month is pulled hard to its stated figure
MIDDLE_WEIGHT = 1e-4   # every month is pulled faintly to the middle of its range: a unique answer


def _targets(system: System, claims: np.ndarray, mid: np.ndarray):
    """(columns, coefs, target, scale) per claim: what the claim says its central value is."""
    arrays = system.claims
    for k in claims:
        if not arrays.exact[k]:
            continue  # one-sided words ("nearly 75", "over 90") bound a month but name no central value
        series = arrays.series[k]
        current = system.column(np.full(arrays.end[k] - arrays.start[k] + 1, series),
                                np.arange(arrays.start[k], arrays.end[k] + 1))
        if arrays.lag[k] == 0:
            half = (arrays.hi[k] - arrays.lo[k]) / 2 - (REVISION_ALLOWANCE_T if len(current) > 1 else 0.0)
            yield current, np.ones(len(current)), arrays.central[k], max(half, 1e-3 * max(arrays.central[k], 1.0))
            continue
        previous = current - arrays.lag[k]
        reference = float(np.sum(mid[previous])) or 1.0
        half = (arrays.hi[k] - arrays.lo[k]) / 2 if np.isfinite(arrays.hi[k]) else 0.0
        scale = max(half * reference, 1e-3 * max(reference, 1.0))
        yield (np.concatenate((current, previous)),
               np.concatenate((np.ones(len(current)), np.full(len(previous), -arrays.central[k]))), 0.0, scale)


def central_points(system: System, bounds: LedgerBounds, point: np.ndarray, bounded: np.ndarray,
                   stated: np.ndarray, stated_value: np.ndarray) -> np.ndarray:
    """`point` with the chosen months (bool per column: bounded, or without an upper bound) replaced
    by the central feasible point."""
    point = point.copy()
    if not bounded.any():
        return point
    groups = bounds.groups
    low, high = bounds.low, bounds.high
    mid = np.where(np.isfinite(high), (low + high) / 2, low)
    by_column = system.matrix.tocsc()
    alone = bounded & (groups.label < 0) & np.isnan(point)
    point[alone] = np.where(np.isfinite(high[alone]), mid[alone], low[alone])
    local = np.full(system.n_cols, -1)
    for g in np.unique(groups.label[bounded & (groups.label >= 0)]):
        members = groups.members(g)
        local[members] = np.arange(len(members))
        rows = groups.rows_of(g)
        touching = np.unique(np.concatenate([by_column.indices[by_column.indptr[c]:by_column.indptr[c + 1]]
                                             for c in members]))
        n = len(members)
        terms = []  # (local columns, coefs, target, weight)
        for columns, coefs, target, scale in _targets(system, np.unique(system.row_claim[touching]), mid):
            inside = local[columns] >= 0
            outside = point[columns[~inside]]
            if np.isnan(outside).any():
                continue
            terms.append((local[columns[inside]], coefs[inside], target - float(coefs[~inside] @ outside), 1 / scale))
        for j in np.flatnonzero(stated[members]):
            terms.append((np.array([j]), np.ones(1), stated_value[members[j]],
                          FIXED_WEIGHT / max(stated_value[members[j]], 1.0)))
        for j in np.flatnonzero(np.isfinite(high[members])):
            c = members[j]
            terms.append((np.array([j]), np.ones(1), mid[c], MIDDLE_WEIGHT / max(high[c] - low[c], 1.0)))
        part = groups.matrix_of(g)
        lp_rows = [(part.indices[part.indptr[i]:part.indptr[i + 1]].tolist(),
                    part.data[part.indptr[i]:part.indptr[i + 1]].tolist(), system.row_lo[r], system.row_hi[r])
                   for i, r in enumerate(rows)]
        cost = np.zeros(n + 2 * len(terms))
        for t, (columns, coefs, target, weight) in enumerate(terms):
            over, under = n + 2 * t, n + 2 * t + 1
            lp_rows.append((columns.tolist() + [over, under], coefs.tolist() + [-1.0, 1.0], target, target))
            cost[over] = cost[under] = weight
        lower = np.r_[bounds.box_lower[members], np.zeros(2 * len(terms))]
        upper = np.r_[bounds.box_upper[members], np.full(2 * len(terms), np.inf)]
        solved = IntervalLP(len(cost), lp_rows, lower, upper).optimise(cost, maximise=False)
        local[members] = -1
        chosen = bounded[members]
        if solved.x is not None:
            point[members[chosen]] = np.clip(solved.x[:n][chosen], low[members[chosen]], high[members[chosen]])
        else:  # unbounded above: the least the claims allow
            point[members[chosen]] = low[members[chosen]]
    return point
