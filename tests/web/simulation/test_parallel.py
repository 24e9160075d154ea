"""Several simulation workers on one calendar (web/simulation/parallel.py): the same seed and
worker count give the same figures; unsafe commits only where no real case is at stake."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from config import TestConfig
from engine.db.connect import open_database
from engine.db.models import ProcessInstance
from tests.conftest import _truncate_all
from tests.processes.harness import entry_data
from tests.web.dashboard.test_simulation import SETTINGS, deployed, figures, run
from web.dashboard.feed import DashboardFeed
from web.engine_access import build_engine, dashboard_feed
from web.simulation import command
from web.simulation.parallel import Job
from web.simulation.profile import load_profile
from web.simulation.queries import (
    RealCasesError,
    real_cases,
    register_missing_organisations,
    without_synchronous_commit,
)
from web.simulation.runner import Shard
from web.simulation.setup import prepare, profile_organisations


def keys(url: str) -> list[str]:
    database = open_database(url)
    with database.connect() as conn:
        found = conn.execute(sa.select(ProcessInstance.__table__.c.business_key)).scalars()
        result = sorted(found)
    database.dispose()
    return result


def empty_again(url: str) -> None:
    """Every table emptied, as after the migrations (SQLite knows no TRUNCATE)."""
    if not url.startswith("sqlite"):
        _truncate_all(url)
        return
    database = open_database(url)
    tables = sa.MetaData()
    with database.begin() as conn:
        tables.reflect(conn)
        for table in reversed(tables.sorted_tables):
            if table.name != "alembic_version":
                conn.execute(table.delete())
    database.dispose()


def test_two_workers_give_the_same_figures_every_time(database_url: str) -> None:
    first = run(deployed(database_url), cases=12, days=60, workers=2, unsafe_commit=True)
    one, first_keys = figures(database_url), keys(database_url)
    empty_again(database_url)
    second = run(deployed(database_url), cases=12, days=60, workers=2, unsafe_commit=True)

    assert first.problems == second.problems == []
    assert first.cases == 12 and first.completed > 50
    assert (first.completed, first.late, first.messages, first.timers) == (
        second.completed,
        second.late,
        second.messages,
        second.timers,
    )
    assert figures(database_url) == one and all(one[name] for name in ("dash_task_stats",))
    # Each worker has its own cases, named after it: six each.
    assert keys(database_url) == first_keys
    assert sum(key.startswith("NZ-SIM-3-w0-") for key in first_keys) == 6
    assert sum(key.startswith("NZ-SIM-3-w1-") for key in first_keys) == 6


def test_unsafe_commits_are_refused_on_a_database_with_real_cases(database_url: str) -> None:
    url = deployed(database_url)
    run(url, cases=2, days=5, unsafe_commit=True)  # simulated cases only: allowed
    engine = build_engine(url, SETTINGS)
    engine.start("nazorg_detentie", entry_data(), "NZ-2026-00017", user="mmd")
    assert real_cases(engine.database) == 1
    engine.database.dispose()

    with pytest.raises(RealCasesError):
        run(url, seed=9, cases=2, days=5, unsafe_commit=True)
    assert sum(key.startswith("NZ-SIM-9-") for key in keys(url)) == 0
    run(url, seed=9, cases=2, days=5)  # with safe commits it runs


def test_unsafe_commit_turns_synchronous_commits_off(database_url: str) -> None:
    database = open_database(database_url)
    without_synchronous_commit(database)
    with database.connect() as conn:
        if database.dialect.name == "postgresql":
            assert conn.execute(sa.text("SHOW synchronous_commit")).scalar() == "off"
        else:  # no sync at the write-ahead log's checkpoints, still in WAL mode
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 0
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    database.dispose()


def test_the_demo_year_commits_unsafely_only_without_real_cases(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = deployed(database_url)
    asked: list[bool] = []
    feeds: list[tuple[int, bool]] = []
    monkeypatch.setattr(
        command,
        "simulate_with_progress",
        lambda *_a, **kw: (
            asked.append(kw["unsafe_commit"])
            or feeds.append((kw["feed_every_days"], kw["cases_at_end"]))
        ),
    )
    config = TestConfig(url)
    command.load_year(config)
    engine = build_engine(url, SETTINGS)
    register_missing_organisations(engine.database, profile_organisations(load_profile()))
    engine.start("nazorg_detentie", entry_data(), "NZ-2026-00017", user="mmd")
    engine.database.dispose()
    command.load_year(config)
    assert asked == [True, False]
    # Nobody reads the dashboard or the case list while the year loads: both made at the end.
    assert feeds == [(0, True), (0, True)]


def test_a_run_nobody_watches_feeds_the_dashboard_once_at_the_end(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = deployed(database_url)
    catch_ups: list[int] = []
    catch_up = DashboardFeed.catch_up

    def counted(feed: DashboardFeed, **options: int) -> int:
        catch_ups.append(1)
        return catch_up(feed, **options)

    monkeypatch.setattr(DashboardFeed, "catch_up", counted)
    run(url, cases=6, days=15, unsafe_commit=True, feed_every_days=0)
    assert len(catch_ups) == 1
    engine = build_engine(url, SETTINGS)
    try:
        assert catch_up(dashboard_feed(engine)) == 0  # every event projected
    finally:
        engine.database.dispose()
    assert figures(url)["dash_task_stats"]

    catch_ups.clear()
    run(url, seed=4, cases=6, days=15, unsafe_commit=True)  # by default also every 7 days
    assert len(catch_ups) == 3


def test_workers_wait_for_each_other_once_a_simulated_week(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = deployed(database_url)
    profile = load_profile()
    prepare(url, SETTINGS, "nazorg_detentie", profile, unsafe_commit=True)
    job = Job(
        url,
        SETTINGS,
        cases=6,
        start=date(2026, 3, 2),
        days=15,
        seed=5,
        process_id="nazorg_detentie",
        profile=profile,
        unsafe_commit=True,
    )
    catch_ups: list[int] = []
    catch_up = DashboardFeed.catch_up
    monkeypatch.setattr(
        DashboardFeed, "catch_up", lambda feed, **kw: catch_ups.append(1) or catch_up(feed, **kw)
    )
    waits: list[int] = []
    days: list[int] = []

    job.run(Shard(0, 2), day_done=days.append, together=lambda: waits.append(len(days) + 1))
    assert days == list(range(1, 16))
    # Not after every day: at the feed's days, once before and once after its catch-up.
    assert waits == [7, 7, 14, 14]
    assert len(catch_ups) == 3  # the first worker's: days 7 and 14, and at the end

    catch_ups.clear()
    waits.clear()
    days.clear()
    unwatched = replace(job, seed=6, feed_every_days=0)  # a week apart at most all the same
    unwatched.run(Shard(0, 2), day_done=days.append, together=lambda: waits.append(len(days) + 1))
    assert waits == [7, 14] and len(catch_ups) == 1
