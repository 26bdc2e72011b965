"""The recovery since the controls: each month as % of baseline, the trough, and how long it took
to regain 90% and 100% of baseline."""
from __future__ import annotations

import math

import pandas as pd

from ..engine import Reconstruction
from ..ledger.periods import parse_month
from .baselines import baseline
from .figures import month_figure, ratio


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
            records.append({"series": name, "month": m, "months_since_control": (m - start).n,
                            "tonnes": level.value, "low": level.low, "high": level.high, "basis": level.basis,
                            "baseline": base.value, "baseline_low": base.low, "baseline_high": base.high,
                            "pct": pct.value, "pct_low": pct.low, "pct_high": pct.high,
                            "claims": " ".join(pct.claims or level.claims)})
    return pd.DataFrame(records)


def since_controls(recovery: pd.DataFrame, series: str) -> pd.DataFrame:
    """The series' months from the start of the controls that have a % of baseline."""
    return recovery[(recovery["series"] == series) & (recovery["months_since_control"] >= 0)
                    & recovery["pct"].notna()]


def trough(recovery: pd.DataFrame, series: str) -> pd.Series | None:
    """The month since the controls with the lowest exports as % of baseline (the first, on a tie)."""
    known = since_controls(recovery, series)
    return None if known.empty else known.loc[known["pct"].idxmin()]


def _regained(rows: pd.DataFrame, threshold: float, after: pd.Period) -> pd.Series | None:
    """The first month after `after` at or above threshold % of baseline, as its recovery-table row."""
    later = rows[(rows["month"] > after) & rows["pct"].notna()]
    hit = later[later["pct"] >= threshold]
    return None if hit.empty else hit.iloc[0]


def recovery_metrics(recovery: pd.DataFrame, control_start: str) -> pd.DataFrame:
    """One row per series: the trough (month, months since the controls, depth), the months that
    regained 90% and 100% of baseline (None: not yet), the shortfall with its bounds, and the months
    since the controls that are not pinned. A series with no trough has no baseline or no pinned
    month since the controls."""
    start = parse_month(control_start)
    records = []
    for name, rows in recovery.groupby("series", sort=False):
        since = rows[rows["month"] >= start]
        low = trough(rows, name)
        if low is None:
            records.append({"series": name, "trough_month": None, "months_to_trough": math.nan,
                            "depth_pct": math.nan, "regain_90_month": None, "months_to_90": math.nan,
                            "regain_100_month": None, "months_to_100": math.nan, "shortfall_t": math.nan,
                            "shortfall_low": math.nan, "shortfall_high": math.nan, "unpinned": []})
            continue
        known = since_controls(rows, name)
        gaps = list(since.loc[since["pct"].isna(), "month"])
        regained = {threshold: _regained(known, threshold, low["month"]) for threshold in (90, 100)}
        shortfall = (since["baseline"] - since["tonnes"]).sum() if not gaps else math.nan
        shortfall_low = (since["baseline_low"] - since["high"]).sum() if not gaps else math.nan
        shortfall_high = (since["baseline_high"] - since["low"]).sum() if not gaps else math.nan
        records.append({"series": name, "trough_month": low["month"],
                        "months_to_trough": int(low["months_since_control"]), "depth_pct": low["pct"],
                        **{f"regain_{t}_month": None if hit is None else hit["month"] for t, hit in regained.items()},
                        **{f"months_to_{t}": math.nan if hit is None else int(hit["months_since_control"])
                           for t, hit in regained.items()},
                        "shortfall_t": shortfall, "shortfall_low": shortfall_low, "shortfall_high": shortfall_high,
                        "unpinned": gaps})
    return pd.DataFrame(records)
