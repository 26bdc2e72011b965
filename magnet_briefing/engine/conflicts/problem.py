"""One group of months whose rows cannot all hold, as the searches for claims to set aside see it.

Its claims are numbered locally in content order (content.py) and have rows over the group's
own months. In a removal problem every claim's rows are widened by its allowance, and
removing a claim drops its rows. In a relaxation problem the kept claims' rows are as stated,
and their widened rows are there too, never dropped: removing a claim there lets it use its
allowance. Both are built from the claims by rows.py, as the whole ledger is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..allowance import reference_levels, row_scales
from ..lp import IntervalLP
from ..rows import BASE, ClaimArrays, System, part_of, widened_intervals


@dataclass
class Problem:
    claims: np.ndarray          # per local claim: its index among the system's claims
    weight: np.ndarray          # per local claim
    matrix: sparse.csr_matrix   # rows over the group's months, numbered locally
    lo: np.ndarray
    hi: np.ndarray
    owner: np.ndarray           # per row: the local claim whose removal drops it; -1: never dropped
    hard: np.ndarray            # per row: never broken on its own (a base row, a row never dropped)
    scale: np.ndarray | None    # per row: one allowance in the row's units (the elastic LP's unit of slack)
    pairs: np.ndarray           # (p, 2) local claims that cannot both hold (disagreeing_pairs): a conflict no LP need find

    @property
    def m(self) -> int:
        return len(self.claims)

    @property
    def n(self) -> int:
        return self.matrix.shape[1]

    def kept_rows(self, removed: np.ndarray) -> np.ndarray:
        return np.flatnonzero((self.owner < 0) | ~removed[np.maximum(self.owner, 0)])

    def conflict(self, removed: np.ndarray) -> np.ndarray | None:
        """Local claims of an irreducible infeasible subset of the rows the removal keeps (every way
        to make them hold removes one of these); None if they hold."""
        rows = self.kept_rows(removed)
        lp = IntervalLP.from_csr(self.matrix[rows], self.lo[rows], self.hi[rows])
        if not len(rows) or lp.feasible():
            return None
        found = lp.conflict()
        owners = self.owner[rows if found is None else rows[found]]
        return np.unique(owners[owners >= 0])


def disagreeing_pairs(claims: ClaimArrays, index: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """(p, 2) positions in `index` of claims that state the same quantity (series, period, and level
    or growth over the same lag) and cannot both be as stated: their intervals lo..hi (per
    position) are disjoint, or both name a figure (exact, about) and neither interval holds the
    other's. "1000 t" and "2000 t" share only 1,500 t, which neither outlet reported."""
    keep = np.flatnonzero(~claims.rank[index])
    at = index[keep]
    order = keep[np.lexsort((claims.lag[at], claims.end[at], claims.start[at], claims.series[at]))]
    at = index[order]
    key = np.stack([claims.series[at], claims.start[at], claims.end[at], claims.lag[at]], axis=1)
    central = np.where(claims.exact[index], claims.central[index], np.nan)
    pairs = []
    for step in range(1, len(order)):
        same = np.flatnonzero((key[step:] == key[:-step]).all(axis=1))
        if not len(same):
            break
        a, b = order[same], order[same + step]
        apart = (lo[a] > hi[b]) | (lo[b] > hi[a])
        with np.errstate(invalid="ignore"):
            holds_b = (lo[a] <= central[b]) & (central[b] <= hi[a])
            holds_a = (lo[b] <= central[a]) & (central[a] <= hi[b])
        named = np.isfinite(central[a]) & np.isfinite(central[b])
        found = apart | (named & ~holds_a & ~holds_b)
        pairs.append(np.stack([np.minimum(a, b)[found], np.maximum(a, b)[found]], axis=1))
    return np.concatenate(pairs) if pairs else np.zeros((0, 2), dtype=np.int64)


def holds_as_stated(system: System, claims: np.ndarray) -> bool:
    """Whether these claims' rows (taken from the system, where each claim's rows are together)
    can all hold as stated."""
    first = np.searchsorted(system.row_claim, claims)
    count = np.searchsorted(system.row_claim, claims, side="right") - first
    rows = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(count.sum())
    return IntervalLP.from_csr(_local([system.matrix[rows]]), system.row_lo[rows], system.row_hi[rows]).feasible()


def _local(matrices: list[sparse.csr_matrix]) -> sparse.csr_matrix:
    """The rows stacked over the months they touch, numbered 0..n-1."""
    stacked = sparse.vstack(matrices, format="csr")
    months = np.unique(stacked.indices)
    local = np.full(stacked.shape[1], -1)
    local[months] = np.arange(len(months))
    return sparse.csr_matrix((stacked.data, local[stacked.indices], stacked.indptr),
                             shape=(stacked.shape[0], len(months)))


def removal_problem(system: System, claims: np.ndarray, widen: np.ndarray, weight: np.ndarray,
                    scaled: bool = False) -> Problem:
    """The claims (indices into system.claims, in content order) with their widened rows;
    `scaled` adds the row scales the elastic LP needs."""
    widened = part_of(system, claims, widen, named=False)
    matrix = _local([widened.matrix])
    scale = row_scales(widened, reference_levels(widened)) if scaled else None   # levels from the stated figures
    pairs = disagreeing_pairs(system.claims, claims, *widened_intervals(system.claims, widen, claims))
    return Problem(claims, weight[claims], matrix, widened.row_lo, widened.row_hi, widened.row_claim,
                   widened.row_kind == BASE, scale, pairs)


def relaxation_problem(system: System, kept: np.ndarray, widen: np.ndarray, weight: np.ndarray,
                       scaled: bool = False) -> Problem:
    """The kept claims' stated rows (removing a claim drops them) and their widened rows (never dropped)."""
    stated, widened = part_of(system, kept, named=False), part_of(system, kept, widen, named=False)
    matrix = _local([stated.matrix, widened.matrix])
    never = np.full(len(widened.row_claim), -1)
    scale = None
    if scaled:
        scale = np.r_[row_scales(stated, reference_levels(stated)), np.ones(len(never))]
    pairs = disagreeing_pairs(system.claims, kept, system.claims.lo[kept], system.claims.hi[kept])
    return Problem(kept, weight[kept], matrix, np.r_[stated.row_lo, widened.row_lo], np.r_[stated.row_hi, widened.row_hi],
                   np.r_[stated.row_claim, never], np.r_[stated.row_kind == BASE, np.ones(len(never), dtype=bool)],
                   scale, pairs)
