"""Estimates: bounds, an estimate and provenance for every month of every series, from the kept claims.

Bounds are the tightest the claims allow (bounds.py); the claims a month rests on are the
rows behind its bounds. A month a level claim states shows a stated figure (shown_figure: the
most precise one, and one the others need not widen when outlets differ); a month the claims
pin (basis.py) shows the middle of its bounds; any other month shows bounds only. Residuals are measured against these estimates, with the central point (central.py)
standing in for bounded months. Everything is computed for the whole ledger at once.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .basis import basis_of, stating
from .bounds import LedgerBounds
from .central import central_points
from .content import twin_codes
from .lp import IntervalLP
from .rows import System


@dataclass
class Estimates:
    """Per column (one month of one series): bounds, whether a level claim states it, and the estimate."""
    system: System
    bounds: LedgerBounds
    stated: np.ndarray       # a single-month level claim states it
    point: np.ndarray        # the estimate (NaN where the month has no upper bound)
    relaxed: np.ndarray      # per claim: the others need it to use its allowance (conflicts/verdicts.py)
    linked: np.ndarray       # per column: some claim speaks of it (in this fit or a reading)
    hull: object = None      # readings.Hull: readings of groups with disputed or spread claims
    also: dict[int, frozenset[str]] = field(default_factory=dict)  # per month of such a group: its readings' claims

    @property
    def low(self) -> np.ndarray:
        return self.bounds.low

    @property
    def high(self) -> np.ndarray:
        return self.bounds.high

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_lps", None)  # HiGHS models are rebuilt on demand, never copied between processes
        state.pop("_twins", None)
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
        """The claims of these rows, and their twins (content.py): which of two claims that say the
        same a bound happened to use depends on nothing but the ledger's order."""
        claims = self.system.row_claim[np.fromiter(rows, dtype=np.int64)]
        if "_twins" not in self.__dict__:
            codes = twin_codes(self.system.claims, in_order=True)
            order = np.argsort(codes, kind="stable")
            self.__dict__["_twins"] = (codes, order, codes[order])
        codes, order, sorted_codes = self.__dict__["_twins"]
        wanted = np.unique(codes[claims])
        found = order[np.concatenate([np.arange(a, b) for a, b in zip(np.searchsorted(sorted_codes, wanted),
                                                                      np.searchsorted(sorted_codes, wanted, "right"))])
                      ] if len(wanted) else np.zeros(0, dtype=np.int64)
        return set(self.system.claims.ids[found].tolist())

    def sum_bounds(self, columns: np.ndarray) -> tuple[float, float, set[str]]:
        """Tightest bounds of a sum of months (columns of one series), and the claims they rest on;
        where months have readings (readings.py), what every reading allows."""
        columns = np.asarray(columns, dtype=np.int64)
        if self.hull is not None:
            return self.hull.sum_bounds(columns, self.fitted_sum_bounds)
        return self.fitted_sum_bounds(columns)

    def fitted_sum_bounds(self, columns: np.ndarray) -> tuple[float, float, set[str]]:
        """sum_bounds from this fit's own rows (one month: its bounds, which are the tightest)."""
        columns = np.asarray(columns, dtype=np.int64)
        if len(columns) == 1 and self.linked[columns[0]]:
            j = int(columns[0])
            return float(self.low[j]), float(self.high[j]), self.claims_of_rows(self.bounds.support[j])
        if (~self.linked[columns]).any() or not np.isfinite(self.low[columns]).all():
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
        if not len(found):
            return None
        low = high = math.nan  # the bounds only decide between different figures
        if len(np.unique(claims.central[found])) > 1:
            low, high, _ = self.sum_bounds(self.system.column(np.full(last - first + 1, names.index(series)),
                                                              np.arange(first, last + 1)))
        return int(shown_figure(claims, found, np.full(len(found), low), np.full(len(found), high),
                                self.relaxed)[0])

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


def shown_figure(claims, chosen: np.ndarray, low: np.ndarray, high: np.ndarray, relaxed: np.ndarray,
                 period: np.ndarray | None = None) -> np.ndarray:
    """Of claims stating one period (`period` tells periods apart), the one whose figure is shown:
    one the others need not widen (conflicts/verdicts.py), then the most precise, then the figure
    nearest the middle of the period's bounds (low, high per claim), then the smaller: never an
    average of two outlets' figures, and never the first in the ledger's order. The chosen claims,
    one per period, by period."""
    period = np.zeros(len(chosen), dtype=np.int64) if period is None else period
    middle = np.where(np.isfinite(high), (low + high) / 2, low)
    value = claims.central[chosen]
    order = np.lexsort((value, np.abs(value - middle), claims.hi[chosen] - claims.lo[chosen], relaxed[chosen], period))
    first = np.ones(len(order), dtype=bool)
    first[1:] = period[order][1:] != period[order][:-1]
    return chosen[order[first]]


def _stated_estimates(system: System, low: np.ndarray, high: np.ndarray,
                      relaxed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column: whether a single-month level claim states it, and the figure shown (shown_figure)."""
    claims = system.claims
    single = np.flatnonzero(stating(claims) & (claims.start == claims.end))
    columns = system.column(claims.series[single], claims.start[single])
    chosen = shown_figure(claims, single, low[columns], high[columns], relaxed, columns)
    at = system.column(claims.series[chosen], claims.start[chosen])
    stated = np.zeros(system.n_cols, dtype=bool)
    value = np.full(system.n_cols, np.nan)
    stated[at] = True
    value[at] = claims.central[chosen]
    return stated, np.clip(value, low, high)


def estimate(system: System, bounds: LedgerBounds, relaxed: np.ndarray | None = None, hull=None) -> Estimates:
    """`relaxed` per claim (none if not given); `hull` (readings.Hull, over this system's columns)
    sets the months of groups with disputed or spread claims to what every reading allows."""
    relaxed = np.zeros(len(system.claims.ids), dtype=bool) if relaxed is None else relaxed
    also = hull.cover(bounds) if hull is not None else {}
    low, high = bounds.low, bounds.high
    stated, stated_value = _stated_estimates(system, low, high, relaxed)
    linked = system.component >= 0
    linked[list(also)] = True
    basis = np.where(linked, basis_of(low, high, stated), "unknown")
    middle = (low + high) / 2
    point = np.select([basis == "reported", basis != "unknown"], [stated_value, middle], np.nan)
    # bounded months, and linked months with no upper bound, get the central point (not shown,
    # but residuals and reasons need a value for them)
    point = central_points(system, bounds, point, (basis == "bounded") | ((basis == "unknown") & linked),
                           stated, stated_value)
    return Estimates(system, bounds, stated, point, relaxed, linked, hull, also)
