"""A finished case's audit events move to one archive row once the dashboard's feed has projected
them (engine/store/case_archive.py), and nothing a user or the dashboard sees changes: the case
page, the API's case with its history, the audit trail, the dashboard's facts (also rebuilt from
the archive), a redaction after the archive. A running case keeps its events live. SQLite and
PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock, WorkingDayCalendar
from engine.db.models import CaseArchive, Event
from tests.web.api.conftest import ApiClient, make_token
from tests.web.support import close_case, start_case
from web.dashboard.rebuild import rebuild_dashboard
from web.dashboard.tables import task_facts, task_stats
from web.engine_access import current_engine, dashboard_feed

events = Event.__table__
archives = CaseArchive.__table__


def live_events(app: Flask, instance_id: int) -> int:
    with app.app_context(), current_engine().database.connect() as conn:
        query = sa.select(sa.func.count()).where(events.c.instance_id == instance_id)
        return conn.execute(query).scalar_one()


def archived_cases(app: Flask) -> list[int]:
    with app.app_context(), current_engine().database.connect() as conn:
        return list(conn.execute(sa.select(archives.c.instance_id)).scalars())


def dashboard(app: Flask) -> tuple[list, list]:
    """The dashboard's task facts and task cube, in a stable order."""
    with app.app_context(), current_engine().database.connect() as conn:
        facts = conn.execute(sa.select(task_facts).order_by(task_facts.c.task_id)).all()
        stats = conn.execute(sa.select(task_stats).order_by(*task_stats.primary_key.columns)).all()
    return [tuple(r) for r in facts], [tuple(r) for r in stats]


def shown(app: Flask, sign_in: Callable[[str], FlaskClient], key: str) -> tuple[str, str]:
    """The case page (without its session's form tokens) and the API's case with its events, as
    the municipality sees them."""
    page = sign_in("ams").get(f"/zaken/{key}")
    api = ApiClient(app.test_client(), make_token(app, "ams"))
    case = api.get(f"/api/v1/cases/{key}")
    history = api.get(f"/api/v1/cases/{key}/events")
    assert page.status_code == 200 and case.status_code == 200, case.get_data(as_text=True)
    assert history.status_code == 200, history.get_data(as_text=True)
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", page.get_data(as_text=True))
    return html, case.get_data(as_text=True) + history.get_data(as_text=True)


def test_a_finished_case_keeps_its_page_audit_and_dashboard_with_its_events_archived(
    web_app: Flask, sign_in: Callable[[str], FlaskClient], clock: ManualClock
) -> None:
    instance = start_case(web_app, "NZ-KLAAR")
    clock.advance(timedelta(hours=1))
    with web_app.app_context():
        engine = current_engine()
        engine.claim(engine.tasks(instance_id=instance.id)[0].id, "mmd")
    clock.advance(timedelta(hours=1))
    close_case(web_app, "NZ-KLAAR", started=instance)
    running = start_case(web_app, "NZ-LOOPT")
    with web_app.app_context():
        engine = current_engine()
        finished = engine.instance_by_key("NZ-KLAAR")
        audit = engine.events(finished.id)
        running_audit = engine.events(running.id)
    page, api = shown(web_app, sign_in, "NZ-KLAAR")
    assert {"task_claimed", "task_completed", "instance_completed"} <= {e.kind for e in audit}
    assert live_events(web_app, finished.id) == len(audit) and archived_cases(web_app) == []

    with web_app.app_context():
        assert dashboard_feed(current_engine()).catch_up() >= len(audit) + len(running_audit)

    assert live_events(web_app, finished.id) == 0
    assert archived_cases(web_app) == [finished.id]
    assert live_events(web_app, running.id) == len(running_audit)  # running: stays live
    with web_app.app_context():
        engine = current_engine()
        assert engine.events(finished.id) == audit  # same ids, times, actors, details
        assert engine.events(running.id) == running_audit
    assert shown(web_app, sign_in, "NZ-KLAAR") == (page, api)
    projected = dashboard(web_app)
    assert projected[0] and projected[1]

    # The dashboard rebuilt from the task rows and the (archived) claims comes out the same.
    with web_app.app_context():
        engine = current_engine()
        with engine.database.begin() as conn:
            now = engine.clock.now()
            cases = engine.each_instance()
            assert rebuild_dashboard(conn, cases, WorkingDayCalendar(), now) == 2
    assert dashboard(web_app) == projected

    # A redaction after the archive: its event is live until the feed merges it in.
    with web_app.app_context():
        engine = current_engine()
        engine.redact(finished.id, {"name": "X"}, user="retention")
        redacted = engine.events(finished.id)
        assert redacted[:-1] == audit and redacted[-1].kind == "instance_redacted"
        assert dashboard_feed(engine).catch_up() == 1
        assert engine.events(finished.id) == redacted
    assert live_events(web_app, finished.id) == 0
    assert archived_cases(web_app) == [finished.id]
