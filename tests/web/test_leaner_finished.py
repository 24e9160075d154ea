"""Migrations 0540 and 0541 make a finished case smaller (issue 14): its compact state packed,
its task rows and task facts out of the indexes only open tasks are looked up in, a task fact's
id a uuid on PostgreSQL. What a user sees stays the same: the case page with its diagram, the
API's case with its history and tasks, the privacy export, the dashboard's drill-downs and the
inbox, before and after a downgrade to 0530 and the upgrade. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from engine.db.migrate import alembic_config, upgrade
from engine.store.compaction import is_packed
from tests.web.api.conftest import ApiClient, make_token
from tests.web.support import finished_beside_running
from web.engine_access import current_engine, dashboard_feed
from web.extensions import db

PERIOD = {"van": "2026-05", "tot": "2026-07"}
DRILLDOWNS = [
    {**PERIOD, "soort": "stap", "stap": "register", "toestand": "afgerond"},
    {**PERIOD, "soort": "stap", "stap": "notify_municipality", "toestand": "afgerond"},
    {**PERIOD, "soort": "stap", "stap": "notify_municipality", "toestand": "open"},
]


def seen(app: Flask, sign_in: Callable[[str], FlaskClient]) -> list[str]:
    """What the users see of the finished case and the running one (without form tokens)."""
    found = []
    api = ApiClient(app.test_client(), make_token(app, "ams"))
    for key in ("NZ-KLAAR", "NZ-LOOPT"):
        for response in (
            sign_in("ams").get(f"/zaken/{key}"),
            api.get(f"/api/v1/cases/{key}"),
            api.get(f"/api/v1/cases/{key}/events"),
            sign_in("mmd").get(f"/zaken/{key}/avg-inzage.json"),
        ):
            assert response.status_code == 200, (key, response.get_data(as_text=True)[:300])
            found.append(re.sub(r'name="csrf_token" value="[^"]*"', "", response.text))
        export = json.loads(found.pop())
        for case in export["cases"]:
            case.pop("views")  # who viewed it: every look here adds to it
        found.append(json.dumps(export))
    landelijk = sign_in("landelijk")
    for args in DRILLDOWNS:
        response = landelijk.get("/dashboard/zaken", query_string=args)
        assert response.status_code == 200, args
        found.append(re.sub(r'name="csrf_token" value="[^"]*"', "", response.text))
    inbox = sign_in("mmd").get("/taken")
    assert inbox.status_code == 200
    found.append(re.sub(r'name="csrf_token" value="[^"]*"', "", inbox.text))
    return found


def stored_state(app: Flask, key: str) -> dict:
    with app.app_context(), current_engine().database.connect() as conn:
        query = sa.text("SELECT state FROM process_instances WHERE business_key = :key")
        return json.loads(conn.execute(query, {"key": key}).scalar_one())


def migrate(app: Flask, to: str | None) -> None:
    """Down to ``to``, or up to the head, with the app's connections closed first."""
    with app.app_context():
        engine = current_engine()
        url = engine.database.url.render_as_string(hide_password=False)
        engine.database.dispose()
        db.engine.dispose()
    if to is None:
        upgrade(url)
    else:
        command.downgrade(alembic_config(url), to)


def test_a_finished_case_shows_the_same_before_and_after_it_is_made_leaner(
    web_app: Flask, sign_in: Callable[[str], FlaskClient], clock: ManualClock
) -> None:
    finished_beside_running(web_app, clock)
    with web_app.app_context():
        engine = current_engine()
        dashboard_feed(engine).catch_up()
        finished = engine.instance_by_key("NZ-KLAAR")
        diagram = engine.element_states(finished.id)
        tasks = engine.tasks(instance_id=finished.id, status=None, limit=100)
        audit = engine.events(finished.id)
    assert is_packed(stored_state(web_app, "NZ-KLAAR"))
    after = seen(web_app, sign_in)
    # the drill-downs list the finished case's completed steps, the running one's open step
    assert "NZ-KLAAR" in after[8] and "NZ-KLAAR" in after[9] and "NZ-LOOPT" in after[10]

    migrate(web_app, "0530_inbox_steps_index")
    state = stored_state(web_app, "NZ-KLAAR")
    assert state["compacted"] is True and not is_packed(state)
    # (this code reads the task archive of migration 0552: at 0530 it is not there to show)

    migrate(web_app, None)

    assert is_packed(stored_state(web_app, "NZ-KLAAR"))
    assert seen(web_app, sign_in) == after
    with web_app.app_context():
        engine = current_engine()
        assert engine.element_states(finished.id) == diagram
        assert engine.tasks(instance_id=finished.id, status=None, limit=100) == tasks
        assert engine.events(finished.id) == audit
