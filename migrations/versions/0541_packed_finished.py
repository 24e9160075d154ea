"""engine: the compact states of finished cases packed

Revision ID: 0541_packed_finished
Revises: 0540_leaner_finished_indexes
Create Date: 2026-12-03

Issue 14, at most 25 KB per finished case. A finished case's compact state (migrations 0480 and
0490) is still SpiffWorkflow's JSON: about 80,000 characters for a nazorg case, most of it the
same keys, empty dicts, fresh ids and parent and children lists per task, about 4 to 6 KB stored
after PostgreSQL's lz4. Packed (engine/store/compaction.py, ``pack``) it keeps per task only its
task spec and state, about 7,400 characters, about 2 KB stored; the codec unpacks it to the same
compact state before it loads it, so the case page's diagram, the retention's redaction and the
migration's refusal read what they read before.

This migration packs the states of the finished cases written before, a page of 200 cases at a
time; its downgrade unpacks them.
"""

import json
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa

from alembic import op
from engine.store.compaction import pack, unpack

revision = "0541_packed_finished"
down_revision = "0540_leaner_finished_indexes"
branch_labels = None
depends_on = None

PAGE = 200
instances = sa.table("process_instances", sa.column("id"), sa.column("status"), sa.column("state"))


def upgrade() -> None:
    _rewrite(op.get_bind(), pack)


def downgrade() -> None:
    _rewrite(op.get_bind(), unpack)


def _rewrite(bind: sa.Connection, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    for ids in _finished_pages(bind):
        rows = bind.execute(
            sa.select(instances.c.id, instances.c.state).where(instances.c.id.in_(ids))
        ).all()
        for row in rows:
            state = json.loads(row.state) if row.state else None
            changed = change(state) if state else state
            if changed is not state:
                bind.execute(
                    sa.update(instances)
                    .where(instances.c.id == row.id)
                    .values(state=json.dumps(changed))
                )


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
