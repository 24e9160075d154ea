"""`terugkeer simulate` and the year of data `terugkeer run` loads: the simulator with a progress
bar on the terminal."""

from __future__ import annotations

import os
import time as clock
from datetime import date, timedelta

import click

from config import Config
from engine.clock import AMSTERDAM, SystemClock
from engine.db.connect import open_database
from web.cases import fields
from web.simulation.queries import (
    SIMULATED_KEY_PREFIX,
    real_cases,
    simulated_cases,
    unprojected_cases,
)
from web.simulation.runner import Result, simulate
from web.simulation.setup import project_cases

RUN_CASES = 60
"""Cases `terugkeer run` simulates over the past year: enough for every dashboard page to show
figures per prison and municipality (docs/dashboard.md). On a quiet machine the year took 11 to
14 seconds of the 16 to 19 before `make run` answered; with the dashboard and the cases projected
once at the end it takes about a quarter less (docs/dashboard.md)."""
RUN_DAYS = 365
RUN_SEED = 1


def existing(config: Config, prefix: str = SIMULATED_KEY_PREFIX) -> int:
    database = open_database(config.DATABASE_URL)
    try:
        return simulated_cases(database, prefix)
    finally:
        database.dispose()


def unprojected(config: Config, prefix: str = SIMULATED_KEY_PREFIX) -> int:
    """How many simulated cases are not in the cases projection."""
    database = open_database(config.DATABASE_URL)
    try:
        return unprojected_cases(database, prefix)
    finally:
        database.dispose()


def default_workers(database_url: str) -> int:
    """One worker per CPU on PostgreSQL; one on SQLite (a single writer at a time)."""
    if database_url.startswith("sqlite"):
        return 1
    return max(1, os.cpu_count() or 1)


def simulate_with_progress(
    config: Config,
    *,
    cases: int,
    start: date,
    days: int,
    seed: int,
    workers: int | None = None,
    unsafe_commit: bool = False,
    feed_every_days: int | None = None,
    cases_at_end: bool = False,
) -> Result:
    """Run the simulator on the configured database, showing a progress bar per simulated day."""
    process_id = getattr(config, "TERUGKEER_MAIN_PROCESS", None) or fields.MAIN_PROCESS
    began = clock.perf_counter()
    workers = workers or default_workers(config.DATABASE_URL)
    label = (
        f"Simulating {cases} cases from {start.isoformat()} over {days} days"
        f" ({workers} worker{'s' if workers > 1 else ''})"
    )
    with click.progressbar(length=days, label=label, show_pos=True) as bar:
        result = simulate(
            config.DATABASE_URL,
            config.as_dict(),
            cases=cases,
            start=start,
            days=days,
            seed=seed,
            process_id=process_id,
            progress=bar.update,
            workers=workers,
            unsafe_commit=unsafe_commit,
            feed_every_days=feed_every_days,
            cases_at_end=cases_at_end,
        )
    took = clock.perf_counter() - began
    click.echo(
        f"Simulated {result.cases} cases in {took:.1f} s ({result.cases / took:.1f} cases/s): "
        f"{result.completed} tasks completed ({result.late} late), {result.messages} release "
        f"messages, {result.timers} timers fired."
    )
    for problem in result.problems[:20]:
        click.echo(f"  problem: {problem}", err=True)
    return result


def today() -> date:
    """Today in Amsterdam, by the system clock."""
    return SystemClock().now().astimezone(AMSTERDAM).date()


def load_year(config: Config) -> None:
    """A year of simulated cases up to today, once: skipped when simulated cases exist. Trial
    data: committed without waiting for the disk unless the database holds real cases. Nothing
    reads the dashboard or the case list while the year loads (the app serves after it): the
    dashboard's feed catches up once at the end, and the cases projection is written once at the
    end; a year stopped before that gets its cases projected on the next start (the dashboard
    follows from the scheduler's feed)."""
    found = existing(config)
    if found:
        click.echo(f"Simulated data present ({found} cases); not simulating again.")
        if unprojected(config):
            project_cases(config.DATABASE_URL, config.as_dict(), SIMULATED_KEY_PREFIX)
        return
    database = open_database(config.DATABASE_URL)
    try:
        unsafe_commit = not real_cases(database)
    finally:
        database.dispose()
    today = SystemClock().now().astimezone(AMSTERDAM).date()
    simulate_with_progress(
        config,
        cases=RUN_CASES,
        start=today - timedelta(days=RUN_DAYS),
        days=RUN_DAYS,
        seed=RUN_SEED,
        unsafe_commit=unsafe_commit,
        feed_every_days=0,
        cases_at_end=True,
    )
