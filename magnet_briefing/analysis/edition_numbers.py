"""The numbers an edition quotes, computed once: the headline month's level against its baseline and
a year earlier, the recovery table and metrics, and the year to date."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..config import EditionParameters
from ..engine import Reconstruction
from ..engine.basis import PINNED
from ..ledger.periods import parse_month
from .baselines import baseline, pre_control_months
from .figures import Figure, change, month_figure, ratio
from .recovery import recovery_metrics, recovery_table
from .year_to_date import year_to_date


@dataclass(frozen=True)
class EditionNumbers:
    month: pd.Period
    level: Figure
    base: Figure
    of_base: Figure
    year_ago: Figure
    yoy: Figure
    month_before: Figure
    mom: Figure
    recovery: pd.DataFrame
    metrics: pd.DataFrame
    ytd: pd.DataFrame


def edition_numbers(result: Reconstruction, params: EditionParameters) -> EditionNumbers:
    month = parse_month(params.month)
    series = params.headline
    recovery = recovery_table(result, list(params.series), params.control_start, params.baseline, params.month)
    base = baseline(result, series, month, params.control_start, params.baseline)
    level = month_figure(result, series, month)
    return EditionNumbers(
        month=month, level=level, base=base, of_base=ratio(level, base),
        year_ago=month_figure(result, series, month - 12), yoy=change(result, series, month, 12),
        month_before=month_figure(result, series, month - 1), mom=change(result, series, month, 1),
        recovery=recovery, metrics=recovery_metrics(recovery, params.control_start),
        ytd=year_to_date(result, series, params.month))


def check_baseline(result: Reconstruction, params: EditionParameters) -> str | None:
    """A one-line reason why the headline series has no baseline for the edition month, naming the
    parameter and what would work; None if it has one."""
    series, month = params.headline, parse_month(params.month)
    if baseline(result, series, month, params.control_start, params.baseline).pinned:
        return None
    if params.baseline == "same_month_prior_year":
        other = baseline(result, series, month, params.control_start, "pre_control_mean").pinned
        return (f"baseline: same_month_prior_year needs {series} in {month - 12}, which the claims do not pin"
                + ("; pre_control_mean works" if other else ""))
    first, *_, last = pre_control_months(params.control_start)
    asked = parse_month(params.control_start)
    working = [start for start in pd.period_range(month - 24, month, freq="M")
               if baseline(result, series, start, str(start), "pre_control_mean").pinned]
    nearest = min(working, key=lambda start: abs((start - asked).n), default=None)
    hint = f"; control_start {nearest} would work" if nearest is not None else ""
    return (f"control_start: {params.control_start} leaves no baseline for {series}: the claims do not pin the "
            f"total of {first}..{last}{hint}")


def check_edition_month(result: Reconstruction, series: str, month: str) -> str | None:
    """A one-line reason why `month` cannot be an edition, or None."""
    table = result.monthly
    pinned = table[(table["series"] == series) & table["basis"].isin(PINNED) & ~table["month"].str.contains(r"\.\.")]
    if pinned.empty:
        return f"month: the claims pin no month of {series}, so there is no figure to brief"
    latest = pinned["month"].max()
    if month in set(pinned["month"]):
        return None
    if month > latest:
        return f"month: no data for {month}; the latest month with a {series} figure is {latest}"
    return (f"month: the claims do not pin {series} in {month}; months with a figure: "
            f"{', '.join(sorted(pinned['month']))} (latest {latest})")
