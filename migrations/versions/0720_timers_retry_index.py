"""timers: an index of the timers waiting for a retry, for the scheduler's next wake-up

Revision ID: 0720_timers_retry_index
Revises: 0740_inbox_unclaimed_indexes
Create Date: 2026-12-03

Issue 15. After each round every scheduler asks when the next timer is due: the earliest
coalesce(next_attempt_at, due_at) of the waiting timers, an aggregate that read every waiting
timer (32,900 rows, 501 buffers, 10 to 24 ms at 150,000 cases). It is now read as two minima that
each stop at an index's first entry (engine/store/timers.py): the first due timer not waiting for a
retry from ix_timers_status_due, and the first retry from this index, which holds only the timers
waiting for one (a timer whose command failed), so that it stays small and a timer armed by a
command never enters it.

The downgrade drops the index.
"""

import sqlalchemy as sa

from alembic import op

revision = "0720_timers_retry_index"
down_revision = "0740_inbox_unclaimed_indexes"
branch_labels = None
depends_on = None

RETRYING = sa.text("status = 'waiting' AND next_attempt_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_timers_retry_at",
        "timers",
        ["next_attempt_at"],
        postgresql_where=RETRYING,
        sqlite_where=RETRYING,
    )


def downgrade() -> None:
    op.drop_index("ix_timers_retry_at", table_name="timers")
