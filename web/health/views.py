"""``/healthz``: the process answers. ``/readyz``: it can serve: the database answers, its schema
is at the newest migration, the main process is deployed, and a timer scheduler gave a sign of
life within TERUGKEER_READY_HEARTBEAT_SECONDS. JSON without secrets (no addresses, no error
texts); 503 when not ready. No sign-in, no session, no audit: monitoring calls them often."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from engine.db.connect import read_transaction
from engine.db.migrate import at_head
from web.cases.registration import main_process
from web.engine_access import current_engine

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    checks = readiness()
    ready = all(check["ok"] for check in checks.values())
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return jsonify(body), 200 if ready else 503


def readiness() -> dict[str, dict[str, Any]]:
    """Each check with ``ok``; the later checks are not run when the database does not answer."""
    engine = current_engine()
    try:
        with read_transaction(engine.database) as conn:
            migrated = at_head(conn)
    except Exception as error:
        failed = {"ok": False, "error": type(error).__name__}
        return {"database": failed}
    checks: dict[str, dict[str, Any]] = {
        "database": {"ok": True},
        "migrations": {"ok": migrated},
    }
    if not migrated:
        return checks
    process = main_process()
    checks["processes"] = {"ok": bool(engine.versions(process)), "main_process": process}
    checks["scheduler"] = scheduler_check(current_app.config["TERUGKEER_READY_HEARTBEAT_SECONDS"])
    return checks


def scheduler_check(limit_seconds: float) -> dict[str, Any]:
    """The age of the newest scheduler heartbeat, and how many schedulers beat within the limit."""
    ages = heartbeat_ages()
    alive = [age for age in ages if age <= limit_seconds]
    return {
        "ok": bool(alive),
        "schedulers": len(alive),
        "newest_heartbeat_age_seconds": round(min(ages), 1) if ages else None,
        "limit_seconds": limit_seconds,
    }


def heartbeat_ages() -> list[float]:
    """Seconds since each scheduler's last heartbeat (wall-clock time), newest first."""
    now = datetime.now(UTC)
    beats = current_engine().scheduler_heartbeats()
    return [(now - _aware(beat.beat_at)).total_seconds() for beat in beats]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
