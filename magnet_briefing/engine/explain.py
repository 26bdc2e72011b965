"""Why a claim is not taken as stated, in plain words: what it says, what the other claims imply
instead, and what the reconstruction does with it.

What "the other claims" imply comes from a fit without the claim: the final fit for a claim
set aside (every least-weight removal takes it, so it does not fit even widened), the reading
that leaves it out for a disputed claim (and the reading that keeps it, for what its partners
would then have to give), the group refitted without it for a spread claim. Claims are named
in content order, each with its twins (content.py), so a reason reads the same whatever the
ids and the order of the ledger.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .allowance import weights
from .conflicts.verdicts import DISPUTED, INCONSISTENT, SPREAD, Verdicts, disagreeing, least_relaxation
from .content import twin_codes
from .implied import ranking_witness, ratio_bounds
from .readings import Hull, fit_part
from .rows import System

EXPLAIN_REFIT_MAX_CLAIMS = 400   # a spread claim's group is refitted without it up to this size
PARTNERS_NAMED = 3


def _tonnes(value: float) -> str:
    return f"{value:,.0f} t" if abs(value) >= 100 else f"{value:,.1f} t"


def _tonnes_range(lo: float, hi: float) -> str:
    if not math.isfinite(hi):
        return f"{_tonnes(lo)} or more"
    if hi - lo < 10:
        return f"{lo:,.1f}–{hi:,.1f} t"
    return f"{lo:,.0f}–{hi:,.0f} t"


def _change(multiplier: float, measure: str) -> str:
    if not math.isfinite(multiplier):
        return "no limit"
    return f"{multiplier:.3f}x" if measure == "mom_ratio" else f"{(multiplier - 1) * 100:+.2f}%"


def _allowance(claims, k: int, widen: float) -> str:
    if claims.measure[k] == "level":
        return f"±{widen:,.1f} t"
    if claims.rank[k]:
        return f"{widen * 100:.2f}% of the ranked period"
    return f"±{widen:.4f}x" if claims.measure[k] == "mom_ratio" else f"±{widen * 100:.2f} percentage point"


def said(claim) -> str:
    """What a ledger row states, as the ledger writes it."""
    qualifier = "" if claim.qualifier == "exact" or claim.measure in ("highest_since", "lowest_since") \
        else f"{claim.qualifier} "
    return f"{claim.series} {claim.period} {claim.measure} {qualifier}{claim.value_text} {claim.unit}"


class Explainer:
    """Reasons for the claims of one reconstruction (system: every claim, in content order)."""

    def __init__(self, ledger: pd.DataFrame, system: System, verdicts: Verdicts, estimates, hull: Hull | None,
                 widen: np.ndarray):
        self.ledger, self.system, self.verdicts, self.estimates = ledger, system, verdicts, estimates
        self.hull, self.widen = hull, widen
        self.codes = twin_codes(system.claims, in_order=True)
        self.position = {claim_id: k for k, claim_id in enumerate(system.claims.ids.tolist())}
        matrix = system.matrix
        first = np.full(matrix.shape[0], -1)
        nonempty = np.diff(matrix.indptr) > 0
        first[nonempty] = system.component[matrix.indices[matrix.indptr[:-1][nonempty]]]
        self.group = np.full(len(system.claims.ids), -1)
        self.group[system.row_claim[::-1]] = first[::-1]    # a claim's group: that of its first row

    # --- naming claims --------------------------------------------------------------------------

    def names(self, ids, leave_out=()) -> str:
        """Claim ids with their twins, in content order."""
        positions = np.array(sorted(self.position[i] for i in ids if i in self.position), dtype=np.int64)
        if len(positions):
            positions = np.flatnonzero(np.isin(self.codes, self.codes[positions]))
        named = [self.system.claims.ids[p] for p in positions if self.system.claims.ids[p] not in set(leave_out)]
        return ", ".join(named)

    def _others(self, ids, k: int) -> str:
        listed = self.names(ids, leave_out=[self.system.claims.ids[k]])
        return f"the other claims ({listed})" if listed else "the other claims"

    # --- what a fit implies ---------------------------------------------------------------------

    def _columns(self, k: int, back: int = 0, months: np.ndarray | None = None) -> np.ndarray | None:
        claims, system = self.system.claims, self.system
        series = claims.series[k]
        months = np.arange(claims.start[k], claims.end[k] + 1) - back if months is None else months
        if months.min() < system.first[series] or months.max() >= system.first[series] + system.n_months[series]:
            return None
        return system.column(np.full(len(months), series), months)

    def implied(self, k: int, fit) -> str:
        """What `fit` implies for claim k's quantity, as 'the other claims (...) put it at ...'."""
        claims = self.system.claims
        widen = self.widen[k]
        if claims.rank[k]:
            return self._ranking(k, fit)
        current = self._columns(k)
        if current is None:
            return "the other claims cannot say"
        if claims.lag[k] == 0:
            lo, hi, ids = fit.sum_bounds(current)
            return f"{self._others(ids, k)} put it at {_tonnes_range(lo, hi)}"
        base = self._columns(k, back=int(claims.lag[k]))
        if base is None:
            return "the other claims cannot say"
        lo, hi, ids = ratio_bounds(fit, current, base, claims.lo[k] - widen, claims.hi[k] + widen)
        if not math.isfinite(hi) and lo <= 0:
            return f"{self._others(ids, k)} leave the change open"
        return f"{self._others(ids, k)} imply {_change(lo, claims.measure[k])} to {_change(hi, claims.measure[k])}"

    def _ranking(self, k: int, fit) -> str:
        claims = self.system.claims
        found = ranking_witness(fit, claims, k, self.widen[k], lambda months: self._columns(k, months=months))
        ranked = self._columns(k)
        now = fit.sum_bounds(ranked)
        if found is None:
            return f"{self._others(now[2], k)} leave no room for this ranking"
        other, at_least, ratio = found
        length = int(claims.end[k] - claims.start[k] + 1)
        before = fit.sum_bounds(self._columns(k, months=np.arange(other, other + length)))
        label = str(pd.PeriodIndex.from_ordinals([other], freq="M")[0])
        month = str(pd.PeriodIndex.from_ordinals([int(claims.start[k])], freq="M")[0])
        if length > 1:
            label, month = f"that period of {label[:4]}", f"{claims.start[k] // 12 + 1970}'s"
        needs = f"the ranking needs {month} {'at most' if at_least else 'at least'} as high as {label}"
        ids = now[2] | before[2]
        if ratio is None:
            return (f"{self._others(ids, k)} put {label} at {_tonnes_range(before[0], before[1])} and "
                    f"{month} at {_tonnes_range(now[0], now[1])}, while {needs}")
        return (f"{self._others(ids, k)} put {month} at {ratio[0]:.3f}x to {_change(ratio[1], 'mom_ratio')} "
                f"{label}, while {needs}")

    # --- fits without a claim -------------------------------------------------------------------

    def _readings_of(self, k: int) -> list:
        """The readings of claim k's disputed group (empty if its group has no dispute)."""
        if self.hull is None:
            return []
        for group, fits in zip(self.verdicts.groups, self.hull.fits):
            if k in group.claims:
                return [(r, f) for r, f in zip(group.readings, fits) if r.held is None]
        return []

    def _without(self, k: int):
        """The final fit, or a disputed group's first reading (both leave claim k out)."""
        readings = self._readings_of(k)
        for reading, fit in readings:
            if k not in reading.kept:
                return fit
        return self.estimates

    def _refit_without(self, k: int):
        """Claim k's group fitted without it, the others relaxed as little as they then need."""
        status = self.verdicts.status
        group = np.flatnonzero((self.group == self.group[k]) & (status <= SPREAD))
        group = group[group != k]
        if len(group) > EXPLAIN_REFIT_MAX_CLAIMS or not len(group):
            return self.estimates
        widened, _, _ = least_relaxation(self.system, group, self.widen, weights(self.system.claims))
        return fit_part(self.system, group, group[widened], self.widen)

    # --- the reasons ----------------------------------------------------------------------------

    def reason(self, k: int) -> str:
        claim = self.ledger.iloc[k]
        status = self.verdicts.status[k]
        text = said(claim)
        allowance = _allowance(self.system.claims, k, self.widen[k])
        if status == INCONSISTENT:
            hint = self._gap_hint(k) if self.system.claims.measure[k] == "level" else ""
            return f"{text}: {self.implied(k, self._without(k))}{self._not(k)}, beyond its allowance of {allowance}. " \
                   f"Set aside.{hint}"
        if status == DISPUTED:
            return self._disputed(k, text)
        parts = []
        if self.verdicts.relaxed[k]:
            parts.append(f"{self.implied(k, self._refit_without(k))}, against its {self._written(k)}")
        differing = self._differing(k)
        if differing:
            parts.append(f"{', '.join(differing)} {'states' if len(differing) == 1 else 'state'} the same figure beyond the "
                         f"written precision of both, and nothing says which outlet has the revised one")
        return f"{text}: {'; '.join(parts)}. Kept within its allowance for revisions and rounding between " \
               f"outlets ({allowance}), and widened by it."

    def _not(self, k: int) -> str:
        return "" if self.system.claims.rank[k] else f", not {self._written(k)}"

    def _written(self, k: int) -> str:
        """Claim k's figure with its own digits: '5,864.6 t', '+8.7%', '2.6x'."""
        claim = self.ledger.iloc[k]
        text = claim["value_text"]
        if claim["measure"] == "level":
            if claim["unit"] != "t" or "e" in text.lower():
                return _tonnes(self.system.claims.central[k])
            whole, dot, decimals = text.partition(".")
            return f"{int(whole):,}{dot}{decimals} t"
        if claim["measure"] == "mom_ratio":
            return f"{text}x"
        return f"{'' if text.startswith('-') else '+'}{text}%"

    def _gap_hint(self, k: int) -> str:
        claims = self.system.claims
        columns = self._columns(k)
        if columns is None:
            return ""
        lo, hi, _ = self._without(k).sum_bounds(columns)
        stated = claims.central[k]
        if lo > 0 and (stated > 1.5 * hi or stated < lo / 1.5):
            return " A gap this large usually means another product, destination or unit."
        return ""

    def _differing(self, k: int) -> list[str]:
        """The kept claims stating claim k's quantity with an interval disjoint from its own, with their figures."""
        claims, status = self.system.claims, self.verdicts.status
        same = np.flatnonzero((claims.series == claims.series[k]) & (claims.start == claims.start[k])
                              & (claims.end == claims.end[k]) & (claims.lag == claims.lag[k]) & ~claims.rank
                              & (status <= SPREAD))
        found = disagreeing(self.system, same)
        others = [j for j in same[found] if j != k and (claims.lo[j] > claims.hi[k] or claims.lo[k] > claims.hi[j])]
        return [f"{self.names([claims.ids[j]])} ({self._written(j)})" for j in others]

    def _disputed(self, k: int, text: str) -> str:
        claims = self.system.claims
        partners = self.verdicts.partners.get(k, [])
        named = self.names([claims.ids[p] for p in partners]) or "other claims"
        readings = self._readings_of(k)
        without = next((fit for reading, fit in readings if k not in reading.kept
                        and any(p in reading.kept for p in partners)), self.estimates)
        parts = [f"read without it, {self.implied(k, without)}{self._not(k)}"]
        for p in partners[:PARTNERS_NAMED]:
            fit = next((fit for reading, fit in readings if p not in reading.kept and k in reading.kept), None)
            if fit is not None:
                parts.append(f"read without {self.names([claims.ids[p]])}, {self.implied(p, fit)}{self._not(p)}")
        return (f"{text}: disputed with {named}: they cannot all hold, and nothing else says which is wrong; "
                f"{'; '.join(parts)}. Neither reading is chosen: the claims are left out, and the months they touch "
                f"are bounded to cover every reading.")


def reasons(ledger: pd.DataFrame, system: System, verdicts: Verdicts, estimates, hull: Hull | None,
            widen: np.ndarray) -> np.ndarray:
    """Per claim (content order): its reason, empty for a consistent claim."""
    reason = np.full(len(system.claims.ids), "", dtype=object)
    todo = np.flatnonzero(verdicts.status != 0)
    if len(todo):
        explainer = Explainer(ledger, system, verdicts, estimates, hull, widen)
        for k in todo.tolist():
            reason[k] = explainer.reason(k)
    return reason

