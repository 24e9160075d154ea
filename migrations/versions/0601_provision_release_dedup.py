"""provision_statuses: the drill-down index without the case, so that PostgreSQL deduplicates it

Revision ID: 0601_provision_release_dedup
Revises: 0600_provision_release_dates
Create Date: 2026-12-03

``ix_provision_statuses_released`` (migration 0600) held (moment, provision, release date, case,
status): every entry unique, 58 bytes each, 830 bytes per released case (20,000 cases after
VACUUM FULL). Without the case, the rows of one moment, provision, release day and status share
a key, and PostgreSQL's B-tree keeps such a key once with a list of row pointers (6 bytes each):
2.3 times smaller at 20,000 cases, and more so as more people are released on a day. The
drill-down still walks it in release-date order and checks the status in it; the cases released
on the same day are put in order by their case number after reading them (PostgreSQL: an
incremental sort of that day's rows).
"""

import sqlalchemy as sa
from alembic import op

revision = "0601_provision_release_dedup"
down_revision = "0600_provision_release_dates"
branch_labels = None
depends_on = None

INDEX = "ix_provision_statuses_released"
RELEASED = sa.text("release_date IS NOT NULL")


def _index(columns: list[str]) -> None:
    op.drop_index(INDEX, table_name="provision_statuses")
    op.create_index(
        INDEX, "provision_statuses", columns, postgresql_where=RELEASED, sqlite_where=RELEASED
    )


def upgrade() -> None:
    _index(["moment", "provision", "release_date", "status"])


def downgrade() -> None:
    _index(["moment", "provision", "release_date", "instance_id", "status"])
