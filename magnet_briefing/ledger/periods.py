"""Months and inclusive month ranges, written YYYY-MM and YYYY-MM..YYYY-MM."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")  # ASCII digits only


def parse_month(text: str) -> pd.Period:
    match = _MONTH.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"'{text}' is not a month YYYY-MM")
    return pd.Period(text, freq="M")


@dataclass(frozen=True)
class Period:
    start: pd.Period
    end: pd.Period

    @property
    def is_range(self) -> bool:
        return self.start != self.end


def ordinals(periods) -> np.ndarray:
    """Month ordinals of a Period column (or a list of Periods)."""
    if isinstance(periods, pd.Series):
        periods = periods.array
    if hasattr(periods, "asi8"):
        return np.asarray(periods.asi8, dtype=np.int64)
    return np.array([p.ordinal for p in periods], dtype=np.int64)


def month_of(ordinal: int) -> pd.Period:
    """The month a Period ordinal stands for (the engine counts months as ordinals)."""
    return pd.PeriodIndex.from_ordinals([ordinal], freq="M")[0]


def format_period(start: pd.Period, end: pd.Period) -> str:
    return str(start) if start == end else f"{start}..{end}"


def parse_period(text: str) -> Period:
    """Parse 'YYYY-MM' or an inclusive range 'YYYY-MM..YYYY-MM'."""
    if ".." in (text or ""):
        first, _, last = text.partition("..")
        start, end = parse_month(first), parse_month(last)
        if end < start:
            raise ValueError(f"range '{text}' ends before it starts")
        return Period(start, end)
    try:
        month = parse_month(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a month YYYY-MM or a range YYYY-MM..YYYY-MM") from None
    return Period(month, month)
