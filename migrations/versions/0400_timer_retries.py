"""engine: timers remember failed attempts; schedulers write heartbeats

Revision ID: 0400_timer_retries
Revises: 0440_case_view_subject
Create Date: 2026-12-02

- timers.attempts, next_attempt_at, last_error: a timer whose command fails is tried again
  later with backoff, and after a limit its case becomes an incident (status "failed").
- scheduler_heartbeats: each running scheduler's last beat, for readiness checks.
"""

import sqlalchemy as sa
from alembic import op

revision = "0400_timer_retries"
down_revision = "0440_case_view_subject"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timers") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))
    op.create_table(
        "scheduler_heartbeats",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_heartbeats")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_heartbeats")
    with op.batch_alter_table("timers") as batch:
        batch.drop_column("last_error")
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
