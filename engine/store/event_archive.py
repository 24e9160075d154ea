"""The audit events of finished cases, archived: one row per case instead of one per event.

A finished nazorg case has about 50 events; as rows of ``events`` with their two indexes they
took about 11 KB (issue 14). Once the dashboard's feed has projected a finished case's events
(web/dashboard/feed.py), nothing reads them by kind or by id any more, only per case: the case
page's timeline, the API, the privacy export and the dashboard's rebuild, all through
``engine.store.events.for_instance``. ``archive`` moves them into the case's row of
``event_archives``: a JSON list of ``[id, version_id, at, actor, kind, task_id, bpmn_id,
detail]``, zlib-compressed (about 2 KB for a nazorg case: a third of what PostgreSQL's own pglz
made of it, and small enough to stay in the row, on SQLite as on PostgreSQL, where migration
0490 lets a row of up to 8 KB stay out of TOAST). The archive is therefore read through
``archived`` (the engine's ``events``, the case page, the API, the privacy export), not with
SQL's JSON functions.

Nothing is lost or changed: ``archived`` gives back the same records with their ids, and
``for_instance`` merges them with the case's live events in id order. Events written for a case
after its archive (a redaction) stay live until the next ``archive`` of the case merges them.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from engine.db.models import Event, EventArchive, ProcessInstance
from engine.store.records import EventInfo

events = Event.__table__
archives = EventArchive.__table__
instances = ProcessInstance.__table__

_UPDATE = (
    update(archives)
    .where(archives.c.instance_id == bindparam("b_instance"))
    .values(events=bindparam("b_events"))
)


def _encode(rows: Iterable[dict[str, Any]]) -> bytes:
    text = json.dumps(
        [
            [
                r["id"],
                r["version_id"],
                r["at"].isoformat(),
                r["actor"],
                r["kind"],
                r["task_id"],
                r["bpmn_id"],
                r["detail"],
            ]
            for r in rows
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return zlib.compress(text.encode(), 9)


def _decode(instance_id: int, stored: bytes) -> list[dict[str, Any]]:
    return [
        {
            "id": ident,
            "instance_id": instance_id,
            "version_id": version_id,
            "at": datetime.fromisoformat(at),
            "actor": actor,
            "kind": kind,
            "task_id": task_id,
            "bpmn_id": bpmn_id,
            "detail": detail,
        }
        for ident, version_id, at, actor, kind, task_id, bpmn_id, detail in json.loads(
            zlib.decompress(stored)
        )
    ]


def archived(conn: Connection, instance_id: int) -> list[EventInfo]:
    """The archived events of a case, oldest first (none for a case that has not finished)."""
    stored = conn.execute(
        select(archives.c.events).where(archives.c.instance_id == instance_id)
    ).scalar()
    return [EventInfo(**row) for row in _decode(instance_id, stored)] if stored else []


def newest_id(conn: Connection, page: int = 500) -> int:
    """The highest event id in any archive row (0 when there is none), read a page of cases at a
    time: the ids the archives hold were handed out and must never be issued again."""
    newest, after = 0, None
    while True:
        query = select(archives.c.instance_id, archives.c.events).order_by(archives.c.instance_id)
        if after is not None:
            query = query.where(archives.c.instance_id > after)
        rows = conn.execute(query.limit(page)).all()
        for instance_id, stored in rows:
            newest = max([newest, *(r["id"] for r in _decode(instance_id, stored))])
        if len(rows) < page:
            return newest
        after = rows[-1].instance_id


def archive(
    conn: Connection, instance_ids: Collection[int], *, up_to: int, unseen: Collection[int] = ()
) -> int:
    """Move the events of the finished (completed) cases among ``instance_ids`` into their
    archive rows: those with an id up to ``up_to`` except ``unseen`` (ids a reader of the event
    log has not taken in yet); how many events were moved."""
    if not instance_ids:
        return 0
    finished = select(instances.c.id).where(
        instances.c.id.in_(sorted(instance_ids)), instances.c.status == "completed"
    )
    query = (
        select(events)
        .where(events.c.instance_id.in_(finished), events.c.id <= up_to)
        .order_by(events.c.instance_id, events.c.id)
    )
    if unseen:
        query = query.where(events.c.id.not_in(sorted(unseen)))
    by_case: dict[int, list[dict[str, Any]]] = {}
    for row in conn.execute(query):
        by_case.setdefault(row.instance_id, []).append(dict(row._mapping))
    if not by_case:
        return 0
    existing = dict(
        conn.execute(
            select(archives.c.instance_id, archives.c.events).where(
                archives.c.instance_id.in_(sorted(by_case))
            )
        ).all()
    )
    new, changed = [], []
    for instance_id, rows in by_case.items():
        kept = existing.get(instance_id)
        if kept is None:
            new.append({"instance_id": instance_id, "events": _encode(rows)})
            continue
        merged = sorted([*_decode(instance_id, kept), *rows], key=lambda r: r["id"])
        changed.append({"b_instance": instance_id, "b_events": _encode(merged)})
    if new:
        conn.execute(insert(archives), new)
    if changed:
        conn.execute(_UPDATE, changed)
    moved = [row["id"] for rows in by_case.values() for row in rows]
    conn.execute(delete(events).where(events.c.id.in_(moved)))
    return len(moved)
