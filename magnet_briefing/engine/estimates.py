"""Estimates: bounds, an estimate and provenance for every month of every series, from the kept claims.

Bounds are the tightest the claims allow (bounds.py); the claims a month rests on are the
rows behind its bounds. A month a level claim states shows the most precise stated figure;
a month the claims pin (basis.py) shows the middle of its bounds; any other month shows bounds
only. Residuals are measured against these estimates, with the central point (central.py)
standing in for bounded months. Everything is computed for the whole ledger at once.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .basis import basis_of, stating
from .bounds import LedgerBounds
from .central import central_points
from .lp import IntervalLP
from .rows import System


@dataclass
class Estimates:
    """Per column (one month of one series): bounds, whether a level claim states it, and the estimate."""
    system: System
    bounds: LedgerBounds
    stated: np.ndarray       # a single-month level claim states it
    point: np.ndarray        # the estimate (NaN where the month has no upper bound)

    @property
    def low(self) -> np.ndarray:
        return self.bounds.low

    @property
    def high(self) -> np.ndarray:
        return self.bounds.high

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_lps", None)  # HiGHS models are rebuilt on demand, never copied between processes
        return state

    def _group_lp(self, g: int) -> IntervalLP:
        """Group g's LP (its kept rows within the propagated box: the same feasible set), built once
        and re-solved for every total asked of it."""
        cache = self.__dict__.setdefault("_lps", {})
        if g not in cache:
            members, rows = self.bounds.groups.members(g), self.bounds.groups.rows_of(g)
            cache[g] = IntervalLP.from_csr(self.bounds.groups.matrix_of(g), self.system.row_lo[rows],
                                           self.system.row_hi[rows], self.bounds.box_lower[members],
                                           self.bounds.box_upper[members])
        return cache[g]

    def claims_of_rows(self, rows) -> set[str]:
        return set(self.system.claims.ids[self.system.row_claim[np.fromiter(rows, dtype=np.int64)]])

    def sum_bounds(self, columns: np.ndarray) -> tuple[float, float, set[str]]:
        """Tightest bounds of a sum of months (columns of one series), and the claims they rest on."""
        columns = np.asarray(columns, dtype=np.int64)
        if (self.system.component[columns] < 0).any() or not np.isfinite(self.low[columns]).all():
            return 0.0, math.inf, set()
        low = high = 0.0
        rows_used: set[int] = set()
        groups = self.bounds.groups
        label = groups.label[columns]
        for j in columns[label < 0]:
            low, high = low + self.low[j], high + self.high[j]
            rows_used |= self.bounds.support[j]
        for g in np.unique(label[label >= 0]):
            members, rows, lp = groups.members(g), groups.rows_of(g), self._group_lp(int(g))
            cost = np.isin(members, columns).astype(float)
            for maximise in (False, True):
                optimum = lp.optimise(cost, maximise)
                if maximise:
                    high += optimum.value
                else:
                    low += optimum.value
                rows_used |= {int(rows[r]) for r in optimum.active_rows}
                for k in optimum.active_cols:
                    rows_used |= self.bounds.support[members[k]]
        return low, high, self.claims_of_rows(rows_used)

    def stated_total(self, series: str, first: int, last: int) -> int | None:
        """The claim (an index into system.claims) that reports this period's total outright, if any:
        the most precise one."""
        claims = self.system.claims
        names = claims.names
        if series not in names:
            return None
        found = np.flatnonzero(stating(claims) & (claims.series == names.index(series)) & (claims.start == first)
                               & (claims.end == last))
        return int(found[np.argmin(claims.hi[found] - claims.lo[found])]) if len(found) else None

    def period_bounds(self, series: str, months: list[pd.Period]) -> tuple[float, float, set[str]]:
        """sum_bounds of these months of one series; (0, inf, no claims) where a month lies outside
        the months its claims reach, or the series has no claims."""
        names = self.system.claims.names
        if series not in names:
            return 0.0, math.inf, set()
        k = names.index(series)
        offsets = np.array([m.ordinal for m in months], dtype=np.int64) - self.system.first[k]
        if (offsets < 0).any() or (offsets >= self.system.n_months[k]).any():
            return 0.0, math.inf, set()
        return self.sum_bounds(self.system.offset[k] + offsets)


def _stated_estimates(system: System, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column: whether a single-month level claim states it, and the most precise stated figure."""
    claims = system.claims
    single = np.flatnonzero(stating(claims) & (claims.start == claims.end))
    columns = system.column(claims.series[single], claims.start[single])
    half_width = (claims.hi[single] - claims.lo[single]) / 2
    order = np.lexsort((half_width, columns))  # by column, most precise first
    columns, chosen = columns[order], single[order]
    first = np.ones(len(columns), dtype=bool)
    first[1:] = columns[1:] != columns[:-1]
    stated = np.zeros(system.n_cols, dtype=bool)
    value = np.full(system.n_cols, np.nan)
    stated[columns[first]] = True
    value[columns[first]] = claims.central[chosen[first]]
    return stated, np.clip(value, low, high)


def estimate(system: System, bounds: LedgerBounds) -> Estimates:
    low, high = bounds.low, bounds.high
    stated, stated_value = _stated_estimates(system, low, high)
    linked = system.component >= 0
    basis = np.where(linked, basis_of(low, high, stated), "unknown")
    middle = (low + high) / 2
    point = np.select([basis == "reported", basis != "unknown"], [stated_value, middle], np.nan)
    # bounded months, and linked months with no upper bound, get the central point (not shown,
    # but residuals and reasons need a value for them)
    point = central_points(system, bounds, point, (basis == "bounded") | ((basis == "unknown") & linked),
                           stated, stated_value)
    return Estimates(system, bounds, stated, point)
