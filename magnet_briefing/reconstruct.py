"""Monthly series with bounds, a basis and provenance, from the consistent claims.

For each series the months linked by some claim form independent components; each
component is one small LP. Bounds are the LP's min and max of every month (the tightest
the claims allow); the claims a month rests on are those binding at either optimum.
Point estimates come from a least-squares fit to the stated central values that stays
inside every constraint (a convex QP), and are shown only where the claims pin the month.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .constraints import REVISION_ALLOWANCE_T, Row, SeriesConstraints, build_constraints, claim_interval, months_of
from .ledger import RANK_MEASURES
from .lp import IntervalLP
from .periods import format_period

DERIVED_MAX_RELATIVE_WIDTH = 0.05  # "derived": high - low within 5% of the midpoint (about +-2.5%)
MONTHLY_COLUMNS = ["series", "month", "estimate", "low", "high", "basis", "claims"]
BASES = ("reported", "derived", "bounded", "unknown")


@dataclass
class SeriesFit:
    """Everything solved for one series: per-month bounds, the central point and provenance."""
    series: str
    months: list[pd.Period]
    low: np.ndarray
    high: np.ndarray
    point: np.ndarray               # central feasible point (NaN outside every component)
    support: list[set[str]]         # claim ids each month's bounds rest on
    rows: list[Row]
    components: list[list[int]]
    component_of: np.ndarray        # month index -> component index (-1 if none)
    lps: list[IntervalLP]
    component_rows: list[list[int]]     # component index -> indices into rows

    def index(self, month: pd.Period) -> int | None:
        offset = (month - self.months[0]).n
        return offset if 0 <= offset < len(self.months) else None

    def sum_bounds(self, months: list[pd.Period]) -> tuple[float, float, set[str]]:
        """Tightest bounds of a sum of months (which may span components)."""
        indices = [self.index(m) for m in months]
        if any(i is None for i in indices):
            return 0.0, math.inf, set()
        low = high = 0.0
        support: set[str] = set()
        for comp in sorted({self.component_of[i] for i in indices}):
            members = [i for i in indices if self.component_of[i] == comp]
            if comp < 0:
                return 0.0, math.inf, set()
            local = {g: l for l, g in enumerate(self.components[comp])}
            cost = np.zeros(len(self.components[comp]))
            for i in members:
                cost[local[i]] = 1.0
            lp = self.lps[comp]
            lo, hi = lp.optimise(cost, maximise=False), lp.optimise(cost, maximise=True)
            low, high = low + lo.value, high + hi.value
            support |= self._claims_of_rows(comp, lo.active_rows) | self._claims_of_rows(comp, hi.active_rows)
        return low, high, support

    def _claims_of_rows(self, comp: int, local_rows) -> set[str]:
        rows = self.component_rows[comp]
        return {self.rows[rows[r]].claim_id for r in local_rows}


def _components(n: int, rows: list[Row], index) -> list[list[int]]:
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    touched = set()
    for row in rows:
        cols = [index(m) for m, _ in row.coefs]
        touched.update(cols)
        for c in cols[1:]:
            a, b = find(cols[0]), find(c)
            if a != b:
                parent[b] = a
    groups: dict[int, list[int]] = {}
    for i in sorted(touched):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _least_squares_targets(claims: pd.DataFrame, index, low, high):
    """(coefs, target, scale) per claim: what the claim says its central value is."""
    targets = []
    mid = np.where(np.isfinite(high), (low + high) / 2, low)
    for claim in claims.itertuples():
        if claim.measure in RANK_MEASURES:
            continue
        if claim.qualifier not in ("exact", "about"):
            continue  # one-sided words ("nearly 75", "over 90") bound the month but name no central value
        interval = claim_interval(claim)
        period = [index(m) for m in months_of(claim.start, claim.end)]
        if claim.measure == "level":
            half = interval.half_width - (REVISION_ALLOWANCE_T if len(period) > 1 else 0.0)
            scale = max(half, 1e-3 * max(interval.central, 1.0))
            targets.append(([(i, 1.0) for i in period], interval.central, scale))
            continue
        lag = 12 if claim.measure == "yoy_pct" else 1
        previous = [index(m - lag) for m in months_of(claim.start, claim.end)]
        reference = float(np.sum(mid[previous])) or float(np.sum(mid[period])) / max(interval.central, 1e-6) or 1.0
        scale = max(interval.half_width * reference, 1e-3 * max(reference, 1.0))
        coefs = [(i, 1.0) for i in period] + [(i, -interval.central) for i in previous]
        targets.append((coefs, 0.0, scale))
    return targets


def _central_point(lp_rows, n: int, local, targets, low, high, fixed: dict[int, float]) -> np.ndarray:
    """The feasible point closest to the stated values (least absolute scaled deviations, an LP).

    L1 rather than least squares: like a hand derivation, it lets most claims hold exactly
    and puts a rounding discrepancy on as few claims as possible. Reported months are pulled
    hard towards their stated figure (`fixed`, local index -> tonnes); every month is pulled
    faintly towards the middle of its range, which makes the answer unique."""
    terms = []  # (cols, coefs, target, weight)
    for coefs, target, scale in targets:
        cols = [(local[i], c) for i, c in coefs if i in local]
        if len(cols) == len(coefs):
            terms.append(([j for j, _ in cols], [c for _, c in cols], target, 1.0 / scale))
    for j, value in fixed.items():
        terms.append(([j], [1.0], value, 1e3 / max(value, 1.0)))
    for j in range(n):
        if math.isfinite(high[j]):
            terms.append(([j], [1.0], (low[j] + high[j]) / 2, 1e-4 / max(high[j] - low[j], 1.0)))
    rows = list(lp_rows)
    cost = np.zeros(n + 2 * len(terms))
    for k, (cols, coefs, target, weight) in enumerate(terms):
        over, under = n + 2 * k, n + 2 * k + 1
        rows.append((cols + [over, under], coefs + [-1.0, 1.0], target, target))
        cost[over] = cost[under] = weight
    solved = IntervalLP(len(cost), rows).optimise(cost, maximise=False)
    anchor = np.where(np.isfinite(high), (low + high) / 2, low)
    x = solved.x[:n] if solved.x is not None else anchor
    return np.clip(x, low, high)


def _stated_months(claims: pd.DataFrame) -> dict[pd.Period, pd.DataFrame]:
    """Single-month level claims, by month."""
    levels = claims[(claims["measure"] == "level") & (claims["start"] == claims["end"])]
    return {month: group for month, group in levels.groupby("start")}


def stated_estimate(stated: pd.DataFrame, low: float, high: float) -> float:
    """A reported month shows the most precise figure stated for it (kept inside its bounds)."""
    most_precise = min(stated.itertuples(), key=lambda c: claim_interval(c).half_width)
    return float(np.clip(claim_interval(most_precise).central, low, high))


def fit_series(constraints: SeriesConstraints, claims: pd.DataFrame) -> SeriesFit:
    first, last = constraints.window
    months = months_of(first, last)
    n = len(months)
    index = lambda m: (m - first).n  # noqa: E731
    rows = constraints.rows
    components = _components(n, rows, index)
    component_of = np.full(n, -1)
    for c, members in enumerate(components):
        component_of[members] = c
    component_rows: list[list[int]] = [[] for _ in components]
    for r, row in enumerate(rows):
        component_rows[component_of[index(row.coefs[0][0])]].append(r)

    stated_months = _stated_months(claims)
    low, high = np.zeros(n), np.full(n, math.inf)
    point = np.full(n, np.nan)
    support: list[set[str]] = [set() for _ in range(n)]
    lps = []
    for c, members in enumerate(components):
        local = {g: l for l, g in enumerate(members)}
        lp_rows = []
        for r in component_rows[c]:
            row = rows[r]
            merged: dict[int, float] = {}
            for m, coef in row.coefs:
                merged[local[index(m)]] = merged.get(local[index(m)], 0.0) + coef
            lp_rows.append((list(merged), list(merged.values()), row.lo, row.hi))
        lp = IntervalLP(len(members), lp_rows)
        lps.append(lp)
        for l, g in enumerate(members):
            cost = np.zeros(len(members))
            cost[l] = 1.0
            lo, hi = lp.optimise(cost, maximise=False), lp.optimise(cost, maximise=True)
            low[g], high[g] = max(lo.value, 0.0), hi.value
            support[g] = {rows[component_rows[c][r]].claim_id for r in np.concatenate([lo.active_rows, hi.active_rows])}
        targets = _least_squares_targets(claims, index, low, high)
        fixed = {local[index(m)]: stated_estimate(group, low[index(m)], high[index(m)])
                 for m, group in stated_months.items() if index(m) in local}
        point[members] = _central_point(lp_rows, len(members), local, targets, low[members], high[members], fixed)
        for j, value in fixed.items():
            point[members[j]] = value  # what the briefing shows for a reported month
    return SeriesFit(constraints.series, months, low, high, point, support, rows, components, component_of, lps,
                     component_rows)


def _basis(low: float, high: float, stated: bool) -> str:
    if not math.isfinite(high):
        return "unknown"
    if stated:
        return "reported"
    if high - low <= DERIVED_MAX_RELATIVE_WIDTH * (low + high) / 2:
        return "derived"
    return "bounded"


def _range_candidates(claims: pd.DataFrame, pinned: set[pd.Period]) -> list[list[pd.Period]]:
    """Runs of unpinned months inside the ranges the claims talk about (e.g. Jan-Mar inside Jan-May)."""
    runs = []
    for claim in claims.itertuples():
        if claim.measure in RANK_MEASURES or claim.start == claim.end:
            continue
        for shift in ((0, 12) if claim.measure == "yoy_pct" else (0,)):
            run: list[pd.Period] = []
            for m in months_of(claim.start - shift, claim.end - shift) + [None]:
                if m is not None and m not in pinned:
                    run.append(m)
                    continue
                if len(run) >= 2 and run not in runs:
                    runs.append(run)
                run = []
    return sorted(runs)


def _claim_list(ids) -> str:
    return " ".join(sorted(ids, key=lambda s: (len(s), s)))


def series_table(fit: SeriesFit, claims: pd.DataFrame, months: list[pd.Period]) -> pd.DataFrame:
    """monthly.csv rows for one series: every requested month, then derived range totals."""
    stated = _stated_months(claims)
    records, pinned = [], set()
    for month in months:
        i = fit.index(month)
        if i is None or fit.component_of[i] < 0:
            records.append((fit.series, str(month), math.nan, 0.0, math.inf, "unknown", ""))
            continue
        own = stated.get(month)
        basis = _basis(fit.low[i], fit.high[i], own is not None)
        estimate = float(fit.point[i]) if basis in ("reported", "derived") else math.nan
        if basis in ("reported", "derived"):
            pinned.add(month)
        ids = set(fit.support[i]) | (set(own["claim_id"]) if own is not None else set())
        records.append((fit.series, str(month), estimate, fit.low[i], fit.high[i], basis, _claim_list(ids)))
    range_levels = {(c.start, c.end): c for c in claims.itertuples() if c.measure == "level" and c.start != c.end}
    for run in _range_candidates(claims, pinned):
        if run[0] < months[0] or run[-1] > months[-1]:
            continue
        low, high, ids = fit.sum_bounds(run)
        own = range_levels.get((run[0], run[-1]))
        basis = _basis(low, high, own is not None)
        if basis not in ("reported", "derived"):
            continue
        idx = [fit.index(m) for m in run]
        estimate = stated_estimate(claims[claims["claim_id"] == own.claim_id], low, high) if own is not None \
            else float(np.sum(fit.point[idx]))
        if own is not None:
            ids.add(own.claim_id)
        records.append((fit.series, format_period(run[0], run[-1]), estimate, low, high, basis, _claim_list(ids)))
    return pd.DataFrame.from_records(records, columns=MONTHLY_COLUMNS)


def table_months(claims: pd.DataFrame) -> list[pd.Period]:
    """The months every series is reported for: the span of all non-ranking claims."""
    from .constraints import reach
    spans = [reach(c) for c in claims.itertuples() if c.measure not in RANK_MEASURES]
    return months_of(min(s for s, _ in spans), max(e for _, e in spans))


def fit_all(claims: pd.DataFrame) -> dict[str, SeriesFit]:
    built = build_constraints(claims)
    return {series: fit_series(built[series], claims[claims["series"] == series]) for series in built}


def monthly_table(claims: pd.DataFrame, fits: dict[str, SeriesFit]) -> pd.DataFrame:
    months = table_months(claims)
    tables = [series_table(fits[s], claims[claims["series"] == s], months) for s in sorted(fits)]
    return pd.concat(tables, ignore_index=True)
