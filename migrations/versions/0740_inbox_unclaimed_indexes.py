"""human_tasks: the inbox reads the unclaimed open tasks in due order, by step, and no further

Revision ID: 0740_inbox_unclaimed_indexes
Revises: 0760_case_orgs_follow_case
Create Date: 2026-12-03

Issue 15: the inbox's work must not grow with the organisation. Its counts per step read every
open task of the organisation (``ix_human_tasks_open_steps``, migration 0530: 12,181 index
entries for the biggest prison at 150,000 cases). The inbox now counts up to a cap, finds the
step filter's choices by jumping from step to step, and reads a page of the unclaimed tab in
due order (web/inbox/queries.py). Two partial indexes of the unclaimed open tasks serve that:

- ``ix_human_tasks_unclaimed`` (organisation, role, due_at, created_at, id): the unclaimed tab's
  page in its order without a sort, and its capped count;
- ``ix_human_tasks_unclaimed_steps`` (organisation, role, bpmn_id, due_at, created_at, id; on
  PostgreSQL with the version and name): the step filter's choices (one probe per step), the
  tab's page and count for one step.

``ix_human_tasks_claimed`` (a user's claimed open tasks, migration 0570) now holds them in due
order after the user, organisation and role (the step an included column), so that the "mine" tab's
page is read in its order too. ``ix_human_tasks_open_steps`` is no longer read and is dropped.
The downgrade puts both back as they were.
"""

import sqlalchemy as sa

from alembic import op

revision = "0740_inbox_unclaimed_indexes"
down_revision = "0760_case_orgs_follow_case"
branch_labels = None
depends_on = None

TABLE = "human_tasks"
OPEN = sa.text("status = 'ready'")
UNCLAIMED = sa.text("status = 'ready' AND claimed_by IS NULL")
CLAIMED = sa.text("status = 'ready' AND claimed_by IS NOT NULL")
ORDER = ["due_at", "created_at", "id"]


def upgrade() -> None:
    op.create_index(
        "ix_human_tasks_unclaimed",
        TABLE,
        ["organisation", "role", *ORDER],
        postgresql_where=UNCLAIMED,
        sqlite_where=UNCLAIMED,
    )
    op.create_index(
        "ix_human_tasks_unclaimed_steps",
        TABLE,
        ["organisation", "role", "bpmn_id", *ORDER],
        postgresql_include=["version_id", "name"],
        postgresql_where=UNCLAIMED,
        sqlite_where=UNCLAIMED,
    )
    op.drop_index("ix_human_tasks_open_steps", table_name=TABLE)
    op.drop_index("ix_human_tasks_claimed", table_name=TABLE)
    op.create_index(
        "ix_human_tasks_claimed",
        TABLE,
        ["claimed_by", "organisation", "role", *ORDER],
        postgresql_include=["bpmn_id", "version_id", "name"],
        postgresql_where=CLAIMED,
        sqlite_where=CLAIMED,
    )


def downgrade() -> None:
    op.drop_index("ix_human_tasks_claimed", table_name=TABLE)
    op.create_index(
        "ix_human_tasks_claimed",
        TABLE,
        ["claimed_by", "organisation", "role", "bpmn_id"],
        postgresql_include=["version_id", "name"],
        postgresql_where=CLAIMED,
        sqlite_where=CLAIMED,
    )
    op.create_index(
        "ix_human_tasks_open_steps",
        TABLE,
        ["organisation", "status", "role", "bpmn_id", "claimed_by"],
        postgresql_include=["version_id", "name"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.drop_index("ix_human_tasks_unclaimed_steps", table_name=TABLE)
    op.drop_index("ix_human_tasks_unclaimed", table_name=TABLE)
