"""Which claims contradict the rest: where rows cannot all hold, the smallest set of claims whose
removal leaves the rest feasible is set aside, never averaged in; among equally small sets, the
one whose claims are less corroborated and vaguer.
"""
from __future__ import annotations

import numpy as np

from .bounds import LedgerBounds
from .lp import IntervalLP
from .rows import ClaimArrays, System

MAX_BRUTE_FORCE_SET = 3  # exact search up to this many dropped claims per component, greedy beyond


def corroboration(claims: ClaimArrays) -> np.ndarray:
    """Per claim: how many other claims state the same series, period and measure with an overlapping interval."""
    counts = np.zeros(len(claims.ids), dtype=np.int64)
    numeric = np.flatnonzero(~claims.rank)
    keys: dict[tuple, list[int]] = {}
    for k, key in zip(numeric.tolist(), zip(claims.series[numeric].tolist(), claims.start[numeric].tolist(),
                                             claims.end[numeric].tolist(), claims.measure[numeric].tolist())):
        keys.setdefault(key, []).append(k)
    for members in keys.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if claims.lo[a] <= claims.hi[b] and claims.lo[b] <= claims.hi[a]:
                    counts[a] += 1
                    counts[b] += 1
    return counts


def looseness(claims: ClaimArrays) -> np.ndarray:
    """Per claim, how vague its statement is: 0 exact, 1 about, 2 nearly/over/under, 3 a ranking.
    Among equally small fixes, the vaguer claims are set aside."""
    return np.where(claims.rank, 3, np.where(claims.qualifier == "exact", 0, np.where(claims.exact, 1, 2)))


def _component_problems(system: System, broken: np.ndarray):
    """Yield (rows tagged with their claim id, n months) for each connected group of months whose rows cannot all hold."""
    coo = system.matrix.tocoo()
    row_component = np.full(system.matrix.shape[0], -1)
    row_component[coo.row] = system.component[coo.col]
    for c in np.flatnonzero(broken):
        months = np.flatnonzero(system.component == c)
        rows = np.flatnonzero(row_component == c)
        part = system.matrix[rows][:, months]
        tagged = [(system.claims.ids[system.row_claim[r]], part.indices[part.indptr[i]:part.indptr[i + 1]].tolist(),
                   part.data[part.indptr[i]:part.indptr[i + 1]].tolist(), system.row_lo[r], system.row_hi[r])
                  for i, r in enumerate(rows)]
        yield tagged, len(months)


def _conflict_without(lp_rows, n, dropped: frozenset[str], name_it: bool = True) -> set[str] | None:
    """None if the rows hold once `dropped` claims are set aside; else the claims of a conflict
    among the rest (every way to make them hold sets aside at least one of these), or an empty
    set when name_it is False (naming a conflict costs far more than finding there is one)."""
    kept = [row for row in lp_rows if row[0] not in dropped]
    if not kept:
        return None
    lp = IntervalLP(n, [(cols, coefs, lo, hi) for _, cols, coefs, lo, hi in kept])
    if lp.feasible():
        return None
    if not name_it:
        return set()
    rows = lp.conflict()
    return {kept[r][0] for r in rows} if rows is not None else {row[0] for row in kept}


def _smallest_removal(lp_rows, n, corroborated: dict[str, int], vague: dict[str, int]) -> set[str]:
    """The smallest set of claims whose removal lets the rest hold; among equally small sets, the
    one with the least corroboration, then the vaguest. Each candidate set is grown by one claim of
    a conflict among the claims it keeps, so every smallest set is found without trying every
    combination of claims."""
    def preference(dropped):
        return (sum(corroborated[c] for c in dropped), -sum(vague[c] for c in dropped), sorted(dropped))

    conflicts = {frozenset(): _conflict_without(lp_rows, n, frozenset())}
    if conflicts[frozenset()] is None:
        return set()
    frontier = [frozenset()]
    for size in range(1, MAX_BRUTE_FORCE_SET + 1):
        found, grown = [], []
        for dropped in frontier:
            for claim_id in sorted(conflicts[dropped]):
                larger = dropped | {claim_id}
                if larger in conflicts:
                    continue
                # the largest sets are only tested: nothing grows from them
                conflicts[larger] = conflict = _conflict_without(lp_rows, n, larger,
                                                                 name_it=size < MAX_BRUTE_FORCE_SET)
                (grown if conflict is not None else found).append(larger)
        if found:
            return set(min(found, key=preference))
        frontier = grown
    # many contradictions at once: set aside the least corroborated, vaguest claims until the rest hold
    dropped: frozenset[str] = frozenset()
    while (conflict := _conflict_without(lp_rows, n, dropped)) is not None:
        dropped |= {min(conflict, key=lambda c: preference({c}))}
    return set(dropped)


def find_contradictions(system: System, bounds: LedgerBounds) -> set[str]:
    """Claim ids to set aside so the rest of the ledger holds together."""
    if not bounds.infeasible.any():
        return set()
    corroborated = dict(zip(system.claims.ids, corroboration(system.claims)))
    vague = dict(zip(system.claims.ids, looseness(system.claims)))
    dropped: set[str] = set()
    for lp_rows, n in _component_problems(system, bounds.infeasible):
        dropped |= _smallest_removal(lp_rows, n, corroborated, vague)
    return dropped
