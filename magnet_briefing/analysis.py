"""Recovery analysis on the reconstructed series: baselines, % of baseline, metrics, year to date.

Every number carries low/high bounds from the reconstruction. Where a figure needs a month
the claims do not pin, the figure is reported as unavailable, never filled in.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .engine import Reconstruction
from .periods import parse_month
from .reconstruct import DERIVED_MAX_RELATIVE_WIDTH

PINNED = ("reported", "derived")


@dataclass(frozen=True)
class Figure:
    """A number with its bounds, its basis and the claims it rests on."""
    value: float
    low: float
    high: float
    basis: str
    claims: tuple[str, ...] = ()

    @property
    def pinned(self) -> bool:
        return self.basis in PINNED and not math.isnan(self.value)


UNAVAILABLE = Figure(math.nan, 0.0, math.inf, "unknown")


def month_figure(result: Reconstruction, series: str, month: pd.Period) -> Figure:
    table = result.monthly
    rows = table[(table["series"] == series) & (table["month"] == str(month))]
    if rows.empty:
        return UNAVAILABLE
    row = rows.iloc[0]
    return Figure(row["estimate"], row["low"], row["high"], row["basis"], tuple(row["claims"].split()))


def sum_figure(result: Reconstruction, series: str, months: list[pd.Period]) -> Figure:
    """A total over several months: pinned if its bounds are narrow, even when its months are not."""
    if len(months) == 1:
        return month_figure(result, series, months[0])
    fit = result.fits.get(series)
    if fit is None:
        return UNAVAILABLE
    low, high, claims = fit.sum_bounds(months)
    if not math.isfinite(high):
        return Figure(math.nan, low, high, "unknown", tuple(sorted(claims)))
    narrow = high - low <= DERIVED_MAX_RELATIVE_WIDTH * (low + high) / 2
    kept = result.kept
    stated = kept[(kept["series"] == series) & (kept["measure"] == "level")
                  & (kept["start"] == months[0]) & (kept["end"] == months[-1])
                  & kept["qualifier"].isin(["exact", "about"])]
    if len(stated) and narrow:  # a total a source states outright is shown as stated
        claim = stated.iloc[0]
        value = float(np.clip(claim["value"] / (1000 if claim["unit"] == "kg" else 1), low, high))
        return Figure(value, low, high, "reported", tuple(sorted(set(claims) | set(stated["claim_id"]))))
    reported = all(month_figure(result, series, m).basis == "reported" for m in months)
    if not narrow:
        return Figure(math.nan, low, high, "bounded", tuple(sorted(claims)))
    figures = [month_figure(result, series, m) for m in months]
    if all(f.pinned for f in figures):
        value = sum(f.value for f in figures)
        claims = set(claims).union(*(f.claims for f in figures))
    else:
        value = (low + high) / 2  # as for a derived month: the middle of what the claims allow
    return Figure(value, low, high, "reported" if reported else "derived", tuple(sorted(claims)))


def ratio(numerator: Figure, denominator: Figure) -> Figure:
    """numerator / denominator as a percentage, with interval bounds (conservative)."""
    if not (numerator.pinned and denominator.pinned) or denominator.value <= 0:
        return UNAVAILABLE
    low = numerator.low / denominator.high * 100
    high = numerator.high / denominator.low * 100 if denominator.low > 0 else math.inf
    basis = "reported" if numerator.basis == denominator.basis == "reported" else "derived"
    return Figure(numerator.value / denominator.value * 100, low, high, basis,
                  tuple(sorted(set(numerator.claims) | set(denominator.claims))))


def pre_control_months(control_start: str) -> list[pd.Period]:
    start = parse_month(control_start)
    return [start - 3, start - 2, start - 1]


def baseline(result: Reconstruction, series: str, month: pd.Period, control_start: str, kind: str) -> Figure:
    """Baseline tonnes for one month: the pre-control monthly mean, or the same month a year earlier."""
    if kind == "same_month_prior_year":
        return month_figure(result, series, month - 12)
    total = sum_figure(result, series, pre_control_months(control_start))
    if not total.pinned:
        return UNAVAILABLE
    return Figure(total.value / 3, total.low / 3, total.high / 3, total.basis, total.claims)


def baseline_label(kind: str, control_start: str) -> str:
    if kind == "same_month_prior_year":
        return "the same month a year earlier"
    first, *_, last = pre_control_months(control_start)
    return f"the {first:%b}–{last:%b %Y} monthly average"


def recovery_table(result: Reconstruction, series: list[str], control_start: str, kind: str,
                   month: str) -> pd.DataFrame:
    """Exports as % of baseline by months since control_start, for every series with a baseline."""
    start, end = parse_month(control_start), parse_month(month)
    records = []
    for name in series:
        for m in pd.period_range(start - 3, end, freq="M"):
            level = month_figure(result, name, m)
            base = baseline(result, name, m, control_start, kind)
            pct = ratio(level, base)
            records.append({"series": name, "month": m, "months_since_control": (m - start).n,
                            "tonnes": level.value, "low": level.low, "high": level.high, "basis": level.basis,
                            "baseline": base.value, "baseline_low": base.low, "baseline_high": base.high,
                            "pct": pct.value, "pct_low": pct.low, "pct_high": pct.high,
                            "claims": " ".join(pct.claims or level.claims)})
    return pd.DataFrame(records)


def _first_month_reaching(rows: pd.DataFrame, threshold: float, after: pd.Period):
    later = rows[(rows["month"] > after) & rows["pct"].notna()]
    hit = later[later["pct"] >= threshold]
    return hit.iloc[0] if len(hit) else None


def recovery_metrics(recovery: pd.DataFrame, control_start: str) -> pd.DataFrame:
    """One row per series: trough, months to trough, months to regain 90% / 100%, shortfall. The
    month columns are text for the table; *_month columns hold the same months as Periods (missing
    where there is none) for sentences."""
    start = parse_month(control_start)
    records = []
    for name, rows in recovery.groupby("series", sort=False):
        since = rows[rows["month"] >= start]
        known = since[since["pct"].notna()]
        if known.empty:
            records.append({"series": name, "trough": "n/a", "depth_pct": math.nan, "months_to_trough": math.nan,
                            "regain_90": "n/a", "regain_100": "n/a", "shortfall_t": math.nan,
                            "trough_month": None, "regain_90_month": None, "regain_100_month": None,
                            "note": "no baseline or no pinned month since the controls"})
            continue
        trough = known.loc[known["pct"].idxmin()]
        gaps = [str(m) for m in since.loc[since["pct"].isna(), "month"]]

        def regain(threshold):
            hit = _first_month_reaching(known, threshold, trough["month"])
            if hit is None:
                return "not yet", None
            return f"{hit['month']:%b %Y} ({hit['months_since_control']} mo)", hit["month"]

        (regain_90, regain_90_month), (regain_100, regain_100_month) = regain(90), regain(100)

        shortfall = (since["baseline"] - since["tonnes"]).sum() if not gaps else math.nan
        shortfall_low = (since["baseline_low"] - since["high"]).sum() if not gaps else math.nan
        shortfall_high = (since["baseline_high"] - since["low"]).sum() if not gaps else math.nan
        records.append({"series": name, "trough": f"{trough['month']:%b %Y}", "depth_pct": trough["pct"],
                        "months_to_trough": int(trough["months_since_control"]),
                        "regain_90": regain_90, "regain_100": regain_100, "shortfall_t": shortfall,
                        "trough_month": trough["month"], "regain_90_month": regain_90_month,
                        "regain_100_month": regain_100_month,
                        "shortfall_low": shortfall_low, "shortfall_high": shortfall_high,
                        "note": f"not pinned: {', '.join(gaps)}" if gaps else ""})
    return pd.DataFrame(records)


def year_to_date(result: Reconstruction, series: str, month: str) -> pd.DataFrame:
    """Cumulative exports from January to each month of the edition's year, against the year before."""
    end = parse_month(month)
    records = []
    for m in pd.period_range(pd.Period(f"{end.year}-01", freq="M"), end, freq="M"):
        months = list(pd.period_range(pd.Period(f"{m.year}-01", freq="M"), m, freq="M"))
        current = sum_figure(result, series, months)
        prior = sum_figure(result, series, [x - 12 for x in months])
        change = ratio(current, prior)
        records.append({"series": series, "month": m, "ytd": current.value, "basis": current.basis,
                        "ytd_low": current.low,
                        "ytd_high": current.high, "prior_ytd": prior.value,
                        "change_pct": change.value - 100 if change.pinned else math.nan,
                        "change_low": change.low - 100, "change_high": change.high - 100,
                        "claims": " ".join(sorted(set(current.claims) | set(prior.claims)))})
    return pd.DataFrame(records)


def check_edition_month(result: Reconstruction, series: str, month: str) -> str | None:
    """A one-line reason why `month` cannot be an edition, or None."""
    table = result.monthly
    pinned = table[(table["series"] == series) & table["basis"].isin(PINNED) & ~table["month"].str.contains(r"\.\.")]
    latest = pinned["month"].max()
    if month in set(pinned["month"]):
        return None
    if month > latest:
        return f"month: no data for {month}; the latest month with a {series} figure is {latest}"
    return (f"month: the claims do not pin {series} in {month}; months with a figure: "
            f"{', '.join(sorted(pinned['month']))} (latest {latest})")
