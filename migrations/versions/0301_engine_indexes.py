"""engine: human tasks indexed by business key; two unused indexes on events dropped

Revision ID: 0301_engine_indexes
Revises: 0300_state_lz4
Create Date: 2026-11-29

- human_tasks (business_key, status): Engine.tasks(business_key=...) reads a case's tasks
  without scanning everyone's.
- events.at and events.kind: no query reads events by either alone (a case's events are read by
  instance; the simulator reads new events by id), yet every command wrote both.
"""

from alembic import op

revision = "0301_engine_indexes"
down_revision = "0300_state_lz4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_human_tasks_business_key_status", "human_tasks", ["business_key", "status"]
    )
    op.drop_index("ix_events_at", table_name="events")
    op.drop_index("ix_events_kind", table_name="events")


def downgrade() -> None:
    op.create_index("ix_events_kind", "events", ["kind"])
    op.create_index("ix_events_at", "events", ["at"])
    op.drop_index("ix_human_tasks_business_key_status", table_name="human_tasks")
