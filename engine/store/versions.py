"""Process versions and the files they were deployed from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, bindparam, func, insert, select

from engine.db.models import DeploymentFile, ProcessInstance, ProcessVersion
from engine.store.records import VersionInfo

versions = ProcessVersion.__table__
files = DeploymentFile.__table__
instances = ProcessInstance.__table__


def _info(row: Row, created: bool = False) -> VersionInfo:
    return VersionInfo(
        id=row.id,
        process_id=row.process_id,
        version=row.version,
        name=row.name,
        content_hash=row.content_hash,
        deployed_by=row.deployed_by,
        deployed_at=row.deployed_at,
        created=created,
    )


_INFO_COLUMNS = (
    versions.c.id,
    versions.c.process_id,
    versions.c.version,
    versions.c.name,
    versions.c.content_hash,
    versions.c.deployed_by,
    versions.c.deployed_at,
)


def find_by_hash(conn: Connection, process_id: str, content_hash: str) -> VersionInfo | None:
    """The oldest version of a process with this content (a version put back has the same)."""
    row = conn.execute(
        select(*_INFO_COLUMNS)
        .where(versions.c.process_id == process_id, versions.c.content_hash == content_hash)
        .order_by(versions.c.version)
        .limit(1)
    ).first()
    return _info(row) if row else None


def latest(conn: Connection, process_id: str) -> VersionInfo | None:
    row = conn.execute(
        select(*_INFO_COLUMNS)
        .where(versions.c.process_id == process_id)
        .order_by(versions.c.version.desc())
        .limit(1)
    ).first()
    return _info(row) if row else None


_PICK_LATEST = (
    select(versions.c.id)
    .where(versions.c.process_id == bindparam("process_id"))
    .order_by(versions.c.version.desc())
    .limit(1)
)
_PICK_NUMBER = select(versions.c.id).where(
    versions.c.process_id == bindparam("process_id"), versions.c.version == bindparam("number")
)


def pick(conn: Connection, process_id: str, version: int | None = None) -> int | None:
    """The id of a version of a process: the given number, or the latest."""
    if version is None:
        return conn.execute(_PICK_LATEST, {"process_id": process_id}).scalar()
    return conn.execute(_PICK_NUMBER, {"process_id": process_id, "number": version}).scalar()


def get(conn: Connection, version_id: int) -> VersionInfo | None:
    row = conn.execute(select(*_INFO_COLUMNS).where(versions.c.id == version_id)).first()
    return _info(row) if row else None


def list_versions(conn: Connection, process_id: str | None = None) -> list[VersionInfo]:
    query = select(*_INFO_COLUMNS).order_by(versions.c.process_id, versions.c.version)
    if process_id is not None:
        query = query.where(versions.c.process_id == process_id)
    return [_info(row) for row in conn.execute(query)]


def running_counts(conn: Connection) -> dict[int, int]:
    """Running (or failed) instances per version id."""
    query = (
        select(instances.c.version_id, func.count())
        .where(instances.c.status != "completed")
        .group_by(instances.c.version_id)
    )
    return {version_id: count for version_id, count in conn.execute(query)}


def load_definition(conn: Connection, version_id: int) -> Row | None:
    """The stored specs and forms of a version."""
    return conn.execute(
        select(versions.c.id, versions.c.dialect, versions.c.specs, versions.c.forms).where(
            versions.c.id == version_id
        )
    ).first()


def insert_version(
    conn: Connection,
    *,
    process_id: str,
    name: str,
    content_hash: str,
    serializer_version: str,
    dialect: str,
    specs: str,
    forms: dict,
    deployed_by: str,
    deployed_at: datetime,
    source_files: list[tuple[str, bytes]],
) -> VersionInfo:
    current = latest(conn, process_id)
    number = current.version + 1 if current else 1
    version_id = conn.execute(
        insert(versions)
        .values(
            process_id=process_id,
            version=number,
            name=name,
            content_hash=content_hash,
            serializer_version=serializer_version,
            dialect=dialect,
            specs=specs,
            forms=forms,
            deployed_by=deployed_by,
            deployed_at=deployed_at,
        )
        .returning(versions.c.id)
    ).scalar_one()
    if source_files:
        conn.execute(
            insert(files),
            [{"version_id": version_id, "name": n, "content": c} for n, c in source_files],
        )
    return VersionInfo(
        version_id, process_id, number, name, content_hash, deployed_by, deployed_at, created=True
    )


def source_files(conn: Connection, version_id: int) -> list[tuple[str, bytes]]:
    query = select(files.c.name, files.c.content).where(files.c.version_id == version_id)
    return [(row.name, row.content) for row in conn.execute(query.order_by(files.c.name))]
