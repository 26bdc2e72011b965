"""Feasibility-based bound tightening: valid month bounds from the rows alone, with array passes.

The bounds it finds are always valid, and usually the tightest; reconstruct.py keeps only
the rows these bounds do not already imply and solves LPs for what is left. Each bound
remembers the row that set it, which is how a month's supporting claims are traced without
an LP per month. Only rows that touch a bound changed in the previous pass are revisited,
so a ledger of a thousand series costs a few passes over the rows that matter.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

MAX_PASSES = 200
CHUNK_ENTRIES = 500_000
TOLERANCE = 1e-9
INFEASIBLE_SLACK = 1e-6


@dataclass
class Propagation:
    lower: np.ndarray
    upper: np.ndarray
    lower_reason: np.ndarray    # row that set each lower bound (-1: the column's own bound)
    upper_reason: np.ndarray
    unsettled: np.ndarray       # bool per row: still tightening when the passes ran out
    infeasible: np.ndarray      # bool per column: its bounds crossed


def _segments(indptr: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position of its owner in `chosen`, entry index) for every entry of the chosen rows (or columns)."""
    counts = indptr[chosen + 1] - indptr[chosen]
    owner = np.repeat(np.arange(len(chosen)), counts)
    first_of = np.cumsum(counts) - counts
    return owner, indptr[chosen][owner] + (np.arange(len(owner)) - first_of[owner])


def _rest(terms: np.ndarray, owner: np.ndarray, n_owners: int, direction: int) -> np.ndarray:
    """Each entry's row activity without its own term (+-inf where another term is infinite)."""
    infinite = ~np.isfinite(terms)
    finite = np.where(infinite, 0.0, terms)
    total = np.bincount(owner, weights=finite, minlength=n_owners)
    count = np.bincount(owner, weights=infinite, minlength=n_owners)
    return np.where(count[owner] - infinite > 0, direction * np.inf, total[owner] - finite)


def _candidates(rows, indptr, indices, data, row_lo, row_hi, lower, upper,
                best_lower, lower_from, best_upper, upper_from) -> None:
    """The bounds each of `rows` implies for its columns, folded into best_* (and the row, into *_from)."""
    owner, entry = _segments(indptr, rows)
    cols, coefs = indices[entry], data[entry]
    positive = coefs > 0
    low_term = np.where(positive, coefs * lower[cols], coefs * upper[cols])
    high_term = np.where(positive, coefs * upper[cols], coefs * lower[cols])
    low_term[np.isnan(low_term)] = 0.0
    high_term[np.isnan(high_term)] = 0.0
    rest_min = _rest(low_term, owner, len(rows), -1)
    rest_max = _rest(high_term, owner, len(rows), +1)
    del low_term, high_term
    upper_room = row_hi[rows][owner] - rest_min   # coef * x <= upper_room
    lower_room = row_lo[rows][owner] - rest_max   # coef * x >= lower_room
    del rest_min, rest_max
    new_upper = np.where(positive, upper_room, lower_room) / coefs
    new_lower = np.where(positive, lower_room, upper_room) / coefs
    del upper_room, lower_room
    new_upper[np.isnan(new_upper)] = np.inf
    new_lower[np.isnan(new_lower)] = -np.inf
    np.maximum.at(best_lower, cols, new_lower)
    winners = np.flatnonzero(new_lower >= best_lower[cols])
    lower_from[cols[winners]] = rows[owner[winners]]
    np.minimum.at(best_upper, cols, new_upper)
    winners = np.flatnonzero(new_upper <= best_upper[cols])
    upper_from[cols[winners]] = rows[owner[winners]]


def _can_tighten(matrix: sparse.csr_matrix, row_lo: np.ndarray, row_hi: np.ndarray, lower: np.ndarray,
                 upper: np.ndarray) -> np.ndarray:
    """Rows worth a first pass. Where no column has a finite upper bound yet, a row bounds a column only
    if its other terms cannot grow without limit against it; the other rows wait until a column
    they touch changes."""
    rows = np.flatnonzero(np.diff(matrix.indptr) > 0)
    if np.isfinite(upper).any() or (lower != 0).any():
        return rows
    positive = np.add.reduceat(matrix.data > 0, matrix.indptr[rows]) if len(rows) else np.zeros(0)
    count = np.diff(matrix.indptr)[rows]
    negative = count - positive
    useful = ((positive == count) & np.isfinite(row_hi[rows])) | ((negative == count) & np.isfinite(row_lo[rows])) \
        | ((positive == 1) & (row_lo[rows] > 0)) | ((negative == 1) & (row_hi[rows] < 0))
    return rows[useful]


def propagate(matrix: sparse.csr_matrix, row_lo: np.ndarray, row_hi: np.ndarray, lower: np.ndarray,
              upper: np.ndarray) -> Propagation:
    """Tighten lower <= x <= upper under row_lo <= matrix @ x <= row_hi."""
    n_rows, n_cols = matrix.shape
    lower, upper = np.array(lower, dtype=float), np.array(upper, dtype=float)
    lower_reason, upper_reason = np.full(n_cols, -1), np.full(n_cols, -1)
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    by_column = matrix.tocsc()
    active = _can_tighten(matrix, row_lo, row_hi, lower, upper)
    infeasible = np.zeros(n_cols, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for _ in range(MAX_PASSES):
            if not len(active):
                break
            best_lower, best_upper = np.full(n_cols, -np.inf), np.full(n_cols, np.inf)
            lower_from, upper_from = np.full(n_cols, -1), np.full(n_cols, -1)
            # rows in chunks of about CHUNK_ENTRIES entries: the same pass, with bounded temporaries
            ends = np.cumsum(indptr[active + 1] - indptr[active])
            cuts = np.searchsorted(ends, np.arange(CHUNK_ENTRIES, ends[-1], CHUNK_ENTRIES))
            for chunk in np.split(active, np.unique(cuts)):
                _candidates(chunk, indptr, indices, data, row_lo, row_hi, lower, upper,
                            best_lower, lower_from, best_upper, upper_from)
            raised = best_lower > lower + TOLERANCE * np.maximum(1.0, np.abs(lower))
            lower_reason[raised] = lower_from[raised]
            lower = np.where(raised, best_lower, lower)
            threshold = np.where(np.isinf(upper), np.inf, upper - TOLERANCE * np.maximum(1.0, np.abs(upper)))
            lowered = best_upper < threshold
            upper_reason[lowered] = upper_from[lowered]
            upper = np.where(lowered, best_upper, upper)
            infeasible |= lower > upper + INFEASIBLE_SLACK * np.maximum(1.0, np.abs(upper))
            changed = np.flatnonzero((raised | lowered) & ~infeasible)
            _, entry = _segments(by_column.indptr, changed)
            touched = np.zeros(n_rows, dtype=bool)
            touched[by_column.indices[entry]] = True
            active = np.flatnonzero(touched)
    unsettled = np.zeros(n_rows, dtype=bool)
    unsettled[active] = True
    return Propagation(lower, upper, lower_reason, upper_reason, unsettled, infeasible)


def implied_rows(matrix: sparse.csr_matrix, row_lo: np.ndarray, row_hi: np.ndarray, lower: np.ndarray,
                 upper: np.ndarray) -> np.ndarray:
    """Rows every point of the box lower <= x <= upper satisfies: they add nothing to it."""
    coo = matrix.tocoo()
    positive = coo.data > 0
    with np.errstate(invalid="ignore"):
        low_term = np.where(positive, coo.data * lower[coo.col], coo.data * upper[coo.col])
        high_term = np.where(positive, coo.data * upper[coo.col], coo.data * lower[coo.col])
    n_rows = matrix.shape[0]
    low = np.bincount(coo.row, weights=np.nan_to_num(low_term, nan=0.0, neginf=-1e300), minlength=n_rows)
    high = np.bincount(coo.row, weights=np.nan_to_num(high_term, nan=0.0, posinf=1e300), minlength=n_rows)
    slack = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(row_lo), row_lo, row_hi)))
    return (low >= row_lo - slack) & (high <= row_hi + slack)


def dominated_rows(matrix: sparse.csr_matrix, row_lo: np.ndarray, row_hi: np.ndarray,
                   rows: np.ndarray) -> np.ndarray:
    """Which of `rows` a tighter ratio row makes redundant (a bool per entry of `rows`).

    A row x_p - r*x_q >= 0 is implied by x_p - s*x_q >= 0 when s >= r, because x_q >= 0 (and
    x_p - r*x_q <= 0 by one with s <= r). Two sources stating the same growth rate, or several
    hedged statements of it, leave one such row per pair and direction; the LPs need only it.
    Equal rows keep the first, so the choice does not depend on anything but the ledger order."""
    length = matrix.indptr[rows + 1] - matrix.indptr[rows]
    lo, hi = row_lo[rows], row_hi[rows]
    candidate = np.flatnonzero((length == 2) & (((lo == 0) & np.isposinf(hi)) | (np.isneginf(lo) & (hi == 0))))
    first = matrix.indptr[rows[candidate]]
    a_col, b_col = matrix.indices[first], matrix.indices[first + 1]
    a_coef, b_coef = matrix.data[first], matrix.data[first + 1]
    opposite = (a_coef * b_coef) < 0
    candidate, a_col, b_col, a_coef, b_coef = (v[opposite] for v in (candidate, a_col, b_col, a_coef, b_coef))
    a_positive = a_coef > 0
    p = np.where(a_positive, a_col, b_col)
    q = np.where(a_positive, b_col, a_col)
    ratio = np.where(a_positive, -b_coef / a_coef, -a_coef / b_coef)   # x_p (>= or <=) ratio * x_q
    at_least = lo[candidate] == 0   # dividing by x_p's (positive) coefficient keeps the direction
    # tightest first within each (p, q, direction): the largest ratio for >=, the smallest for <=
    tightness = np.where(at_least, -ratio, ratio)
    order = np.lexsort((candidate, tightness, at_least, q, p))
    key = np.stack([p[order], q[order], at_least[order]])
    repeat = np.zeros(len(order), dtype=bool)
    repeat[1:] = (key[:, 1:] == key[:, :-1]).all(axis=0)
    dominated = np.zeros(len(rows), dtype=bool)
    dominated[candidate[order[repeat]]] = True
    return dominated
