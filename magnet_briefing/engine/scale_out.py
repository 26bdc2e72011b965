"""Scale-out, for the engine's speed and memory targets (1,000 series x 120 months in 10 s and
1 GB, with 2% of the claims corrupted in 30 s and 1 GB, README): a large ledger's bounds computed
in slices of whole series, one forked worker process per usable core; the same workers settle
the groups of months that cannot hold (conflicts/verdicts.py) and write reasons (explain.py).

Series are independent, so the slices' bounds joined are the bounds in one piece. Processes,
not threads: CLP holds the GIL while it solves, and so does most of the array code around it.
Workers are forked, so they inherit the ledger's arrays instead of receiving copies, and send
back only their answers; they die with their parent.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from .bounds import Groups, LedgerBounds, Supports, bounds_of
from .rows import System

MAX_WORKERS = 8           # a container may see every core of its host
PR_SET_PDEATHSIG = 1

_lock = threading.Lock()  # the task below is process-global while a pool runs
_task: tuple | None = None


def _cgroup_cores() -> int | None:
    """The CPU quota of this container (cgroup v2 cpu.max), in whole cores; None if unlimited."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        return None if quota == "max" else max(1, -(-int(quota) // int(period)))
    except (OSError, ValueError):
        return None


def usable_cores() -> int:
    """Cores this process may run on (a process pinned to one core solves alone), within the
    container's CPU quota."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, _cgroup_cores() or cores, MAX_WORKERS)


def available_workers() -> int:
    """How many worker processes solve_each may fork: one per usable core; never more than one
    inside a worker (or any child process), or where fork is missing."""
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.parent_process() is not None:
        return 1
    return usable_cores()


def die_with_parent() -> None:
    """A worker whose parent is killed (a kernel restart, a timeout) stops too, instead of sleeping
    on with its copy of the ledger (Linux; elsewhere the pool's own clean-up has to do)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the parent died before prctl took effect
        os._exit(1)


def _solve(k: int):
    solve, problems = _task
    return solve(problems[k])


def solve_each(solve, problems: list, workers: int) -> list:
    """solve(p) for every problem, answers in the order of `problems`, on up to `workers` forked
    processes (the same answers whatever their number). `solve` may be a closure: the workers
    inherit it, and only the problems' indices and the answers travel between processes. A worker
    that dies (killed, out of memory) stops the whole call with an error rather than a hang."""
    global _task
    workers = min(workers, len(problems), available_workers())
    if workers <= 1:
        return [solve(p) for p in problems]
    with _lock:
        _task = (solve, problems)
        gc.freeze()   # the workers' garbage collector leaves the inherited objects, and so their pages, alone
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                     initializer=die_with_parent) as pool:
                return list(pool.map(_solve, range(len(problems))))
        except BrokenProcessPool:
            raise RuntimeError(f"a worker process died (killed, or out of memory?) while solving "
                               f"{len(problems)} problems on {workers} processes") from None
        finally:
            _task = None
            gc.unfreeze()


def release_memory() -> None:
    """Hand the memory freed by a large structure back to the system (glibc keeps freed heap
    memory for reuse, so a process that has dropped a ledger's rows would otherwise still hold
    them), for the memory target. Linux only; elsewhere nothing."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


MIN_ROWS_PER_WORKER = 50_000  # below this a ledger is bounded in this process: forking costs more
SLICES_PER_WORKER = 4          # several slices per worker even out slices of unequal cost


def ledger_bounds(system: System) -> LedgerBounds:
    """Series are independent: a large ledger is bounded in slices of whole series, one worker per
    core, and the slices joined (the same bounds and supports as in one piece)."""
    workers = min(available_workers(), system.matrix.shape[0] // MIN_ROWS_PER_WORKER)
    if workers <= 1:
        return bounds_of(system.matrix, system.row_lo, system.row_hi, system.component)
    slices = series_slices(system, workers * SLICES_PER_WORKER)

    def bound(piece: SeriesSlice) -> LedgerBounds:
        return bounds_of(*piece.of(system))

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
    joined = {name: np.concatenate([getattr(p, name) for p in parts])
              for name in ("low", "high", "box_lower", "box_upper", "implausible")}
    return LedgerBounds(support=support, groups=groups, infeasible=infeasible, **joined)
