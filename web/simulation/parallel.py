"""Several simulation workers on one shared calendar (issue 14).

Each worker is a process of its own with its own engine and connections; it simulates the people
whose number falls in its shard (``Shard``: number modulo the worker count), fires only its own
cases' timers and finds only its own cases' new tasks. Cases never touch each other, so a worker's
results follow from the seed and the worker count alone. The workers keep one calendar: every
``FEED_EVERY_DAYS`` simulated days (``Job.sync_days``) every worker waits for the others (a
barrier), so no worker runs ahead by more than that; the first one reports each day to the progress
bar. A barrier after every day made each worker wait for the slower one's day 365 times, about a
sixth of a run's time (docs/engine.md, "Simulation speed, session 10"); over a week the workers'
shares even out. At those sync points (``Job.feed_every_days``; 0: never) the first worker lets the
dashboard's feed catch up while the others wait, and every worker does at the end: the feed counts
a case under its dimensions at the time it projects it (the case's data then), so it must see every
case as of the same simulated day in every run.

Workers start with a fixed ``PYTHONHASHSEED``, a precaution: whatever iterates over a set of
names (form validators, SpiffWorkflow) does so in the same order in every run. Commands run with
a generous time budget (``Job.run``): a wall-clock limit would make the figures follow the
machine's load.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue as queue_module
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from typing import Any

from engine.clock import AMSTERDAM, ManualClock
from web.simulation.queries import without_synchronous_commit
from web.simulation.runner import SIMULATION_COMMAND_SECONDS, Result, Shard, Simulator
from web.simulation.tracking import OpenedTasks

SPAWN = multiprocessing.get_context("spawn")  # no inherited connections or threads
BARRIER_TIMEOUT = 3600.0
FEED_EVERY_DAYS = 7
"""The dashboard's feed catches up after every so many simulated days and at the end: during a
run the dashboard is at most a simulated week behind; when the run ends it is complete. A run
that nobody watches (the demo year of `terugkeer run`, before the app serves) catches up at the
end only: once instead of 52 times, a tenth of the year's time (docs/dashboard.md)."""
SYNC_EVERY_DAYS = 7
"""Workers wait for each other every so many simulated days when the feed does not set it."""
HASH_SEED = "0"


@dataclass(frozen=True)
class Job:
    """One simulation as each worker runs its shard of it."""

    database: str
    settings: dict[str, Any]
    cases: int
    start: date
    days: int
    seed: int
    process_id: str
    profile: dict[str, Any]
    arrival_days: int | None = None
    unsafe_commit: bool = False
    feed_every_days: int = FEED_EVERY_DAYS
    project_cases: bool = True
    """False: the cases projector is left out of the workers' engines (``runner.project_cases``
    projects the run's cases once at the end)."""

    @property
    def sync_days(self) -> int:
        """Several workers wait for each other after every so many simulated days."""
        return self.feed_every_days or SYNC_EVERY_DAYS

    def run(
        self,
        shard: Shard,
        day_done: Callable[[int], None] | None = None,
        together: Callable[[], None] | None = None,
    ) -> Result:
        """Simulate ``shard``'s people. ``together()`` returns when every worker called it (a
        barrier, None with one worker), called after every ``sync_days`` simulated days;
        ``day_done(day)`` reports a simulated day."""
        from web.engine_access import build_engine, dashboard_feed  # the app's wiring

        clock = ManualClock(datetime.combine(self.start, time(0), AMSTERDAM))
        settings = {**self.settings, "TERUGKEER_CLOCK": clock}
        # A wall-clock budget would make the figures depend on the machine's load (a command
        # stopped after 3 s on a busy machine becomes an incident): generous here; the
        # deterministic budgets (script iterations, engine steps) stay as configured.
        settings["TERUGKEER_COMMAND_SECONDS"] = max(
            float(settings.get("TERUGKEER_COMMAND_SECONDS") or 0), SIMULATION_COMMAND_SECONDS
        )
        opened = OpenedTasks()  # the tasks the worker's commands open (web/simulation/tracking.py)
        engine = build_engine(
            self.database, settings, projectors=[opened], project_cases=self.project_cases
        )
        if self.unsafe_commit:
            without_synchronous_commit(engine.database)
        commands_log = logging.getLogger("engine.commands")
        level = commands_log.level
        commands_log.setLevel(max(level, logging.WARNING))  # not a line per simulated command
        try:
            simulator = Simulator(
                engine,
                self.profile,
                process_id=self.process_id,
                seed=self.seed,
                shard=shard,
                opened=opened,
            )
            feed = dashboard_feed(engine)

            def each_day(day: int) -> None:
                feeding = bool(self.feed_every_days) and day % self.feed_every_days == 0
                if together is None:
                    if feeding:
                        feed.catch_up()
                elif day % self.sync_days == 0:
                    together()  # every worker finished the day
                    if feeding:
                        # The dashboard's feed, as the scheduler process runs it: one worker,
                        # while the others wait, so that the figures do not follow the workers'
                        # timing.
                        if shard.index == 0:
                            feed.catch_up()
                        together()
                if day_done is not None:
                    day_done(day)

            result = simulator.run(
                self.cases,
                self.start,
                self.days,
                arrival_days=self.arrival_days,
                day_done=each_day,
            )
            feed.catch_up()
            return result
        finally:
            commands_log.setLevel(level)
            engine.database.dispose()


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
    with fixed_hash_seed():
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


@contextlib.contextmanager
def fixed_hash_seed() -> Iterator[None]:
    """Processes started inside inherit PYTHONHASHSEED=0 (this process keeps its own)."""
    before = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = HASH_SEED
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = before


def _drain(days: multiprocessing.Queue, progress: Callable[[int], None] | None) -> None:
    while True:
        try:
            days.get_nowait()
        except queue_module.Empty:
            return
        if progress is not None:
            progress(1)


def _work(job: Job, shard: Shard, barrier, days, results) -> None:  # type: ignore[no-untyped-def]
    def together() -> None:
        barrier.wait(BARRIER_TIMEOUT)

    def day_done(day: int) -> None:
        if shard.index == 0:
            days.put(day)

    try:
        results.put(job.run(shard, day_done=day_done, together=together))
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
