"""The least-weight claims to remove from a problem so that the rest hold, found exactly, and every
other removal of the same weight: an implicit hitting set.

A conflict is a set of claims that cannot all hold (an irreducible infeasible subset of their
rows, named by HiGHS, or two claims stating one quantity with disjoint intervals): every
removal that works takes at least one claim of each. The least-weight set of claims meeting
every conflict found so far is a small binary program; if the rest still cannot hold, their
conflict joins the list and the program is solved again. No search limit: any number of
conflicts, each found once.

Ties are declared, never broken: each claim of a conflict is forced kept (if the best removal
takes it) or removed (if not) and the search run again. A claim every least-weight removal
takes is removed for good; one that some take and others keep is disputed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

from ..allowance import TIE
from ..lp import new_highs
from .problem import Problem

SMALL_HITTING_SET = 12   # up to this many claims to choose from: branch and bound, not a MIP


@dataclass
class Decision:
    """Per local claim of a problem: whether every least-weight removal takes it, or only some."""
    always: np.ndarray                    # bool
    sometimes: np.ndarray                 # bool: some least-weight removals take it, others keep it
    optima: list[np.ndarray] = field(default_factory=list)    # the distinct least-weight removals found
    conflicts: list[np.ndarray] = field(default_factory=list)

    def partners(self, k: int) -> list[int]:
        """The other disputed claims of the conflicts claim k is in."""
        found = set()
        for conflict in self.conflicts:
            if k in conflict:
                found |= {int(c) for c in conflict if self.sometimes[c]}
        return sorted(found - {k})


def _branch_and_bound(conflicts: list[list[int]], weight: list[float]) -> list[int]:
    """The least-weight variables meeting every conflict (each a list of variables; every one can
    be met), by branching on the conflict with the fewest members still allowed: for a handful of
    claims this is much quicker than starting a MIP solver, and as exact. Of equally light sets,
    the first found (the order is content order)."""
    best: list = [float("inf"), []]

    def search(chosen: list[int], cost: float, banned: set[int]) -> None:
        if cost >= best[0] - TIE / 10:
            return
        options = None
        for conflict in conflicts:
            if any(v in chosen for v in conflict):
                continue
            allowed = [v for v in conflict if v not in banned]
            if not allowed:
                return
            if options is None or len(allowed) < len(options):
                options = allowed
        if options is None:
            best[:] = [cost, list(chosen)]
            return
        tried = set()
        for v in options:
            search(chosen + [v], cost + weight[v], banned | tried)
            tried.add(v)

    search([], 0.0, set())
    return best[1]


def _hitting_set(conflicts: list[np.ndarray], weight: np.ndarray, keep: np.ndarray,
                 remove: np.ndarray) -> np.ndarray | None:
    """The least-weight claims meeting every conflict, never one of `keep`, always all of `remove`
    (None if no such set exists). A binary program; the order of its variables is content order."""
    chosen = remove.copy()
    open_conflicts = [c[~keep[c]] for c in conflicts if not remove[c].any()]
    if not open_conflicts:
        return chosen
    if any(not len(c) for c in open_conflicts):
        return None
    variables = np.unique(np.concatenate(open_conflicts))
    if len(variables) <= SMALL_HITTING_SET:
        found = _branch_and_bound([np.searchsorted(variables, c).tolist() for c in open_conflicts],
                                  weight[variables].tolist())
        chosen[variables[found]] = True
        return chosen
    local = np.searchsorted(variables, np.concatenate(open_conflicts)).astype(np.int32)
    starts = np.r_[0, np.cumsum([len(c) for c in open_conflicts])].astype(np.int32)
    n, rows = len(variables), len(open_conflicts)
    highs = new_highs()
    highs.passModel(n, rows, len(local), int(highspy.MatrixFormat.kRowwise), int(highspy.ObjSense.kMinimize), 0.0,
                    weight[variables].astype(float), np.zeros(n), np.ones(n), np.ones(rows),
                    np.full(rows, highspy.kHighsInf), starts, local, np.ones(len(local)), np.ones(n, dtype=np.int32))
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", TIE / 10)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    chosen[variables[np.asarray(highs.getSolution().col_value) > 0.5]] = True
    return chosen


def least_removal(problem: Problem, conflicts: list[np.ndarray], keep: np.ndarray | None = None,
                  remove: np.ndarray | None = None) -> np.ndarray | None:
    """A least-weight removal under the forced choices (None if there is none). `conflicts` grows:
    a conflict found is one for every later call on the same problem."""
    keep = np.zeros(problem.m, dtype=bool) if keep is None else keep
    remove = np.zeros(problem.m, dtype=bool) if remove is None else remove
    while True:
        chosen = _hitting_set(conflicts, problem.weight, keep, remove)
        if chosen is None:
            return None
        found = problem.conflict(chosen)
        if found is None:
            return chosen
        conflicts.append(found)


def decide(problem: Problem) -> Decision:
    conflicts = [pair for pair in problem.pairs]
    best = least_removal(problem, conflicts)
    if best is None:
        raise ValueError("the claims cannot hold even with every claim removed")  # only never-dropped rows remain
    optima, tested = [best], set()
    weight = float(problem.weight[best].sum())
    while untested := sorted(set(np.concatenate(conflicts).tolist()) - tested) if conflicts else []:
        for k in untested:
            tested.add(k)
            forced = np.zeros(problem.m, dtype=bool)
            forced[k] = True
            other = least_removal(problem, conflicts, keep=forced) if best[k] else \
                least_removal(problem, conflicts, remove=forced)
            if other is not None and problem.weight[other].sum() <= weight + TIE \
                    and not any((other == seen).all() for seen in optima):
                optima.append(other)
    every = np.logical_and.reduce(optima)
    some = np.logical_or.reduce(optima)
    return Decision(every, some & ~every, optima, conflicts)
