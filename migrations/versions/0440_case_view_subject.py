"""case_views: what was shown (the case page, a task, the timeline, a drill-down, an export)

Revision ID: 0440_case_view_subject
Revises: 0420_versions_put_back
Create Date: 2026-12-02

The read audit (web/privacy/audit.py) records every view of personal data, not only the case
page: ``subject`` says which. Existing rows were case pages.
"""

import sqlalchemy as sa
from alembic import op

revision = "0440_case_view_subject"
down_revision = "0420_versions_put_back"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_views") as batch:
        batch.add_column(
            sa.Column("subject", sa.String(16), nullable=False, server_default="case")
        )


def downgrade() -> None:
    with op.batch_alter_table("case_views") as batch:
        batch.drop_column("subject")
