"""engine: a process version may be put back, so a content hash may repeat per process

Revision ID: 0420_versions_put_back
Revises: 0410_incident_codes
Create Date: 2026-12-02

"Zet versie N terug" deploys version N's files again as a new version with the same content hash.
The unique constraint (process_id, content_hash) becomes a plain index: deployments still find a
process's versions by content hash.
"""

from alembic import op

revision = "0420_versions_put_back"
down_revision = "0410_incident_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_versions") as batch:
        batch.drop_constraint("uq_process_versions_process_id_content_hash", type_="unique")
        batch.create_index(
            "ix_process_versions_process_id_content_hash", ["process_id", "content_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("process_versions") as batch:
        batch.drop_index("ix_process_versions_process_id_content_hash")
        batch.create_unique_constraint(
            "uq_process_versions_process_id_content_hash", ["process_id", "content_hash"]
        )
