"""Which claims contradict the rest, why, and how far each claim is from the reconstruction.

Contradictions are neither averaged nor allowed to crash the engine: the smallest set of
claims whose removal leaves the rest feasible is set aside (ties go against the claim with
less corroboration), and each is explained in plain words.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from .bounds import LedgerBounds
from .constraints import claim_interval, months_of
from .ledger import RANK_MEASURES
from .lp import IntervalLP
from .reconstruct import LedgerFit, SeriesFit
from .system import System, build_system

CONSISTENCY_COLUMNS = ["claim_id", "status", "residual", "reason"]
MAX_BRUTE_FORCE_SET = 3  # exact search up to this many dropped claims per component, greedy beyond


def corroboration(claims: pd.DataFrame) -> dict[str, int]:
    """How many other claims state the same series, period and measure with an overlapping interval."""
    counts = dict.fromkeys(claims["claim_id"], 0)
    numeric = claims[~claims["measure"].isin(RANK_MEASURES)]
    keys = ["series", "start", "end", "measure"]
    numeric = numeric[numeric.duplicated(keys, keep=False)]  # only figures stated more than once
    groups: dict[tuple, dict] = {}
    for claim in numeric.itertuples():
        groups.setdefault((claim.series, claim.start, claim.end, claim.measure), {})[claim.claim_id] = \
            claim_interval(claim)
    for intervals in groups.values():
        for a, b in itertools.combinations(intervals, 2):
            if intervals[a].lo <= intervals[b].hi and intervals[b].lo <= intervals[a].hi:
                counts[a] += 1
                counts[b] += 1
    return counts


def _component_problems(system: System, broken: np.ndarray):
    """Yield (rows tagged with their claim id, n months) for each connected group of months whose rows cannot all hold."""
    coo = system.matrix.tocoo()
    row_component = np.full(system.matrix.shape[0], -1)
    row_component[coo.row] = system.component[coo.col]
    for c in np.flatnonzero(broken):
        months = np.flatnonzero(system.component == c)
        rows = np.flatnonzero(row_component == c)
        part = system.matrix[rows][:, months]
        tagged = [(system.claims.ids[system.row_claim[r]], part.indices[part.indptr[i]:part.indptr[i + 1]].tolist(),
                   part.data[part.indptr[i]:part.indptr[i + 1]].tolist(), system.row_lo[r], system.row_hi[r])
                  for i, r in enumerate(rows)]
        yield tagged, len(months)


def _conflict_without(lp_rows, n, dropped: frozenset[str], name_it: bool = True) -> set[str] | None:
    """None if the rows hold once `dropped` claims are set aside; else the claims of a conflict
    among the rest (every way to make them hold sets aside at least one of these), or an empty
    set when name_it is False (naming a conflict costs far more than finding there is one)."""
    kept = [row for row in lp_rows if row[0] not in dropped]
    if not kept:
        return None
    lp = IntervalLP(n, [(cols, coefs, lo, hi) for _, cols, coefs, lo, hi in kept])
    if lp.feasible():
        return None
    if not name_it:
        return set()
    rows = lp.conflict()
    return {kept[r][0] for r in rows} if rows is not None else {row[0] for row in kept}


def looseness(claim) -> int:
    """How vague a statement is; among equally small fixes, the vaguer claims are set aside."""
    if claim.measure in RANK_MEASURES:
        return 3
    return {"exact": 0, "about": 1}.get(claim.qualifier, 2)


def _smallest_removal(lp_rows, n, corroborated: dict[str, int], vague: dict[str, int]) -> set[str]:
    """The smallest set of claims whose removal lets the rest hold; among equally small sets, the
    one with the least corroboration, then the vaguest. Each candidate set is grown by one claim of
    a conflict among the claims it keeps, so every smallest set is found without trying every
    combination of claims."""
    def preference(dropped):
        return (sum(corroborated[c] for c in dropped), -sum(vague[c] for c in dropped), sorted(dropped))

    conflicts = {frozenset(): _conflict_without(lp_rows, n, frozenset())}
    if conflicts[frozenset()] is None:
        return set()
    frontier = [frozenset()]
    for size in range(1, MAX_BRUTE_FORCE_SET + 1):
        found, grown = [], []
        for dropped in frontier:
            for claim_id in sorted(conflicts[dropped]):
                larger = dropped | {claim_id}
                if larger in conflicts:
                    continue
                # the largest sets are only tested: nothing grows from them
                conflicts[larger] = conflict = _conflict_without(lp_rows, n, larger,
                                                                 name_it=size < MAX_BRUTE_FORCE_SET)
                (grown if conflict is not None else found).append(larger)
        if found:
            return set(min(found, key=preference))
        frontier = grown
    # many contradictions at once: set aside the least corroborated, vaguest claims until the rest hold
    dropped: frozenset[str] = frozenset()
    while (conflict := _conflict_without(lp_rows, n, dropped)) is not None:
        dropped |= {min(conflict, key=lambda c: preference({c}))}
    return set(dropped)


def find_contradictions(claims: pd.DataFrame, system: System, bounds: LedgerBounds) -> set[str]:
    """Claim ids to set aside so the rest of the ledger holds together."""
    if not bounds.infeasible.any():
        return set()
    column_series = np.repeat(np.arange(len(system.claims.names)), system.n_months)
    broken = np.isin(system.component, np.flatnonzero(bounds.infeasible))
    names = [system.claims.names[k] for k in np.unique(column_series[broken])]
    involved = claims[claims["series"].isin(names)]
    corroborated = corroboration(involved)
    vague = {c.claim_id: looseness(c) for c in involved.itertuples()}
    dropped: set[str] = set()
    for lp_rows, n in _component_problems(system, bounds.infeasible):
        dropped |= _smallest_removal(lp_rows, n, corroborated, vague)
    return dropped


def _previous(claim) -> list[pd.Period]:
    lag = 12 if claim.measure == "yoy_pct" else 1
    return months_of(claim.start - lag, claim.end - lag)


def residuals(fit: LedgerFit) -> np.ndarray:
    """Every claim the fit rests on, minus what the reconstruction says: tonnes for levels and rankings
    (how far the estimates break the ranking; 0 when it holds), percentage points for *_pct, a multiple
    for mom_ratio; NaN where a month has no estimate."""
    return _residuals(fit.system, fit.point)


def set_aside_residuals(claims: pd.DataFrame, fit: LedgerFit) -> dict[str, float]:
    """The same residuals for claims the fit does not rest on, by the same array code: a system over
    every claim (its windows contain the fit's), with the fit's point copied in and NaN elsewhere."""
    whole = build_system(claims)
    fitted = fit.system
    series = np.repeat(np.arange(len(fitted.offset)), fitted.n_months)
    month = fitted.first[series] + np.arange(fitted.n_cols) - fitted.offset[series]
    where = {name: k for k, name in enumerate(whole.claims.names)}
    in_whole = np.array([where[name] for name in fitted.claims.names], dtype=np.int64)[series]
    assert ((month >= whole.first[in_whole]) & (month < whole.first[in_whole] + whole.n_months[in_whole])).all()
    point = np.full(whole.n_cols, np.nan)
    point[whole.column(in_whole, month)] = fit.point
    return dict(zip(whole.claims.ids, _residuals(whole, point)))


def _residuals(system: System, point: np.ndarray) -> np.ndarray:
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


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:+.1f}%"
    return f"{value:,.0f} t" if abs(value) >= 100 else f"{value:,.1f} t"


def _fmt_range(lo: float, hi: float) -> str:
    if not math.isfinite(hi):
        return f"at least {_fmt(lo, 't')}"
    if hi - lo < 10:
        return f"{lo:,.1f}–{hi:,.1f} t"
    return f"{lo:,.0f}–{hi:,.0f} t"


def explain(claim, fit: SeriesFit | None, others: str, residual: float) -> str:
    """One plain sentence: what the claim says, and what the other claims allow instead."""
    said = f"{claim.series} {claim.period} {claim.measure} {claim.value_text} {claim.unit}"
    if fit is None:
        return f"{said} contradicts the other claims on {claim.series}."
    if claim.measure in RANK_MEASURES:
        return (f"{said}: the other claims{others} leave no room for this ranking "
                f"(it would be broken by {residual:,.0f} t).")
    current = fit.sum_bounds(months_of(claim.start, claim.end))
    if claim.measure == "level":
        lo, hi = current[0], current[1]
        stated = claim_interval(claim).central
        hint = ""
        if lo > 0 and (stated > 1.5 * hi or stated < hi / 1.5):
            hint = " A gap this large usually means another product, destination or unit."
        return f"{said}: the other claims{others} put it at {_fmt_range(lo, hi)}, not {_fmt(stated, 't')}.{hint}"
    previous = fit.sum_bounds(_previous(claim))
    if previous[0] <= 0 or not math.isfinite(previous[1]):
        return f"{said} cannot hold together with the other claims{others}."
    lo, hi = current[0] / previous[1], current[1] / previous[0]
    if claim.measure == "mom_ratio":
        return f"{said}: the other claims{others} imply {lo:.2f}x to {hi:.2f}x."
    return f"{said}: the other claims{others} imply {_fmt((lo - 1) * 100, '%')} to {_fmt((hi - 1) * 100, '%')}."


def consistency_table(claims: pd.DataFrame, dropped: set[str], fit: LedgerFit, fits) -> pd.DataFrame:
    """consistency.csv: every claim, in ledger order; a set-aside claim gets a reason in plain words."""
    ids = claims["claim_id"].to_numpy(dtype=object)
    position = pd.Index(fit.system.claims.ids).get_indexer(ids)   # -1: set aside, not in the fit
    residual_of = np.where(position >= 0, residuals(fit)[position], np.nan)
    status = np.where(np.isin(ids, list(dropped)), "inconsistent", "consistent")
    reason = np.full(len(ids), "", dtype=object)
    set_aside = set_aside_residuals(claims, fit) if dropped else {}
    for k in np.flatnonzero(status == "inconsistent"):
        claim = next(claims.iloc[[k]].itertuples())
        series_fit = fits.get(claim.series)
        residual_of[k] = set_aside[claim.claim_id]
        support = set()
        if series_fit is not None and claim.measure not in RANK_MEASURES:
            support = series_fit.sum_bounds(months_of(claim.start, claim.end))[2]
        others = f" ({', '.join(sorted(support))})" if support else ""
        reason[k] = explain(claim, series_fit, others, residual_of[k])
    table = pd.DataFrame({"claim_id": ids, "status": status, "residual": residual_of, "reason": reason},
                         columns=CONSISTENCY_COLUMNS)
    table["residual"] = table["residual"].round(3)
    return table
