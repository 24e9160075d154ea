"""cases: the case list's order has indexes, so that a page of it reads a page of cases

Revision ID: 0520_case_list_indexes
Revises: 0480_compact_finished
Create Date: 2026-12-03

The case list (web/cases/queries.py, ``search_cases``) shows the most recently changed cases first
(updated_at, instance_id descending), optionally only those of one status. Without an index on
that order every request read and sorted all cases (bench/dashboard.py, docs/dashboard.md
"Benchmark"). With these the list walks the index backwards and stops after the page.
"""

from alembic import op

revision = "0520_case_list_indexes"
down_revision = "0480_compact_finished"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_updated", "cases", ["updated_at", "instance_id"])
    op.create_index("ix_cases_status_updated", "cases", ["status", "updated_at", "instance_id"])


def downgrade() -> None:
    op.drop_index("ix_cases_status_updated", table_name="cases")
    op.drop_index("ix_cases_updated", table_name="cases")
