"""The engine's two tables, monthly.csv and consistency.csv, from the estimates.

monthly.csv lists every series over the months its claims reach, each series followed by the
totals of several months that the claims pin while their months stay unpinned (a Jan-Mar
total inside a Jan-May one). consistency.csv lists every claim with its status (consistent,
spread, inconsistent, disputed: conflicts/verdicts.py), its residual against the estimates and,
for a claim not taken as stated, the reason (explain.py).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from ..ledger.periods import format_period, month_of
from .basis import PINNED, basis_of, is_narrow
from .conflicts.verdicts import STATUSES
from .content import twin_codes
from .estimates import Estimates

MONTHLY_COLUMNS = ["series", "month", "estimate", "low", "high", "basis", "claims"]
CONSISTENCY_COLUMNS = ["claim_id", "status", "residual", "reason"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads a cell starting so as a formula


def claim_list(ids) -> str:
    return " ".join(sorted(ids, key=lambda s: (len(s), s)))


def table_months(claims) -> tuple[int, int]:
    """First and last month ordinal every series is reported for: the span of all non-ranking
    claims (ClaimArrays; every claim of the ledger, set-aside ones too)."""
    numeric = ~claims.rank
    return int((claims.start - claims.lag)[numeric].min()), int(claims.end[numeric].max())


def _month_records(estimates: Estimates, first: int, last: int) -> pd.DataFrame:
    system = estimates.system
    names = system.claims.names
    months = np.arange(first, last + 1)
    series = np.repeat(np.arange(len(names)), len(months))
    month = np.tile(months, len(names))
    inside = (month >= system.first[series]) & (month < system.first[series] + system.n_months[series])
    column = np.where(inside, system.column(series, month), 0)
    linked = inside & estimates.linked[column] if system.n_cols else np.zeros(len(month), dtype=bool)
    low = np.where(linked, estimates.low[column], 0.0)
    high = np.where(linked, estimates.high[column], np.inf)
    stated = linked & estimates.stated[column]
    basis = np.where(linked, basis_of(low, high, stated), "unknown")
    pinned = np.isin(basis, PINNED)
    estimate = np.where(pinned, estimates.point[column], np.nan)
    claim_ids = _claim_lists(estimates)
    claims = [claim_ids[c] if ok else "" for c, ok in zip(column.tolist(), linked.tolist())]
    text = pd.PeriodIndex.from_ordinals(months, freq="M").astype(str)
    return pd.DataFrame({"series": np.array(names, dtype=object)[series], "month": np.tile(np.asarray(text), len(names)),
                         "estimate": estimate, "low": low, "high": high, "basis": basis, "claims": claims})


def _claim_lists(estimates: Estimates) -> list[str]:
    """Per column, the ids of the claims its bounds rest on and of the level claims that state it,
    in claim_list order, as one string: sparse products, then one join per month."""
    system, claims = estimates.system, estimates.system.claims
    n_claims = len(claims.ids)
    rows_to_claims = sparse.csr_matrix((np.ones(len(system.row_claim), dtype=np.int32),
                                        (np.arange(len(system.row_claim)), system.row_claim)),
                                       shape=(len(system.row_claim), n_claims))
    single = np.flatnonzero((claims.measure == "level") & (claims.start == claims.end))
    stating = sparse.csr_matrix((np.ones(len(single), dtype=np.int32),
                                 (system.column(claims.series[single], claims.start[single]), single)),
                                shape=(system.n_cols, n_claims))
    by_column = ((estimates.bounds.support.matrix @ rows_to_claims + stating) > 0).astype(np.int32)
    # a claim's twins (content.py) are as much a reason as the claim the bounds happened to use
    codes = twin_codes(claims, in_order=True)
    twins = sparse.csr_matrix((np.ones(n_claims, dtype=np.int32), (np.arange(n_claims), codes)),
                              shape=(n_claims, codes.max(initial=-1) + 1))
    by_column = ((by_column @ twins @ twins.T) > 0).tocsr()
    ids = claims.ids.astype(str)
    order = np.lexsort((ids, np.char.str_len(ids)))   # claim_list order: shorter ids first, then by text
    by_column = by_column[:, order].tocsr()
    by_column.sort_indices()
    listed = claims.ids[order][by_column.indices].tolist()   # slices of a list join faster than of an array
    starts = by_column.indptr.tolist()
    lists = [" ".join(listed[starts[c]:starts[c + 1]]) for c in range(system.n_cols)]
    for column, also in estimates.also.items():   # disputed months: what every reading rests on
        lists[column] = claim_list(set(lists[column].split()) | also)
    return lists


def _range_candidates(estimates: Estimates, first: int, last: int) -> list[tuple[int, int, int]]:
    """(series, first ordinal, last ordinal): runs of at least two unpinned months inside the ranges
    the claims talk about (e.g. Jan-Mar inside Jan-May), within the table's months."""
    system, claims = estimates.system, estimates.system.claims
    ranged = np.flatnonzero(~claims.rank & (claims.start != claims.end))
    if not len(ranged):
        return []
    pinned = estimates.stated | (np.isfinite(estimates.high) & is_narrow(estimates.low, estimates.high)
                                 & estimates.linked)
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
        for s, lo, hi in zip(series[busy], a[busy], b[busy]):
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


def _range_records(estimates: Estimates, first: int, last: int) -> list[tuple]:
    system, claims = estimates.system, estimates.system.claims
    records = []
    for series, start, end in _range_candidates(estimates, first, last):
        columns = system.column(np.full(end - start + 1, series), np.arange(start, end + 1))
        low, high, ids = estimates.sum_bounds(columns)
        own = estimates.stated_total(claims.names[series], start, end)
        basis = str(basis_of(np.array([low]), np.array([high]), np.array([own is not None]))[0])
        if basis not in PINNED:
            continue
        if own is not None:
            estimate = float(np.clip(claims.central[own], low, high))
            ids.add(claims.ids[own])
        else:
            estimate = (low + high) / 2
        label = format_period(month_of(start), month_of(end))
        records.append((claims.names[series], label, estimate, low, high, basis, claim_list(ids)))
    return records


def monthly_table(estimates: Estimates, months: tuple[int, int] | None) -> pd.DataFrame:
    """monthly.csv: every series over the table's months (table_months; None: no month to show),
    each series followed by its derived range totals."""
    if months is None or not len(estimates.system.claims.names):
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    first, last = months
    months = _month_records(estimates, first, last)
    ranges = pd.DataFrame.from_records(_range_records(estimates, first, last), columns=MONTHLY_COLUMNS)
    if ranges.empty:
        return months
    table = pd.concat([months, ranges], ignore_index=True)
    order = np.lexsort((np.r_[np.zeros(len(months)), np.ones(len(ranges))], table["series"].to_numpy(dtype=str)))
    return table.iloc[order].reset_index(drop=True)


def consistency_table(ids: np.ndarray, status: np.ndarray, residual: np.ndarray, reason: np.ndarray) -> pd.DataFrame:
    """consistency.csv: every claim (the arrays in ledger order), status codes as words."""
    table = pd.DataFrame({"claim_id": ids, "status": STATUSES[status], "residual": residual, "reason": reason},
                         columns=CONSISTENCY_COLUMNS)
    table["residual"] = table["residual"].astype(float).round(3) + 0.0   # no "-0.0"
    return table


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
    carriage return) get a leading apostrophe, which spreadsheets read as "this is text".
    Numeric columns are left alone, so negative numbers stay numbers. Every CSV we write goes
    through here."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            text = frame[column].astype(object)
            risky = text.map(lambda cell: isinstance(cell, str) and cell.startswith(FORMULA_STARTS))
            frame[column] = text.where(~risky, "'" + text.astype(str))
    return frame


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    spreadsheet_safe(frame).to_csv(path, index=False, lineterminator="\n")


def write_csvs(monthly: pd.DataFrame, consistency: pd.DataFrame, folder: Path) -> None:
    """The output contract: tonnes with 3 decimals, empty estimate where a month is not pinned."""
    monthly = monthly.copy()
    for column in ("estimate", "low", "high"):
        monthly[column] = monthly[column].round(3)
    monthly["high"] = monthly["high"].replace(float("inf"), float("nan"))
    write_csv(monthly, Path(folder) / "monthly.csv")
    write_csv(consistency, Path(folder) / "consistency.csv")
