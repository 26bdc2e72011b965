"""How far each claim is from the estimates: tonnes for levels and rankings (how far the estimates
break the ranking; 0 when it holds), percentage points for *_pct, a multiple for mom_ratio; NaN
where a month it needs has no estimate."""
from __future__ import annotations

import numpy as np

from .rows import System


def residuals(system: System, point: np.ndarray) -> np.ndarray:
    """Per claim of `system`, against a point over its columns: the claims set aside too, when
    `system` holds every claim over the columns the estimates have."""
    claims = system.claims
    total = np.r_[0.0, np.cumsum(np.nan_to_num(point))]
    missing = np.r_[0, np.cumsum(np.isnan(point))]

    def period_sum(shift: np.ndarray) -> np.ndarray:
        a = system.column(claims.series, claims.start - shift)
        b = system.column(claims.series, claims.end - shift) + 1
        inside = (a >= system.offset[claims.series]) & (b <= system.offset[claims.series] + system.n_months[claims.series])
        a, b = np.where(inside, a, 0), np.where(inside, b, 0)
        return np.where(inside & (missing[b] == missing[a]), total[b] - total[a], np.nan)

    current = period_sum(np.zeros(len(claims.ids), dtype=np.int64))
    previous = period_sum(claims.lag)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(previous > 0, current / previous, np.nan)
    stated_level = np.where(np.isin(claims.measure, ["level"]), claims.value, np.nan)
    value = np.select([claims.measure == "level", claims.measure == "mom_ratio", claims.lag > 0],
                      [current - stated_level, ratio - claims.value, (ratio - 1) * 100 - claims.value], np.nan)
    # rankings: how far the estimates break any of their rows (0 when every row holds)
    rank_rows = np.flatnonzero(claims.rank[system.row_claim])
    value = np.where(claims.rank, 0.0, value)  # a ranking with no row inside the window holds trivially
    if len(rank_rows):
        activity = system.matrix[rank_rows] @ np.nan_to_num(point)
        rows_missing = (system.matrix[rank_rows] != 0).astype(float) @ np.isnan(point).astype(float) > 0
        broken_by = np.maximum(system.row_lo[rank_rows] - activity, activity - system.row_hi[rank_rows])
        broken_by = np.where(rows_missing, np.nan, broken_by)
        worst = np.zeros(len(claims.ids))
        np.fmax.at(worst, system.row_claim[rank_rows], broken_by)
        value = np.where(claims.rank, worst, value)
    return value
