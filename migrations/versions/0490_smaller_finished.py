"""engine: finished cases smaller: their audit events archived, their states without timestamps

Revision ID: 0490_smaller_finished
Revises: 0520_case_list_indexes
Create Date: 2026-12-03

Issue 14, at most 25 KB per finished case:

- event_archives: the audit events of a finished case in one row (zlib-compressed JSON of
  ``[id, version_id, at, actor, kind, task_id, bpmn_id, detail]`` per event, about 2 KB, kept
  in the row on PostgreSQL by a toast_tuple_target of 8 KB) instead of about 50 rows with two
  indexes (about 11 KB). The dashboard's feed moved a finished case's events there once it had
  projected them; this migration does so for the finished cases up to the feed's checkpoint
  (the events it has not seen stay live, the feed archives them later). Since migration 0620
  they are in ``case_archives``; this revision keeps its own code for the format of its time.
- The compact states of finished cases lose their per-task timestamps (read by nothing; the audit
  events keep every moment), a page of rows at a time.

The downgrade puts the archived events back into ``events`` with their ids and drops the table;
the states keep their zero timestamps (every version reads them).
"""

import json
import zlib
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from engine.db.models import UTCDateTime
from engine.store.compaction import compact_state

revision = "0490_smaller_finished"
down_revision = "0520_case_list_indexes"
branch_labels = None
depends_on = None

PAGE = 200
instances = sa.table("process_instances", sa.column("id"), sa.column("status"), sa.column("state"))
checkpoints = sa.table(
    "projection_checkpoints", sa.column("name"), sa.column("position"), sa.column("gaps")
)
archives = sa.table("event_archives", sa.column("instance_id"), sa.column("events"))
events = sa.table(
    "events",
    *(sa.column(name) for name in ("id", "instance_id", "version_id", "actor", "kind")),
    sa.column("task_id"),
    sa.column("bpmn_id"),
    sa.column("at", UTCDateTime()),
    sa.column("detail", sa.JSON()),
)


def upgrade() -> None:
    op.create_table(
        "event_archives",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("events", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_event_archives_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("instance_id", name=op.f("pk_event_archives")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # a compressed archive of up to 8 KB stays in its row
        op.execute("ALTER TABLE event_archives SET (toast_tuple_target = 8160)")
    checkpoint = bind.execute(
        sa.select(checkpoints.c.position, checkpoints.c.gaps).where(
            checkpoints.c.name == "dashboard"
        )
    ).first()
    unseen: list[int] = []
    if checkpoint is not None:
        gaps = checkpoint.gaps
        unseen = [int(i) for i in (json.loads(gaps) if isinstance(gaps, str) else gaps or {})]
    for ids in _finished_pages(bind):
        if checkpoint is not None:  # only what the dashboard's feed has projected
            _archive(bind, ids, up_to=checkpoint.position, unseen=unseen)
        _without_timestamps(bind, ids)


def _archive(bind: sa.Connection, ids: list[int], up_to: int, unseen: list[int]) -> None:
    """The projected events of the finished cases among ``ids`` into their (new) archive rows,
    in the format of this revision (migration 0620 moved them on into ``case_archives``)."""
    query = (
        sa.select(events)
        .where(events.c.instance_id.in_(ids), events.c.id <= up_to)
        .order_by(events.c.instance_id, events.c.id)
    )
    if unseen:
        query = query.where(events.c.id.not_in(sorted(unseen)))
    by_case: dict[int, list] = {}
    for r in bind.execute(query):
        by_case.setdefault(r.instance_id, []).append(
            [r.id, r.version_id, r.at.isoformat(), r.actor, r.kind, r.task_id, r.bpmn_id, r.detail]
        )
    if not by_case:
        return
    text = {
        case: json.dumps(rows, separators=(",", ":"), ensure_ascii=False)
        for case, rows in by_case.items()
    }
    bind.execute(
        sa.insert(archives),
        [{"instance_id": case, "events": zlib.compress(t.encode(), 9)} for case, t in text.items()],
    )
    moved = [row[0] for rows in by_case.values() for row in rows]
    bind.execute(sa.delete(events).where(events.c.id.in_(moved)))


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


def _without_timestamps(bind: sa.Connection, ids: list[int]) -> None:
    rows = bind.execute(
        sa.select(instances.c.id, instances.c.state).where(instances.c.id.in_(ids))
    ).all()
    for row in rows:
        state = json.loads(row.state) if row.state else None
        if not state or not state.get("completed"):
            continue
        text = json.dumps(compact_state(state))
        if text != row.state:
            bind.execute(sa.update(instances).where(instances.c.id == row.id).values(state=text))


def downgrade() -> None:
    bind = op.get_bind()
    for instance_id, stored in bind.execute(sa.select(archives.c.instance_id, archives.c.events)):
        archived = json.loads(zlib.decompress(stored))
        rows = [
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
            for ident, version_id, at, actor, kind, task_id, bpmn_id, detail in archived
        ]
        if rows:
            bind.execute(sa.insert(events), rows)
    op.drop_table("event_archives")
