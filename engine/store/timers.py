"""Timer rows: the scheduler's source of truth (architecture principle 5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    ScalarSelect,
    Table,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.db.models import ProcessInstance, Timer
from engine.store import case_archive
from engine.store.records import TimerInfo

timers = Timer.__table__


# A failed timer is one the workflow still waits for: a retry of its case may fire it.
_OPEN = ("waiting", "failed")
_WAITING_FOR_INSTANCE = select(timers.c.id, timers.c.due_at).where(
    timers.c.instance_id == bindparam("instance_id"), timers.c.status.in_(_OPEN)
)


def waiting_for_instance(conn: Connection, instance_id: int) -> dict[str, datetime]:
    """The timers the instance's workflow waits for (waiting or failed), id -> due."""
    rows = conn.execute(_WAITING_FOR_INSTANCE, {"instance_id": instance_id})
    return {row.id: row.due_at for row in rows}


def _upsert(dialect_insert: Callable[[Table], Insert]) -> Insert:
    statement = dialect_insert(timers)
    return statement.on_conflict_do_update(
        index_elements=[timers.c.id],
        # Re-armed with a new due time: a new timer as far as retries are concerned.
        set_={
            "due_at": statement.excluded.due_at,
            "status": "waiting",
            "fired_at": None,
            "attempts": 0,
            "next_attempt_at": None,
            "last_error": None,
        },
    )


# Built once: building ``excluded`` costs milliseconds.
_UPSERT = {"postgresql": _upsert(postgresql_insert), "sqlite": _upsert(sqlite_insert)}


def upsert_waiting(
    conn: Connection, instance_id: int, rows: list[tuple[str, str, datetime]]
) -> None:
    """(timer id, bpmn id, due) rows: new ones inserted, known ones re-armed with their due time."""
    if not rows:
        return
    conn.execute(
        _UPSERT[conn.dialect.name],
        [
            {
                "id": tid,
                "instance_id": instance_id,
                "bpmn_id": bid,
                "due_at": due,
                "status": "waiting",
            }
            for tid, bid, due in rows
        ],
    )


_MARK_FIRED = (
    update(timers)
    .where(timers.c.id == bindparam("timer_id"))
    .values(status="fired", fired_at=bindparam("b_at"))
)


def cancel(conn: Connection, timer_ids: list[str]) -> None:
    if timer_ids:
        conn.execute(delete(timers).where(timers.c.id.in_(timer_ids), timers.c.status.in_(_OPEN)))


def mark_fired(conn: Connection, timer_ids: list[str], at: datetime) -> None:
    if timer_ids:
        conn.execute(_MARK_FIRED, [{"timer_id": t, "b_at": at} for t in timer_ids])


_instances = ProcessInstance.__table__


def _earliest(column: ColumnElement, condition: ColumnElement, keyed: bool) -> ScalarSelect:
    """The earliest ``column`` of the waiting timers meeting ``condition`` (of the cases whose
    business key matches ``key_pattern`` when ``keyed``)."""
    statement = select(func.min(column)).where(timers.c.status == "waiting", condition)
    if keyed:
        statement = statement.join_from(
            timers, _instances, timers.c.instance_id == _instances.c.id
        ).where(_instances.c.business_key.like(bindparam("key_pattern"), escape="\\"))
    return statement.scalar_subquery()


# The earliest of coalesce(next_attempt_at, due_at) as two reads that each stop at an index's first
# entry: the first due timer not waiting for a retry (ix_timers_status_due, in due order), and the
# first retry (ix_timers_retry_at, which holds only timers waiting for one). One aggregate over the
# coalesce read every waiting timer: 501 buffers at 150,000 cases (docs/operations.md).
_NEXT_DUE = {
    keyed: select(
        _earliest(timers.c.due_at, timers.c.next_attempt_at.is_(None), keyed),
        _earliest(timers.c.next_attempt_at, timers.c.next_attempt_at.is_not(None), keyed),
    )
    for keyed in (False, True)
}
_RECORD_FAILURE = (
    update(timers)
    .where(timers.c.id == bindparam("timer_id"), timers.c.status == "waiting")
    .values(
        attempts=bindparam("b_attempts"),
        next_attempt_at=bindparam("b_next_attempt_at"),
        last_error=bindparam("b_last_error"),
        status=bindparam("b_status"),
    )
)


def record_failure(
    conn: Connection,
    timer_id: str,
    *,
    attempts: int,
    next_attempt_at: datetime | None,
    error: str,
) -> None:
    """A failed try: counted, with its reason; tried again at ``next_attempt_at``, or never
    (status failed) when that is None."""
    conn.execute(
        _RECORD_FAILURE,
        {
            "timer_id": timer_id,
            "b_attempts": attempts,
            "b_next_attempt_at": next_attempt_at,
            "b_last_error": error,
            "b_status": "waiting" if next_attempt_at is not None else "failed",
        },
    )


def next_due(conn: Connection, key_prefix: str | None = None) -> datetime | None:
    """When the next waiting timer is due, or due to be tried again; only of the cases whose
    business key starts with ``key_prefix`` when given."""
    keyed = key_prefix is not None
    params = {"key_pattern": like_prefix(key_prefix)} if keyed else {}
    found = [at for at in conn.execute(_NEXT_DUE[keyed], params).one() if at is not None]
    return min(found, default=None)


def like_prefix(prefix: str) -> str:
    """A LIKE pattern for values starting with ``prefix`` (its wildcards escaped)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def for_instance(conn: Connection, instance_id: int) -> list[TimerInfo]:
    """A case's timers, live and archived (engine/store/case_archive.py), by due time."""
    query = select(timers).where(timers.c.instance_id == instance_id).order_by(timers.c.due_at)
    live = [TimerInfo(**row._mapping) for row in conn.execute(query)]
    archived = case_archive.timers(conn, instance_id)
    return sorted([*live, *archived], key=lambda timer: timer.due_at) if archived else live
