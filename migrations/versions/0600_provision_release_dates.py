"""provision_statuses: the release date beside the statuses at the monitor's moments, and an index
that the outcome drill-down walks

Revision ID: 0600_provision_release_dates
Revises: 0590_event_ids_never_reused
Create Date: 2026-12-03

Issue 15. The outcome monitor's drill-downs walked the released cases of the period in
release-date order and looked up each one's status for the moment and provision: at 150,000 cases
"6 months after release, identity document, not needed" read some 24,700 cases for 26 rows (380
to 450 ms of a core; under 11 ms at 1,000), mostly the cases released in the last six months,
which have no six-month status yet. The rows of the monitor's moments (entry, release, 6m) now
carry their case's release date (the cases projector keeps it equal to ``cases.release_date``;
NULL before the release and on the rows of the current status, moment "now", which no drill-down
reads), and a partial index holds those rows by (moment, provision, release date, case, status):
a drill-down walks only the rows of its moment and provision, in the order shown, checks the
status in the index, and stops after the page.

The upgrade fills the column from ``cases``; the downgrade drops the index and the column.
"""

import sqlalchemy as sa
from alembic import op

revision = "0600_provision_release_dates"
down_revision = "0590_event_ids_never_reused"
branch_labels = None
depends_on = None

INDEX = "ix_provision_statuses_released"
COLUMNS = ["moment", "provision", "release_date", "instance_id", "status"]
RELEASED = sa.text("release_date IS NOT NULL")


def upgrade() -> None:
    op.add_column("provision_statuses", sa.Column("release_date", sa.Date(), nullable=True))
    # The index before the rows are filled: built after the UPDATE in the same transaction,
    # PostgreSQL would not use it while any snapshot older than this transaction is open.
    op.create_index(
        INDEX, "provision_statuses", COLUMNS, postgresql_where=RELEASED, sqlite_where=RELEASED
    )
    op.execute(
        "UPDATE provision_statuses SET release_date = cases.release_date FROM cases "
        "WHERE cases.instance_id = provision_statuses.instance_id "
        "AND cases.release_date IS NOT NULL "
        "AND provision_statuses.moment IN ('entry', 'release', '6m')"
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="provision_statuses")
    with op.batch_alter_table("provision_statuses") as batch_op:
        batch_op.drop_column("release_date")
