"""The audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from engine.db.models import Event
from engine.logcontext import request_id
from engine.store import case_archive
from engine.store.records import EventInfo

events = Event.__table__
_INSERT = insert(events)


def row(
    kind: str,
    *,
    actor: str,
    at: datetime,
    instance_id: int | None = None,
    version_id: int | None = None,
    task_id: str | None = None,
    bpmn_id: str | None = None,
    detail: dict | None = None,
) -> dict:
    """One event row: who did what, when, to which instance, task and version."""
    return {
        "instance_id": instance_id,
        "version_id": version_id,
        "at": at,
        "actor": actor,
        "kind": kind,
        "task_id": task_id,
        "bpmn_id": bpmn_id,
        "detail": detail or None,
    }


def append(conn: Connection, rows: list[dict]) -> None:
    """Write ``rows`` as ``stamped`` gives them."""
    if rows:
        conn.execute(_INSERT, stamped(rows))


def stamped(rows: list[dict]) -> list[dict]:
    """The rows as written: inside a request each carries its id in ``detail["request_id"]``,
    which ties the audit trail to the request's log lines."""
    current = request_id.get()
    if current is None:
        return rows
    return [{**r, "detail": {**(r["detail"] or {}), "request_id": current}} for r in rows]


def for_instance(conn: Connection, instance_id: int) -> list[EventInfo]:
    """A case's events, oldest first: the live ones and those archived when it finished."""
    query = select(events).where(events.c.instance_id == instance_id).order_by(events.c.id)
    live = [EventInfo(**row._mapping) for row in conn.execute(query)]
    archived = case_archive.events(conn, instance_id)
    return sorted([*archived, *live], key=lambda e: e.id) if archived else live
