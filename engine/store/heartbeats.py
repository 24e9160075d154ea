"""Scheduler heartbeats: each running scheduler's last sign of life."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, Insert, Table, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.db.models import SchedulerHeartbeat
from engine.store.records import HeartbeatInfo

heartbeats = SchedulerHeartbeat.__table__


def _upsert(dialect_insert: Callable[[Table], Insert]) -> Insert:
    statement = dialect_insert(heartbeats)
    return statement.on_conflict_do_update(
        index_elements=[heartbeats.c.id], set_={"beat_at": statement.excluded.beat_at}
    )


_UPSERT = {"postgresql": _upsert(postgresql_insert), "sqlite": _upsert(sqlite_insert)}
_FORGET = delete(heartbeats).where(heartbeats.c.id == bindparam("scheduler_id"))
_FORGET_OLDER = delete(heartbeats).where(heartbeats.c.beat_at < bindparam("before"))


def beat(
    conn: Connection, scheduler_id: str, *, host: str, pid: int, started_at: datetime, at: datetime
) -> None:
    conn.execute(
        _UPSERT[conn.dialect.name],
        {"id": scheduler_id, "host": host, "pid": pid, "started_at": started_at, "beat_at": at},
    )


def forget(conn: Connection, scheduler_id: str) -> None:
    """A scheduler that stops removes its row."""
    conn.execute(_FORGET, {"scheduler_id": scheduler_id})


def forget_older(conn: Connection, before: datetime) -> None:
    """Rows of schedulers that died without stopping, silent since ``before``."""
    conn.execute(_FORGET_OLDER, {"before": before})


def all_beats(conn: Connection) -> list[HeartbeatInfo]:
    query = select(heartbeats).order_by(heartbeats.c.beat_at.desc())
    return [HeartbeatInfo(**row._mapping) for row in conn.execute(query)]
