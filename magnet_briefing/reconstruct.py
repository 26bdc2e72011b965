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
from .propagate import explanation, tighten
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

    def index(self, month: pd.Period | int) -> int | None:
        """Position of a month (a Period or a Period ordinal) in this fit."""
        offset = (month if isinstance(month, int) else month.ordinal) - self.months[0].ordinal
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


@dataclass(frozen=True)
class Component:
    """Months linked by claims, and their rows with columns numbered within the component."""
    members: list[int]                 # month positions in the series window
    row_indices: list[int]             # into the series' rows
    lp_rows: list[tuple[list[int], list[float], float, float]]


def split_components(rows: list[Row], n: int, index) -> list[Component]:
    components = _components(n, rows, index)
    component_of = np.full(n, -1)
    for c, members in enumerate(components):
        component_of[members] = c
    row_indices: list[list[int]] = [[] for _ in components]
    for r, row in enumerate(rows):
        row_indices[component_of[index(row.coefs[0][0])]].append(r)
    split = []
    for members, indices in zip(components, row_indices):
        local = {g: l for l, g in enumerate(members)}
        lp_rows = []
        for r in indices:
            merged: dict[int, float] = {}
            for m, coef in rows[r].coefs:
                merged[local[index(m)]] = merged.get(local[index(m)], 0.0) + coef
            lp_rows.append((list(merged), list(merged.values()), rows[r].lo, rows[r].hi))
        split.append(Component(members, indices, lp_rows))
    return split


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


def _activity_bounds(rows, cols, coefs, n_rows, lower, upper):
    low_term = np.where(coefs > 0, coefs * lower[cols], coefs * upper[cols])
    high_term = np.where(coefs > 0, coefs * upper[cols], coefs * lower[cols])
    with np.errstate(invalid="ignore"):
        low = np.bincount(rows, weights=np.nan_to_num(low_term, nan=0.0, neginf=-1e300), minlength=n_rows)
        high = np.bincount(rows, weights=np.nan_to_num(high_term, nan=0.0, posinf=1e300), minlength=n_rows)
    return low, high


def component_bounds(lp_rows, n: int) -> tuple[tuple[np.ndarray, np.ndarray], list[set[int]]]:
    """Tightest bounds of every month of a component, and the rows each rests on.

    Bound propagation proposes valid bounds. Rows those bounds already imply are dropped and
    the bounds become column bounds, which leaves the same feasible set in a much smaller LP.
    A proposed bound that some LP solution attains is the tightest (valid, and attained), so
    a few LPs over sums of months settle most months; only the rest get an LP of their own."""
    rows = np.array([r for r, (cols, _, _, _) in enumerate(lp_rows) for _ in cols], dtype=int)
    cols = np.array([c for cols_, _, _, _ in lp_rows for c in cols_], dtype=int)
    coefs = np.array([a for _, coefs_, _, _ in lp_rows for a in coefs_], dtype=float)
    nonzero = coefs != 0  # "under 0%" leaves a zero coefficient, which bounds nothing
    rows, cols, coefs = rows[nonzero], cols[nonzero], coefs[nonzero]
    row_lo = np.array([lo for _, _, lo, _ in lp_rows], dtype=float)
    row_hi = np.array([hi for _, _, _, hi in lp_rows], dtype=float)
    lower, upper, lower_reason, upper_reason = tighten(n, rows, cols, coefs, row_lo, row_hi,
                                                      np.zeros(n), np.full(n, math.inf))
    activity_low, activity_high = _activity_bounds(rows, cols, coefs, len(lp_rows), lower, upper)
    slack = 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(row_lo), row_lo, row_hi)))
    implied = (activity_low >= row_lo - slack) & (activity_high <= row_hi + slack)
    kept = np.flatnonzero(~implied)
    lp = IntervalLP(n, [lp_rows[r] for r in kept], lower, upper)
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    support: list[set[int]] = [set() for _ in range(n)]

    def explain(j: int, side: str) -> set[int]:
        return explanation(j, side, rows, cols, coefs, lower_reason, upper_reason)

    def attained(x: np.ndarray | None) -> int:
        """Settle the months whose proposed bound this feasible point reaches; how many were settled."""
        if x is None:
            return 0
        tol = 1e-7 * np.maximum(1.0, np.abs(x))
        settled_now = 0
        for side, proposal, settled in (("lower", lower, low), ("upper", upper, high)):
            hit = np.isnan(settled) & np.isfinite(proposal) & (np.abs(x - proposal) <= tol)
            for j in np.flatnonzero(hit):
                settled[j] = proposal[j]
                support[j] |= explain(j, side)
            settled_now += int(hit.sum())
        return settled_now

    for maximise, settled in ((False, low), (True, high)):
        for _ in range(4):  # sums over the months still open, while that keeps settling some
            open_months = np.isnan(settled) & (np.isfinite(upper) | (not maximise))
            if not open_months.any() or not attained(lp.optimise(open_months.astype(float), maximise).x):
                break
    for j in range(n):
        for maximise, settled in ((False, low), (True, high)):
            if not np.isnan(settled[j]):
                continue
            cost = np.zeros(n)
            cost[j] = 1.0
            optimum = lp.optimise(cost, maximise=maximise)
            settled[j] = optimum.value
            support[j] |= {int(kept[r]) for r in optimum.active_rows}
            for k in optimum.active_cols:  # a binding column bound rests on the rows that set it
                at_upper = abs(optimum.x[k] - upper[k]) <= 1e-7 * max(1.0, abs(upper[k]))
                support[j] |= explain(int(k), "upper" if at_upper else "lower")
            attained(optimum.x)
    return (np.maximum(low, 0.0), high), support


def _stated_months(claims: pd.DataFrame) -> dict[pd.Period, list]:
    """Single-month level claims, by month."""
    levels = claims[(claims["measure"] == "level") & (claims["start"] == claims["end"])]
    stated: dict[pd.Period, list] = {}
    for claim in levels.itertuples():
        stated.setdefault(claim.start, []).append(claim)
    return stated


def stated_estimate(stated: list, low: float, high: float) -> float:
    """A reported month shows the most precise figure stated for it (kept inside its bounds)."""
    most_precise = min(stated, key=lambda c: claim_interval(c).half_width)
    return float(np.clip(claim_interval(most_precise).central, low, high))


def fit_series(constraints: SeriesConstraints, claims: pd.DataFrame) -> SeriesFit:
    first, last = constraints.window
    months = months_of(first, last)
    n = len(months)
    index = lambda m: (m if isinstance(m, int) else m.ordinal) - first.ordinal  # noqa: E731
    rows = constraints.rows
    split = split_components(rows, n, index)
    components = [part.members for part in split]
    component_rows = [part.row_indices for part in split]
    component_of = np.full(n, -1)
    for c, members in enumerate(components):
        component_of[members] = c

    stated_months = _stated_months(claims)
    low, high = np.zeros(n), np.full(n, math.inf)
    point = np.full(n, np.nan)
    support: list[set[str]] = [set() for _ in range(n)]
    lps = []
    for c, part in enumerate(split):
        members, lp_rows = part.members, part.lp_rows
        local = {g: l for l, g in enumerate(members)}
        lp = IntervalLP(len(members), lp_rows)
        lps.append(lp)
        claim_of_row = [rows[r].claim_id for r in component_rows[c]]
        bounds, supports = component_bounds(lp_rows, len(members))
        for l, g in enumerate(members):
            low[g], high[g] = bounds[0][l], bounds[1][l]
            support[g] = {claim_of_row[r] for r in supports[l]}
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
        ids = set(fit.support[i]) | ({c.claim_id for c in own} if own is not None else set())
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
        estimate = stated_estimate([own], low, high) if own is not None else float(np.sum(fit.point[idx]))
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
