"""human_tasks and timers: the task rows and fired timers of finished cases archived in one row
per case

Revision ID: 0552_archived_finished_tasks
Revises: 0551_task_ids_uuid
Create Date: 2026-12-03

Issue 14, at most 25 KB per finished case. A finished nazorg case kept about 16 task rows of
about 300 bytes each, with their key about 6 KB, a third of it the name, lane, form, role,
process and case number repeated per row. They are read only per case (the case page, the API,
the privacy export, the dashboard's rebuild) and by id (the task page, the API's task, a refused
claim or completion). So, like its audit events (migration 0490), they move into one row of
``task_archives`` per case (zlib-compressed JSON, about 1.4 KB), with each task's id and case in
``archived_tasks`` (the lookups by id). The dashboard's feed
archives a case's tasks once it has projected its events; this migration archives those of the
finished cases written before, a page of 200 cases at a time. ``engine.store.human_tasks``
merges the archived tasks with the live ones, so every reader gets the same records.

The downgrade puts the archived rows back into ``human_tasks`` and drops both tables. Since
migration 0620 the archives are in ``case_archives``: this revision keeps its own code for the
format of its time.
"""

import json
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from engine.db.models import UTCDateTime

revision = "0552_archived_finished_tasks"
down_revision = "0551_task_ids_uuid"
branch_labels = None
depends_on = None

PAGE = 200
instances = sa.table("process_instances", sa.column("id"), sa.column("status"))
archives = sa.table("task_archives", sa.column("instance_id"), sa.column("tasks"))
archived_ids = sa.table("archived_tasks", sa.column("id"), sa.column("instance_id"))

FIELDS = (
    "id",
    "version_id",
    "business_key",
    "process_id",
    "bpmn_id",
    "name",
    "lane",
    "party",
    "organisation",
    "role",
    "form",
    "status",
    "created_at",
    "due_at",
    "claimed_by",
    "claimed_at",
    "completed_by",
    "completed_at",
)
TIMER_FIELDS = (
    "id",
    "bpmn_id",
    "due_at",
    "status",
    "fired_at",
    "attempts",
    "next_attempt_at",
    "last_error",
)
MOMENTS = frozenset(
    {"created_at", "due_at", "claimed_at", "completed_at", "fired_at", "next_attempt_at"}
)


def _columns(fields: tuple[str, ...]) -> list[sa.ColumnClause]:
    """Moments typed as the models type them (SQLite keeps them as text in its own format)."""
    return [sa.column(name, UTCDateTime() if name in MOMENTS else None) for name in fields]


human_tasks = sa.table("human_tasks", *_columns(("instance_id", *FIELDS)))
timers = sa.table("timers", *_columns(("instance_id", *TIMER_FIELDS)))


def upgrade() -> None:
    bind = op.get_bind()
    task_id = postgresql.UUID(as_uuid=False) if bind.dialect.name == "postgresql" else sa.String(36)
    op.create_table(
        "task_archives",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("tasks", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_task_archives_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("instance_id", name=op.f("pk_task_archives")),
    )
    op.create_table(
        "archived_tasks",
        sa.Column("id", task_id, nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_archived_tasks_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archived_tasks")),
    )
    if bind.dialect.name == "postgresql":  # a compressed archive of up to 8 KB stays in its row
        op.execute("ALTER TABLE task_archives SET (toast_tuple_target = 8160)")
    for ids in _finished_pages(bind):
        _archive(bind, ids)


def downgrade() -> None:
    bind = op.get_bind()
    for ids in _finished_pages(bind):
        stored = bind.execute(
            sa.select(archives.c.instance_id, archives.c.tasks).where(
                archives.c.instance_id.in_(ids)
            )
        ).all()
        decoded = [(case, json.loads(zlib.decompress(archived))) for case, archived in stored]
        for table, fields, part in (
            (human_tasks, FIELDS, "tasks"),
            (timers, TIMER_FIELDS, "timers"),
        ):
            rows = [
                {"instance_id": case, **_row(values, fields)}
                for case, archived in decoded
                for values in archived[part]
            ]
            if rows:
                bind.execute(sa.insert(table), rows)
    op.drop_table("archived_tasks")
    op.drop_table("task_archives")


def _values(row: Any, fields: tuple[str, ...]) -> list[Any]:
    found = []
    for name in fields:
        value = getattr(row, name)
        if value is not None and name in MOMENTS:
            value = value.isoformat()
        elif name == "id":
            value = str(value)
        found.append(value)
    return found


def _row(values: list[Any], fields: tuple[str, ...]) -> dict[str, Any]:
    row = dict(zip(fields, values, strict=True))
    for name in MOMENTS.intersection(fields):
        if row[name] is not None:
            row[name] = datetime.fromisoformat(row[name])
    return row


def _archive(bind: sa.Connection, ids: list[int]) -> None:
    """The task rows and fired timers of the finished cases ``ids`` into their (new) archive
    rows, in the format of this revision."""
    task_rows = bind.execute(
        sa.select(human_tasks)
        .where(human_tasks.c.instance_id.in_(ids))
        .order_by(human_tasks.c.instance_id, human_tasks.c.created_at, human_tasks.c.id)
    ).all()
    timer_rows = bind.execute(
        sa.select(timers)
        .where(timers.c.instance_id.in_(ids), timers.c.status.not_in(("waiting", "failed")))
        .order_by(timers.c.instance_id, timers.c.due_at, timers.c.id)
    ).all()
    cases = sorted({row.instance_id for row in (*task_rows, *timer_rows)})
    if not cases:
        return
    archived = []
    for case in cases:
        text = json.dumps(
            {
                "tasks": [_values(r, FIELDS) for r in task_rows if r.instance_id == case],
                "timers": [_values(r, TIMER_FIELDS) for r in timer_rows if r.instance_id == case],
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )
        archived.append({"instance_id": case, "tasks": zlib.compress(text.encode(), 9)})
    bind.execute(sa.insert(archives), archived)
    if task_rows:
        bind.execute(
            sa.insert(archived_ids), [{"id": r.id, "instance_id": r.instance_id} for r in task_rows]
        )
        bind.execute(sa.delete(human_tasks).where(human_tasks.c.instance_id.in_(cases)))
    if timer_rows:
        bind.execute(sa.delete(timers).where(timers.c.id.in_([r.id for r in timer_rows])))


def _finished_pages(bind: sa.Connection) -> Iterator[list[int]]:
    after = 0
    while True:
        ids = (
            bind.execute(
                sa.select(instances.c.id)
                .where(instances.c.status == "completed", instances.c.id > after)
                .order_by(instances.c.id)
                .limit(PAGE)
            )
            .scalars()
            .all()
        )
        if ids:
            yield ids
        if len(ids) < PAGE:
            return
        after = ids[-1]
