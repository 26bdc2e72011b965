"""A figure is a number with its bounds, its basis and the claims it rests on: one month, a total
of months, or a ratio of two figures. Where a figure needs a month the claims do not pin, it is
unavailable, never filled in."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine import Reconstruction
from ..engine.basis import PINNED, is_narrow


@dataclass(frozen=True)
class Figure:
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
    row = result.month_row(series, str(month))
    if row is None:
        return UNAVAILABLE
    return Figure(row["estimate"], row["low"], row["high"], row["basis"], tuple(row["claims"].split()))


def sum_figure(result: Reconstruction, series: str, months: list[pd.Period]) -> Figure:
    """A total over several months: pinned if its bounds are narrow, even when its months are not."""
    if len(months) == 1:
        return month_figure(result, series, months[0])
    low, high, claims = result.period_bounds(series, months)
    if not math.isfinite(high):
        return Figure(math.nan, low, high, "unknown", tuple(sorted(claims)))
    narrow = is_narrow(low, high)
    arrays = result.estimates.system.claims
    stated = result.estimates.stated_total(series, months[0].ordinal, months[-1].ordinal)
    if stated is not None:  # a total a source states outright is shown as stated (engine/basis.py)
        value = float(np.clip(arrays.central[stated], low, high))
        return Figure(value, low, high, "reported", tuple(sorted(set(claims) | {arrays.ids[stated]})))
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


def ratio_bounds(numerator: Figure, denominator: Figure) -> tuple[float, float]:
    """The bounds of numerator / denominator as a percentage from the figures' bounds alone, for
    figures that are only bounded; (0, inf) where a bound is missing."""
    if not (math.isfinite(numerator.high) and math.isfinite(denominator.high)) or denominator.high <= 0:
        return 0.0, math.inf
    high = numerator.high / denominator.low * 100 if denominator.low > 0 else math.inf
    return numerator.low / denominator.high * 100, high


PRECISION_ORDER = ("exact", "about", "nearly", "over", "under")


def stated_change(result: Reconstruction, series: str, first: pd.Period, last: pd.Period, measure: str,
                  computed: float = math.nan):
    """The claim that states this change outright (a ledger row) and that the reconstruction takes
    as stated: the most precise if several do, then the nearest to the `computed` change (in %),
    then the first id. A claim kept only within the allowance, or disputed, is never quoted as the
    change: the reader gets the computed figure instead. None if no claim qualifies."""
    kept = result.kept
    as_stated = set(result.consistency.loc[result.consistency["status"] == "consistent", "claim_id"])
    found = kept[(kept["series"] == series) & (kept["start"] == first) & (kept["end"] == last)
                 & (kept["measure"] == measure) & kept["claim_id"].isin(as_stated)]
    if found.empty:
        return None

    def distance(claim) -> float:
        return 0.0 if math.isnan(computed) else abs(float(claim.value) - computed)

    return min(found.itertuples(), key=lambda claim: (PRECISION_ORDER.index(claim.qualifier), distance(claim),
                                                      claim.claim_id))


def change(result: Reconstruction, series: str, month: pd.Period, lag: int) -> Figure:
    """A month as % of the month `lag` months before (100 = no change)."""
    return ratio(month_figure(result, series, month), month_figure(result, series, month - lag))
