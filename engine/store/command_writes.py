"""A command's writes at its end: the task and timer projections' changes, the saved state and
the audit events. On PostgreSQL they go out as one statement (data-modifying CTEs): one round
trip instead of up to seven per command. SQLite, where a statement costs no round trip, runs
them one by one.

Either way the same rows result and the same checks hold: a completed task must still be open
and not claimed by someone else (else ``task_taken``), the instance must still be at the
revision the command read (else ``instance_changed``); the caller's transaction rolls back on
either."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, String, Text, bindparam, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY

from engine.db.models import UTCDateTime
from engine.errors import ConflictError
from engine.store import events, human_tasks, instances, timers


@dataclass
class TaskWrites:
    """The human-task rows a command changes: ``completed`` by ``by`` (each must still be open),
    ``cancelled``, and the new ready ``opened`` rows."""

    by: str
    completed: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    opened: list[dict] = field(default_factory=list)


@dataclass
class TimerWrites:
    """The timer rows a command changes: ``fired``, ``dropped`` (no longer waited for), and
    ``armed`` (timer id, bpmn id, due): new ones inserted, known ones re-armed."""

    fired: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    armed: list[tuple[str, str, datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class Save:
    """The instance's new head: what ``instances.save`` writes."""

    instance_id: int
    expected_revision: int
    state: str
    status: str
    now: datetime
    ended_at: datetime | None
    error_message: str | None
    error_element: str | None
    error_code: str | None
    error_params: dict | None
    case_data: dict
    version_id: int


_TASK_COLUMNS = [column.name for column in human_tasks.tasks.c]
_EVENT_COLUMNS = [c.name for c in events.events.c if c.name != "id"]
_TASK_DATES = [c.name for c in human_tasks.tasks.c if isinstance(c.type, UTCDateTime)]
_TASK_ID = human_tasks.tasks.c.id.type.compile(dialect=postgresql.dialect())  # uuid (TASK_ID)


def _columns(names: list[str], *, prefix: str = "") -> str:
    return ", ".join(f"{prefix}{name}" for name in names)


# Every sub-statement runs to completion whether or not the final SELECT reads it; none touches
# a row another one touches (a completed task is never also cancelled or opened, a fired or
# dropped timer is not armed). As engine/store/timers.py writes them: a re-armed timer is a new
# one as far as retries go.
_WRITE = text(
    f"""
WITH closed AS (
    UPDATE human_tasks SET status = 'completed', completed_at = :now, completed_by = :by
    WHERE id = ANY(CAST(:completed AS {_TASK_ID}[])) AND status = 'ready'
        AND (claimed_by IS NULL OR claimed_by = :by)
    RETURNING id
), cancelled AS (
    UPDATE human_tasks SET status = 'cancelled', completed_at = :now
    WHERE id = ANY(CAST(:cancelled AS {_TASK_ID}[]))
), opened AS (
    INSERT INTO human_tasks ({_columns(_TASK_COLUMNS)})
    SELECT {_columns(_TASK_COLUMNS, prefix="r.")}
    FROM json_populate_recordset(NULL::human_tasks, CAST(:opened AS json)) AS r
), logged AS (
    INSERT INTO events ({_columns(_EVENT_COLUMNS)})
    SELECT {_columns([c for c in _EVENT_COLUMNS if c != "detail"], prefix="r.")},
        COALESCE(r.detail, 'null'::json)
    FROM json_populate_recordset(NULL::events, CAST(:events AS json)) WITH ORDINALITY AS r
    ORDER BY r.ordinality
), fired AS (
    UPDATE timers SET status = 'fired', fired_at = :now WHERE id = ANY(:fired)
), dropped AS (
    DELETE FROM timers WHERE id = ANY(:dropped) AND status IN ('waiting', 'failed')
), armed AS (
    INSERT INTO timers (id, instance_id, bpmn_id, due_at, status)
    SELECT r.id, r.instance_id, r.bpmn_id, r.due_at, 'waiting'
    FROM json_populate_recordset(NULL::timers, CAST(:armed AS json)) AS r
    ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, status = 'waiting',
        fired_at = NULL, attempts = 0, next_attempt_at = NULL, last_error = NULL
), saved AS (
    UPDATE process_instances SET state = :state, status = :status, revision = :new_revision,
        updated_at = :now, ended_at = :ended_at, error_message = :error_message,
        error_element = :error_element, error_code = :error_code, error_params = :error_params,
        case_data = :case_data, version_id = :version_id
    WHERE id = :instance_id AND revision = :revision
    RETURNING id
)
SELECT ARRAY(SELECT CAST(id AS text) FROM closed) AS closed, (SELECT count(*) FROM saved) AS saved
"""
).bindparams(
    bindparam("completed", type_=ARRAY(String)),
    bindparam("cancelled", type_=ARRAY(String)),
    bindparam("fired", type_=ARRAY(String)),
    bindparam("dropped", type_=ARRAY(String)),
    bindparam("armed", type_=Text),
    bindparam("by", type_=String),
    bindparam("now", type_=UTCDateTime),
    bindparam("ended_at", type_=UTCDateTime),
    bindparam("opened", type_=Text),
    bindparam("events", type_=Text),
    bindparam("state", type_=Text),
    bindparam("error_params", type_=JSON),
    bindparam("case_data", type_=JSON),
)


def write(
    conn: Connection,
    tasks: TaskWrites,
    timer_writes: TimerWrites,
    save: Save,
    event_rows: list[dict],
) -> int:
    """Apply ``tasks`` and ``timer_writes``, save the instance and append ``event_rows`` (as
    ``events.append`` does); the new revision. ConflictError when a completed task was taken
    meanwhile or the instance changed."""
    if conn.dialect.name != "postgresql":
        return _write_one_by_one(conn, tasks, timer_writes, save, event_rows)
    armed = [
        {"id": tid, "instance_id": save.instance_id, "bpmn_id": bid, "due_at": due}
        for tid, bid, due in timer_writes.armed
    ]
    found = conn.execute(
        _WRITE,
        {
            "completed": tasks.completed,
            "cancelled": tasks.cancelled,
            "by": tasks.by,
            "now": save.now,
            "opened": _json_rows(tasks.opened, _TASK_DATES),
            "fired": timer_writes.fired,
            "dropped": timer_writes.dropped,
            "armed": _json_rows(armed, ["due_at"]),
            "events": _json_rows(events.stamped(event_rows), ["at"]),
            "state": save.state,
            "status": save.status,
            "new_revision": save.expected_revision + 1,
            "ended_at": save.ended_at,
            "error_message": save.error_message,
            "error_element": save.error_element,
            "error_code": save.error_code,
            "error_params": save.error_params,
            "case_data": save.case_data,
            "version_id": save.version_id,
            "instance_id": save.instance_id,
            "revision": save.expected_revision,
        },
    ).one()
    closed = set(found.closed)
    for tid in tasks.completed:
        if tid not in closed:
            raise _task_taken(tid)
    if found.saved != 1:
        raise instances.changed(save.instance_id)
    return save.expected_revision + 1


def _write_one_by_one(
    conn: Connection,
    tasks: TaskWrites,
    timer_writes: TimerWrites,
    save: Save,
    event_rows: list[dict],
) -> int:
    for tid in tasks.completed:
        if not human_tasks.complete(conn, tid, save.now, tasks.by):
            raise _task_taken(tid)
    human_tasks.cancel(conn, tasks.cancelled, save.now)
    human_tasks.insert_ready(conn, tasks.opened)
    timers.mark_fired(conn, timer_writes.fired, save.now)
    timers.cancel(conn, timer_writes.dropped)
    timers.upsert_waiting(conn, save.instance_id, timer_writes.armed)
    revision = instances.save(
        conn,
        instance_id=save.instance_id,
        expected_revision=save.expected_revision,
        state=save.state,
        status=save.status,
        now=save.now,
        ended_at=save.ended_at,
        error_message=save.error_message,
        error_element=save.error_element,
        error_code=save.error_code,
        error_params=save.error_params,
        case_data=save.case_data,
        version_id=save.version_id,
    )
    events.append(conn, event_rows)
    return revision


def _task_taken(task_id: str) -> ConflictError:
    return ConflictError(
        f"task {task_id} was closed or claimed by someone else meanwhile",
        reason="task_taken",
        task_id=task_id,
    )


def _json_rows(rows: list[dict], dates: list[str]) -> str:
    """Rows as a JSON array, their ``dates`` (aware datetimes, as the UTC columns demand) in
    ISO 8601 with their offsets."""
    return json.dumps([{**row, **{name: _iso(row.get(name)) for name in dates}} for row in rows])


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.isoformat()
