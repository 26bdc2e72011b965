"""Independent problems solved on every usable core, in forked worker processes.

Series are independent, so a large ledger's bounds are computed in slices of series, shared
out between one process per core. Processes, not threads: CLP holds the GIL while it solves,
and so does most of the array code around it. Workers are forked, so they inherit the ledger's
arrays instead of receiving copies, and send back only their answers.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

MAX_WORKERS = 8           # a container may see every core of its host

_lock = threading.Lock()  # the task below is process-global while a pool runs
_task: tuple | None = None


def usable_cores() -> int:
    """Cores this process may run on (a process pinned to one core solves alone)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, MAX_WORKERS)


def available_workers() -> int:
    """How many worker processes solve_each may fork: one per usable core (1: solve in this process)."""
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.parent_process() is not None:
        return 1  # no fork here, or already a worker: never fork from a worker
    return usable_cores()


def _solve(k: int):
    solve, problems = _task
    return solve(problems[k])


def solve_each(solve, problems: list, workers: int) -> list:
    """solve(p) for every problem, answers in the order of `problems`, on up to `workers` forked
    processes (the same answers whatever their number). `solve` may be a closure: the workers
    inherit it, and only the problems' indices and the answers travel between processes. A worker
    that dies (killed, out of memory) stops the whole call with an error rather than a hang."""
    global _task
    workers = min(workers, len(problems))
    if workers <= 1:
        return [solve(p) for p in problems]
    with _lock:
        _task = (solve, problems)
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                return list(pool.map(_solve, range(len(problems))))
        except BrokenProcessPool:
            raise RuntimeError(f"a worker process died (killed, or out of memory?) while solving "
                               f"{len(problems)} problems on {workers} processes") from None
        finally:
            _task = None
