"""human_tasks: on PostgreSQL a task's id is a uuid

Revision ID: 0551_task_ids_uuid
Revises: 0550_drilldowns_by_status
Create Date: 2026-12-03

Issue 14, at most 25 KB per finished case. A task row's id is the task's SpiffWorkflow UUID; as
varchar(36) it took 37 bytes in the row and in the primary key, about 1 KB per finished case of
some 17 tasks. On PostgreSQL it becomes a uuid (16 bytes), as the task facts' ids did in
migration 0540; the application still reads and writes it as a string, and a lookup refuses what
is not a UUID before it asks (``engine/store/human_tasks.is_task_id``). SQLite keeps its text.
The downgrade makes it a varchar(36) again.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision = "0551_task_ids_uuid"
down_revision = "0550_drilldowns_by_status"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "human_tasks",
            "id",
            type_=postgresql.UUID(as_uuid=False),
            existing_type=sa.String(36),
            postgresql_using="id::uuid",
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "human_tasks",
            "id",
            type_=sa.String(36),
            existing_type=postgresql.UUID(as_uuid=False),
            postgresql_using="id::text",
        )
