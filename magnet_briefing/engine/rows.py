"""Claims become rows: the whole ledger as one sparse system of interval rows, built with arrays.

Every claim of every series becomes rows  lo <= sum(coef * x[column]) <= hi, from its interval
(ledger/intervals.py); a column is one month of one series. A level is one row over its months.
Growth is linear because shipments are non-negative: x_t >= r_lo * x_(t-lag) and
x_t <= r_hi * x_(t-lag). A stated change also says its base shipped something, so a growth
claim adds one more row, sum(base months) >= its floor (a ten-thousandth of the series'
typical month): without it two opposite changes on one pair of months "hold" with both months
at 0 t. A ranking is one inequality per earlier period inside the window.
Building the rows as arrays, not claim by claim, is what lets a ledger of a thousand series and
half a million claims be reconstructed in seconds.

A claim may be widened by its materiality allowance (allowance.py): the same rows, each bound
moved out by the allowance (a ranking's by a share of the ranked period).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ..ledger.intervals import KG_PER_TONNE, model_intervals
from ..ledger.periods import ordinals
from ..ledger.vocabulary import CENTRAL_QUALIFIERS, LAGS, RANK_MEASURES

BASE_FLOOR_SHARE = 1e-4   # a growth claim's base ships at least this share of the series' typical month
BASE_FLOOR_T = 1e-3       # and at least a kilogram
LEVEL, GROWTH, BASE, RANK = range(4)   # what each row says (System.row_kind)


@dataclass(frozen=True)
class ClaimArrays:
    """One entry per claim: what the rows need, in model units (tonnes, or a growth multiplier)."""
    ids: np.ndarray          # claim_id strings
    series: np.ndarray       # index into `names`
    names: list[str]
    measure: np.ndarray      # measure strings
    start: np.ndarray        # month ordinals
    end: np.ndarray
    lag: np.ndarray          # months a growth claim reaches back (0 for levels and rankings)
    rank: np.ndarray         # bool: highest_since / lowest_since
    lo: np.ndarray           # interval in model units (NaN for rankings)
    hi: np.ndarray
    central: np.ndarray      # the value as stated, in model units
    qualifier: np.ndarray    # qualifier strings
    exact: np.ndarray        # bool: qualifier exact or about (names a central value)
    since: np.ndarray        # a ranking's 'since' month ordinal (0 otherwise)
    value: np.ndarray        # the figure as written: tonnes for levels (kg converted), % or a multiple
    floor: np.ndarray        # a growth claim's least base total in tonnes (0 for other claims)

    def take(self, index: np.ndarray, renumber: bool = True, named: bool = True) -> ClaimArrays:
        """These claims alone (in this order), their series numbered afresh (or every series kept);
        without `named`, their ids are their positions here (a worker that takes ids from the
        ledger it inherited copies every page those strings sit on)."""
        index = np.asarray(index, dtype=np.int64)
        picked = {f.name: getattr(self, f.name)[index] for f in fields(self) if f.name not in ("names", "ids")}
        picked["ids"] = self.ids[index] if named else index
        if not renumber:
            return ClaimArrays(names=self.names, **picked)
        present, picked["series"] = np.unique(picked["series"], return_inverse=True)
        return ClaimArrays(names=[self.names[s] for s in present], **picked)


def median_by(keys: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Per key 0..size-1, the median of its values (NaN for a key with none)."""
    order = np.lexsort((values, keys))
    keys, values = keys[order], values[order]
    starts = np.searchsorted(keys, np.arange(size))
    count = np.searchsorted(keys, np.arange(size), side="right") - starts
    if not len(values):
        return np.full(size, np.nan)
    low = values[np.clip(starts + (count - 1) // 2, 0, len(values) - 1)]
    high = values[np.clip(starts + count // 2, 0, len(values) - 1)]
    return np.where(count > 0, (low + high) / 2, np.nan)


def stated_months(series: np.ndarray, measure: np.ndarray, central: np.ndarray, start: np.ndarray,
                  end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The level claims stating tonnage (indices), and each one's mean month: a range level counts
    as its total over its months."""
    level = np.flatnonzero((measure == "level") & (central > 0))
    return level, central[level] / (end[level] - start[level] + 1)


def typical_months(series: np.ndarray, count: int, measure, central, start, end) -> np.ndarray:
    """Per series, its median stated month (1 t for a series no level states): a median, so that
    one wrong level does not move it."""
    level, per_month = stated_months(series, measure, central, start, end)
    typical = median_by(series[level], per_month, count)
    return np.where(np.isfinite(typical), typical, 1.0)


def _base_floors(series: np.ndarray, count: int, measure: np.ndarray, central: np.ndarray, start: np.ndarray,
                 end: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Per claim: BASE_FLOOR_SHARE of its series' typical month for a growth claim, at least
    BASE_FLOOR_T; 0 for the others."""
    typical = typical_months(series, count, measure, central, start, end)
    return np.where(lag > 0, np.maximum(BASE_FLOOR_SHARE * typical[series], BASE_FLOOR_T), 0.0)


def claim_arrays(claims: pd.DataFrame) -> ClaimArrays:
    names = sorted(claims["series"].unique())
    series = pd.Categorical(claims["series"], categories=names).codes.astype(np.int64)
    measure = claims["measure"].to_numpy(dtype=object)
    rank = claims["measure"].isin(RANK_MEASURES).to_numpy()
    lag = claims["measure"].map(LAGS).fillna(0).to_numpy(dtype=np.int64)
    lo, hi, central = model_intervals(claims)
    since = np.where(rank, claims["value"].to_numpy(dtype=float), 0).astype(np.int64)
    exact = claims["qualifier"].isin(CENTRAL_QUALIFIERS).to_numpy() & ~rank
    value = claims["value"].to_numpy(dtype=float).copy()
    value[(measure == "level") & (claims["unit"].to_numpy() == "kg")] /= KG_PER_TONNE
    start, end = ordinals(claims["start"]), ordinals(claims["end"])
    floor = _base_floors(series, len(names), measure, central, start, end, lag)
    return ClaimArrays(claims["claim_id"].to_numpy(dtype=object), series, names, measure, start, end, lag, rank,
                       lo, hi, central, claims["qualifier"].to_numpy(dtype=object), exact, since, value, floor)


@dataclass
class System:
    """All rows of all series over one column per series-month; rows as CSR (duplicates merged)."""
    claims: ClaimArrays
    first: np.ndarray        # per series: first month ordinal of its window
    n_months: np.ndarray     # per series: months in its window
    offset: np.ndarray       # per series: its first column
    matrix: sparse.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    row_claim: np.ndarray    # index into claims
    component: np.ndarray    # per column: connected group of months (-1 if no row touches it)
    row_kind: np.ndarray     # LEVEL, GROWTH, BASE or RANK

    @property
    def n_cols(self) -> int:
        return int(self.offset[-1] + self.n_months[-1]) if len(self.offset) else 0

    def column(self, series: np.ndarray, month: np.ndarray) -> np.ndarray:
        return self.offset[series] + (month - self.first[series])

    def row_component(self) -> np.ndarray:
        """Per row, the connected group of months it is in (-1 for a row over no month)."""
        matrix = self.matrix
        nonempty = np.diff(matrix.indptr) > 0
        found = np.full(matrix.shape[0], -1)
        found[nonempty] = self.component[matrix.indices[matrix.indptr[:-1][nonempty]]]
        return found

    def claim_component(self) -> np.ndarray:
        """Per claim, the connected group of months its rows are in (-1 for a claim with no row)."""
        found = np.full(len(self.claims.ids), -1)
        found[self.row_claim[::-1]] = self.row_component()[::-1]   # a claim's first row decides
        return found

    def without_rows(self) -> System:
        """The same claims and columns, no rows: what finding a claim's months and building rows for
        some claims (part_of) need, without the memory of the whole ledger's rows."""
        empty = sparse.csr_matrix((0, self.n_cols))
        nothing = np.zeros(0, dtype=np.int64)
        return System(self.claims, self.first, self.n_months, self.offset, empty, np.zeros(0), np.zeros(0), nothing,
                      self.component, np.zeros(0, dtype=np.int8))

    def month_of_column(self) -> tuple[np.ndarray, np.ndarray]:
        """(series, month ordinal) of every column."""
        series = np.repeat(np.arange(len(self.offset)), self.n_months)
        return series, self.first[series] + np.arange(self.n_cols) - self.offset[series]


def _expand(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(segment of each element, value) for consecutive runs start..start+length-1."""
    segment = np.repeat(np.arange(len(starts)), lengths)
    first_of = np.cumsum(lengths) - lengths
    return segment, starts[segment] + (np.arange(len(segment)) - first_of[segment])


def series_windows(arrays: ClaimArrays) -> tuple[np.ndarray, np.ndarray]:
    """First and last month each series' claims reach; rankings never widen it to their 'since' month."""
    count = len(arrays.names)
    reach = arrays.start - arrays.lag
    first = np.full(count, np.iinfo(np.int64).max)
    last = np.full(count, np.iinfo(np.int64).min)
    np.minimum.at(first, arrays.series, reach)
    np.maximum.at(last, arrays.series, arrays.end)
    return first, last


def widened_intervals(arrays: ClaimArrays, widen: np.ndarray, index=slice(None)) -> tuple[np.ndarray, np.ndarray]:
    """The claims' intervals (of claims `index` only, if given) moved out by their allowances (per
    claim), never below zero (tonnes and growth multipliers are not negative); a ranking's, which
    has none, unchanged."""
    lo, hi, numeric, widen = arrays.lo[index], arrays.hi[index], ~arrays.rank[index], widen[index]
    return (np.where(numeric, np.maximum(lo - widen, 0.0), lo),
            np.where(numeric & np.isfinite(hi), hi + widen, hi))


def _rank_counts(arrays: ClaimArrays, first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rankings (claim indices) and how many rows each has: one per earlier period inside the window."""
    k = np.flatnonzero(arrays.rank)
    length = arrays.end[k] - arrays.start[k] + 1
    floor = np.maximum(arrays.since[k], first[arrays.series[k]])
    return k, np.maximum((arrays.start[k] - floor) // np.where(length > 1, 12, 1), 0)


def _rank_rows(arrays: ClaimArrays, first: np.ndarray, widen: np.ndarray | None):
    """Row parts of every ranking: the earlier period (+1) against the ranked one (-1, or -(1 -+ its
    allowance) when widened); and each row's place among its claim's rows (the latest earlier period first)."""
    k, count = _rank_counts(arrays, first)
    start, end = arrays.start[k], arrays.end[k]
    length = end - start + 1
    step = np.where(length > 1, 12, 1)
    claim, back = _expand(np.ones(len(k), dtype=np.int64), count)
    other = start[claim] - back * step[claim]
    higher = arrays.measure[k][claim] == "highest_since"
    at_least = (other == arrays.since[k][claim]) == higher
    lo = np.where(at_least, 0.0, -np.inf)
    hi = np.where(at_least, np.inf, 0.0)
    share = np.zeros(len(claim)) if widen is None else widen[k][claim]
    coef = -np.where(at_least, 1.0 - share, 1.0 + share)
    return RANK, k[claim], back - 1, other, length[claim], start[claim], coef, lo, hi


def build_system(claims: pd.DataFrame | ClaimArrays, widen: np.ndarray | None = None,
                 window: tuple[np.ndarray, np.ndarray] | None = None) -> System:
    """The rows of these claims; `widen` (per claim, allowance.py's units) moves each claim's bounds
    out by its allowance; `window` (first month and months per series) replaces the months the
    claims reach, so that a part of a ledger gets the columns and ranking rows it has in the whole."""
    arrays = claims if isinstance(claims, ClaimArrays) else claim_arrays(claims)
    if window is None:
        first, last = series_windows(arrays)
        n_months = (last - first + 1) if len(first) else np.zeros(0, dtype=np.int64)
    else:
        first, n_months = (np.asarray(v, dtype=np.int64) for v in window)
    lo, hi = (arrays.lo, arrays.hi) if widen is None else widened_intervals(arrays, widen)
    offset = np.r_[0, np.cumsum(n_months)][:-1].astype(np.int64)
    length = arrays.end - arrays.start + 1
    lev = np.flatnonzero(arrays.measure == "level")
    gro = np.flatnonzero(arrays.lag > 0)
    finite = np.isfinite(hi[gro])

    def level_rows():   # one row over the stated months
        return LEVEL, lev, np.zeros(len(lev), dtype=np.int64), arrays.start[lev], length[lev], arrays.start[lev], \
            np.zeros(len(lev)), lo[lev], hi[lev]

    def growth_rows():  # current >= r_lo * previous
        return GROWTH, gro, np.zeros(len(gro), dtype=np.int64), arrays.start[gro], length[gro], \
            arrays.start[gro] - arrays.lag[gro], -lo[gro], np.zeros(len(gro)), np.full(len(gro), np.inf)

    def capped_rows():  # current <= r_hi * previous, when r_hi is finite
        capped = gro[finite]
        return GROWTH, capped, np.ones(len(capped), dtype=np.int64), arrays.start[capped], length[capped], \
            arrays.start[capped] - arrays.lag[capped], -hi[capped], np.full(len(capped), -np.inf), \
            np.zeros(len(capped))

    def base_rows():    # the base's floor
        previous = arrays.start[gro] - arrays.lag[gro]
        return BASE, gro, 1 + finite.astype(np.int64), previous, length[gro], previous, np.zeros(len(gro)), \
            arrays.floor[gro], np.full(len(gro), np.inf)

    # rows ordered by claim, as the ledger lists them: each part's rows go straight to their place,
    # one part at a time (their temporaries never all at once)
    rows_per_claim = np.zeros(len(arrays.ids), dtype=np.int64)
    rows_per_claim[lev] += 1
    rows_per_claim[gro] += 2 + finite
    ranks, rank_rows = _rank_counts(arrays, first)
    rows_per_claim[ranks] += rank_rows
    first_row = np.cumsum(rows_per_claim) - rows_per_claim
    n_rows = int(rows_per_claim.sum())
    row_claim = np.empty(n_rows, dtype=np.int64)
    a_start, a_len, b_start = (np.empty(n_rows, dtype=np.int32) for _ in range(3))   # months, lengths
    b_coef, row_lo, row_hi = (np.empty(n_rows) for _ in range(3))
    row_kind = np.empty(n_rows, dtype=np.int8)
    for make in (level_rows, growth_rows, capped_rows, base_rows, lambda: _rank_rows(arrays, first, widen)):
        kind, claim, place, *values = make()
        at = first_row[claim] + place
        row_kind[at] = kind
        for column, part in zip((row_claim, a_start, a_len, b_start, b_coef, row_lo, row_hi), (claim, *values)):
            column[at] = part
        del claim, place, values, at
    del first_row, rows_per_claim
    b_len = np.where(b_coef != 0, a_len, 0).astype(np.int32)  # the previous period is as long as the current one
    overlapping = bool(((b_len > 0) & (np.abs(a_start - b_start) < a_len)).any())
    # each row's entries in order: its current period (coefficient 1), then the earlier one;
    # an entry's column is its month's offset within its series' block of columns
    # (int32 throughout: a ledger has far fewer than 2**31 columns and entries)
    seg_start = np.empty(2 * n_rows, dtype=np.int32)
    seg_len = np.empty(2 * n_rows, dtype=np.int32)
    seg_coef = np.empty(2 * n_rows)
    block_shift = (offset - first)[arrays.series[row_claim]]
    seg_start[0::2], seg_start[1::2] = a_start + block_shift, b_start + block_shift
    del block_shift
    seg_len[0::2], seg_len[1::2] = a_len, b_len
    seg_coef[0::2], seg_coef[1::2] = 1.0, b_coef
    n_cols = int(offset[-1] + n_months[-1]) if len(offset) else 0
    indptr = np.r_[0, np.cumsum(a_len + b_len, dtype=np.int64)]
    del a_start, a_len, b_start, b_len, b_coef
    n_entries = int(indptr[-1])
    # consecutive runs start..start+len-1: one repeat of (start - where the run begins) plus a count
    seg_start -= np.cumsum(seg_len, dtype=np.int32) - seg_len
    month = np.repeat(seg_start, seg_len)
    del seg_start
    month += np.arange(n_entries, dtype=np.int32)
    coefficient = np.repeat(seg_coef, seg_len)
    del seg_coef, seg_len
    matrix = sparse.csr_matrix((coefficient, month, indptr), shape=(n_rows, n_cols))
    del coefficient, month
    if overlapping:
        matrix.sum_duplicates()  # a growth rate over a range whose earlier period overlaps it
    matrix.eliminate_zeros()  # "under 0%" leaves a zero coefficient, which bounds nothing
    component = components_of(matrix, n_cols)
    return System(arrays, first, n_months, offset, matrix, row_lo, row_hi, row_claim, component, row_kind)


def part_of(system: System, claims: np.ndarray, widen: np.ndarray | None = None, named: bool = True) -> System:
    """The rows of some of `system`'s claims (indices, in this order) over their series' windows in
    `system`, optionally widened (`widen` per claim of `system`); `named` as in ClaimArrays.take."""
    claims = np.asarray(claims, dtype=np.int64)
    arrays = system.claims.take(claims, named=named)
    where = np.unique(system.claims.series[claims])
    return build_system(arrays, None if widen is None else widen[claims], (system.first[where], system.n_months[where]))


def columns_in(part: System, whole: System) -> np.ndarray:
    """Each column of `part` as a column of `whole`, whose windows hold part's series and months."""
    series, month = part.month_of_column()
    where = np.searchsorted(np.asarray(whole.claims.names, dtype=object),
                            np.asarray(part.claims.names, dtype=object)[series])
    return whole.column(where, month)


def components_of(matrix: sparse.csr_matrix, n_cols: int) -> np.ndarray:
    """Columns linked through shared rows; -1 for columns no row touches."""
    if matrix.nnz == 0:
        return np.full(n_cols, -1)
    # neighbouring entries of a row are linked; that links every column of the row
    cols = matrix.indices
    same_row = np.ones(len(cols), dtype=bool)
    same_row[matrix.indptr[:-1][np.diff(matrix.indptr) > 0]] = False  # a row's first entry starts afresh
    linked = same_row[1:]
    graph = sparse.csr_matrix((np.ones(int(linked.sum()), dtype=np.int8), (cols[:-1][linked], cols[1:][linked])),
                              shape=(n_cols, n_cols))
    del same_row, linked
    _, labels = connected_components(graph, directed=False)
    touched = np.zeros(n_cols, dtype=bool)
    touched[cols] = True
    _, dense = np.unique(labels, return_inverse=True)
    return np.where(touched, dense, -1)
