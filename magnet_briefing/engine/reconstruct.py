"""reconstruct(): the engine's step of the pipeline, ledger claims in, the two tables and the estimates out.

Claims become rows (rows.py); the rows give every month's bounds (bounds.py, in slices of series
for a large ledger: scale_out.py); where the rows cannot all hold, contradicting claims are set
aside (contradictions.py) and the bounds found again without them; the kept claims give the
estimates (estimates.py), and those the tables (tables.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from .contradictions import find_contradictions
from .estimates import Estimates, estimate
from .rows import build_system
from .scale_out import ledger_bounds
from .tables import consistency_table, monthly_table


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


def reconstruct(claims: pd.DataFrame) -> Reconstruction:
    system = build_system(claims)
    bounds = ledger_bounds(system)
    dropped = find_contradictions(system, bounds)
    kept = claims
    if dropped:
        kept = claims[~claims["claim_id"].isin(dropped)]
        system = build_system(kept)
        bounds = ledger_bounds(system)
    estimates = estimate(system, bounds)
    return Reconstruction(monthly=monthly_table(estimates), consistency=consistency_table(claims, dropped, estimates),
                          kept=kept, estimates=estimates)
