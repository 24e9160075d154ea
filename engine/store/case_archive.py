"""What a finished case no longer reads row by row, archived in one row per case: its audit
events, its task rows and its fired timers.

A finished nazorg case has about 50 events, 16 task rows and two or three fired timers; as rows
with their keys and indexes they took about 18 KB (issue 14). Once the dashboard's feed has
projected a finished case's events (web/dashboard/feed.py), they are read only per case (the
case page's timeline and tasks, the API, the privacy export, the dashboard's rebuild) and a task
also by its id (the task page, the API's task, a claim or a completion refused because the task
is closed). ``archive`` moves them into the case's row of ``case_archives``: one JSON object
``{"events": [...], "tasks": [...], "timers": [...]}`` of the rows' values (``EVENT_FIELDS``,
``TASK_FIELDS``, ``TIMER_FIELDS``), zlib-compressed as one stream, so the task ids, names and
elements the events repeat cost a back-reference (about 2.9 KB for a nazorg case; kept in its
row on PostgreSQL, where a row of up to 8 KB stays out of TOAST). Each archived task's id is
found through ``archived_task_keys``: its first 32 bits (``task_key``) and its case, a 36-byte
row instead of one with the whole id (migration 0620); the case's archive is then searched for
the whole id, so two ids with the same first 32 bits only cost reading one more archive.

The archive is read through ``events``, ``tasks``, ``timers``, ``tasks_by_ids`` and ``task``
(``engine.store.events``, ``engine.store.human_tasks`` and ``engine.store.timers`` merge it with
the live rows), not with SQL. Nothing is lost or changed: the records read back are those the
rows gave (``EventInfo``, ``TaskInfo``, ``TimerInfo``). Events written for a case after its
archive (a redaction) stay live until the next ``archive`` of the case merges them in; events the
feed has not seen yet stay live; a timer that still waits (or failed) is never archived: the
scheduler reads it.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from engine.db.models import ArchivedTaskKey, CaseArchive, Event, HumanTask, ProcessInstance, Timer
from engine.store.records import EventInfo, TaskInfo, TimerInfo

archives = CaseArchive.__table__
task_keys = ArchivedTaskKey.__table__
events_table = Event.__table__
tasks_table = HumanTask.__table__
timers_table = Timer.__table__
instances = ProcessInstance.__table__

EVENT_FIELDS = ("id", "version_id", "at", "actor", "kind", "task_id", "bpmn_id", "detail")
"""An event's values in its archived list, in this order (its case is the archive's)."""

TASK_FIELDS = (
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
"""A task's values in its archived list, in this order."""

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
    {"at", "created_at", "due_at", "claimed_at", "completed_at", "fired_at", "next_attempt_at"}
)

_PARTS = {"events": EVENT_FIELDS, "tasks": TASK_FIELDS, "timers": TIMER_FIELDS}
_OPEN_TIMERS = ("waiting", "failed")
_UPDATE = (
    update(archives)
    .where(archives.c.instance_id == bindparam("b_instance"))
    .values(archive=bindparam("b_archive"))
)


def is_task_id(task_id: str) -> bool:
    """Whether ``task_id`` can be a task's id (a UUID): what is not is no task, and PostgreSQL,
    which keeps the ids as uuid, would refuse to compare it."""
    try:
        return str(uuid.UUID(task_id)) == task_id.lower()
    except (TypeError, ValueError, AttributeError):
        return False


def task_key(task_id: str) -> int:
    """The key ``archived_task_keys`` finds an archived task by: the first 32 bits of its id,
    as a signed 32-bit integer (an INTEGER on both databases)."""
    key = uuid.UUID(task_id).int >> 96
    return key - (1 << 32) if key >= 1 << 31 else key


def _values(row: Any, fields: tuple[str, ...]) -> list[Any]:
    found = []
    for name in fields:
        value = row[name]
        if value is not None and name in MOMENTS:
            value = value.isoformat()
        elif name == "id" and not isinstance(value, int):  # a task's or timer's id: a string
            value = str(value)
        found.append(value)
    return found


def _row(values: list[Any], fields: tuple[str, ...]) -> dict[str, Any]:
    row = dict(zip(fields, values, strict=True))
    for name in MOMENTS.intersection(fields):
        if row[name] is not None:
            row[name] = datetime.fromisoformat(row[name])
    return row


def encode(archived: dict[str, list[dict[str, Any]]]) -> bytes:
    """A case's archive: ``archived`` holds its event, task and timer rows (mappings of their
    columns) under "events", "tasks" and "timers"."""
    text = json.dumps(
        {part: [_values(row, fields) for row in archived[part]] for part, fields in _PARTS.items()},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return zlib.compress(text.encode(), 9)


def decode(stored: bytes) -> dict[str, list[dict[str, Any]]]:
    """The event, task and timer rows of an archive (without their case), as ``encode`` took
    them."""
    archived = json.loads(zlib.decompress(stored))
    return {
        part: [_row(values, fields) for values in archived[part]] for part, fields in _PARTS.items()
    }


def _archived(conn: Connection, instance_id: int) -> dict[str, list[dict[str, Any]]] | None:
    stored = conn.execute(
        select(archives.c.archive).where(archives.c.instance_id == instance_id)
    ).scalar()
    return decode(stored) if stored else None


def events(conn: Connection, instance_id: int) -> list[EventInfo]:
    """The archived events of a case, oldest first (none for a case that is not archived)."""
    archived = _archived(conn, instance_id)
    if archived is None:
        return []
    return [EventInfo(instance_id=instance_id, **row) for row in archived["events"]]


def tasks(conn: Connection, instance_id: int) -> list[TaskInfo]:
    """The archived tasks of a case (none for a case whose tasks are not archived)."""
    archived = _archived(conn, instance_id)
    if archived is None:
        return []
    return [TaskInfo(instance_id=instance_id, **row) for row in archived["tasks"]]


def timers(conn: Connection, instance_id: int) -> list[TimerInfo]:
    """The archived timers of a case (fired ones: a finished case waits for none)."""
    archived = _archived(conn, instance_id)
    if archived is None:
        return []
    return [TimerInfo(instance_id=instance_id, **row) for row in archived["timers"]]


def tasks_by_ids(conn: Connection, task_ids: Collection[str]) -> list[TaskInfo]:
    """The archived tasks among ``task_ids``."""
    wanted = {t.lower() for t in task_ids if is_task_id(t)}
    if not wanted:
        return []
    cases = conn.execute(
        select(task_keys.c.instance_id)
        .where(task_keys.c.key.in_(sorted({task_key(t) for t in wanted})))
        .distinct()
        .order_by(task_keys.c.instance_id)
    ).scalars()
    return [task for case in cases for task in tasks(conn, case) if task.id in wanted]


def task(conn: Connection, task_id: str) -> TaskInfo | None:
    """An archived task by its id, or None."""
    found = tasks_by_ids(conn, [task_id])
    return found[0] if found else None


def _by_case(rows: Iterable[Any]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row.instance_id, []).append(dict(row._mapping))
    return found


def archive(
    conn: Connection, instance_ids: Collection[int], *, up_to: int, unseen: Collection[int] = ()
) -> int:
    """Move what a finished (completed) case among ``instance_ids`` no longer reads row by row
    into its archive row: its events with an id up to ``up_to`` except ``unseen`` (ids a reader
    of the event log has not taken in yet), its task rows and its fired timers; how many rows
    were moved."""
    if not instance_ids:
        return 0
    finished = select(instances.c.id).where(
        instances.c.id.in_(sorted(instance_ids)), instances.c.status == "completed"
    )
    event_query = (
        select(events_table)
        .where(events_table.c.instance_id.in_(finished), events_table.c.id <= up_to)
        .order_by(events_table.c.instance_id, events_table.c.id)
    )
    if unseen:
        event_query = event_query.where(events_table.c.id.not_in(sorted(unseen)))
    moved = {
        "events": _by_case(conn.execute(event_query)),
        "tasks": _by_case(
            conn.execute(
                select(tasks_table)
                .where(tasks_table.c.instance_id.in_(finished))
                .order_by(tasks_table.c.instance_id, tasks_table.c.created_at, tasks_table.c.id)
            )
        ),
        "timers": _by_case(
            conn.execute(
                select(timers_table)
                .where(
                    timers_table.c.instance_id.in_(finished),
                    timers_table.c.status.not_in(_OPEN_TIMERS),
                )
                .order_by(timers_table.c.instance_id, timers_table.c.due_at, timers_table.c.id)
            )
        ),
    }
    cases = sorted({case for rows in moved.values() for case in rows})
    if not cases:
        return 0
    kept = dict(
        conn.execute(
            select(archives.c.instance_id, archives.c.archive).where(
                archives.c.instance_id.in_(cases)
            )
        ).all()
    )
    new, changed, keys = [], [], set()
    for case in cases:
        before = decode(kept[case]) if case in kept else {part: [] for part in _PARTS}
        merged = {part: [*before[part], *moved[part].get(case, [])] for part in _PARTS}
        merged["events"].sort(key=lambda row: row["id"])
        stored = encode(merged)
        if case in kept:
            changed.append({"b_instance": case, "b_archive": stored})
        else:
            new.append({"instance_id": case, "archive": stored})
        keys |= {(task_key(str(row["id"])), case) for row in moved["tasks"].get(case, [])}
    if new:
        conn.execute(insert(archives), new)
    if changed:
        conn.execute(_UPDATE, changed)
    if kept and keys:  # a case archived before keeps the keys it has
        keys -= set(
            conn.execute(
                select(task_keys.c.key, task_keys.c.instance_id).where(
                    task_keys.c.instance_id.in_(sorted(kept))
                )
            ).tuples()
        )
    if keys:
        conn.execute(insert(task_keys), [{"key": k, "instance_id": c} for k, c in sorted(keys)])
    count = 0
    for part, table in (("events", events_table), ("tasks", tasks_table), ("timers", timers_table)):
        ids = [row["id"] for rows in moved[part].values() for row in rows]
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            conn.execute(delete(table).where(table.c.id.in_(chunk)))
        count += len(ids)
    return count
