"""A ledger as it stood on a day: the claims whose source had been published by then.

An edition of month M is built "as of" a day, by default the last day of the month after M (customs
publish a month's figures around the 20th of the next), so an archived edition keeps showing what
a reader could have known then. A source dated only YYYY-MM counts as published on the last day of
that month.
"""
from __future__ import annotations

import datetime
from dataclasses import replace

import pandas as pd

from .load import Ledger

LATEST = "latest"   # every claim, whenever published
AUTO = "auto"       # the last day of the month after the edition month


def publication_day(published: str) -> datetime.date:
    if len(published) == 10:
        return datetime.date.fromisoformat(published)
    return pd.Period(published, freq="M").end_time.date()


def auto_as_of(month: pd.Period) -> datetime.date:
    return (month + 1).end_time.date()


def as_of(ledger: Ledger, day: str) -> Ledger:
    """The ledger as of `day` (YYYY-MM-DD), or all of it for 'latest'."""
    if day == LATEST:
        return ledger
    limit = datetime.date.fromisoformat(day)
    published = {source: publication_day(text) <= limit
                 for source, text in zip(ledger.sources["source_id"], ledger.sources["published"])}
    sources = ledger.sources[ledger.sources["source_id"].map(published)]
    claims = ledger.claims[ledger.claims["source_id"].map(published).fillna(False).astype(bool)]
    return replace(ledger, claims=claims.reset_index(drop=True), sources=sources.reset_index(drop=True))
