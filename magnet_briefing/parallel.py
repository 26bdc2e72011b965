"""Independent problems solved on every usable core, in forked worker processes.

The groups of months are independent, so a large ledger's LPs are shared out between one
process per core. Processes, not threads: CLP holds the GIL while it solves. Workers are
forked, so they inherit the ledger's arrays instead of receiving copies, and send back only
their answers. A small ledger (the briefing's own) is solved in this process: forking would
cost more than it saves.
"""
from __future__ import annotations

import multiprocessing
import os
import threading

MAX_WORKERS = 8           # a container may see every core of its host
MIN_PROBLEMS_PER_WORKER = 32
CHUNKS_PER_WORKER = 4     # several chunks per worker even out groups of unequal cost

_lock = threading.Lock()  # the task below is process-global while a pool runs
_task: tuple | None = None


def usable_cores() -> int:
    """Cores this process may run on (a process pinned to one core solves alone)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, MAX_WORKERS)


def worker_count(n_problems: int) -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(usable_cores(), n_problems // MIN_PROBLEMS_PER_WORKER))


def _solve_chunk(k: int) -> list:
    solve, chunks = _task
    return [solve(p) for p in chunks[k]]


def solve_each(solve, problems: list) -> list:
    """solve(p) for every problem, answers in the order of `problems` (the same answers, whatever
    the number of workers). `solve` may be a closure: forked workers inherit it."""
    global _task
    workers = worker_count(len(problems))
    if workers <= 1:
        return [solve(p) for p in problems]
    n_chunks = workers * CHUNKS_PER_WORKER
    chunks = [problems[k::n_chunks] for k in range(n_chunks)]  # interleaved: neighbours cost alike
    with _lock:
        _task = (solve, chunks)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                solved = pool.map(_solve_chunk, range(n_chunks), chunksize=1)
        finally:
            _task = None
    answers = [None] * len(problems)
    for k, part in enumerate(solved):
        answers[k::n_chunks] = part
    return answers
