"""Every claim's status, group by group of months whose rows cannot all hold.

1. Removal: on rows widened by the allowance, the least-weight claims to set aside so the rest
   hold. A claim every least-weight removal takes is inconsistent; one only some take is
   disputed (the evidence does not say which reading is right). Both are left out of the fit.
2. Relaxation: if the kept claims still cannot all hold as stated, the least-weight claims that
   must use their allowance. Those some least-weight relaxation needs are spread: kept, widened.
3. Two kept claims stating one quantity (series, period, level or growth over one lag) beyond
   their written precision are both spread: one outlet has the revised figure and nothing says
   which, so neither is held to its digits.
4. A group with disputed or spread claims gets readings (readings.py fits them, and its months
   show what every reading allows): one per least-weight removal found, relaxed as in 2 and 3,
   and then one per claim that relaxation widens, held to its digits and the others relaxed as
   they then must be. Whichever claim is right, its figure is inside the bounds.

Groups of up to EXACT_MAX_CLAIMS claims are searched exactly (exact.py); larger ones by the
elastic LP (large.py). Many or large groups are shared out between worker processes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..allowance import allowance, weights
from ..bounds import LedgerBounds
from ..rows import System
from ..scale_out import available_workers, solve_each
from . import exact, large
from .problem import Problem, disagreeing_pairs, holds_as_stated, relaxation_problem, removal_problem

CONSISTENT, SPREAD, INCONSISTENT, DISPUTED = range(4)
STATUSES = np.array(["consistent", "spread", "inconsistent", "disputed"], dtype=object)
EXACT_MAX_CLAIMS = 400
MAX_REMOVALS_READ = 8     # least-weight removals read per group
MAX_HELD_READ = 8         # claims held to their digits per removal
CLAIMS_PER_TASK = 8_000   # groups are handed to workers in tasks of about this many claims


@dataclass(frozen=True)
class Reading:
    """One way to settle a group: the claims it keeps, and those it widens by their allowance; `held`,
    a claim it holds to its digits where the least relaxation would widen it (None for that one)."""
    kept: np.ndarray
    widened: np.ndarray
    held: int | None = None


@dataclass(frozen=True)
class Readings:
    """A group of months with disputed or spread claims: all its claims, and its readings."""
    claims: np.ndarray
    readings: list[Reading]


@dataclass
class Verdicts:
    """Per claim of the system: its status, and whether the others need it to use its allowance
    (a spread claim that is not relaxed is spread only for disagreeing with a figure of the same
    quantity); per disputed claim, the claims it is disputed with; the readings of each group of
    months with disputed or spread claims (searched exactly)."""
    status: np.ndarray
    relaxed: np.ndarray
    group: np.ndarray        # per claim: its connected group of months in the system (-1 if none)
    partners: dict[int, list[int]] = field(default_factory=dict)
    groups: list[Readings] = field(default_factory=list)

    @property
    def kept(self) -> np.ndarray:
        return np.flatnonzero(self.status <= SPREAD)

    def settled_nothing(self) -> bool:
        return bool((self.status == CONSISTENT).all())


def _search(problem: Problem) -> exact.Decision:
    return exact.decide(problem) if problem.m <= EXACT_MAX_CLAIMS else large.decide(problem)


def disagreeing(system: System, claims: np.ndarray) -> np.ndarray:
    """Per claim of `claims`: another of them states the same quantity beyond the written precision
    of both (problem.disagreeing_pairs)."""
    pairs = disagreeing_pairs(system.claims, claims, system.claims.lo[claims], system.claims.hi[claims])
    found = np.zeros(len(claims), dtype=bool)
    found[pairs.ravel()] = True
    return found


def _relaxed(system: System, kept: np.ndarray, widen: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per kept claim: whether some least-weight relaxation needs it. For a large group, whether
    the elastic LP's least relaxation does (large.relaxed), and none where the kept claims hold
    as stated, as they mostly do once the mistakes are out (tested first)."""
    if len(kept) <= EXACT_MAX_CLAIMS:
        decision = exact.decide(relaxation_problem(system, kept, widen, weight))
        return decision.always | decision.sometimes
    if holds_as_stated(system, kept):
        return np.zeros(len(kept), dtype=bool)
    return large.relaxed(relaxation_problem(system, kept, widen, weight, scaled=True))


def least_relaxation(system: System, kept: np.ndarray, widen: np.ndarray, weight: np.ndarray):
    """Per kept claim (a small group's): whether the first least-weight relaxation found widens it,
    or it disagrees with a claim of its quantity (step 3); and the relaxation problem with its
    conflicts, to search again."""
    problem = relaxation_problem(system, kept, widen, weight)
    conflicts = list(problem.pairs)
    least = exact.least_removal(problem, conflicts)
    return least | disagreeing(system, kept), problem, conflicts


def _readings(system: System, claims: np.ndarray, removals: list[np.ndarray], widen: np.ndarray,
              weight: np.ndarray) -> list[Reading]:
    """Per least-weight removal (a mask over `claims`): the reading that relaxes least, then one per
    claim it widens, with that claim held to its digits, so the months cover each outlet's figure."""
    readings = []
    for removed in removals[:MAX_REMOVALS_READ]:
        kept = claims[~removed]
        widened, problem, conflicts = least_relaxation(system, kept, widen, weight)
        readings.append(Reading(kept, kept[widened]))
        for k in np.flatnonzero(widened)[:MAX_HELD_READ]:
            held = np.zeros(len(kept), dtype=bool)
            held[k] = True
            other = exact.least_removal(problem, conflicts, keep=held)
            if other is not None:
                readings.append(Reading(kept, kept[(other | disagreeing(system, kept)) & ~held], int(kept[k])))
    return readings


def judge(system: System, claims: np.ndarray, widen: np.ndarray, weight: np.ndarray):
    """One group (its claims, in content order): (status and relaxed per claim, partners, readings)."""
    exactly = len(claims) <= EXACT_MAX_CLAIMS
    decision = _search(removal_problem(system, claims, widen, weight, scaled=not exactly))
    status = np.where(decision.always, INCONSISTENT, np.where(decision.sometimes, DISPUTED, CONSISTENT))
    kept = np.flatnonzero(status == CONSISTENT)
    relaxed = np.zeros(len(claims), dtype=bool)
    if len(kept):
        relaxed[kept] = _relaxed(system, claims[kept], widen, weight)
        status[kept[relaxed[kept] | disagreeing(system, claims[kept])]] = SPREAD
    partners = {int(claims[k]): [int(claims[p]) for p in decision.partners(int(k))]
                for k in np.flatnonzero(decision.sometimes)}
    readings = []
    if exactly and (decision.sometimes.any() or (status == SPREAD).any()):
        removals = decision.optima if decision.sometimes.any() else [decision.always]
        readings = _readings(system, claims, removals, widen, weight)
    return status, relaxed, partners, readings


def _broken_groups(system: System, bounds: LedgerBounds, claim_component: np.ndarray) -> list[np.ndarray]:
    """The claims (content order) of each connected group of months whose rows cannot all hold,
    or where two claims of one quantity disagree beyond their precision."""
    claims = system.claims
    pairs = disagreeing_pairs(claims, np.arange(len(claims.ids)), claims.lo, claims.hi)
    broken = np.union1d(np.flatnonzero(bounds.infeasible), claim_component[pairs.ravel()])
    broken = broken[broken >= 0]
    chosen = np.flatnonzero(np.isin(claim_component, broken))
    order = np.lexsort((chosen, claim_component[chosen]))
    chosen = chosen[order]
    return np.split(chosen, np.flatnonzero(np.diff(claim_component[chosen])) + 1) if len(chosen) else []


def settle(system: System, bounds: LedgerBounds) -> Verdicts:
    """The status of every claim of the system (all consistent when every group holds)."""
    n = len(system.claims.ids)
    verdicts = Verdicts(np.full(n, CONSISTENT, dtype=np.int8), np.zeros(n, dtype=bool), system.claim_component())
    groups = _broken_groups(system, bounds, verdicts.group)
    if not groups:
        return verdicts
    widen, weight = allowance(system.claims), weights(system.claims)
    tasks, size = [[]], 0
    for g, claims in enumerate(groups):
        if size >= CLAIMS_PER_TASK:
            tasks.append([])
            size = 0
        tasks[-1].append(g)
        size += len(claims)
    workers = available_workers() if len(tasks) > 1 else 1

    def judge_task(task: list[int]):
        return [judge(system, groups[g], widen, weight) for g in task]

    for task, answers in zip(tasks, solve_each(judge_task, tasks, workers)):
        for g, (status, relaxed, partners, readings) in zip(task, answers):
            verdicts.status[groups[g]] = status
            verdicts.relaxed[groups[g]] = relaxed
            verdicts.partners.update(partners)
            if readings:
                verdicts.groups.append(Readings(groups[g], readings))
    return verdicts
