"""Independent problems solved on every usable core, in forked worker processes.

Series are independent, so a large ledger's bounds are computed in slices of series, shared
out between one process per core. Processes, not threads: CLP holds the GIL while it solves,
and so does most of the array code around it. Workers are forked, so they inherit the ledger's
arrays instead of receiving copies, and send back only their answers.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

MAX_WORKERS = 8           # a container may see every core of its host
WORKERS_VARIABLE = "MAGNET_BRIEFING_WORKERS"  # set to 1 to keep the engine in one process
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
    """How many worker processes solve_each may fork: one per usable core, or MAGNET_BRIEFING_WORKERS
    (1: solve in this process). Never more than one inside a worker, or where fork is missing."""
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.parent_process() is not None:
        return 1
    wanted = os.environ.get(WORKERS_VARIABLE, "").strip()
    return max(1, min(int(wanted), MAX_WORKERS)) if wanted.isdigit() else usable_cores()


def _die_with_parent() -> None:
    """A worker whose parent is killed (a kernel restart, a timeout) stops too, instead of sleeping
    on with its copy of the ledger (Linux; elsewhere the pool's own clean-up has to do)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


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
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                     initializer=_die_with_parent) as pool:
                return list(pool.map(_solve, range(len(problems))))
        except BrokenProcessPool:
            raise RuntimeError(f"a worker process died (killed, or out of memory?) while solving "
                               f"{len(problems)} problems on {workers} processes") from None
        finally:
            _task = None
