"""human_tasks: a user's own open tasks from an index of the claimed open tasks

Revision ID: 0570_inbox_claimed_index
Revises: 0552_archived_finished_tasks
Create Date: 2026-12-03

Every inbox page counts the user's own open tasks per step (web/inbox/queries.py, ``my_steps``).
Through the index
of migration 0530 the user's count read every open task of the organisation (about 19,000 in
the biggest prison at national scale); this partial index holds only the claimed open tasks,
by user, so the count reads the user's own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0570_inbox_claimed_index"
down_revision = "0552_archived_finished_tasks"
branch_labels = None
depends_on = None

CLAIMED = sa.text("status = 'ready' AND claimed_by IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_human_tasks_claimed",
        "human_tasks",
        ["claimed_by", "organisation", "role", "bpmn_id"],
        postgresql_include=["version_id", "name"],
        postgresql_where=CLAIMED,
        sqlite_where=CLAIMED,
    )


def downgrade() -> None:
    op.drop_index("ix_human_tasks_claimed", table_name="human_tasks")
