"""Claims become interval linear constraints on unknown monthly tonnages.

A claim's written precision and qualifier give an interval (data/README.md, "Precision"
and "Qualifiers"); each claim then yields one or more rows  lo <= sum(coef * x_month) <= hi.
Growth claims are linear because shipments are non-negative:
x_t >= r_lo * x_{t-1} and x_t <= r_hi * x_{t-1}.
system.py builds the rows of a whole ledger at once from the interval rules held here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

KG_PER_TONNE = 1000.0
REVISION_ALLOWANCE_T = 2.0  # customs revise totals by a tonne or two (data/README.md)
INF = math.inf


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float
    central: float  # the value as stated, in the same units; used for point estimates

    @property
    def half_width(self) -> float:
        return (self.hi - self.lo) / 2


def last_digit_unit(text: str) -> float:
    """Place value of the last written digit: '52.9' -> 0.1, '27900' -> 100, '1.2e6' -> 1e5."""
    mantissa, _, exponent = text.lower().lstrip("+-").partition("e")
    scale = 10.0 ** int(exponent) if exponent else 1.0
    if "." in mantissa:
        decimals = len(mantissa.split(".")[1])
        return 10.0 ** -decimals * scale
    digits = mantissa.lstrip("0") or "0"
    trailing = len(digits) - len(digits.rstrip("0")) if digits != "0" else 0
    return 10.0 ** trailing * scale


def stated_interval(value_text: str, qualifier: str) -> tuple[float, float]:
    """The interval a written figure and its qualifier allow, in the figure's own unit.

    exact/about are symmetric around the signed value (a rounded "-0%" may be slightly up);
    nearly/over/under speak of the magnitude ("nearly -19%" is a fall of 18 to 19%)."""
    value = float(Decimal(value_text))
    unit = last_digit_unit(value_text)
    if qualifier == "exact":
        return value - unit / 2, value + unit / 2
    if qualifier == "about":
        return value - unit, value + unit
    size = abs(value)
    lo, hi = {
        "nearly": (max(size - unit, 0.0), size),
        "over": (size, INF),
        "under": (0.0, size),
    }[qualifier]
    return (-hi, -lo) if value < 0 else (lo, hi)


def claim_interval(claim) -> Interval:
    """Interval in model units: tonnes for levels, a multiplier for growth (1.05 = +5%)."""
    lo, hi = stated_interval(claim.value_text, claim.qualifier)
    # the middle of what the words allow: "nearly 75" is centred on 74.5, not on 75
    central = (lo + hi) / 2 if math.isfinite(hi) else float(Decimal(claim.value_text))
    if claim.measure == "level":
        factor = 1 / KG_PER_TONNE if claim.unit == "kg" else 1.0
        lo, hi, central = lo * factor, hi * factor, central * factor
        if claim.start != claim.end:
            lo, hi = max(lo - REVISION_ALLOWANCE_T, 0.0), hi + REVISION_ALLOWANCE_T
        return Interval(lo, hi, central)
    if claim.measure in ("mom_pct", "yoy_pct"):
        return Interval(max(1 + lo / 100, 0.0), 1 + hi / 100, 1 + central / 100)
    if claim.measure == "mom_ratio":
        return Interval(max(lo, 0.0), hi, central)
    raise ValueError(f"{claim.measure} has no numeric interval")


def months_of(start: pd.Period, end: pd.Period) -> list[pd.Period]:
    return [start + k for k in range((end - start).n + 1)]
