"""The readings of a group of months with disputed or spread claims, each fitted, and the bounds
that cover them all.

Where the evidence does not say which of two claims is wrong, neither is used, and each way
to settle the group (conflicts/verdicts.py: every least-weight removal, and every spread claim
held to its digits) is fitted on its own. A month of such a group shows the hull of its
readings' bounds, and a total of months the hull of their totals: whichever claim is right,
the true figure lies inside.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .bounds import LedgerBounds
from .conflicts.verdicts import Verdicts
from .rows import System, columns_in, part_of
from .scale_out import ledger_bounds


@dataclass
class Fit:
    """One reading: its rows and bounds, and the ledger column of each of its columns."""
    system: System
    bounds: LedgerBounds
    columns: np.ndarray

    def local(self, columns: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.columns, columns)

    @cached_property
    def _fit(self):
        from .estimates import Estimates  # estimates.py holds the hull: imported when asked, not at load

        n = self.system.n_cols
        return Estimates(self.system, self.bounds, np.zeros(n, dtype=bool), np.full(n, np.nan),
                         np.zeros(len(self.system.claims.ids), dtype=bool), self.system.component >= 0)

    def sum_bounds(self, columns: np.ndarray):
        """Bounds of the total of these (ledger) columns, and the claims they rest on."""
        return self._fit.fitted_sum_bounds(self.local(columns))

    def claims_of_rows(self, rows) -> set[str]:
        return self._fit.claims_of_rows(rows)

    def month_claims(self, column: int) -> set[str]:
        return self.claims_of_rows(self.bounds.support[int(self.local(np.array([column]))[0])])


@dataclass
class Hull:
    """Every such group's fitted readings and the ledger columns of the group's months."""
    fits: list[list[Fit]]
    columns: list[np.ndarray]

    def group_of(self, columns: np.ndarray) -> np.ndarray:
        """Per column: the group holding it, -1 for none."""
        found = np.full(len(columns), -1)
        for g, own in enumerate(self.columns):
            found[np.isin(columns, own)] = g
        return found

    def cover(self, bounds: LedgerBounds) -> dict[int, frozenset[str]]:
        """Set every such month's bounds to the hull of its readings' (in place); per month, the
        claims those bounds rest on."""
        claims: dict[int, frozenset[str]] = {}
        for fits, columns in zip(self.fits, self.columns):
            bounds.low[columns] = np.min([f.bounds.low[f.local(columns)] for f in fits], axis=0)
            bounds.high[columns] = np.max([f.bounds.high[f.local(columns)] for f in fits], axis=0)
            for column in columns.tolist():
                claims[column] = frozenset().union(*(f.month_claims(column) for f in fits))
        return claims

    def sum_bounds(self, columns: np.ndarray, fitted):
        """Bounds of a total of months and its claims: each group's part the hull of its readings'
        totals, the rest `fitted(columns)` (the final fit's)."""
        group = self.group_of(columns)
        low, high, claims = fitted(columns[group < 0]) if (group < 0).any() else (0.0, 0.0, set())
        for g in np.unique(group[group >= 0]):
            answers = [f.sum_bounds(columns[group == g]) for f in self.fits[g]]
            low += min(a[0] for a in answers)
            high += max(a[1] for a in answers)
            claims = claims.union(*(a[2] for a in answers))
        return low, high, claims


def fit_part(system: System, kept: np.ndarray, widened: np.ndarray, widen: np.ndarray) -> Fit:
    """The kept claims (indices into system.claims) fitted, `widened` of them by their allowance."""
    allowed = np.zeros(len(widen))
    allowed[widened] = widen[widened]
    part = part_of(system, kept, allowed)
    return Fit(part, ledger_bounds(part), columns_in(part, system))


def fit_readings(system: System, verdicts: Verdicts, widen: np.ndarray) -> Hull | None:
    """Each reading of each group fitted (None if no group has readings). A group's months are
    those any of its readings' rows touch."""
    if not verdicts.groups:
        return None
    groups, group_columns = [], []
    for group in verdicts.groups:
        fits = [fit_part(system, reading.kept, reading.widened, widen) for reading in group.readings]
        groups.append(fits)
        group_columns.append(np.unique(np.concatenate([f.columns[f.system.component >= 0] for f in fits])))
    return Hull(groups, group_columns)
