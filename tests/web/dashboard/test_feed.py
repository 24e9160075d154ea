"""The dashboard is projected outside the commands, from the audit events after a checkpoint: a
failing projection leaves the command alone, is recorded, and catches up when it works again;
late-committed events are not lost; two workers never project the same events. SQLite and
PostgreSQL."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from engine.db.connect import write_transaction
from engine.db.models import Event
from engine.store import events
from tests.web.support import close_case, start_case
from web.dashboard.feed import GAP_SECONDS, DashboardFeed, claim_checkpoint
from web.dashboard.projection import DashboardProjection
from web.dashboard.tables import ALL, projection_checkpoints, task_facts, task_stats
from web.engine_access import current_engine, dashboard_feed, start_feed_worker


def facts(app: Flask, instance_id: int) -> dict[str, tuple[str, object]]:
    """bpmn id -> (status, first claim) of the case's task facts."""
    with app.app_context(), current_engine().database.connect() as conn:
        rows = conn.execute(
            sa.select(task_facts.c.bpmn_id, task_facts.c.status, task_facts.c.claimed_at).where(
                task_facts.c.instance_id == instance_id
            )
        )
        return {row.bpmn_id: (row.status, row.claimed_at) for row in rows}


def completed_in_country(app: Flask) -> int:
    with app.app_context(), current_engine().database.connect() as conn:
        found = conn.execute(
            sa.select(sa.func.sum(task_stats.c.completed)).where(
                task_stats.c.rollup == "all", task_stats.c.prison == ALL
            )
        ).scalar()
    return int(found or 0)


def test_a_failing_projection_leaves_the_command_alone_and_catches_up(
    web_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = start_case(web_app)
    with web_app.app_context():
        engine = current_engine()
        feed = dashboard_feed(engine)
        assert feed.run_once() > 0
        assert facts(web_app, instance.id) == {"register": ("open", None)}

        def broken(self, change) -> None:  # type: ignore[no-untyped-def]
            raise RuntimeError("dashboard down")

        monkeypatch.setattr(DashboardProjection, "project", broken)
        (register,) = engine.tasks(instance_id=instance.id)
        engine.complete(register.id, {"entry_date": "2026-05-04", "stay_days": 200}, "mmd")
        # The caseworker's work stands: the task is done and the next one waits.
        assert [t.bpmn_id for t in engine.tasks(instance_id=instance.id)] == ["notify_municipality"]
        assert engine.task(register.id).status == "completed"

        assert feed.run_once() == 0
        state = feed.state()
        assert state.attempts == 1 and state.failing_since is not None
        assert state.last_error == "RuntimeError: dashboard down"
        assert state.behind > 0
        assert feed.run_once() == 0 and feed.state().attempts == 2  # retried, still failing
        assert facts(web_app, instance.id) == {"register": ("open", None)}

        monkeypatch.undo()
        assert feed.catch_up() > 0
        state = feed.state()
        assert (state.attempts, state.failing_since, state.last_error) == (0, None, None)
        assert state.behind == 0
    assert facts(web_app, instance.id) == {
        "register": ("completed", None),
        "notify_municipality": ("open", None),
    }
    assert completed_in_country(web_app) == 1


def test_an_event_committed_after_a_later_one_is_still_projected(web_app: Flask, clock) -> None:
    # On PostgreSQL an event id is drawn at insert and seen at commit: a claim's event may become
    # visible after the events of a command that started later.
    instance = start_case(web_app)
    moments = iter([1000.0, 1001.0, 1002.0, 1003.0, 1003.0 + GAP_SECONDS + 1])
    with web_app.app_context():
        engine = current_engine()
        (register,) = engine.tasks(instance_id=instance.id)
        feed = DashboardFeed(engine.database, engine.calendar, wall=lambda: next(moments))
        feed.run_once()
        position = feed.state().position
        claim = events.row(
            "task_claimed",
            actor="mmd",
            at=clock.now() + timedelta(hours=1),
            instance_id=instance.id,
            version_id=instance.version_id,
            task_id=register.id,
            bpmn_id="register",
        )
        later = events.row("deployed", actor="po", at=clock.now())
        table = Event.__table__
        with write_transaction(engine.database) as conn:
            conn.execute(sa.insert(table).values(id=position + 2, **later))
        assert feed.run_once() == 1
        assert feed.state().position == position + 2
        assert facts(web_app, instance.id) == {"register": ("open", None)}

        with write_transaction(engine.database) as conn:  # the claim's command commits now
            conn.execute(sa.insert(table).values(id=position + 1, **claim))
        assert feed.run_once() == 1
        assert facts(web_app, instance.id) == {"register": ("open", claim["at"])}

        # An id that never shows up (its command rolled back) is forgotten after a while.
        with write_transaction(engine.database) as conn:
            conn.execute(sa.insert(table).values(id=position + 4, **later))
        feed.run_once()
        assert _gaps(engine.database) == [str(position + 3)]
        feed.run_once()
        assert _gaps(engine.database) == []


def _gaps(database: sa.Engine) -> list[str]:
    with database.connect() as conn:
        found = conn.execute(sa.select(projection_checkpoints.c.gaps)).scalar_one()
    return sorted(found)


def test_events_after_the_newest_ones_were_archived_get_new_ids_and_are_projected(
    web_app: Flask,
) -> None:
    # On SQLite an INTEGER PRIMARY KEY without AUTOINCREMENT takes the highest id in the table
    # plus one: once a finished case's events, the newest ones, moved to their archive row, the
    # next events got ids the feed had already passed and were never projected.
    open_case = start_case(web_app, "NZ-OPEN")
    close_case(web_app, "NZ-KLAAR")
    with web_app.app_context():
        engine = current_engine()
        feed = dashboard_feed(engine)
        assert feed.catch_up() > 0
        position = feed.state().position
        finished = engine.instance_by_key("NZ-KLAAR")
        with engine.database.connect() as conn:
            live = sa.select(sa.func.max(Event.__table__.c.id))
            assert conn.execute(live).scalar() < position  # the newest events were archived
        assert max(e.id for e in engine.events(finished.id)) == position

        later = start_case(web_app, "NZ-LATER")
        (register,) = engine.tasks(instance_id=open_case.id)
        engine.claim(register.id, "mmd")
        new_ids = [e.id for e in engine.events(later.id)] + [
            e.id for e in engine.events(open_case.id) if e.kind == "task_claimed"
        ]
        assert new_ids and min(new_ids) > position
        assert feed.run_once() == len(new_ids)
    assert facts(web_app, later.id) == {"register": ("open", None)}
    assert facts(web_app, open_case.id)["register"][1] is not None


def test_two_workers_never_project_the_same_events(web_app: Flask) -> None:
    first_case = start_case(web_app)
    with web_app.app_context():
        engine = current_engine()
        if engine.database.dialect.name == "sqlite":
            pytest.skip("SQLite runs one writer at a time: the second worker waits for the first")
        first, second = dashboard_feed(engine), dashboard_feed(engine)
        assert first.run_once() > 0
    second_case = start_case(web_app, "NZ-TEST-2")
    with web_app.app_context():
        with write_transaction(engine.database) as conn:  # the first worker, mid-run
            assert claim_checkpoint(conn) is not None
            assert second.run_once() == 0  # skips the locked checkpoint instead of waiting
        assert first.run_once() > 0
        assert second.run_once() == 0
    for case in (first_case, second_case):
        assert facts(web_app, case.id) == {"register": ("open", None)}


def test_process_owners_see_that_the_dashboard_is_behind(
    web_app: Flask, sign_in, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.web.processes.conftest import OWNER, add_process_owner

    add_process_owner(web_app)
    start_case(web_app)
    owner = sign_in(OWNER)
    assert "Dashboard loopt achter" not in owner.get("/incidenten").get_data(as_text=True)

    def broken(self, change) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("dashboard down")

    monkeypatch.setattr(DashboardProjection, "project", broken)
    with web_app.app_context():
        feed = dashboard_feed(current_engine())
        feed.run_once()
        page = owner.get("/incidenten").get_data(as_text=True)
        assert "Dashboard loopt achter" in page
        assert "RuntimeError: dashboard down" in page
        web_app.config["TERUGKEER_METRICS_TOKEN"] = "scraper"
        scraper = web_app.test_client()
        metrics = scraper.get("/metrics", headers={"Authorization": "Bearer scraper"})
        assert "terugkeer_dashboard_failed_runs 1.0" in metrics.get_data(as_text=True)
        monkeypatch.undo()
        feed.catch_up()
    assert "Dashboard loopt achter" not in owner.get("/incidenten").get_data(as_text=True)
    metrics = scraper.get("/metrics", headers={"Authorization": "Bearer scraper"})
    assert "terugkeer_dashboard_failed_runs 0.0" in metrics.get_data(as_text=True)
    assert "terugkeer_dashboard_events_behind 0.0" in metrics.get_data(as_text=True)


def test_the_worker_keeps_the_dashboard_up_to_date_in_the_background(web_app: Flask) -> None:
    with web_app.app_context():
        worker = start_feed_worker(current_engine(), {"TERUGKEER_DASHBOARD_POLL_SECONDS": 0.05})
    try:
        instance = start_case(web_app)
        waited = 0.0
        while not facts(web_app, instance.id) and waited < 30:
            time.sleep(0.05)
            waited += 0.05
    finally:
        worker.stop()
    assert facts(web_app, instance.id) == {"register": ("open", None)}
