"""engine: one archive row per finished case for its events, tasks and timers, found by task id
through 32-bit keys

Revision ID: 0620_one_archive_per_case
Revises: 0601_provision_release_dedup
Create Date: 2026-12-03

Issue 14, at most 25 KB per finished case. A finished case's audit events were archived in its
row of ``event_archives`` (migration 0490), its task rows and fired timers in its row of
``task_archives`` (0552), and each archived task's id with its case in ``archived_tasks`` (a row
of about 52 bytes and a key entry of about 28 per task). Now:

- ``case_archives``: one row per finished case with one zlib-compressed JSON object
  ``{"events": [...], "tasks": [...], "timers": [...]}`` (engine/store/case_archive.py): the
  lists are those the two archives held, compressed as one stream, so the task ids, names and
  elements the events repeat cost a back-reference, and one row and key instead of two (about
  700 bytes less per nazorg case);
- ``archived_task_keys``: per archived task the first 32 bits of its id as a signed integer
  (``key``) and its case, the key of the table (a 36-byte row and a 20-byte key entry); the
  case's archive is then searched for the whole id.

The upgrade moves the archives over a page of 200 cases at a time (pure JSON, no records); the
downgrade splits them back into ``event_archives``, ``task_archives`` and ``archived_tasks``.
"""

import json
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0620_one_archive_per_case"
down_revision = "0601_provision_release_dedup"
branch_labels = None
depends_on = None

PAGE = 200
event_archives = sa.table("event_archives", sa.column("instance_id"), sa.column("events"))
task_archives = sa.table("task_archives", sa.column("instance_id"), sa.column("tasks"))
archived_tasks = sa.table("archived_tasks", sa.column("id"), sa.column("instance_id"))
case_archives = sa.table("case_archives", sa.column("instance_id"), sa.column("archive"))
task_keys = sa.table("archived_task_keys", sa.column("key"), sa.column("instance_id"))


def _pack(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode(), 9)


def _unpack(stored: bytes) -> Any:
    return json.loads(zlib.decompress(stored))


def _key(task_id: str) -> int:
    """The first 32 bits of a task's id as a signed 32-bit integer (case_archive.task_key)."""
    key = uuid.UUID(str(task_id)).int >> 96
    return key - (1 << 32) if key >= 1 << 31 else key


def _pages(bind: sa.Connection, *tables: sa.TableClause) -> Iterator[list[int]]:
    """The cases with a row in any of ``tables``, a page at a time."""
    after = 0
    while True:
        union = sa.union(
            *(sa.select(t.c.instance_id).where(t.c.instance_id > after) for t in tables)
        ).subquery()
        ids = list(
            bind.execute(
                sa.select(union.c.instance_id).order_by(union.c.instance_id).limit(PAGE)
            ).scalars()
        )
        if ids:
            yield ids
        if len(ids) < PAGE:
            return
        after = ids[-1]


def _in(bind: sa.Connection, table: sa.TableClause, column: str, ids: list[int]) -> list[sa.Row]:
    """The cases ``ids``' values of ``column`` in ``table``."""
    query = sa.select(table.c.instance_id, table.c[column]).where(table.c.instance_id.in_(ids))
    return bind.execute(query).all()


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "case_archives",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_case_archives_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("instance_id", name=op.f("pk_case_archives")),
    )
    op.create_table(
        "archived_task_keys",
        sa.Column("key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("instance_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_archived_task_keys_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("key", "instance_id", name=op.f("pk_archived_task_keys")),
        sqlite_with_rowid=False,
    )
    if bind.dialect.name == "postgresql":  # a compressed archive of up to 8 KB stays in its row
        op.execute("ALTER TABLE case_archives SET (toast_tuple_target = 8160)")
    for ids in _pages(bind, event_archives, task_archives):
        events = {
            case: _unpack(stored) for case, stored in _in(bind, event_archives, "events", ids)
        }
        tasks = {case: _unpack(stored) for case, stored in _in(bind, task_archives, "tasks", ids)}
        bind.execute(
            sa.insert(case_archives),
            [
                {
                    "instance_id": case,
                    "archive": _pack(
                        {
                            "events": events.get(case, []),
                            "tasks": tasks.get(case, {}).get("tasks", []),
                            "timers": tasks.get(case, {}).get("timers", []),
                        }
                    ),
                }
                for case in ids
            ],
        )
        keys = {(_key(task_id), case) for case, task_id in _in(bind, archived_tasks, "id", ids)}
        if keys:
            bind.execute(
                sa.insert(task_keys), [{"key": k, "instance_id": c} for k, c in sorted(keys)]
            )
    op.drop_table("archived_tasks")
    op.drop_table("task_archives")
    op.drop_table("event_archives")


def downgrade() -> None:
    bind = op.get_bind()
    task_id = postgresql.UUID(as_uuid=False) if bind.dialect.name == "postgresql" else sa.String(36)
    for name, column in (("event_archives", "events"), ("task_archives", "tasks")):
        op.create_table(
            name,
            sa.Column("instance_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.LargeBinary(), nullable=False),
            sa.ForeignKeyConstraint(
                ["instance_id"],
                ["process_instances.id"],
                name=op.f(f"fk_{name}_instance_id_process_instances"),
            ),
            sa.PrimaryKeyConstraint("instance_id", name=op.f(f"pk_{name}")),
        )
        if bind.dialect.name == "postgresql":
            op.execute(f"ALTER TABLE {name} SET (toast_tuple_target = 8160)")
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
    for ids in _pages(bind, case_archives):
        archived = {
            case: _unpack(stored) for case, stored in _in(bind, case_archives, "archive", ids)
        }
        events = [
            {"instance_id": case, "events": _pack(a["events"])}
            for case, a in archived.items()
            if a["events"]
        ]
        tasks = [
            {"instance_id": case, "tasks": _pack({"tasks": a["tasks"], "timers": a["timers"]})}
            for case, a in archived.items()
            if a["tasks"] or a["timers"]
        ]
        ids_of_tasks = [
            {"id": task[0], "instance_id": case}
            for case, a in archived.items()
            for task in a["tasks"]
        ]
        for table, rows in (
            (event_archives, events),
            (task_archives, tasks),
            (archived_tasks, ids_of_tasks),
        ):
            if rows:
                bind.execute(sa.insert(table), rows)
    op.drop_table("archived_task_keys")
    op.drop_table("case_archives")
