"""Timer rows: the scheduler's source of truth (architecture principle 5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, Insert, Table, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.db.models import Timer
from engine.store.records import TimerInfo

timers = Timer.__table__


def waiting_for_instance(conn: Connection, instance_id: int) -> dict[str, datetime]:
    query = select(timers.c.id, timers.c.due_at).where(
        timers.c.instance_id == instance_id, timers.c.status == "waiting"
    )
    return {row.id: row.due_at for row in conn.execute(query)}


def _upsert(dialect_insert: Callable[[Table], Insert]) -> Insert:
    statement = dialect_insert(timers)
    return statement.on_conflict_do_update(
        index_elements=[timers.c.id],
        set_={"due_at": statement.excluded.due_at, "status": "waiting", "fired_at": None},
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


_CANCEL = delete(timers).where(timers.c.id == bindparam("timer_id"), timers.c.status == "waiting")
_MARK_FIRED = (
    update(timers)
    .where(timers.c.id == bindparam("timer_id"))
    .values(status="fired", fired_at=bindparam("b_at"))
)


def cancel(conn: Connection, timer_ids: list[str]) -> None:
    if timer_ids:
        conn.execute(_CANCEL, [{"timer_id": t} for t in timer_ids])


def mark_fired(conn: Connection, timer_ids: list[str], at: datetime) -> None:
    if timer_ids:
        conn.execute(_MARK_FIRED, [{"timer_id": t, "b_at": at} for t in timer_ids])


def due(conn: Connection, now: datetime, limit: int) -> list[tuple[str, int]]:
    """Waiting timers due at ``now``: (timer id, instance id), earliest first."""
    query = (
        select(timers.c.id, timers.c.instance_id)
        .where(timers.c.status == "waiting", timers.c.due_at < now)
        .order_by(timers.c.due_at)
        .limit(limit)
    )
    return [(row.id, row.instance_id) for row in conn.execute(query)]


def claim(conn: Connection, timer_id: str) -> bool:
    """Lock a waiting timer row for this transaction; False if gone or held by another scheduler."""
    query = select(timers.c.id).where(timers.c.id == timer_id, timers.c.status == "waiting")
    if conn.dialect.name != "sqlite":
        query = query.with_for_update(skip_locked=True)
    return conn.execute(query).first() is not None


def next_due(conn: Connection) -> datetime | None:
    return conn.execute(
        select(func.min(timers.c.due_at)).where(timers.c.status == "waiting")
    ).scalar()


def for_instance(conn: Connection, instance_id: int) -> list[TimerInfo]:
    query = select(timers).where(timers.c.instance_id == instance_id).order_by(timers.c.due_at)
    return [TimerInfo(**row._mapping) for row in conn.execute(query)]
