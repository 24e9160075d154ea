"""cases projection, case organisations, provision statuses and case views

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("business_key", sa.String(length=255), nullable=False),
        sa.Column("process_id", sa.String(length=255), nullable=False),
        sa.Column("person_name", sa.String(length=255), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("prison_code", sa.String(length=64), nullable=True),
        sa.Column("municipality_code", sa.String(length=64), nullable=True),
        sa.Column("probation_office_code", sa.String(length=64), nullable=True),
        sa.Column("uwv_office_code", sa.String(length=64), nullable=True),
        sa.Column("stay_class", sa.String(length=32), nullable=True),
        sa.Column("entry_date", sa.Date(), nullable=True),
        sa.Column("expected_release_date", sa.Date(), nullable=True),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("care_consent", sa.Boolean(), nullable=False),
        sa.Column("debts_consent", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_cases_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("instance_id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_business_key", ["business_key"], unique=False)
        batch_op.create_index(
            "ix_cases_status_release", ["status", "expected_release_date"], unique=False
        )

    op.create_table(
        "case_organisations",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_case_organisations_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("instance_id", "organisation", name=op.f("pk_case_organisations")),
    )
    with op.batch_alter_table("case_organisations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_organisations_organisation", ["organisation", "instance_id"], unique=False
        )

    op.create_table(
        "provision_statuses",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("moment", sa.String(length=8), nullable=False),
        sa.Column("provision", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_provision_statuses_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint(
            "instance_id", "moment", "provision", name=op.f("pk_provision_statuses")
        ),
    )
    with op.batch_alter_table("provision_statuses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_provision_statuses_moment", ["moment", "provision", "status"], unique=False
        )

    op.create_table(
        "case_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("business_key", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("organisation", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("categories", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_case_views_instance_id_process_instances"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_views_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_views")),
    )
    with op.batch_alter_table("case_views", schema=None) as batch_op:
        batch_op.create_index("ix_case_views_instance_at", ["instance_id", "at"], unique=False)
        batch_op.create_index("ix_case_views_user_at", ["user_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_views", schema=None) as batch_op:
        batch_op.drop_index("ix_case_views_user_at")
        batch_op.drop_index("ix_case_views_instance_at")
    op.drop_table("case_views")
    with op.batch_alter_table("provision_statuses", schema=None) as batch_op:
        batch_op.drop_index("ix_provision_statuses_moment")
    op.drop_table("provision_statuses")
    with op.batch_alter_table("case_organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_case_organisations_organisation")
    op.drop_table("case_organisations")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_status_release")
        batch_op.drop_index("ix_cases_business_key")
    op.drop_table("cases")
