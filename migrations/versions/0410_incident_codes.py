"""engine: a case in error keeps its incident's code and parameters

Revision ID: 0410_incident_codes
Revises: 0301_engine_indexes
Create Date: 2026-12-02

error_message stays the English text for logs; error_code and error_params are what the web app
translates into Dutch or English (engine/errors.py, docs/engine.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0410_incident_codes"
down_revision = "0301_engine_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_instances") as batch:
        batch.add_column(sa.Column("error_code", sa.String(64), nullable=True))
        batch.add_column(sa.Column("error_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_instances") as batch:
        batch.drop_column("error_params")
        batch.drop_column("error_code")
