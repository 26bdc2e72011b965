"""What a ledger row may plausibly say (data/README.md, "Plausible values"): a typo such as 2205-08 or
1e309 is refused with one line, not modelled.

- Years: a claim's period, and a source's publication date, lie in FIRST_YEAR to next year; a
  ranking may reach back to FIRST_RANKING_YEAR ("the lowest since 1995").
- Publication: a claim's period starts at the latest in the month its source was published (a
  preview of the current month is allowed, nothing later); a source is not published in the future.
- Sizes: a level is at most MAX_TONNES, a % change at most MAX_PERCENT, a multiple at most MAX_RATIO;
  the engine refuses claims that together imply a month above MAX_TONNES.
"""
from __future__ import annotations

import datetime

import pandas as pd

FIRST_YEAR = 2000
FIRST_RANKING_YEAR = 1950
MAX_TONNES = 1e9       # a billion tonnes in one period: far above any export statistic
MAX_PERCENT = 1e6      # a rise of a million per cent
MAX_RATIO = 1e4


def today() -> datetime.date:
    return datetime.date.today()


def last_year() -> int:
    return today().year + 1


def year_problem(month: pd.Period | int, first: int = FIRST_YEAR) -> str | None:
    """`month` a month, or a year."""
    year = month if isinstance(month, int) else month.year
    if first <= year <= last_year():
        return None
    return f"the year {year} is outside {first}–{last_year()}"


def published_month(published: str) -> pd.Period:
    """The month of a publication date written YYYY-MM-DD or YYYY-MM."""
    return pd.Period(published[:7], freq="M")


def publication_problem(start: pd.Period, published: str) -> str | None:
    """A claim about a period that starts after the month its source was published."""
    if start <= published_month(published):
        return None
    return (f"starts in {start}, after its source was published ({published}); a source can state "
            "figures up to its own month")
