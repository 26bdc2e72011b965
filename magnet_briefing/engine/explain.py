"""Why a claim was set aside, in one plain sentence: what it says, and what the other claims allow instead."""
from __future__ import annotations

import math

import pandas as pd

from ..ledger.vocabulary import LAGS, RANK_MEASURES
from .estimates import Estimates


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


def _months(start: pd.Period, end: pd.Period, back: int = 0) -> list[pd.Period]:
    return list(pd.period_range(start - back, end - back, freq="M"))


def set_aside_reason(claim, stated: float, estimates: Estimates, residual: float) -> str:
    """`claim` is a ledger row, `stated` its central value in model units (tonnes for a level)."""
    said = f"{claim.series} {claim.period} {claim.measure} {claim.value_text} {claim.unit}"
    if claim.series not in estimates.system.claims.names:
        return f"{said} contradicts the other claims on {claim.series}."
    if claim.measure in RANK_MEASURES:
        return (f"{said}: the other claims leave no room for this ranking "
                f"(it would be broken by {residual:,.0f} t).")
    lo, hi, support = estimates.period_bounds(claim.series, _months(claim.start, claim.end))
    others = f" ({', '.join(sorted(support))})" if support else ""
    if claim.measure == "level":
        hint = ""
        if lo > 0 and (stated > 1.5 * hi or stated < hi / 1.5):
            hint = " A gap this large usually means another product, destination or unit."
        return f"{said}: the other claims{others} put it at {_fmt_range(lo, hi)}, not {_fmt(stated, 't')}.{hint}"
    previous = estimates.period_bounds(claim.series, _months(claim.start, claim.end, LAGS[claim.measure]))
    if previous[0] <= 0 or not math.isfinite(previous[1]):
        return f"{said} cannot hold together with the other claims{others}."
    lo, hi = lo / previous[1], hi / previous[0]
    if claim.measure == "mom_ratio":
        return f"{said}: the other claims{others} imply {lo:.2f}x to {hi:.2f}x."
    return f"{said}: the other claims{others} imply {_fmt((lo - 1) * 100, '%')} to {_fmt((hi - 1) * 100, '%')}."
