"""The recovery since the controls: each month as % of baseline, the trough, and how long it took
to regain 90% and 100% of baseline.

Months that are only bounded count too, by their bounds: a month whose whole range lies below
every other month's is the trough even with no estimate, and where the bounds cannot tell two
months apart both are named. A series that never fell below a threshold did not "regain" it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine import Reconstruction
from ..ledger.periods import parse_month
from .baselines import baseline
from .figures import month_figure, ratio, ratio_bounds

THRESHOLDS = (90, 100)  # % of baseline: how far exports recovered


def recovery_table(result: Reconstruction, series: list[str], control_start: str, kind: str,
                   month: str) -> pd.DataFrame:
    """Exports as % of baseline by months since control_start, for every series with a baseline."""
    start, end = parse_month(control_start), parse_month(month)
    records = []
    for name in series:
        # the pre-control mean is one figure for every month: found once, so the table costs O(months)
        fixed = baseline(result, name, start, control_start, kind) if kind == "pre_control_mean" else None
        for m in pd.period_range(start - 3, end, freq="M"):
            level = month_figure(result, name, m)
            base = fixed if fixed is not None else baseline(result, name, m, control_start, kind)
            pct = ratio(level, base)
            pct_low, pct_high = (pct.low, pct.high) if pct.pinned else ratio_bounds(level, base)
            records.append({"series": name, "month": m, "months_since_control": (m - start).n,
                            "tonnes": level.value, "low": level.low, "high": level.high, "basis": level.basis,
                            "baseline": base.value, "baseline_low": base.low, "baseline_high": base.high,
                            "pct": pct.value, "pct_low": pct_low, "pct_high": pct_high, "pct_basis": pct.basis,
                            "claims": " ".join(pct.claims or level.claims)})
    return pd.DataFrame(records)


def since_controls(recovery: pd.DataFrame, series: str) -> pd.DataFrame:
    """The series' months from the start of the controls that have a % of baseline."""
    return recovery[(recovery["series"] == series) & (recovery["months_since_control"] >= 0)
                    & recovery["pct"].notna()]


@dataclass(frozen=True)
class Trough:
    rows: pd.DataFrame   # the recovery-table rows of the months that may be the lowest, in order

    @property
    def months(self) -> list[pd.Period]:
        return list(self.rows["month"])

    @property
    def certain(self) -> bool:
        return len(self.rows) == 1

    @property
    def row(self) -> pd.Series:
        """The trough month's row (the first candidate's when the bounds cannot decide)."""
        return self.rows.iloc[0]

    @property
    def low(self) -> float:
        return float(self.rows["pct_low"].min())

    @property
    def high(self) -> float:
        """The most the trough can be, as % of baseline."""
        return float(self.rows["pct_high"].min())


def _since(recovery: pd.DataFrame, series: str) -> pd.DataFrame:
    """The series' months from the start of the controls, pinned, bounded or unknown."""
    return recovery[(recovery["series"] == series) & (recovery["months_since_control"] >= 0)]


def trough(recovery: pd.DataFrame, series: str) -> Trough | None:
    """The month since the controls with the lowest exports as % of baseline, found from the bounds:
    every month that could be the lowest (its lower bound at most the least upper bound, so a month
    the claims say nothing about is always one); one month when its whole range lies below every
    other's. None when no month since the controls has an upper bound."""
    since = _since(recovery, series)
    bounded = since[np.isfinite(since["pct_high"])]
    if bounded.empty:
        return None
    return Trough(since[since["pct_low"] <= bounded["pct_high"].min()])


def _regained(rows: pd.DataFrame, threshold: float, after: pd.Period) -> pd.Series | None:
    """The first month after `after` surely at or above threshold % of baseline (its lower bound),
    as its recovery-table row."""
    later = rows[rows["month"] > after]
    hit = later[later["pct_low"] >= threshold]
    return None if hit.empty else hit.iloc[0]


def recovery_metrics(recovery: pd.DataFrame, control_start: str) -> pd.DataFrame:
    """One row per series: the trough (its months, months since the controls, its depth as a point
    where pinned and as bounds), for 90% and 100% of baseline the month that regained it (None: not
    yet) or never_below_<t> when the series never fell below it, the shortfall with its bounds,
    and the months since the controls that are not pinned."""
    start = parse_month(control_start)
    records = []
    for name, rows in recovery.groupby("series", sort=False):
        since = rows[rows["month"] >= start]
        low = trough(rows, name)
        if low is None:
            records.append({"series": name, "trough_months": [], "trough_month": None, "months_to_trough": math.nan,
                            "depth_pct": math.nan, "depth_low": math.nan, "depth_high": math.nan,
                            "depth_basis": "unknown",
                            **{f"regain_{t}_month": None for t in THRESHOLDS},
                            **{f"months_to_{t}": math.nan for t in THRESHOLDS},
                            **{f"never_below_{t}": False for t in THRESHOLDS},
                            "shortfall_t": math.nan, "shortfall_low": math.nan, "shortfall_high": math.nan,
                            "unpinned": []})
            continue
        months = _since(rows, name)
        known = months[np.isfinite(months["pct_high"])]
        gaps = list(since.loc[since["pct"].isna(), "month"])
        record = {"series": name, "trough_months": low.months, "trough_month": low.row["month"],
                  "months_to_trough": int(low.row["months_since_control"]),
                  "depth_pct": low.row["pct"] if low.certain else math.nan,
                  "depth_basis": low.row["pct_basis"] if low.certain else "bounded",
                  "depth_low": low.low, "depth_high": low.high}
        for t in THRESHOLDS:
            never_below = bool(months["pct_low"].min() >= t)  # every month, the unknown ones (0) too
            hit = None if never_below else _regained(known, t, low.months[-1])
            record |= {f"never_below_{t}": never_below, f"regain_{t}_month": None if hit is None else hit["month"],
                       f"months_to_{t}": math.nan if hit is None else int(hit["months_since_control"])}
        record |= {"shortfall_t": (since["baseline"] - since["tonnes"]).sum() if not gaps else math.nan,
                   "shortfall_low": (since["baseline_low"] - since["high"]).sum() if not gaps else math.nan,
                   "shortfall_high": (since["baseline_high"] - since["low"]).sum() if not gaps else math.nan,
                   "unpinned": gaps}
        records.append(record)
    return pd.DataFrame(records)
