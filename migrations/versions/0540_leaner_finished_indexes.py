"""human_tasks, dash_task_facts and timers: indexes that only open tasks need hold only open
tasks; on PostgreSQL a task fact's id is a uuid; the unread provision status index dropped

Revision ID: 0540_leaner_finished_indexes
Revises: 0530_inbox_steps_index
Create Date: 2026-12-03

Issue 14, at most 25 KB per finished case. A finished case keeps its task rows and task facts
(the case page, the API, the privacy export and the dashboard's drill-downs read them), but some
of their indexes are only ever read for open tasks:

- ``ix_human_tasks_inbox`` (organisation, status, due_at): the inbox, the notifications and the
  metrics read an organisation's open tasks only (status 'ready');
- ``ix_human_tasks_business_key_status``: the facade's task search by case number, for open
  tasks (its default; nothing in web/ searches other tasks by case number);
- ``ix_dash_task_facts_instance``: the dashboard's feed reads a case's open task facts only;
- ``ix_timers_status_due``: the scheduler reads waiting timers only (a finished case's are fired).

They become partial indexes of the open tasks and waiting timers: those of finished cases leave
them. ``ix_provision_statuses_moment`` (moment, provision, status: 15 entries per case) is read
by nothing: the case page reads a case's statuses and the outcome drill-down joins them, both by
the key (instance, moment, provision). It is dropped.

A task fact's id is the task's SpiffWorkflow UUID; as varchar(36) it took 37 bytes in the table
and in each of the four indexes that carry it (the key and the three drill-down indexes, whose
last column it is). On PostgreSQL it becomes a uuid (16 bytes); the application still reads and
writes it as a string. SQLite keeps its text.

The downgrade makes the indexes whole again, creates the dropped one and makes the id a
varchar(36).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0540_leaner_finished_indexes"
down_revision = "0530_inbox_steps_index"
branch_labels = None
depends_on = None

READY = sa.text("status = 'ready'")
OPEN = sa.text("status = 'open'")
WAITING = sa.text("status = 'waiting'")
UNREAD = ("ix_provision_statuses_moment", "provision_statuses", ["moment", "provision", "status"])
INDEXES = (
    ("ix_human_tasks_inbox", "human_tasks", ["organisation", "status", "due_at"], READY),
    ("ix_human_tasks_business_key_status", "human_tasks", ["business_key", "status"], READY),
    ("ix_dash_task_facts_instance", "dash_task_facts", ["instance_id", "status"], OPEN),
    ("ix_timers_status_due", "timers", ["status", "due_at"], WAITING),
)


def upgrade() -> None:
    for name, table, columns, where in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, postgresql_where=where, sqlite_where=where)
    op.drop_index(UNREAD[0], table_name=UNREAD[1])
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "dash_task_facts",
            "task_id",
            type_=postgresql.UUID(as_uuid=False),
            existing_type=sa.String(36),
            postgresql_using="task_id::uuid",
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "dash_task_facts",
            "task_id",
            type_=sa.String(36),
            existing_type=postgresql.UUID(as_uuid=False),
            postgresql_using="task_id::text",
        )
    for name, table, columns, _where in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)
    op.create_index(*UNREAD)
