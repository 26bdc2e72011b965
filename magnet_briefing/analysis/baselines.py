"""The baseline a month is measured against: the mean of the three months before the controls
(only their total need be known), or the same month a year earlier."""
from __future__ import annotations

import pandas as pd

from ..engine import Reconstruction
from ..ledger.periods import parse_month
from .figures import UNAVAILABLE, Figure, month_figure, sum_figure


def pre_control_months(control_start: str) -> list[pd.Period]:
    start = parse_month(control_start)
    return [start - 3, start - 2, start - 1]


def baseline(result: Reconstruction, series: str, month: pd.Period, control_start: str, kind: str) -> Figure:
    """Baseline tonnes for one month."""
    if kind == "same_month_prior_year":
        return month_figure(result, series, month - 12)
    total = sum_figure(result, series, pre_control_months(control_start))
    if not total.pinned:
        return UNAVAILABLE
    return Figure(total.value / 3, total.low / 3, total.high / 3, total.basis, total.claims)
