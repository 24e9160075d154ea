"""human_tasks: the inbox's counts and step choices from an index of the open tasks alone

Revision ID: 0530_inbox_steps_index
Revises: 0490_smaller_finished
Create Date: 2026-12-03

Every inbox page counts the user's and the unclaimed open tasks per step of the organisation
(web/inbox/queries.py, ``step_counts``). At national scale one prison holds some 25,000 open tasks
(bench/load.py), and reading their rows cost about 30 ms per page on PostgreSQL. This partial
index holds only open tasks, with what the count reads (on PostgreSQL also the version and name
as included columns), so the count is an index-only scan: about 6 ms.
"""

import sqlalchemy as sa
from alembic import op

revision = "0530_inbox_steps_index"
down_revision = "0490_smaller_finished"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'ready'")


def upgrade() -> None:
    op.create_index(
        "ix_human_tasks_open_steps",
        "human_tasks",
        ["organisation", "status", "role", "bpmn_id", "claimed_by"],
        postgresql_include=["version_id", "name"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("ix_human_tasks_open_steps", table_name="human_tasks")
