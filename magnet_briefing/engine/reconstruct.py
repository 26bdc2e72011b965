"""reconstruct(): the engine's step of the pipeline, ledger claims in, the two tables and the estimates out.

Claims become rows (rows.py); the rows give every month's bounds (bounds.py, in slices of series
for a large ledger: scale_out.py); where the rows cannot all hold, contradicting claims are set
aside (contradictions.py) and the bounds found again without them; the kept claims give the
estimates (estimates.py), and those the tables (tables.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..ledger.periods import month_of
from ..ledger.plausible import MAX_TONNES
from .bounds import LedgerBounds
from .contradictions import find_contradictions
from .estimates import Estimates, estimate
from .rows import System, build_system
from .scale_out import ledger_bounds
from .tables import claim_list, consistency_table, monthly_table

CLAIMS_NAMED = 8  # in a message, at most this many claim ids


class ImplausibleClaims(ValueError):
    """The claims imply a month no export statistic could have; the message is one line."""


@dataclass(frozen=True)
class Reconstruction:
    monthly: pd.DataFrame       # monthly.csv
    consistency: pd.DataFrame   # consistency.csv
    kept: pd.DataFrame          # the claims the reconstruction rests on (inconsistent ones set aside)
    estimates: Estimates

    @cached_property
    def _month_rows(self) -> dict[tuple[str, str], int]:
        table, rows = self.monthly, {}
        for k, key in enumerate(zip(table["series"].tolist(), table["month"].tolist())):
            rows.setdefault(key, k)
        return rows

    def month_row(self, series: str, month: str) -> pd.Series | None:
        """monthly.csv's row for a series and a month (or a range 'YYYY-MM..YYYY-MM'), None if it has none."""
        k = self._month_rows.get((series, month))
        return None if k is None else self.monthly.iloc[k]

    def period_bounds(self, series: str, months: list[pd.Period]) -> tuple[float, float, set[str]]:
        """Tightest bounds of the total of these months of a series, and the claims they rest on."""
        return self.estimates.period_bounds(series, months)


def _refuse_implausible(system: System, bounds: LedgerBounds) -> None:
    """Claims that hold together but put a month above MAX_TONNES are a chain of typos."""
    if bounds.implausible.any():
        column = int(np.flatnonzero(bounds.implausible)[0])
        series = int(np.searchsorted(system.offset, column, side="right") - 1)
        month = month_of(int(system.first[series] + column - system.offset[series]))
        arrays = system.claims
        own = arrays.ids[(arrays.series == series) & (arrays.start <= month.ordinal) & ~arrays.rank]
        named = claim_list(own.tolist()).split()
        listed = ", ".join(named[:CLAIMS_NAMED]) + (", …" if len(named) > CLAIMS_NAMED else "")
        raise ImplausibleClaims(f"the claims put {arrays.names[series]} in {month} above {MAX_TONNES:,.0f} t, "
                                f"more than any export statistic; check the figures and rates of {listed}")


def reconstruct(claims: pd.DataFrame) -> Reconstruction:
    system = build_system(claims)
    bounds = ledger_bounds(system)
    dropped = find_contradictions(system, bounds)
    kept = claims
    if dropped:
        kept = claims[~claims["claim_id"].isin(dropped)]
        system = build_system(kept)
        bounds = ledger_bounds(system)
    _refuse_implausible(system, bounds)
    estimates = estimate(system, bounds)
    return Reconstruction(monthly=monthly_table(estimates), consistency=consistency_table(claims, dropped, estimates),
                          kept=kept, estimates=estimates)
