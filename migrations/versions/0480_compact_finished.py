"""engine: the states of finished cases written before are compacted

Revision ID: 0480_compact_finished
Revises: 0460_notifications
Create Date: 2026-12-02

Since issue 14 a case that finishes is stored in a compact state (engine/store/compaction.py):
per process and BPMN element the one task whose state the case page's diagram shows, no data.
This migration compacts the finished cases saved before, a page of rows at a time; the state
stays SpiffWorkflow's format, so nothing else changes. The compaction drops the task tree for
good: the downgrade leaves the compact states (every version reads them).
"""

import json

import sqlalchemy as sa
from alembic import op

from engine.store.compaction import compact_state, is_compacted

revision = "0480_compact_finished"
down_revision = "0460_notifications"
branch_labels = None
depends_on = None

PAGE = 200
instances = sa.table("process_instances", sa.column("id"), sa.column("status"), sa.column("state"))


def upgrade() -> None:
    bind = op.get_bind()
    after = 0
    while True:
        rows = bind.execute(
            sa.select(instances.c.id, instances.c.state)
            .where(instances.c.status == "completed", instances.c.id > after)
            .order_by(instances.c.id)
            .limit(PAGE)
        ).all()
        for row in rows:
            state = json.loads(row.state) if row.state else None
            if state and state.get("completed") and not is_compacted(state):
                bind.execute(
                    sa.update(instances)
                    .where(instances.c.id == row.id)
                    .values(state=json.dumps(compact_state(state)))
                )
        if len(rows) < PAGE:
            return
        after = rows[-1].id


def downgrade() -> None:
    pass
