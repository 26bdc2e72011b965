"""How far a claim may be off and still be kept, and how much evidence it carries.

The materiality allowance: outlets round differently and publish before or after customs
revise a month, so two true reports of one figure may differ by a little more than their
written digits allow. A claim is kept within ALPHA of its level (range levels keep their +-2 t
for revisions on top), within BETA of a growth multiplier (0.25 percentage point), and a
ranking within ALPHA of the ranked period. Calibrated on the real ledger of issue 12: its
largest true disagreements are 2 t on 4,344 t (0.05%) and 0.12 pp (a rate of +8.7% against
+8.58% implied); at 0.25% and 0.25 pp none of its claims is set aside, while wrong figures
(another product, a unit slip, a stale total) stay far outside, and a larger allowance would
start to hide them (README, "Known limits").

The weights: which claims give way when the rows cannot all hold. An exact figure or a ranking
weighs 1, "about" 0.75, "nearly", "over" and "under" 0.5. Corroboration needs no weight of its
own: each outlet's statement is a claim, and all of them would have to go.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from .rows import GROWTH, LEVEL, RANK, ClaimArrays, System, median_by, stated_months, typical_months

ALPHA = 0.0025   # of a level, or of a ranking's ranked period
BETA = 0.0025    # of a growth multiplier (1.05 = +5%): 0.25 percentage point
WEIGHTS = {"exact": 1.0, "about": 0.75, "nearly": 0.5, "over": 0.5, "under": 0.5}
RANK_WEIGHT = 1.0
TIE = 1e-6       # weights are multiples of 0.25: sums this close are equal
REFERENCE_HALF_WINDOW = 6   # months either side of a month for its reference level


def allowance(claims: ClaimArrays) -> np.ndarray:
    """Per claim, in the units build_system widens by: tonnes for a level, a multiplier for growth,
    a share of the ranked period for a ranking."""
    return np.select([claims.measure == "level", claims.lag > 0, claims.rank],
                     [ALPHA * np.abs(np.nan_to_num(claims.central)), BETA, ALPHA], 0.0)


def weights(claims: ClaimArrays) -> np.ndarray:
    return np.where(claims.rank, RANK_WEIGHT, pd.Series(claims.qualifier).map(WEIGHTS).to_numpy(dtype=float))


def reference_levels(system: System) -> np.ndarray:
    """A typical tonnage per column, to put breaches of different rows on one scale: the median,
    over the months within REFERENCE_HALF_WINDOW of it in its series, of the months' median
    stated levels (a range level as its mean month, at its middle); else the series' median.
    Medians of many statements, so that a wrong figure is not judged by its own size."""
    claims = system.claims
    series_of_column, _ = system.month_of_column()
    fields = (claims.series, claims.measure, claims.central, claims.start, claims.end)
    typical = typical_months(fields[0], len(claims.names), *fields[1:])
    level, per_month = stated_months(*fields)
    columns = system.column(claims.series[level], (claims.start[level] + claims.end[level]) // 2)
    stated = median_by(columns, per_month, system.n_cols)
    h = REFERENCE_HALF_WINDOW
    window = sliding_window_view(np.r_[np.full(h, np.nan), stated, np.full(h, np.nan)], 2 * h + 1)
    own = sliding_window_view(np.r_[np.full(h, -1), series_of_column, np.full(h, -1)], 2 * h + 1)
    window = np.where(own == series_of_column[:, None], window, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # a window without a stated month
        rolled = np.nanmedian(window, axis=1) if system.n_cols else np.zeros(0)
    return np.where(np.isfinite(rolled), rolled, typical[series_of_column])


def row_scales(system: System, reference: np.ndarray) -> np.ndarray:
    """Per row, one allowance in the row's own units (tonnes): how far the row may be broken by a
    claim one allowance off. A level's row scales with its period's reference level, a growth row
    with its base's, a ranking's with the ranked period's (a base row is never broken alone: it
    goes with its claim)."""
    claims, kind, k = system.claims, system.row_kind, system.row_claim
    total = np.r_[0.0, np.cumsum(reference)]

    def period(shift: np.ndarray, rows: np.ndarray) -> np.ndarray:
        series = claims.series[k[rows]]
        a = system.column(series, claims.start[k[rows]] - shift)
        b = system.column(series, claims.end[k[rows]] - shift) + 1
        return total[b] - total[a]

    scale = np.ones(len(k))
    for kinds, share, back in (((LEVEL, RANK), ALPHA, False), ((GROWTH,), BETA, True)):
        rows = np.flatnonzero(np.isin(kind, kinds))
        scale[rows] = share * period(claims.lag[k[rows]] if back else np.zeros(len(rows), dtype=np.int64), rows)
    return np.maximum(scale, 1e-9)
