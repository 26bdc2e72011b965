"""The tightest bounds the claims allow for every month of every series, and the rows each rests on.

Bound propagation (propagate.py) gives valid bounds for the whole ledger at once. Rows those
bounds already imply are dropped; what remains splits into small independent groups of
months. A group with no row left is settled by its propagated bounds; so is a group with
one row, where propagation is exact. Each other group becomes one small LP: a proposed bound
that some feasible point attains cannot be tightened, so a few LPs over sums of months
settle most months, and only the rest get an LP of their own.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..ledger.plausible import MAX_TONNES
from .propagate import Propagation, dominated_rows, implied_rows, propagate
from .rows import components_of
from .warm_lp import WarmLP

SUM_ROUNDS = 4
ZERO_TONNES = 1e-6  # a gram
ATTAINED = 1e-7   # relative: a point this close to a proposed bound attains it


def closures(matrix: sparse.csr_matrix, propagation: Propagation) -> sparse.csr_matrix:
    """Rows each propagated bound rests on, for every bound at once: node 2*j is x_j's lower bound,
    2*j + 1 its upper bound. A bound rests on the row that set it and, recursively, on the bounds
    of the other columns that row used (the side each one used, not both): a fixpoint of sparse
    products, as deep as the longest chain of reasons."""
    n_cols = matrix.shape[1]
    reason = np.empty(2 * n_cols, dtype=np.int64)
    reason[0::2], reason[1::2] = propagation.lower_reason, propagation.upper_reason
    nodes = np.flatnonzero(reason >= 0)
    own = sparse.csr_matrix((np.ones(len(nodes), dtype=np.int32), (nodes, reason[nodes])),
                            shape=(2 * n_cols, matrix.shape[0]))
    # the entries of each node's reason row: which other bounds it used
    counts = np.diff(matrix.indptr)[reason[nodes]]
    node_of = np.repeat(nodes, counts)
    entry = np.repeat(matrix.indptr[reason[nodes]], counts) + (np.arange(len(node_of))
                                                               - np.repeat(np.cumsum(counts) - counts, counts))
    column, coef = matrix.indices[entry], matrix.data[entry]
    itself = column == node_of // 2
    own_coef = np.zeros(2 * n_cols)
    own_coef[node_of[itself]] = coef[itself]
    uses_max = (node_of % 2 == 0) == (own_coef[node_of] > 0)   # the other terms at their largest?
    other = ~itself
    used = 2 * column[other] + ((coef[other] > 0) == uses_max[other])
    depends = sparse.csr_matrix((np.ones(other.sum(), dtype=np.int32), (node_of[other], used)),
                                shape=(2 * n_cols, 2 * n_cols))
    closure = own.astype(bool).astype(np.int32)
    while True:
        grown = ((own + depends @ closure) > 0).astype(np.int32)
        if grown.nnz == closure.nnz:
            return grown
        closure = grown


class Supports:
    """Per column, the rows its bounds rest on (a sparse columns x rows matrix), read like a list of sets."""

    def __init__(self, matrix: sparse.csr_matrix):
        self.matrix = matrix.tocsr()
        self.matrix.sort_indices()

    def __getitem__(self, column: int) -> frozenset[int]:
        a, b = self.matrix.indptr[column], self.matrix.indptr[column + 1]
        return frozenset(self.matrix.indices[a:b].tolist())


@dataclass(frozen=True)
class Groups:
    """Months still linked once the rows the propagated bounds imply are dropped; each group is
    independent of the others (label -1: no row left, settled by its propagated bounds)."""
    label: np.ndarray           # per column
    columns: np.ndarray         # columns ordered by group; group g is columns[column_starts[g]:...[g + 1]]
    column_starts: np.ndarray
    rows: np.ndarray            # kept rows ordered by group, likewise
    row_starts: np.ndarray
    grouped: sparse.csr_matrix  # the kept rows in that order, each column numbered within its group

    @property
    def count(self) -> int:
        return len(self.column_starts) - 1

    def members(self, g: int) -> np.ndarray:
        return self.columns[self.column_starts[g]:self.column_starts[g + 1]]

    def rows_of(self, g: int) -> np.ndarray:
        return self.rows[self.row_starts[g]:self.row_starts[g + 1]]

    def matrix_of(self, g: int) -> sparse.csr_matrix:
        """Group g's rows over its own months (members(g) order): a slice, not a fancy index of the ledger."""
        a, b = self.row_starts[g], self.row_starts[g + 1]
        first, last = self.grouped.indptr[a], self.grouped.indptr[b]
        return sparse.csr_matrix((self.grouped.data[first:last], self.grouped.indices[first:last],
                                  self.grouped.indptr[a:b + 1] - first), shape=(b - a, len(self.members(g))))


def group_months(matrix: sparse.csr_matrix, kept: np.ndarray) -> Groups:
    reduced = matrix[kept]
    label = components_of(reduced, matrix.shape[1])
    count = label.max(initial=-1) + 1
    row_label = label[reduced.indices[reduced.indptr[:-1]]] if len(kept) else np.zeros(0, dtype=int)

    def slices(labels):
        order = np.argsort(labels, kind="stable")
        return order, np.searchsorted(labels[order], np.arange(count + 1))

    columns, column_starts = slices(label)
    row_order, row_starts = slices(row_label)
    # each month's position within its group (the months no kept row touches come first, label -1)
    local = np.zeros(matrix.shape[1], dtype=np.int32)
    in_group = columns[column_starts[0]:]
    local[in_group] = (np.arange(len(in_group)) + column_starts[0]
                       - np.repeat(column_starts[:-1], np.diff(column_starts)))
    grouped = reduced[row_order]
    grouped.indices = local[grouped.indices]
    return Groups(label, columns, column_starts, kept[row_order], row_starts, grouped)


@dataclass
class LedgerBounds:
    low: np.ndarray                 # per column
    high: np.ndarray
    support: Supports               # per column: rows its bounds rest on
    box_lower: np.ndarray           # propagated bounds: with the kept rows, the same feasible set
    box_upper: np.ndarray
    groups: Groups                  # the kept rows and the months they still link
    infeasible: np.ndarray          # per original component: its rows cannot all hold
    implausible: np.ndarray         # per column: the rows force it above MAX_TONNES


def bounds_of(matrix: sparse.csr_matrix, row_lo: np.ndarray, row_hi: np.ndarray, component: np.ndarray) -> LedgerBounds:
    """The bounds of every month of these rows, in this process (scale_out.ledger_bounds shares a
    large ledger out between processes in slices of series). Where some rows cannot all hold, the
    bounds only say so: they are found again once the claims are settled."""
    n = matrix.shape[1]
    done = propagate(matrix, row_lo, row_hi, np.zeros(n), np.full(n, math.inf))
    # a month forced above MAX_TONNES: a contradiction (an endless climb) or a chain of typos; either
    # way no LP is solved on it (the solvers refuse such bounds), and reconstruct() decides which
    implausible = done.lower > MAX_TONNES
    infeasible = np.zeros(component.max(initial=-1) + 1, dtype=bool)
    infeasible[component[(done.infeasible | implausible) & (component >= 0)]] = True
    kept = np.flatnonzero(~implied_rows(matrix, row_lo, row_hi, done.lower, done.upper))
    kept = kept[~dominated_rows(matrix, row_lo, row_hi, kept)]
    groups = group_months(matrix, kept)
    rows_in_group = np.diff(groups.row_starts)
    group_of_row = np.repeat(np.arange(groups.count), rows_in_group)
    unsettled = np.bincount(group_of_row, weights=done.unsettled[groups.rows], minlength=groups.count) > 0
    low, high = done.lower.copy(), done.upper.copy()
    direct: list[tuple[np.ndarray, np.ndarray]] = []     # (column, row): an LP found the row binding
    via: list[tuple[np.ndarray, np.ndarray]] = []        # (column, node): it rests on that bound's rows
    needs_lp = (rows_in_group >= 2) | unsettled  # one row: propagation is already exact
    broken = set(np.flatnonzero(infeasible))
    for g in np.flatnonzero(needs_lp):
        cols, rows = groups.members(g), groups.rows_of(g)
        if component[cols[0]] in broken:
            continue
        settled = _certify(groups.matrix_of(g), row_lo[rows], row_hi[rows], done.lower[cols], done.upper[cols],
                           cols, rows)
        if settled is None:
            infeasible[component[cols[0]]] = True
            continue
        low[cols], high[cols], group_direct, group_via = settled
        direct.append(group_direct)
        via.append(group_via)
    # rows that cannot all hold are refitted once settled (reconstruct.py): nothing here needs the
    # claims their bounds rest on, the most costly part to trace
    support = Supports(sparse.csr_matrix((n, matrix.shape[0]), dtype=np.int32)) if infeasible.any() \
        else _supports(matrix, done, component >= 0, direct, via)
    # float dust (a propagated 2e-9 t where the claims force a month to zero) is zero
    low, high = np.where(low < ZERO_TONNES, 0.0, low), np.where(np.abs(high) < ZERO_TONNES, 0.0, high)
    return LedgerBounds(low, high, support, done.lower, done.upper, groups, infeasible, implausible)


def _supports(matrix, done: Propagation, linked: np.ndarray, direct, via) -> Supports:
    """Rows each month's bounds rest on: what the LPs found, else both propagated bounds' reasons."""
    n = matrix.shape[1]
    reasons = closures(matrix, done)

    def pairs(parts, width):
        first = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        second = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        return sparse.csr_matrix((np.ones(len(first), dtype=np.int32), (first, second)), shape=(n, width))

    found = (pairs(direct, matrix.shape[0]) + pairs(via, 2 * n) @ reasons) > 0
    empty = linked & (np.diff(found.indptr) == 0)
    own = np.flatnonzero(empty)
    fallback = pairs([(np.r_[own, own], np.r_[2 * own, 2 * own + 1])], 2 * n) @ reasons
    return Supports(((found + fallback) > 0).astype(np.int32))


def _certify(matrix, row_lo, row_hi, lower, upper, cols, rows):
    """Tightest bounds of one group of months (None if its rows cannot all hold), and what each
    month's bounds rest on: (column, row) pairs an LP found binding, and (column, node) pairs for
    propagated bounds (node 2*j: x_j's lower bound, 2*j + 1: its upper bound; see closures())."""
    n = len(cols)
    lp = WarmLP(matrix, row_lo, row_hi, lower, upper)
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    direct_cols, direct_rows, via_cols, via_nodes = [], [], [], []

    def attained(x: np.ndarray | None) -> int:
        """Settle the months whose proposed bound this feasible point reaches; how many were settled."""
        if x is None:
            return 0
        reach = ATTAINED * np.maximum(1.0, np.abs(x))
        count = 0
        # an infinite proposal is never within reach of a point
        for side, proposal, settled in ((0, lower, low), (1, upper, high)):
            hit = np.flatnonzero(np.isnan(settled) & (np.abs(x - proposal) <= reach))
            if len(hit):
                settled[hit] = proposal[hit]
                via_cols.append(cols[hit])
                via_nodes.append(2 * cols[hit] + side)
                count += len(hit)
        return count

    weights = np.random.default_rng(n)  # fixed: the same ledger always takes the same path
    for maximise, settled in ((False, low), (True, high)):
        for _ in range(SUM_ROUNDS):
            # weighted sums over the months still open: where several months compete for one
            # total, the lightest takes the slack and the others reach their bounds
            open_months = np.isnan(settled) & (np.isfinite(upper) | (not maximise))
            if not open_months.any():
                break
            optimum = lp.optimise(open_months * 10 ** weights.uniform(0.0, 3.0, n), maximise, binding=False)
            if optimum.infeasible:
                return None
            if not attained(optimum.x):
                break
    for j in np.flatnonzero(np.isnan(low) | np.isnan(high)):
        for maximise, settled in ((False, low), (True, high)):
            if not np.isnan(settled[j]):
                continue
            cost = np.zeros(n)
            cost[j] = 1.0
            optimum = lp.optimise(cost, maximise=maximise)
            if optimum.infeasible:
                return None
            settled[j] = optimum.value
            direct_cols.append(np.full(len(optimum.active_rows), cols[j]))
            direct_rows.append(rows[optimum.active_rows])
            # a binding column bound rests on the rows that set it
            if optimum.x is not None:
                k = optimum.active_cols
                at_upper = np.abs(optimum.x[k] - upper[k]) <= ATTAINED * np.maximum(1.0, np.abs(upper[k]))
                via_cols.append(np.full(len(k), cols[j]))
                via_nodes.append(2 * cols[k] + at_upper)
            attained(optimum.x)
    joined = [np.concatenate(part).astype(np.int64) if part else np.zeros(0, dtype=np.int64)
              for part in (direct_cols, direct_rows, via_cols, via_nodes)]
    return low, high, (joined[0], joined[1]), (joined[2], joined[3])
