"""case_organisations: the case's last change beside each organisation, for the case list

Revision ID: 0700_case_list_by_organisation
Revises: 0620_one_archive_per_case
Create Date: 2026-12-03

The case list (web/cases/queries.py, search_cases) shows an organisation's cases most recently
changed first. With the order only on ``cases``, PostgreSQL walked every case in that order and
checked each one's organisations: for an organisation whose cases were not among the most
recently changed, the first page read most of the cases (82,650 buffers for PI-20 at 150,000
cases). ``case_organisations.updated_at`` (kept equal to the case's by the cases projector) and
the index (organisation, updated_at, instance_id) let the list walk one organisation's cases in
that order and stop after the page. It replaces the index (organisation, instance_id), which
only that list's check used; the key (instance_id, organisation) serves the other checks.
"""

import sqlalchemy as sa
from alembic import op

revision = "0700_case_list_by_organisation"
down_revision = "0620_one_archive_per_case"
branch_labels = None
depends_on = None

BACKFILL = """UPDATE case_organisations SET updated_at = COALESCE(
    (SELECT c.updated_at FROM cases c WHERE c.instance_id = case_organisations.instance_id),
    (SELECT p.updated_at FROM process_instances p WHERE p.id = case_organisations.instance_id)
)"""


def upgrade() -> None:
    op.add_column(
        "case_organisations", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(BACKFILL)
    with op.batch_alter_table("case_organisations") as batch:
        batch.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.drop_index("ix_case_organisations_organisation", table_name="case_organisations")
    op.create_index(
        "ix_case_organisations_updated",
        "case_organisations",
        ["organisation", "updated_at", "instance_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_case_organisations_updated", table_name="case_organisations")
    op.create_index(
        "ix_case_organisations_organisation", "case_organisations", ["organisation", "instance_id"]
    )
    with op.batch_alter_table("case_organisations") as batch:
        batch.drop_column("updated_at")
