"""reconstruct(): the engine's step of the pipeline, ledger claims in, the two tables and the estimates out.

The claims are put in content order (content.py), so nothing after depends on ids or on the
ledger's row order. Claims become rows (rows.py); the rows give every month's bounds
(bounds.py, in slices of series for a large ledger: scale_out.py). Where the rows cannot all
hold, each claim gets a status (conflicts/): those set aside or disputed are left out, those
spread kept with their allowance, and the bounds are found again; a disputed group's months
show what each of its readings allows (readings.py). The kept claims give the estimates
(estimates.py), and those the tables (tables.py) with every claim's residual and reason
(residuals.py, explain.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..ledger.periods import month_of
from ..ledger.plausible import MAX_TONNES
from .allowance import allowance
from .bounds import LedgerBounds
from .conflicts.verdicts import CONSISTENT, SPREAD, Verdicts, settle
from .content import content_order
from .estimates import Estimates, estimate
from .explain import reasons
from .readings import fit_readings
from .residuals import residuals
from .rows import System, build_system, claim_arrays, columns_in, part_of
from .scale_out import MIN_ROWS_PER_WORKER, ledger_bounds, release_memory
from .tables import claim_list, consistency_table, monthly_table, table_months

CLAIMS_NAMED = 8  # in a message, at most this many claim ids


class ImplausibleClaims(ValueError):
    """The claims imply a month no export statistic could have; the message is one line."""


@dataclass(frozen=True)
class Reconstruction:
    monthly: pd.DataFrame       # monthly.csv
    consistency: pd.DataFrame   # consistency.csv
    kept: pd.DataFrame          # the claims the reconstruction rests on (set-aside and disputed ones left out)
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


def _final_fit(system: System, verdicts: Verdicts, widen: np.ndarray) -> tuple[System, LedgerBounds]:
    """The kept claims' rows (spread claims widened) over the ledger's columns, and their bounds.

    A large group's search is not exact (conflicts/large.py): should its kept claims still not
    hold, every kept claim of that group is let use its allowance (spread), which its elastic LP's
    point shows they can; this is a safeguard, not a step the searches rely on."""
    for _ in range(2):
        kept = verdicts.kept
        spread = verdicts.status[kept] == SPREAD
        final = build_system(system.claims.take(kept, renumber=False), np.where(spread, widen[kept], 0.0),
                             (system.first, system.n_months))
        bounds = ledger_bounds(final)
        # a group that only climbs past any plausible tonnage is a chain of typos, refused later
        implausible = np.unique(final.component[bounds.implausible & (final.component >= 0)])
        broken = np.setdiff1d(np.flatnonzero(bounds.infeasible), implausible)
        if not len(broken):
            return final, bounds
        broken = np.isin(final.component[final.matrix.indices], broken)
        rows = np.repeat(np.arange(final.matrix.shape[0]), np.diff(final.matrix.indptr))[broken]
        claims = kept[np.unique(final.row_claim[rows])]
        verdicts.status[claims] = SPREAD
        verdicts.relaxed[claims] = True
    raise RuntimeError("the kept claims cannot hold even within their allowance")


def _residuals(system: System, final: System, verdicts: Verdicts, point: np.ndarray) -> np.ndarray:
    """Every claim's residual against the estimates, as stated (a spread claim's too, not widened):
    the final fit's rows for the consistent claims, rows built afresh for the others."""
    residual = np.full(len(system.claims.ids), np.nan)
    kept = verdicts.kept
    residual[kept] = residuals(final, point)
    others = np.flatnonzero(verdicts.status != CONSISTENT)
    if len(others):
        part = part_of(system, others)
        residual[others] = residuals(part, point[columns_in(part, system)])
    return residual


def reconstruct(claims: pd.DataFrame) -> Reconstruction:
    arrays = claim_arrays(claims)
    order = content_order(arrays)
    arrays = arrays.take(order, renumber=False)
    system = build_system(arrays)
    bounds = ledger_bounds(system)
    verdicts = settle(system, bounds)
    widen = allowance(arrays)
    if bounds.infeasible.any() or not verdicts.settled_nothing():
        del bounds
        if system.matrix.shape[0] >= MIN_ROWS_PER_WORKER:   # a ledger large enough to be worth the trouble
            system = system.without_rows()   # only the final fit's rows are needed from here on
            release_memory()
        final, bounds = _final_fit(system, verdicts, widen)
    else:
        final = system
    _refuse_implausible(final, bounds)
    hull = fit_readings(system, verdicts, widen)
    estimates = estimate(final, bounds, verdicts.relaxed[verdicts.kept], hull)
    monthly = monthly_table(estimates, table_months(arrays) if (~arrays.rank).any() else None)
    residual = _residuals(system, final, verdicts, estimates.point)
    reason = reasons(claims, order, system, verdicts, estimates, hull, widen)
    estimates.__dict__.pop("_lps", None)   # the LPs the reasons asked of, rebuilt if the analysis asks again
    ledger_order = np.argsort(order)
    consistency = consistency_table(arrays.ids[ledger_order], verdicts.status[ledger_order], residual[ledger_order],
                                    reason[ledger_order])
    kept = claims[claims["claim_id"].isin(set(arrays.ids[verdicts.kept].tolist()))]
    return Reconstruction(monthly=monthly, consistency=consistency, kept=kept, estimates=estimates)
