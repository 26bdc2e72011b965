"""Months and inclusive month ranges, written YYYY-MM and YYYY-MM..YYYY-MM."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


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

    def months(self) -> list[pd.Period]:
        return list(pd.period_range(self.start, self.end, freq="M"))

    def shifted(self, months: int) -> "Period":
        return Period(self.start + months, self.end + months)

    def __str__(self) -> str:
        return format_period(self.start, self.end)


def format_period(start: pd.Period, end: pd.Period) -> str:
    return str(start) if start == end else f"{start}..{end}"


def span_label(first: pd.Period, last: pd.Period) -> str:
    """For readers: 'May 2024', 'Jan–Apr 2024', 'Jun 2024–Mar 2025'."""
    if first == last:
        return f"{first:%b %Y}"
    if first.year == last.year:
        return f"{first:%b}–{last:%b %Y}"
    return f"{first:%b %Y}–{last:%b %Y}"


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
