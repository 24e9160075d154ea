"""/healthz and /readyz without signing in: ready only with the database at the newest migration,
the main process deployed and a scheduler heartbeat younger than the limit; 503 otherwise, with
the failing check named and nothing secret in the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from engine.db.connect import write_transaction
from engine.store import heartbeats
from web.engine_access import current_engine


def beat(app: Flask, seconds_ago: float) -> None:
    at = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    with app.app_context(), write_transaction(current_engine().database) as conn:
        heartbeats.beat(conn, "host:1:test", host="host", pid=1, started_at=at, at=at)


def test_ready_needs_a_recent_scheduler_heartbeat(web_app: Flask) -> None:
    client = web_app.test_client()
    alive = client.get("/healthz")
    assert (alive.status_code, alive.json) == (200, {"status": "ok"})

    waiting = client.get("/readyz")
    assert waiting.status_code == 503
    assert waiting.json["status"] == "not ready"
    checks = waiting.json["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["migrations"] == {"ok": True}
    assert checks["processes"] == {"ok": True, "main_process": "sample_case"}
    assert checks["scheduler"]["ok"] is False
    assert checks["scheduler"]["schedulers"] == 0
    assert "Set-Cookie" not in waiting.headers  # no session for monitoring

    beat(web_app, seconds_ago=1)
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json["status"]) == (200, "ready")
    assert ready.json["checks"]["scheduler"]["schedulers"] == 1

    beat(web_app, seconds_ago=web_app.config["TERUGKEER_READY_HEARTBEAT_SECONDS"] + 30)
    aged = client.get("/readyz")
    assert aged.status_code == 503
    assert aged.json["checks"]["scheduler"]["newest_heartbeat_age_seconds"] > 60
    assert web_app.config["DATABASE_URL"] not in aged.get_data(as_text=True)


def test_not_ready_behind_on_migrations_or_without_the_main_process(web_app: Flask) -> None:
    beat(web_app, seconds_ago=0)
    client = web_app.test_client()
    web_app.config["TERUGKEER_MAIN_PROCESS"] = "not_deployed"
    undeployed = client.get("/readyz")
    assert undeployed.status_code == 503
    assert undeployed.json["checks"]["processes"] == {"ok": False, "main_process": "not_deployed"}

    with web_app.app_context(), current_engine().database.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert behind.json["checks"]["migrations"] == {"ok": False}
