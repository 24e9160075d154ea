"""The engine's tables. Schema changes go through Alembic migrations in migrations/."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[no-untyped-def]
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict: JSON}


class ProcessVersion(Base):
    """One deployed version of an executable process. A content hash repeats only when an older
    version is put back (deployed again as a new version)."""

    __tablename__ = "process_versions"
    __table_args__ = (
        Index("ix_process_versions_process_id_content_hash", "process_id", "content_hash"),
        UniqueConstraint("process_id", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    serializer_version: Mapped[str] = mapped_column(String(16))
    dialect: Mapped[str] = mapped_column(String(16))
    specs: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict]
    deployed_by: Mapped[str] = mapped_column(String(255))
    deployed_at: Mapped[datetime]


class DeploymentFile(Base):
    """The source files (BPMN, DMN, forms) a version was deployed from."""

    __tablename__ = "deployment_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ProcessInstance(Base):
    """One running or finished case. ``state`` is the workflow without its specs; ``case_data``
    the data of its completed tasks folded together, for reading a case without loading it."""

    __tablename__ = "process_instances"
    __table_args__ = (UniqueConstraint("process_id", "business_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(255))
    business_key: Mapped[str] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    case_data: Mapped[dict]
    error_message: Mapped[str | None] = mapped_column(Text)
    error_element: Mapped[str | None] = mapped_column(String(255))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_params: Mapped[dict | None]
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


TASK_ID = String(36).with_variant(postgresql.UUID(as_uuid=False), "postgresql")
"""A task's SpiffWorkflow UUID: a uuid on PostgreSQL (16 bytes instead of 37), read and written
as a string (migration 0551); SQLite keeps text. Lookups refuse what is not a UUID first
(engine/store/human_tasks.is_task_id)."""


class HumanTask(Base):
    """Projection of user tasks: what the inbox and the API read."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        # Only open tasks are looked up by organisation or case number: the tasks of finished
        # cases stay out of those indexes (migration 0540)
        Index(
            "ix_human_tasks_inbox",
            "organisation",
            "status",
            "due_at",
            postgresql_where=text("status = 'ready'"),
            sqlite_where=text("status = 'ready'"),
        ),
        Index("ix_human_tasks_instance_status", "instance_id", "status"),
        Index(
            "ix_human_tasks_business_key_status",
            "business_key",
            "status",
            postgresql_where=text("status = 'ready'"),
            sqlite_where=text("status = 'ready'"),
        ),
        # the unclaimed tab's page in its order and its capped count (migration 0740)
        Index(
            "ix_human_tasks_unclaimed",
            "organisation",
            "role",
            "due_at",
            "created_at",
            "id",
            postgresql_where=text("status = 'ready' AND claimed_by IS NULL"),
            sqlite_where=text("status = 'ready' AND claimed_by IS NULL"),
        ),
        # the step filter's choices, one probe per step, and one step's page (migration 0740)
        Index(
            "ix_human_tasks_unclaimed_steps",
            "organisation",
            "role",
            "bpmn_id",
            "due_at",
            "created_at",
            "id",
            postgresql_include=["version_id", "name"],
            postgresql_where=text("status = 'ready' AND claimed_by IS NULL"),
            sqlite_where=text("status = 'ready' AND claimed_by IS NULL"),
        ),
        # a user's own open tasks in due order: the "mine" tab's page and count (0570, 0740)
        Index(
            "ix_human_tasks_claimed",
            "claimed_by",
            "organisation",
            "role",
            "due_at",
            "created_at",
            "id",
            postgresql_include=["bpmn_id", "version_id", "name"],
            postgresql_where=text("status = 'ready' AND claimed_by IS NOT NULL"),
            sqlite_where=text("status = 'ready' AND claimed_by IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(TASK_ID, primary_key=True)  # a uuid on PostgreSQL
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    business_key: Mapped[str] = mapped_column(String(255))
    bpmn_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    process_id: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(255))
    party: Mapped[str | None] = mapped_column(String(32))
    organisation: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(64))
    form: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(255))
    claimed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(255))
    completed_at: Mapped[datetime | None]


class Timer(Base):
    """A waiting timer event. The scheduler wakes at the earliest due time (principle 5).

    ``status``: waiting, fired, or failed (its command kept failing: the case is an incident).
    A timer whose command failed is tried again at ``next_attempt_at``; ``attempts`` counts the
    failed tries and ``last_error`` says why the last one failed."""

    __tablename__ = "timers"
    __table_args__ = (
        # the scheduler reads waiting timers only (migration 0540)
        Index(
            "ix_timers_status_due",
            "status",
            "due_at",
            postgresql_where=text("status = 'waiting'"),
            sqlite_where=text("status = 'waiting'"),
        ),
        # only the timers waiting for a retry: the scheduler's next wake-up (migration 0720)
        Index(
            "ix_timers_retry_at",
            "next_attempt_at",
            postgresql_where=text("status = 'waiting' AND next_attempt_at IS NOT NULL"),
            sqlite_where=text("status = 'waiting' AND next_attempt_at IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    bpmn_id: Mapped[str] = mapped_column(String(255))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    fired_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class SchedulerHeartbeat(Base):
    """One row per running timer scheduler, rewritten every few seconds (readiness checks)."""

    __tablename__ = "scheduler_heartbeats"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime]


class Event(Base):
    """The audit trail: every state change, who, what, when (principle 9). An id is never handed
    out twice, also on SQLite after the newest events moved to ``case_archives``: readers of the
    log follow it by id (web/dashboard/feed.py), so it is AUTOINCREMENT there (migration 0590)."""

    __tablename__ = "events"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("process_versions.id"))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    task_id: Mapped[str | None] = mapped_column(String(36))
    bpmn_id: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[dict | None]


class CaseArchive(Base):
    """What a finished case no longer reads row by row, in one row once the dashboard has
    projected its events: its audit events, task rows and fired timers (engine/store/
    case_archive.py: one zlib-compressed JSON object, migration 0620). Read with the live rows,
    never apart."""

    __tablename__ = "case_archives"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    archive: Mapped[bytes] = mapped_column(LargeBinary)


class ArchivedTaskKey(Base):
    """Which finished cases hold an archived task whose id starts with ``key`` (its first 32 bits
    as a signed integer): the task page and the API look a task up by its id alone. The case's
    archive is then searched for the whole id (engine/store/case_archive.task_key)."""

    __tablename__ = "archived_task_keys"
    __table_args__ = {"sqlite_with_rowid": False}

    key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instances.id"), primary_key=True, autoincrement=False
    )
