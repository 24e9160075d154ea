"""A finished case's task rows archived in one row (migrations 0552 and 0620, engine/store/
case_archive.py; issue 14; its fired timers: tests/engine/store/test_case_archive.py). The feed
archives them with the case's events; every reader gets the same tasks as before: the case page,
the API's case, history and task, the privacy export, the drill-downs, the task page, the
dashboard's rebuild; a claim or a completion of an archived task is refused as closed.
Migrations 0550 to 0620 and their downgrades leave what users see as it was. SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from engine import ConflictError, ManualClock, WorkingDayCalendar
from engine.db.models import ArchivedTaskKey, CaseArchive, HumanTask
from tests.web.api.conftest import ApiClient, make_token
from tests.web.support import finished_beside_running
from tests.web.test_leaner_finished import migrate, seen
from tests.web.test_smaller_finished import dashboard
from web.dashboard.rebuild import rebuild_dashboard
from web.engine_access import current_engine, dashboard_feed

human_tasks = HumanTask.__table__


def stored(app: Flask) -> tuple[dict[int, int], list[int], int]:
    """Live task rows per case, the cases with an archive, and the archived tasks' keys."""
    with app.app_context(), current_engine().database.connect() as conn:
        inspector = sa.inspect(conn)
        live = dict(
            conn.execute(
                sa.select(human_tasks.c.instance_id, sa.func.count()).group_by(
                    human_tasks.c.instance_id
                )
            ).all()
        )
        if not inspector.has_table("case_archives"):
            return live, [], 0
        cases = list(conn.execute(sa.select(CaseArchive.__table__.c.instance_id)).scalars())
        ids = conn.execute(sa.select(sa.func.count()).select_from(ArchivedTaskKey.__table__))
        return live, cases, ids.scalar_one()


def test_a_finished_case_shows_the_same_with_its_tasks_archived(
    web_app: Flask, sign_in: Callable[[str], FlaskClient], clock: ManualClock
) -> None:
    running = finished_beside_running(web_app, clock)
    with web_app.app_context():
        engine = current_engine()
        finished = engine.instance_by_key("NZ-KLAAR")
        tasks = engine.tasks(instance_id=finished.id, status=None, limit=100)
        completed = engine.tasks(instance_id=finished.id, status="completed", limit=100)
        page_two = engine.tasks(instance_id=finished.id, status=None, limit=2, offset=1)
        running_tasks = engine.tasks(instance_id=running.id, status=None, limit=100)
    assert len(tasks) >= 3 and page_two == tasks[1:3] and completed
    live, archived, _ = stored(web_app)
    assert live[finished.id] == len(tasks) and archived == []

    with web_app.app_context():
        dashboard_feed(current_engine()).catch_up()
    live, archived, ids = stored(web_app)
    assert finished.id not in live and live[running.id] == len(running_tasks)
    assert archived == [finished.id] and ids == len(tasks)
    after = seen(web_app, sign_in)
    assert "NZ-KLAAR" in after[8] and "NZ-KLAAR" in after[9] and "NZ-LOOPT" in after[10]
    projected = dashboard(web_app)

    with web_app.app_context():
        engine = current_engine()
        assert engine.tasks(instance_id=finished.id, status=None, limit=100) == tasks
        assert engine.tasks(instance_id=finished.id, status="completed", limit=100) == completed
        assert engine.tasks(instance_id=finished.id, status=None, limit=2, offset=1) == page_two
        assert engine.tasks(instance_id=finished.id) == []  # none open
        assert engine.tasks(instance_id=running.id, status=None, limit=100) == running_tasks
        for task in tasks:
            assert engine.task(task.id) == task
        closed = tasks[0]
        with pytest.raises(ConflictError) as refused:
            engine.complete(closed.id, {}, "mmd")
        assert refused.value.params["reason"] == "task_closed"
        with pytest.raises(ConflictError):
            engine.claim(closed.id, "mmd")
        # The dashboard rebuilt from the archived task rows and claims comes out the same.
        with engine.database.begin() as conn:
            now = engine.clock.now()
            assert rebuild_dashboard(conn, engine.each_instance(), WorkingDayCalendar(), now) == 2
    assert dashboard(web_app) == projected

    # The task page and the API's task of an archived task.
    task_page = sign_in("ams").get(f"/taken/{closed.id}")
    assert task_page.status_code == 200 and closed.name in task_page.text
    api = ApiClient(web_app.test_client(), make_token(web_app, "ams"))
    response = api.get(f"/api/v1/tasks/{closed.id}")
    assert response.status_code == 200 and response.json["status"] == closed.status
    assert sign_in("ams").get("/taken/not-a-task").status_code == 404

    # Down to before 0550 (which this code cannot read): the rows are back in human_tasks as
    # they were; up again, everything shows as before.
    migrate(web_app, "0541_packed_finished")
    live, archived, ids = stored(web_app)
    assert live[finished.id] == len(tasks) and archived == [] and ids == 0
    with web_app.app_context(), current_engine().database.connect() as conn:
        rows = conn.execute(
            sa.select(human_tasks).where(human_tasks.c.instance_id == finished.id)
        ).all()
    assert sorted((str(r.id), r.status, r.completed_at, r.name) for r in rows) == sorted(
        (t.id, t.status, t.completed_at, t.name) for t in tasks
    )

    migrate(web_app, None)
    live, archived, ids = stored(web_app)
    assert finished.id not in live and archived == [finished.id] and ids == len(tasks)
    assert seen(web_app, sign_in) == after
    with web_app.app_context():
        engine = current_engine()
        assert engine.tasks(instance_id=finished.id, status=None, limit=100) == tasks
        assert [engine.task(task.id) for task in tasks] == tasks
