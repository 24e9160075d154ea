"""Process instances: the stored workflow state and its status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, insert, select, update

from engine.db.models import ProcessInstance
from engine.errors import ConflictError
from engine.store.records import InstanceInfo

instances = ProcessInstance.__table__

_HEAD = (
    instances.c.id,
    instances.c.version_id,
    instances.c.process_id,
    instances.c.business_key,
    instances.c.status,
    instances.c.revision,
    instances.c.error_message,
    instances.c.error_element,
    instances.c.started_at,
    instances.c.updated_at,
    instances.c.ended_at,
)


def info(row: Row, data: dict | None = None) -> InstanceInfo:
    return InstanceInfo(
        id=row.id,
        process_id=row.process_id,
        version_id=row.version_id,
        business_key=row.business_key,
        status=row.status,
        started_at=row.started_at,
        updated_at=row.updated_at,
        ended_at=row.ended_at,
        error_message=row.error_message,
        error_element=row.error_element,
        data=data or {},
    )


def lock(conn: Connection, instance_id: int) -> Row | None:
    """The instance's head row, locked for this transaction (SQLite: the writer lock is held)."""
    query = select(*_HEAD).where(instances.c.id == instance_id)
    if conn.dialect.name != "sqlite":
        query = query.with_for_update()
    return conn.execute(query).first()


def head(conn: Connection, instance_id: int) -> Row | None:
    return conn.execute(select(*_HEAD).where(instances.c.id == instance_id)).first()


def state(conn: Connection, instance_id: int) -> tuple[str, str]:
    row = conn.execute(
        select(instances.c.state, instances.c.serializer_version).where(instances.c.id == instance_id)
    ).one()
    return row.state, row.serializer_version


def find_ids_by_key(conn: Connection, business_key: str, *, active_only: bool = False) -> list[int]:
    query = select(instances.c.id).where(instances.c.business_key == business_key)
    if active_only:
        query = query.where(instances.c.status != "completed")
    return list(conn.execute(query.order_by(instances.c.id)).scalars())


def insert_instance(
    conn: Connection,
    *,
    version_id: int,
    process_id: str,
    business_key: str,
    state: str,
    serializer_version: str,
    now: datetime,
) -> int:
    return conn.execute(
        insert(instances)
        .values(
            version_id=version_id,
            process_id=process_id,
            business_key=business_key,
            status="running",
            revision=0,
            state=state,
            serializer_version=serializer_version,
            started_at=now,
            updated_at=now,
        )
        .returning(instances.c.id)
    ).scalar_one()


def save(
    conn: Connection,
    *,
    instance_id: int,
    expected_revision: int,
    state: str,
    status: str,
    now: datetime,
    ended_at: datetime | None,
    error_message: str | None,
    error_element: str | None,
    version_id: int | None = None,
) -> int:
    """Write new state if nobody else did since we read it; returns the new revision."""
    values = {
        "state": state,
        "status": status,
        "revision": expected_revision + 1,
        "updated_at": now,
        "ended_at": ended_at,
        "error_message": error_message,
        "error_element": error_element,
    }
    if version_id is not None:
        values["version_id"] = version_id
    result = conn.execute(
        update(instances)
        .where(instances.c.id == instance_id, instances.c.revision == expected_revision)
        .values(**values)
    )
    if result.rowcount != 1:
        raise ConflictError(f"instance {instance_id} was changed by another writer")
    return expected_revision + 1


def list_heads(
    conn: Connection, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> list[Row]:
    query = select(*_HEAD).order_by(instances.c.id.desc()).limit(limit).offset(offset)
    if status is not None:
        query = query.where(instances.c.status == status)
    return list(conn.execute(query))
