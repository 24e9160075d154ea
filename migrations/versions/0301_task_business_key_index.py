"""engine: human tasks indexed by business key (Engine.tasks(business_key=...) reads a case's
tasks without scanning everyone's)

Revision ID: 0301_task_business_key_index
Revises: 0300_state_lz4
Create Date: 2026-11-29
"""

from alembic import op

revision = "0301_task_business_key_index"
down_revision = "0300_state_lz4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_human_tasks_business_key_status", "human_tasks", ["business_key", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_human_tasks_business_key_status", table_name="human_tasks")
