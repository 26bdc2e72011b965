"""Where sources disagree: claims the reconstruction could not take as stated, grouped into disputes.

The engine marks each claim consistent, spread (kept within the allowance for revisions and
rounding between outlets), inconsistent (set aside) or disputed (it and another reading cannot
both hold, and the evidence does not settle which is wrong). A dispute is a set of disputed
claims of one series whose months overlap; the months it touches are bounded to cover every
reading, and the briefing says so wherever one of them is quoted.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..engine import Reconstruction
from ..ledger.vocabulary import LAGS, RANK_MEASURES

NOT_AS_STATED = ("disputed", "inconsistent", "spread")  # the order the briefing lists them in


@dataclass(frozen=True)
class Dispute:
    series: str
    months: tuple[pd.Period, ...]   # every month a reading of it constrains, in order
    claims: tuple[str, ...]


def touched_months(claim) -> set[pd.Period]:
    """The months a claim (a ledger row) speaks of: its period, the period a growth figure compares
    with, and for a ranking every month back to the one it is the highest or lowest since."""
    months = set(pd.period_range(claim.start, claim.end, freq="M"))
    if claim.measure in LAGS:
        months |= {month - LAGS[claim.measure] for month in months}
    if claim.measure in RANK_MEASURES:
        since = pd.Period(claim.value_text, freq="M")
        months |= set(pd.period_range(since, claim.end, freq="M"))
    return months


def claims_with_status(result: Reconstruction, claims: pd.DataFrame, status: str) -> pd.DataFrame:
    """The ledger rows of the claims with this status, in ledger order."""
    ids = set(result.consistency.loc[result.consistency["status"] == status, "claim_id"])
    return claims[claims["claim_id"].isin(ids)]


def disputes(result: Reconstruction, claims: pd.DataFrame, series: list[str] | tuple[str, ...]) -> list[Dispute]:
    """The disputes on these series: disputed claims of a series whose months overlap go together."""
    found = []
    disputed = claims_with_status(result, claims, "disputed")
    for name in series:
        groups: list[tuple[set, set]] = []   # (months, claim ids)
        for claim in disputed[disputed["series"] == name].itertuples():
            months, ids = touched_months(claim), {claim.claim_id}
            for group in [g for g in groups if g[0] & months]:
                groups.remove(group)
                months, ids = months | group[0], ids | group[1]
            groups.append((months, ids))
        found += [Dispute(name, tuple(sorted(months)), tuple(sorted(ids, key=lambda s: (len(s), s))))
                  for months, ids in groups]
    return sorted(found, key=lambda d: (list(series).index(d.series), d.months[0]))


def disputes_touching(result: Reconstruction, claims: pd.DataFrame, series, month: pd.Period) -> list[Dispute]:
    return [dispute for dispute in disputes(result, claims, series) if month in dispute.months]
