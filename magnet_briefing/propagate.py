"""Feasibility-based bound tightening: valid month bounds from the rows alone, in a few numpy passes.

The bounds it finds are always valid, and usually the tightest; reconstruct.py checks each
against LP solutions (a bound some feasible point attains cannot be tightened) and solves an
LP only for the months this leaves open. Each bound remembers the row that set it, which
is how a month's supporting claims are traced without an LP per month.
"""
from __future__ import annotations

import numpy as np

MAX_PASSES = 40
TOLERANCE = 1e-9


def _residual(contrib: np.ndarray, rows: np.ndarray, n_rows: int, direction: int):
    """Activity of each row without each entry's own term (+-inf where other terms are infinite)."""
    infinite = ~np.isfinite(contrib)
    finite = np.where(infinite, 0.0, contrib)
    total = np.bincount(rows, weights=finite, minlength=n_rows)
    count = np.bincount(rows, weights=infinite.astype(float), minlength=n_rows)
    others_infinite = count[rows] - infinite
    rest = total[rows] - finite
    return np.where(others_infinite > 0, direction * np.inf, rest)


def tighten(n_cols: int, rows: np.ndarray, cols: np.ndarray, coefs: np.ndarray, row_lo: np.ndarray,
            row_hi: np.ndarray, lower: np.ndarray, upper: np.ndarray):
    """Tighten [lower, upper] for x under row_lo <= A x <= row_hi (A given as coordinate arrays).

    Returns (lower, upper, lower_reason, upper_reason): reason = index of the row that set
    the bound, -1 where the bound is the variable's own (0 or +inf)."""
    lower, upper = lower.astype(float).copy(), upper.astype(float).copy()
    lower_reason = np.full(n_cols, -1)
    upper_reason = np.full(n_cols, -1)
    n_rows = len(row_lo)
    positive = coefs > 0
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for _ in range(MAX_PASSES):
            low_term = np.where(positive, coefs * lower[cols], coefs * upper[cols])
            high_term = np.where(positive, coefs * upper[cols], coefs * lower[cols])
            low_term = np.where(np.isnan(low_term), 0.0, low_term)
            high_term = np.where(np.isnan(high_term), 0.0, high_term)
            rest_min = _residual(low_term, rows, n_rows, -1)
            rest_max = _residual(high_term, rows, n_rows, +1)
            # a*x <= hi - rest_min  and  a*x >= lo - rest_max
            upper_room = row_hi[rows] - rest_min
            lower_room = row_lo[rows] - rest_max
            new_upper = np.where(positive, upper_room / coefs, lower_room / coefs)
            new_lower = np.where(positive, lower_room / coefs, upper_room / coefs)
            new_upper = np.where(np.isnan(new_upper), np.inf, new_upper)
            new_lower = np.where(np.isnan(new_lower), -np.inf, new_lower)
            changed = False
            best_lower = np.full(n_cols, -np.inf)
            np.maximum.at(best_lower, cols, new_lower)
            improve = best_lower > lower + TOLERANCE * np.maximum(1.0, np.abs(lower))
            if improve.any():
                changed = True
                winners = np.flatnonzero(improve[cols] & (new_lower >= best_lower[cols]))
                lower_reason[cols[winners]] = rows[winners]
                lower = np.where(improve, best_lower, lower)
            best_upper = np.full(n_cols, np.inf)
            np.minimum.at(best_upper, cols, new_upper)
            threshold = np.where(np.isinf(upper), np.inf, upper - TOLERANCE * np.maximum(1.0, np.abs(upper)))
            improve = best_upper < threshold
            if improve.any():
                changed = True
                winners = np.flatnonzero(improve[cols] & (new_upper <= best_upper[cols]))
                upper_reason[cols[winners]] = rows[winners]
                upper = np.where(improve, best_upper, upper)
            if not changed or (lower > upper + 1e-6 * np.maximum(1.0, np.abs(upper))).any():
                break
    return lower, upper, lower_reason, upper_reason


def explanation(column: int, side: str, rows: np.ndarray, cols: np.ndarray, coefs: np.ndarray,
                lower_reason: np.ndarray, upper_reason: np.ndarray) -> set[int]:
    """Rows a bound rests on: the row that set it, then, recursively, the rows behind the
    bounds of the other variables that row used (the side each one used, not both)."""
    entries: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    seen_bounds: set[tuple[int, str]] = set()
    used: set[int] = set()
    stack = [(column, side)]
    while stack:
        j, bound_side = stack.pop()
        if (j, bound_side) in seen_bounds:
            continue
        seen_bounds.add((j, bound_side))
        row = (lower_reason if bound_side == "lower" else upper_reason)[j]
        if row < 0:
            continue
        used.add(int(row))
        if row not in entries:
            mask = rows == row
            entries[row] = (cols[mask], coefs[mask])
        row_cols, row_coefs = entries[row]
        own = row_coefs[row_cols == j][0]
        uses_max = (bound_side == "lower") == (own > 0)
        for k, a in zip(row_cols, row_coefs):
            if k == j:
                continue
            stack.append((int(k), "upper" if (a > 0) == uses_max else "lower"))
    return used
