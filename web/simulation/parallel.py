"""Several simulation workers on one shared calendar (issue 14).

Each worker is a process of its own with its own engine and connections; it simulates the
people whose number falls in its shard (``Shard``: number modulo the worker count), fires only
its own cases' timers and finds only its own cases' new tasks. Cases never touch each other, so
a worker's results follow from the seed and the worker count alone. The workers keep one
calendar: after each simulated day every worker waits for the others (a barrier), so no worker
runs ahead by more than a day; the first one reports the day to the progress bar.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
from collections.abc import Callable
from dataclasses import fields

from web.simulation.runner import Job, Result, Shard

SPAWN = multiprocessing.get_context("spawn")  # no inherited connections or threads
BARRIER_TIMEOUT = 3600.0


def run_workers(job: Job, workers: int, progress: Callable[[int], None] | None) -> Result:
    """Run ``job`` in ``workers`` processes; their results summed (problems joined)."""
    barrier = SPAWN.Barrier(workers)
    days = SPAWN.Queue()
    results = SPAWN.Queue()
    processes = [
        SPAWN.Process(
            target=_work, args=(job, Shard(index, workers), barrier, days, results), daemon=True
        )
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    found: list[Result | BaseException] = []
    while len(found) < workers:
        try:
            found.append(results.get(timeout=0.2))
        except queue_module.Empty:
            if not any(p.is_alive() for p in processes) and results.empty():
                break
        _drain(days, progress)
    _drain(days, progress)
    for process in processes:
        process.join()
    failures = [item for item in found if isinstance(item, BaseException)]
    if failures or len(found) < workers:
        barrier.abort()
        raise RuntimeError(f"a simulation worker failed: {failures[0] if failures else 'died'}")
    return combine([item for item in found if isinstance(item, Result)])


def _drain(days: multiprocessing.Queue, progress: Callable[[int], None] | None) -> None:
    while True:
        try:
            days.get_nowait()
        except queue_module.Empty:
            return
        if progress is not None:
            progress(1)


def _work(job: Job, shard: Shard, barrier, days, results) -> None:  # type: ignore[no-untyped-def]
    def day_done(day: int) -> None:
        barrier.wait(BARRIER_TIMEOUT)
        if shard.index == 0:
            days.put(day)

    try:
        results.put(job.run(shard, day_done=day_done))
    except BaseException as error:  # noqa: BLE001  (reported to the parent, which raises)
        barrier.abort()
        results.put(RuntimeError(f"worker {shard.index}: {type(error).__name__}: {error}"))


def combine(results: list[Result]) -> Result:
    """The workers' results as one."""
    total = Result()
    for result in results:
        for item in fields(Result):
            if item.name == "problems":
                total.problems.extend(result.problems)
            else:
                setattr(total, item.name, getattr(total, item.name) + getattr(result, item.name))
    return total
