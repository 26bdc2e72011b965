"""Why a claim is not taken as stated, in plain words: what it says, what the other claims imply
instead, and what the reconstruction does with it.

What "the other claims" imply comes from a fit without the claim (implied.py): the final fit
for a claim set aside (every least-weight removal takes it, so it does not fit even widened),
the reading that leaves it out for a disputed claim (and the readings that keep it, for what
its partners would then have to give), the group refitted without it for a spread claim.
Claims are named in content order, each with its twins (content.py), so a reason reads the
same whatever the ids and the order of the ledger. A large ledger's reasons are written in
slices on forked workers (scale_out.py), for the speed target.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .allowance import weights
from .conflicts.problem import disagreeing_pairs
from .conflicts.verdicts import DISPUTED, EXACT_MAX_CLAIMS, INCONSISTENT, SPREAD, Verdicts, least_relaxation
from .content import twin_codes
from .implied import Implied
from .readings import Hull, fit_part
from .rows import System, widened_intervals
from .scale_out import available_workers, solve_each

PARTNERS_NAMED = 3
EXPLAIN_REFIT_MAX_CLAIMS = EXACT_MAX_CLAIMS   # a spread claim's group is refitted without it up to this size
REASONS_PER_TASK = 2_000   # a ledger with more reasons to write shares them out between workers


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


class Explainer:
    """Reasons for the claims of one reconstruction (`system`: every claim, in content order,
    over the ledger's columns; `ledger`: the claims as loaded, `order` its rows in content order)."""

    def __init__(self, ledger: pd.DataFrame, order: np.ndarray, system: System, verdicts: Verdicts, estimates,
                 hull: Hull | None, widen: np.ndarray):
        self.system, self.claims, self.verdicts = system, system.claims, verdicts
        self.hull, self.widen = hull, widen
        self.wide_lo, self.wide_hi = widened_intervals(self.claims, widen)
        self.text = {column: ledger[column].to_numpy(dtype=object)[order]
                     for column in ("period", "value_text", "unit")}
        self.index = pd.Index(self.claims.ids)
        self.index.get_loc(self.claims.ids[0])   # its hash table built here, before any worker is forked
        estimates.claims_of_rows([])
        codes = twin_codes(self.claims, in_order=True)   # twins are neighbours in content order
        self.first_twin = np.r_[0, np.flatnonzero(np.diff(codes)) + 1]
        self.twin_of = codes
        self.final = Implied(estimates)
        self._fits: dict[int, Implied] = {}
        group = verdicts.group
        self._by_group = np.argsort(group, kind="stable")   # claims by group, in content order within each
        self._group_starts = np.searchsorted(group[self._by_group], np.arange(group.max(initial=-1) + 2))

    def _group(self, k: int) -> np.ndarray:
        """The claims of claim k's group of months, in content order."""
        g = self.verdicts.group[k]
        return self._by_group[self._group_starts[g]:self._group_starts[g + 1]] if g >= 0 else np.array([k])

    # --- naming claims --------------------------------------------------------------------------

    def names(self, ids, leave_out: int | None = None) -> str:
        """Claim ids with their twins, in content order."""
        codes = np.unique([self.twin_of[self.index.get_loc(i)] for i in ids])
        ends = np.r_[self.first_twin[1:], len(self.twin_of)]
        positions = [p for c in codes.tolist() for p in range(self.first_twin[c], ends[c]) if p != leave_out]
        return ", ".join(self.claims.ids[positions].tolist())

    def _others(self, ids, k: int) -> str:
        listed = self.names(ids, leave_out=k)
        return f"the other claims ({listed})" if listed else "the other claims"

    def said(self, k: int) -> str:
        """What claim k states, as the ledger writes it."""
        claims = self.claims
        qualifier = "" if claims.qualifier[k] == "exact" or claims.rank[k] else f"{claims.qualifier[k]} "
        return (f"{claims.names[claims.series[k]]} {self.text['period'][k]} {claims.measure[k]} {qualifier}"
                f"{self.text['value_text'][k]} {self.text['unit'][k]}")

    def written(self, k: int) -> str:
        """Claim k's figure with its own digits: '5,864.6 t', '+8.7%', '2.6x'."""
        text, measure = self.text["value_text"][k], self.claims.measure[k]
        if measure == "level":
            if self.text["unit"][k] != "t" or "e" in text.lower():
                return _tonnes(self.claims.central[k])
            whole, dot, decimals = text.partition(".")
            return f"{int(whole):,}{dot}{decimals} t"
        if measure == "mom_ratio":
            return f"{text}x"
        return f"{'' if text.startswith('-') else '+'}{text}%"

    # --- what a fit implies ---------------------------------------------------------------------

    def _columns(self, k: int, back: int = 0, months: np.ndarray | None = None) -> np.ndarray | None:
        claims, system = self.claims, self.system
        series = claims.series[k]
        months = np.arange(claims.start[k], claims.end[k] + 1) - back if months is None else months
        if months.min() < system.first[series] or months.max() >= system.first[series] + system.n_months[series]:
            return None
        return system.column(np.full(len(months), series), months)

    def _widened(self, k: int) -> tuple[float, float]:
        return self.wide_lo[k], self.wide_hi[k]

    def implied(self, k: int, fit: Implied, tight: bool | None = False) -> tuple[str, bool]:
        """What `fit` implies for claim k's quantity, as 'the other claims (...) put it at ...':
        bounds clear of the claim widened by its allowance (a claim not used: its reason must not
        seem to admit it), the tightest (`tight`), or the periods' own bounds (`tight` None: a
        large group's spread claim, which the final fit holds within its allowance); and whether
        those bounds admit the claim, widened."""
        claims = self.claims
        if claims.rank[k]:
            return self._ranking(k, fit), False
        current = self._columns(k)
        if current is None:
            return "the other claims cannot say", False
        avoid = {True: (0.0, math.inf), False: self._widened(k), None: None}[tight]
        low, high = self._widened(k)
        if claims.lag[k] == 0:
            lo, hi, ids = fit.period(current, avoid) if avoid is not None else fit.loose(current)
            return f"{self._others(ids, k)} put it at {_tonnes_range(lo, hi)}", lo <= high and low <= hi
        base = self._columns(k, back=int(claims.lag[k]))
        if base is None:
            return "the other claims cannot say", False
        lo, hi, ids = fit.ratio(current, base, avoid)
        if not math.isfinite(hi) and lo <= 0:
            return f"{self._others(ids, k)} leave the change open", True
        text = f"{self._others(ids, k)} imply {_change(lo, claims.measure[k])} to {_change(hi, claims.measure[k])}"
        return text, lo <= high and low <= hi

    def _ranking(self, k: int, fit: Implied) -> str:
        claims = self.claims
        found = fit.ranking_witness(claims, k, self.widen[k], lambda months: self._columns(k, months=months))
        now = fit.exact(self._columns(k))
        if found is None:
            return f"{self._others(now[2], k)} leave no room for this ranking"
        other, at_least, ratio = found
        length = int(claims.end[k] - claims.start[k] + 1)
        before = fit.exact(self._columns(k, months=np.arange(other, other + length)))
        label = str(pd.PeriodIndex.from_ordinals([other], freq="M")[0])
        month = str(pd.PeriodIndex.from_ordinals([int(claims.start[k])], freq="M")[0])
        if length > 1:
            label, month = f"that period of {label[:4]}", f"{month[:4]}'s"
        needs = f"the ranking needs {month} {'at most' if at_least else 'at least'} as high as {label}"
        ids = now[2] | before[2]
        if ratio is None:
            return (f"{self._others(ids, k)} put {label} at {_tonnes_range(before[0], before[1])} and "
                    f"{month} at {_tonnes_range(now[0], now[1])}, while {needs}")
        return (f"{self._others(ids, k)} put {month} at {ratio[0]:.3f}x to {_change(ratio[1], 'mom_ratio')} "
                f"{label}, while {needs}")

    # --- fits without a claim -------------------------------------------------------------------

    def _fit(self, fit) -> Implied:
        if id(fit) not in self._fits:
            self._fits[id(fit)] = Implied(fit)
        return self._fits[id(fit)]

    def _readings_of(self, k: int) -> list:
        """The least-relaxing readings of claim k's group (empty if its group has none)."""
        if self.hull is None:
            return []
        for group, fits in zip(self.verdicts.groups, self.hull.fits):
            if k in group.claims:
                return [(r, self._fit(f)) for r, f in zip(group.readings, fits) if r.held is None]
        return []

    def _without(self, k: int) -> Implied:
        """The final fit, or the first reading of claim k's group (both leave claim k out)."""
        for reading, fit in self._readings_of(k):
            if k not in reading.kept:
                return fit
        return self.final

    def _refit_without(self, k: int) -> Implied | None:
        """Claim k's group fitted without it, the others relaxed as little as they then need (None
        for a large group: its reasons read the final fit)."""
        status = self.verdicts.status
        group = self._group(k)
        group = group[(status[group] <= SPREAD) & (group != k)]
        if len(group) > EXPLAIN_REFIT_MAX_CLAIMS or not len(group):
            return None
        widened, _, _ = least_relaxation(self.system, group, self.widen, weights(self.claims))
        return Implied(fit_part(self.system, group, group[widened], self.widen))

    # --- the reasons ----------------------------------------------------------------------------

    def reason(self, k: int) -> str:
        status = self.verdicts.status[k]
        allowance = self._allowance(k)
        if status == INCONSISTENT:
            implied, admits = self.implied(k, self._without(k))
            differing = self._differing(k) if admits else []
            if differing:   # rows that hold together, figures that do not ("1,000 t" and "2,000 t")
                return (f"{self.said(k)}: {self._state(differing)} the same figure, and each rules out the other "
                        f"beyond their written precision and its "
                        f"allowance of {allowance}; {implied}{self._not(k)}. Set aside.")
            if admits:   # only the large groups' search, which is not exact, leaves a claim so
                return (f"{self.said(k)}: {implied} once the claims it conflicted with are out too; the search "
                        f"for a long series, which is not exact, set it aside with them (its allowance: "
                        f"{allowance}). Set aside.")
            hint = self._gap_hint(k) if self.claims.measure[k] == "level" else ""
            return f"{self.said(k)}: {implied}{self._not(k)}, beyond its allowance of {allowance}. Set aside.{hint}"
        if status == DISPUTED:
            return self._disputed(k)
        parts = []
        if self.verdicts.relaxed[k]:
            refit = self._refit_without(k)
            parts.append(f"{self.implied(k, refit or self.final, tight=True if refit else None)[0]}, against its "
                         f"{self.written(k)}")
        differing = self._differing(k)
        if differing:
            parts.append(f"{self._state(differing)} the same figure beyond the written precision of both, and "
                         f"nothing says which outlet has the revised one")
        return (f"{self.said(k)}: {'; '.join(parts)}. Kept within its allowance for revisions and rounding between "
                f"outlets ({allowance}), and widened by it.")

    def _allowance(self, k: int) -> str:
        claims, widen = self.claims, self.widen[k]
        if claims.measure[k] == "level":
            return f"±{widen:,.1f} t"
        if claims.rank[k]:
            return f"{widen * 100:.2f}% of the ranked period"
        return f"±{widen:.4f}x" if claims.measure[k] == "mom_ratio" else f"±{widen * 100:.2f} percentage point"

    def _not(self, k: int) -> str:
        return "" if self.claims.rank[k] else f", not {self.written(k)}"

    def _gap_hint(self, k: int) -> str:
        columns = self._columns(k)
        if columns is None:
            return ""
        lo, hi, _ = self._without(k).period(columns, self._widened(k))
        stated = self.claims.central[k]
        if lo > 0 and (stated > 1.5 * hi or stated < lo / 1.5):
            return " A gap this large usually means another product, destination or unit."
        return ""

    def _differing(self, k: int) -> list[str]:
        """The kept claims stating claim k's quantity beyond the written precision of both, with their figures."""
        claims, status = self.claims, self.verdicts.status
        group = self._group(k)
        same = group[(claims.series[group] == claims.series[k]) & (claims.start[group] == claims.start[k])
                     & (claims.end[group] == claims.end[k]) & (claims.lag[group] == claims.lag[k])
                     & ~claims.rank[group] & (status[group] <= SPREAD) & (group != k)]
        among = np.r_[k, same]
        pairs = disagreeing_pairs(claims, among, claims.lo[among], claims.hi[among])
        others = among[pairs[pairs[:, 0] == 0, 1]]
        codes = np.unique(self.twin_of[others])   # twins once, with their figure
        first = {int(self.twin_of[j]): int(j) for j in others[::-1]}
        return [f"{self.names([claims.ids[first[c]]])} ({self.written(first[c])})" for c in codes.tolist()]

    @staticmethod
    def _state(differing: list[str]) -> str:
        """'x (4,345.5 t) states' or 'x, y (1,000 t) state'."""
        named = sum(len(entry.split(" (")[0].split(", ")) for entry in differing)
        return f"{', '.join(differing)} {'states' if named == 1 else 'state'}"

    def _disputed(self, k: int) -> str:
        claims = self.claims
        partners = self.verdicts.partners.get(k, [])
        named = self.names([claims.ids[p] for p in partners]) or "other claims"
        readings = self._readings_of(k)
        without = next((fit for reading, fit in readings if k not in reading.kept
                        and any(p in reading.kept for p in partners)), self.final)
        parts = [f"read without it, {self.implied(k, without)[0]}{self._not(k)}"]
        for p in partners[:PARTNERS_NAMED]:
            fit = next((fit for reading, fit in readings if p not in reading.kept and k in reading.kept), None)
            if fit is not None:
                parts.append(f"read without {self.names([claims.ids[p]])}, {self.implied(p, fit)[0]}{self._not(p)}")
        return (f"{self.said(k)}: disputed with {named}: they cannot all hold, and nothing else says which is "
                f"wrong; {'; '.join(parts)}. Neither reading is chosen: the claims are left out, and the months "
                f"they touch are bounded to cover every reading.")



def reasons(ledger: pd.DataFrame, order: np.ndarray, system: System, verdicts: Verdicts, estimates,
            hull: Hull | None, widen: np.ndarray) -> np.ndarray:
    """Per claim (content order): its reason, empty for a consistent claim."""
    reason = np.full(len(system.claims.ids), "", dtype=object)
    todo = np.flatnonzero(verdicts.status != 0)
    if not len(todo):
        return reason
    explainer = Explainer(ledger, order, system, verdicts, estimates, hull, widen)
    tasks = np.array_split(todo, max(1, len(todo) // REASONS_PER_TASK))
    workers = available_workers() if len(tasks) > 1 else 1
    for task, written in zip(tasks, solve_each(lambda task: [explainer.reason(k) for k in task.tolist()], tasks,
                                               workers)):
        reason[task] = written
    return reason
