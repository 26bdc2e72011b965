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

from .parallel import available_workers, solve_each
from .propagate import Propagation, dominated_rows, implied_rows, propagate
from .system import System, components_of
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

    def __len__(self) -> int:
        return self.matrix.shape[0]


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


MIN_ROWS_PER_WORKER = 50_000  # below this a ledger is bounded in this process: forking costs more
SLICES_PER_WORKER = 4          # several slices per worker even out slices of unequal cost


def ledger_bounds(system: System) -> LedgerBounds:
    """Series are independent: a large ledger is bounded in slices of whole series, one worker per
    core, and the slices joined (the same bounds and supports as in one piece)."""
    workers = min(available_workers(), system.matrix.shape[0] // MIN_ROWS_PER_WORKER)
    if workers <= 1:
        return _bounds(system.matrix, system.row_lo, system.row_hi, system.component)
    slices = series_slices(system, workers * SLICES_PER_WORKER)

    def bound(piece: SeriesSlice) -> LedgerBounds:
        return _bounds(*piece.of(system))

    return _joined(system, slices, solve_each(bound, slices, workers))


@dataclass(frozen=True)
class SeriesSlice:
    """Consecutive series: their columns first:stop, and their rows (series by series, in ledger order
    within each; the answers do not depend on that order across series)."""
    first: int
    stop: int
    rows: np.ndarray

    def of(self, system: System):
        """(matrix, row_lo, row_hi, component) of these series alone, columns counted from `first`."""
        part = system.matrix[self.rows]
        part = sparse.csr_matrix((part.data, part.indices - self.first, part.indptr),
                                 shape=(len(self.rows), self.stop - self.first))
        return part, system.row_lo[self.rows], system.row_hi[self.rows], system.component[self.first:self.stop]


def series_slices(system: System, count: int) -> list[SeriesSlice]:
    """About `count` slices of consecutive series with about as many rows each."""
    row_series = system.claims.series[system.row_claim]
    by_series = np.argsort(row_series, kind="stable")
    rows_before = np.r_[0, np.cumsum(np.bincount(row_series, minlength=len(system.offset)))]
    cuts = np.unique(np.searchsorted(rows_before, np.linspace(0, rows_before[-1], count + 1)[1:-1]))
    edges = np.r_[0, cuts[(cuts > 0) & (cuts < len(system.offset))], len(system.offset)]
    column_edge = np.r_[system.offset, system.n_cols]
    return [SeriesSlice(int(column_edge[a]), int(column_edge[b]), by_series[rows_before[a]:rows_before[b]])
            for a, b in zip(edges[:-1], edges[1:])]


def _joined(system: System, slices: list[SeriesSlice], parts: list[LedgerBounds]) -> LedgerBounds:
    """One LedgerBounds over the whole ledger from the bounds of its slices, in ledger rows and columns."""
    n_rows = system.matrix.shape[0]

    def in_ledger_rows(matrix: sparse.csr_matrix, rows: np.ndarray, width: int) -> sparse.csr_matrix:
        return sparse.csr_matrix((matrix.data, rows[matrix.indices], matrix.indptr), shape=(matrix.shape[0], width))

    support = Supports(sparse.vstack([in_ledger_rows(p.support.matrix, s.rows, n_rows)
                                      for p, s in zip(parts, slices)], format="csr"))
    labels, rows, row_starts, grouped = [], [], [np.zeros(1, dtype=np.int64)], []
    groups_before = rows_before = 0
    for piece, part in zip(slices, parts):
        g = part.groups
        labels.append(np.where(g.label >= 0, g.label + groups_before, -1))
        rows.append(piece.rows[g.rows])
        row_starts.append(g.row_starts[1:] + rows_before)
        grouped.append(sparse.csr_matrix((g.grouped.data, g.grouped.indices, g.grouped.indptr),
                                         shape=(g.grouped.shape[0], system.n_cols)))
        groups_before += g.count
        rows_before += len(g.rows)
    label = np.concatenate(labels)
    columns = np.argsort(label, kind="stable")
    column_starts = np.searchsorted(label[columns], np.arange(groups_before + 1))
    groups = Groups(label, columns, column_starts, np.concatenate(rows), np.concatenate(row_starts),
                    sparse.vstack(grouped, format="csr"))
    infeasible = np.zeros(system.component.max(initial=-1) + 1, dtype=bool)
    for part in parts:
        infeasible[np.flatnonzero(part.infeasible)] = True
    joined = {name: np.concatenate([getattr(p, name) for p in parts]) for name in ("low", "high", "box_lower", "box_upper")}
    return LedgerBounds(support=support, groups=groups, infeasible=infeasible, **joined)


def _bounds(matrix: sparse.csr_matrix, row_lo: np.ndarray, row_hi: np.ndarray, component: np.ndarray) -> LedgerBounds:
    n = matrix.shape[1]
    done = propagate(matrix, row_lo, row_hi, np.zeros(n), np.full(n, math.inf))
    infeasible = np.zeros(component.max(initial=-1) + 1, dtype=bool)
    infeasible[component[done.infeasible & (component >= 0)]] = True
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
    support = _supports(matrix, done, component >= 0, direct, via)
    # float dust (a propagated 2e-9 t where the claims force a month to zero) is zero
    low, high = np.where(low < ZERO_TONNES, 0.0, low), np.where(np.abs(high) < ZERO_TONNES, 0.0, high)
    return LedgerBounds(low, high, support, done.lower, done.upper, groups, infeasible)


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
