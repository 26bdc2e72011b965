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


def _regained(rows: pd.DataFrame, threshold: float, after: pd.Period) -> tuple[str, pd.Period | None]:
    """The first month after `after` at or above threshold % of baseline: as text, and as a month."""
    later = rows[(rows["month"] > after) & rows["pct"].notna()]
    hit = later[later["pct"] >= threshold]
    if hit.empty:
        return "not yet", None
    first = hit.iloc[0]
    return f"{first['month']:%b %Y} ({first['months_since_control']} mo)", first["month"]


def recovery_metrics(recovery: pd.DataFrame, control_start: str) -> pd.DataFrame:
    """One row per series: trough, months to trough, months to regain 90% / 100%, shortfall. The
    month columns are text for the table; *_month columns hold the same months as Periods (missing
    where there is none) for sentences."""
    start = parse_month(control_start)
    records = []
    for name, rows in recovery.groupby("series", sort=False):
        since = rows[rows["month"] >= start]
        low = trough(rows, name)
        if low is None:
            records.append({"series": name, "trough": "n/a", "depth_pct": math.nan, "months_to_trough": math.nan,
                            "regain_90": "n/a", "regain_100": "n/a", "shortfall_t": math.nan,
                            "trough_month": None, "regain_90_month": None, "regain_100_month": None,
                            "note": "no baseline or no pinned month since the controls"})
            continue
        known = since_controls(rows, name)
        gaps = [str(m) for m in since.loc[since["pct"].isna(), "month"]]
        regain_90, regain_90_month = _regained(known, 90, low["month"])
        regain_100, regain_100_month = _regained(known, 100, low["month"])

        shortfall = (since["baseline"] - since["tonnes"]).sum() if not gaps else math.nan
        shortfall_low = (since["baseline_low"] - since["high"]).sum() if not gaps else math.nan
        shortfall_high = (since["baseline_high"] - since["low"]).sum() if not gaps else math.nan
        records.append({"series": name, "trough": f"{low['month']:%b %Y}", "depth_pct": low["pct"],
                        "months_to_trough": int(low["months_since_control"]),
                        "regain_90": regain_90, "regain_100": regain_100, "shortfall_t": shortfall,
                        "trough_month": low["month"], "regain_90_month": regain_90_month,
                        "regain_100_month": regain_100_month,
                        "shortfall_low": shortfall_low, "shortfall_high": shortfall_high,
                        "note": f"not pinned: {', '.join(gaps)}" if gaps else ""})
    return pd.DataFrame(records)
