"""Monthly series with bounds, a basis and provenance, from the consistent claims.

Bounds are the tightest the claims allow (bounds.py); the claims a month rests on are the
rows behind its bounds. A month a level claim states shows the most precise stated figure;
a month the claims pin within DERIVED_MAX_RELATIVE_WIDTH shows the middle of its bounds;
any other month shows bounds only. Residuals are measured against these estimates, with the
central point (central.py) standing in for bounded months. Everything is computed for the
whole ledger at once.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse

from .bounds import LedgerBounds, ledger_bounds
from .central import central_points
from .lp import IntervalLP
from .periods import format_period
from .system import System, build_system

DERIVED_MAX_RELATIVE_WIDTH = 0.05  # "derived": high - low within 5% of the midpoint (about +-2.5%)
MONTHLY_COLUMNS = ["series", "month", "estimate", "low", "high", "basis", "claims"]
BASES = ("reported", "derived", "bounded", "unknown")


def month_of(ordinal: int) -> pd.Period:
    return pd.PeriodIndex.from_ordinals([ordinal], freq="M")[0]


def basis_of(low: np.ndarray, high: np.ndarray, stated: np.ndarray) -> np.ndarray:
    narrow = high - low <= DERIVED_MAX_RELATIVE_WIDTH * (low + high) / 2
    return np.select([~np.isfinite(high), stated, narrow], ["unknown", "reported", "derived"], "bounded")


def claim_list(ids) -> str:
    return " ".join(sorted(ids, key=lambda s: (len(s), s)))


@dataclass
class LedgerFit:
    """Bounds, estimates and provenance for every month (column) of every series."""
    system: System
    bounds: LedgerBounds
    stated: np.ndarray       # per column: a single-month level claim states it
    point: np.ndarray        # per column: the estimate (NaN where the month has no upper bound)

    @property
    def low(self) -> np.ndarray:
        return self.bounds.low

    @property
    def high(self) -> np.ndarray:
        return self.bounds.high

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


class SeriesFit:
    """One series' view of the ledger fit, by month, for the analysis and the reasons."""

    def __init__(self, fit: LedgerFit, k: int):
        system = fit.system
        self.series = system.claims.names[k]
        self._fit = fit
        self.first = int(system.first[k])
        self.n = int(system.n_months[k])
        self.columns = np.arange(system.offset[k], system.offset[k] + self.n)
        self.low, self.high, self.point = fit.low[self.columns], fit.high[self.columns], fit.point[self.columns]
        self.linked = system.component[self.columns] >= 0

    @cached_property
    def months(self) -> list[pd.Period]:
        return list(pd.period_range(month_of(self.first), periods=self.n, freq="M"))

    def index(self, month: pd.Period | int) -> int | None:
        """Position of a month (a Period or a Period ordinal) in this fit."""
        offset = (month if isinstance(month, (int, np.integer)) else month.ordinal) - self.first
        return int(offset) if 0 <= offset < self.n else None

    def sum_bounds(self, months: list[pd.Period]) -> tuple[float, float, set[str]]:
        indices = [self.index(m) for m in months]
        if any(i is None for i in indices):
            return 0.0, math.inf, set()
        return self._fit.sum_bounds(self.columns[indices])


class Fits(Mapping):
    """series -> SeriesFit, each built on first use (a ledger of a thousand series rarely needs one)."""

    def __init__(self, fit: LedgerFit):
        self._fit = fit
        self._index = {name: k for k, name in enumerate(fit.system.claims.names)}
        self._built: dict[str, SeriesFit] = {}

    def __getitem__(self, series: str) -> SeriesFit:
        if series not in self._built:
            self._built[series] = SeriesFit(self._fit, self._index[series])  # KeyError for an unknown series
        return self._built[series]

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def _stated_estimates(system: System, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column: whether a single-month level claim states it, and the most precise stated figure."""
    claims = system.claims
    single = np.flatnonzero((claims.measure == "level") & (claims.start == claims.end))
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


def fit_ledger(claims: pd.DataFrame, system: System | None = None, bounds: LedgerBounds | None = None) -> LedgerFit:
    system = build_system(claims) if system is None else system
    bounds = ledger_bounds(system) if bounds is None else bounds
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
    return LedgerFit(system, bounds, stated, point)


def table_months(fit: LedgerFit) -> tuple[int, int]:
    """First and last month ordinal every series is reported for: the span of all non-ranking claims."""
    arrays = fit.system.claims
    numeric = ~arrays.rank
    return int((arrays.start - arrays.lag)[numeric].min()), int(arrays.end[numeric].max())


def _month_records(fit: LedgerFit, first: int, last: int) -> pd.DataFrame:
    system = fit.system
    names = system.claims.names
    months = np.arange(first, last + 1)
    series = np.repeat(np.arange(len(names)), len(months))
    month = np.tile(months, len(names))
    inside = (month >= system.first[series]) & (month < system.first[series] + system.n_months[series])
    column = np.where(inside, system.column(series, month), 0)
    linked = inside & (system.component[column] >= 0) if system.n_cols else np.zeros(len(month), dtype=bool)
    low = np.where(linked, fit.low[column], 0.0)
    high = np.where(linked, fit.high[column], np.inf)
    stated = linked & fit.stated[column]
    basis = np.where(linked, basis_of(low, high, stated), "unknown")
    pinned = np.isin(basis, ["reported", "derived"])
    estimate = np.where(pinned, fit.point[column], np.nan)
    claim_ids = _claim_lists(fit)
    claims = [claim_ids[c] if ok else "" for c, ok in zip(column.tolist(), linked.tolist())]
    text = pd.PeriodIndex.from_ordinals(months, freq="M").astype(str)
    return pd.DataFrame({"series": np.array(names, dtype=object)[series], "month": np.tile(np.asarray(text), len(names)),
                         "estimate": estimate, "low": low, "high": high, "basis": basis, "claims": claims})


def _claim_lists(fit: LedgerFit) -> list[str]:
    """Per column, the ids of the claims its bounds rest on and of the level claims that state it,
    in claim_list order, as one string: sparse products, then one join per month."""
    system, claims = fit.system, fit.system.claims
    n_claims = len(claims.ids)
    rows_to_claims = sparse.csr_matrix((np.ones(len(system.row_claim), dtype=np.int32),
                                        (np.arange(len(system.row_claim)), system.row_claim)),
                                       shape=(len(system.row_claim), n_claims))
    single = np.flatnonzero((claims.measure == "level") & (claims.start == claims.end))
    stating = sparse.csr_matrix((np.ones(len(single), dtype=np.int32),
                                 (system.column(claims.series[single], claims.start[single]), single)),
                                shape=(system.n_cols, n_claims))
    by_column = ((fit.bounds.support.matrix @ rows_to_claims + stating) > 0).tocsr()
    ids = claims.ids.astype(str)
    order = np.lexsort((ids, np.char.str_len(ids)))   # claim_list order: shorter ids first, then by text
    by_column = by_column[:, order].tocsr()
    by_column.sort_indices()
    listed = claims.ids[order][by_column.indices].tolist()   # slices of a list join faster than of an array
    starts = by_column.indptr.tolist()
    return [" ".join(listed[starts[c]:starts[c + 1]]) for c in range(system.n_cols)]


def _range_candidates(fit: LedgerFit, first: int, last: int) -> list[tuple[int, int, int]]:
    """(series, first ordinal, last ordinal): runs of at least two unpinned months inside the ranges
    the claims talk about (e.g. Jan-Mar inside Jan-May), within the table's months."""
    system, claims = fit.system, fit.system.claims
    ranged = np.flatnonzero(~claims.rank & (claims.start != claims.end))
    if not len(ranged):
        return []
    pinned = fit.stated | (np.isfinite(fit.high) & (fit.high - fit.low <= DERIVED_MAX_RELATIVE_WIDTH
                                                     * (fit.low + fit.high) / 2) & (system.component >= 0))
    unpinned_before = np.r_[0, np.cumsum(~pinned)]
    spans = [(ranged, np.zeros(len(ranged), dtype=np.int64))]
    yoy = ranged[claims.measure[ranged] == "yoy_pct"]
    spans.append((yoy, np.full(len(yoy), 12)))
    runs: set[tuple[int, int, int]] = set()
    for chosen, shift in spans:
        series = claims.series[chosen]
        a = system.column(series, claims.start[chosen] - shift)
        b = system.column(series, claims.end[chosen] - shift)
        busy = unpinned_before[b + 1] - unpinned_before[a] >= 2  # only these can hold a run
        for k, s, lo, hi in zip(chosen[busy], series[busy], a[busy], b[busy]):
            run_start = None
            for c in range(lo, hi + 2):
                if c <= hi and not pinned[c]:
                    run_start = c if run_start is None else run_start
                    continue
                if run_start is not None and c - run_start >= 2:
                    month0 = int(system.first[s] + run_start - system.offset[s])
                    runs.add((int(s), month0, month0 + c - run_start - 1))
                run_start = None
    return sorted(r for r in runs if r[1] >= first and r[2] <= last)


def _range_records(fit: LedgerFit, first: int, last: int) -> list[tuple]:
    system, claims = fit.system, fit.system.claims
    ranged_levels = np.flatnonzero((claims.measure == "level") & (claims.start != claims.end))
    level_ranges = dict(zip(zip(claims.series[ranged_levels].tolist(), claims.start[ranged_levels].tolist(),
                                claims.end[ranged_levels].tolist()), ranged_levels.tolist()))
    records = []
    for series, start, end in _range_candidates(fit, first, last):
        columns = system.column(np.full(end - start + 1, series), np.arange(start, end + 1))
        low, high, ids = fit.sum_bounds(columns)
        own = level_ranges.get((series, start, end))
        basis = str(basis_of(np.array([low]), np.array([high]), np.array([own is not None]))[0])
        if basis not in ("reported", "derived"):
            continue
        if own is not None:
            estimate = float(np.clip(claims.central[own], low, high))
            ids.add(claims.ids[own])
        else:
            estimate = (low + high) / 2
        label = format_period(month_of(start), month_of(end))
        records.append((claims.names[series], label, estimate, low, high, basis, claim_list(ids)))
    return records


def monthly_table(fit: LedgerFit) -> pd.DataFrame:
    """monthly.csv: every series over the table's months, each series followed by its derived range totals."""
    if not len(fit.system.claims.names) or fit.system.claims.rank.all():
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    first, last = table_months(fit)
    months = _month_records(fit, first, last)
    ranges = pd.DataFrame.from_records(_range_records(fit, first, last), columns=MONTHLY_COLUMNS)
    if ranges.empty:
        return months
    table = pd.concat([months, ranges], ignore_index=True)
    order = np.lexsort((np.r_[np.zeros(len(months)), np.ones(len(ranges))], table["series"].to_numpy(dtype=str)))
    return table.iloc[order].reset_index(drop=True)
