"""The human task projection: what inboxes and the API list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from engine.db.models import HumanTask
from engine.store.records import TaskInfo

tasks = HumanTask.__table__


_GET = select(tasks).where(tasks.c.id == bindparam("task_id"))
_INSTANCE_OF = select(tasks.c.instance_id).where(tasks.c.id == bindparam("task_id"))
_INSERT = insert(tasks)


def _info(row: Row) -> TaskInfo:
    return TaskInfo(**row._mapping)


def get(conn: Connection, task_id: str) -> TaskInfo | None:
    row = conn.execute(_GET, {"task_id": task_id}).first()
    return _info(row) if row else None


def instance_of(conn: Connection, task_id: str) -> int | None:
    return conn.execute(_INSTANCE_OF, {"task_id": task_id}).scalar()


def open_ids(conn: Connection, instance_id: int) -> set[str]:
    query = select(tasks.c.id).where(tasks.c.instance_id == instance_id, tasks.c.status == "ready")
    return set(conn.execute(query).scalars())


def insert_ready(conn: Connection, rows: list[dict]) -> None:
    if rows:
        conn.execute(_INSERT, rows)


def close(conn: Connection, task_ids: list[str], status: str, at: datetime, by: str | None) -> None:
    """Mark tasks completed or cancelled."""
    if task_ids:
        conn.execute(
            update(tasks)
            .where(tasks.c.id.in_(task_ids))
            .values(status=status, completed_at=at, completed_by=by)
        )


def set_claim(
    conn: Connection, task_id: str, *, expected_claimant: str | None, claimant: str | None, at: datetime | None
) -> bool:
    """Claim or release a ready task if its claimant is still what the caller saw."""
    result = conn.execute(
        update(tasks)
        .where(
            tasks.c.id == task_id,
            tasks.c.status == "ready",
            tasks.c.claimed_by.is_(None)
            if expected_claimant is None
            else tasks.c.claimed_by == expected_claimant,
        )
        .values(claimed_by=claimant, claimed_at=at)
    )
    return result.rowcount == 1


def search(
    conn: Connection,
    *,
    instance_id: int | None = None,
    business_key: str | None = None,
    organisations: list[str] | None = None,
    party: str | None = None,
    status: str | None = "ready",
    claimed_by: str | None = None,
    unclaimed: bool = False,
    bpmn_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[TaskInfo]:
    query = select(tasks)
    if instance_id is not None:
        query = query.where(tasks.c.instance_id == instance_id)
    if business_key is not None:
        query = query.where(tasks.c.business_key == business_key)
    if organisations is not None:
        query = query.where(tasks.c.organisation.in_(organisations))
    if party is not None:
        query = query.where(tasks.c.party == party)
    if status is not None:
        query = query.where(tasks.c.status == status)
    if claimed_by is not None:
        query = query.where(tasks.c.claimed_by == claimed_by)
    if unclaimed:
        query = query.where(tasks.c.claimed_by.is_(None))
    if bpmn_id is not None:
        query = query.where(tasks.c.bpmn_id == bpmn_id)
    query = query.order_by(tasks.c.due_at.is_(None), tasks.c.due_at, tasks.c.created_at, tasks.c.id)
    return [_info(row) for row in conn.execute(query.limit(limit).offset(offset))]
