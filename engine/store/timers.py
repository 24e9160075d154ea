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


_WAITING_FOR_INSTANCE = select(timers.c.id, timers.c.due_at).where(
    timers.c.instance_id == bindparam("instance_id"), timers.c.status == "waiting"
)


def waiting_for_instance(conn: Connection, instance_id: int) -> dict[str, datetime]:
    rows = conn.execute(_WAITING_FOR_INSTANCE, {"instance_id": instance_id})
    return {row.id: row.due_at for row in rows}


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


_DUE = (
    select(timers.c.id, timers.c.instance_id)
    .where(timers.c.status == "waiting", timers.c.due_at < bindparam("now"))
    .order_by(timers.c.due_at)
    .limit(bindparam("limit"))
)
_CLAIM = select(timers.c.id).where(
    timers.c.id == bindparam("timer_id"), timers.c.status == "waiting"
)
_CLAIM_SKIP_LOCKED = _CLAIM.with_for_update(skip_locked=True)
_NEXT_DUE = select(func.min(timers.c.due_at)).where(timers.c.status == "waiting")


def due(conn: Connection, now: datetime, limit: int) -> list[tuple[str, int]]:
    """Waiting timers due at ``now``: (timer id, instance id), earliest first."""
    rows = conn.execute(_DUE, {"now": now, "limit": limit})
    return [(row.id, row.instance_id) for row in rows]


def claim(conn: Connection, timer_id: str) -> bool:
    """Lock a waiting timer row for this transaction; False if gone or held by another scheduler."""
    statement = _CLAIM if conn.dialect.name == "sqlite" else _CLAIM_SKIP_LOCKED
    return conn.execute(statement, {"timer_id": timer_id}).first() is not None


def next_due(conn: Connection) -> datetime | None:
    return conn.execute(_NEXT_DUE).scalar()


def for_instance(conn: Connection, instance_id: int) -> list[TimerInfo]:
    query = select(timers).where(timers.c.instance_id == instance_id).order_by(timers.c.due_at)
    return [TimerInfo(**row._mapping) for row in conn.execute(query)]
