"""The task rows and timers of finished cases, archived: one row per case instead of one per
task or timer.

A finished nazorg case has about 16 task rows; in ``human_tasks`` with their key they took
about 6 KB (issue 14), a third of it the task's name, lane, form, role, process and case number
repeated per row; its two or three fired timers with their indexes about 700 bytes. Once the
dashboard's feed has projected a finished case's events (web/dashboard/feed.py), its tasks are
read only per case (the case page, the API, the privacy export, the dashboard's rebuild: the
facade's task search by case) and by id (the task page, the API's task, a claim or a completion
that is refused because the task is closed), its timers only per case (the facade's
``timers``, the privacy export). ``archive`` moves them into the case's row of
``task_archives``: JSON lists of the task rows' and the timers' values, zlib-compressed (about
1.5 KB for a nazorg case), with each task's id and case in ``archived_tasks`` for the lookups by
id. They are therefore read through ``archived``, ``archived_task``, ``archived_by_ids`` and
``archived_timers`` (``engine.store.human_tasks`` and ``engine.store.timers`` merge them with
the live rows), not with SQL.

Nothing is lost or changed: the records read back are those the rows gave (``TaskInfo``,
``TimerInfo``). A timer that still waits (or failed) is never archived: the scheduler reads it.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from engine.db.models import ArchivedTask, HumanTask, ProcessInstance, TaskArchive, Timer
from engine.store.records import TaskInfo, TimerInfo

tasks = HumanTask.__table__
archives = TaskArchive.__table__
archived_ids = ArchivedTask.__table__
timers = Timer.__table__
instances = ProcessInstance.__table__

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
"""A task's values in its archived list, in this order (its case is the archive's)."""

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
"""A timer's values in its archived list, in this order."""

MOMENTS = frozenset(
    {"created_at", "due_at", "claimed_at", "completed_at", "fired_at", "next_attempt_at"}
)

_OPEN_TIMERS = ("waiting", "failed")


def is_task_id(task_id: str) -> bool:
    """Whether ``task_id`` can be a task's id (a UUID): what is not is no task, and PostgreSQL,
    which keeps the ids as uuid, would refuse to compare it."""
    try:
        return str(uuid.UUID(task_id)) == task_id.lower()
    except (TypeError, ValueError, AttributeError):
        return False


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


def encode(tasks: Iterable[Any], timers: Iterable[Any] = ()) -> bytes:
    """A case's task rows and timer rows (anything with their columns as attributes) archived."""
    text = json.dumps(
        {
            "tasks": [_values(task, FIELDS) for task in tasks],
            "timers": [_values(timer, TIMER_FIELDS) for timer in timers],
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return zlib.compress(text.encode(), 9)


def decode(instance_id: int, stored: bytes) -> tuple[list[TaskInfo], list[TimerInfo]]:
    """The task and timer records of an archive."""
    archived = json.loads(zlib.decompress(stored))
    return (
        [TaskInfo(instance_id=instance_id, **_row(v, FIELDS)) for v in archived["tasks"]],
        [TimerInfo(instance_id=instance_id, **_row(v, TIMER_FIELDS)) for v in archived["timers"]],
    )


def _stored(conn: Connection, instance_id: int) -> bytes | None:
    return conn.execute(
        select(archives.c.tasks).where(archives.c.instance_id == instance_id)
    ).scalar()


def archived(conn: Connection, instance_id: int) -> list[TaskInfo]:
    """The archived tasks of a case (none for a case whose tasks are not archived)."""
    stored = _stored(conn, instance_id)
    return decode(instance_id, stored)[0] if stored else []


def archived_timers(conn: Connection, instance_id: int) -> list[TimerInfo]:
    """The archived timers of a case (fired ones: a finished case waits for none)."""
    stored = _stored(conn, instance_id)
    return decode(instance_id, stored)[1] if stored else []


def archived_by_ids(conn: Connection, task_ids: Collection[str]) -> list[TaskInfo]:
    """The archived tasks among ``task_ids``."""
    task_ids = [t for t in task_ids if is_task_id(t)]
    if not task_ids:
        return []
    cases = conn.execute(
        select(archived_ids.c.instance_id).where(archived_ids.c.id.in_(sorted(task_ids))).distinct()
    ).scalars()
    wanted = set(task_ids)
    return [task for case in cases for task in archived(conn, case) if task.id in wanted]


def archived_task(conn: Connection, task_id: str) -> TaskInfo | None:
    """An archived task by its id, or None."""
    found = archived_by_ids(conn, [task_id])
    return found[0] if found else None


def archive(conn: Connection, instance_ids: Collection[int]) -> int:
    """Move the task rows and the (fired) timer rows of the finished (completed) cases among
    ``instance_ids`` into their archive rows; how many rows were moved."""
    if not instance_ids:
        return 0
    finished = select(instances.c.id).where(
        instances.c.id.in_(sorted(instance_ids)), instances.c.status == "completed"
    )
    task_rows = conn.execute(
        select(tasks)
        .where(tasks.c.instance_id.in_(finished))
        .order_by(tasks.c.instance_id, tasks.c.created_at, tasks.c.id)
    ).all()
    timer_rows = conn.execute(
        select(timers)
        .where(timers.c.instance_id.in_(finished), timers.c.status.not_in(_OPEN_TIMERS))
        .order_by(timers.c.instance_id, timers.c.due_at, timers.c.id)
    ).all()
    cases = sorted({row.instance_id for row in (*task_rows, *timer_rows)})
    if not cases:
        return 0
    kept = dict(
        conn.execute(
            select(archives.c.instance_id, archives.c.tasks).where(
                archives.c.instance_id.in_(cases)
            )
        ).all()
    )
    if kept:
        conn.execute(delete(archives).where(archives.c.instance_id.in_(sorted(kept))))
    archived_rows = []
    for case in cases:
        before_tasks, before_timers = decode(case, kept[case]) if case in kept else ([], [])
        archived_rows.append(
            {
                "instance_id": case,
                "tasks": encode(
                    [*before_tasks, *(row for row in task_rows if row.instance_id == case)],
                    [*before_timers, *(row for row in timer_rows if row.instance_id == case)],
                ),
            }
        )
    conn.execute(insert(archives), archived_rows)
    if task_rows:
        conn.execute(
            insert(archived_ids),
            [{"id": row.id, "instance_id": row.instance_id} for row in task_rows],
        )
        conn.execute(delete(tasks).where(tasks.c.instance_id.in_(cases)))
    if timer_rows:
        conn.execute(delete(timers).where(timers.c.id.in_([row.id for row in timer_rows])))
    return len(task_rows) + len(timer_rows)
