"""Cumulative exports from January to each month of the edition's year, against the year before."""
from __future__ import annotations

import math

import pandas as pd

from ..engine import Reconstruction
from ..ledger.periods import parse_month
from .figures import ratio, sum_figure


def year_to_date(result: Reconstruction, series: str, month: str) -> pd.DataFrame:
    end = parse_month(month)
    records = []
    for m in pd.period_range(pd.Period(f"{end.year}-01", freq="M"), end, freq="M"):
        months = list(pd.period_range(pd.Period(f"{m.year}-01", freq="M"), m, freq="M"))
        current = sum_figure(result, series, months)
        prior = sum_figure(result, series, [x - 12 for x in months])
        change = ratio(current, prior)
        records.append({"series": series, "month": m, "ytd": current.value, "basis": current.basis,
                        "ytd_low": current.low,
                        "ytd_high": current.high, "prior_ytd": prior.value, "prior_basis": prior.basis,
                        "change_pct": change.value - 100 if change.pinned else math.nan, "change_basis": change.basis,
                        "change_low": change.low - 100, "change_high": change.high - 100,
                        "claims": " ".join(sorted(set(current.claims) | set(prior.claims)))})
    return pd.DataFrame(records)
