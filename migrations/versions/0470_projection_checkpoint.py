"""projection_checkpoints and dash_outcome_cases: the dashboard is projected outside the commands

Revision ID: 0470_projection_checkpoint
Revises: 0450_sessions
Create Date: 2026-12-02

- projection_checkpoints: how far a projection that reads the audit events has read (the dashboard
  worker, web/dashboard/feed.py), its unseen ids and its failures.
- dash_outcome_cases: what the outcome cube counts of each released case, so that the worker can
  move a case's counts (it no longer runs before the cases projector in the command).

The outcome cases are filled from the cube's source (the cases projection) and the checkpoint is
set to the newest event: the dashboard's tables were up to date with every committed command.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0470_projection_checkpoint"
down_revision = "0450_sessions"
branch_labels = None
depends_on = None

MONITOR_MOMENTS = ("entry", "release", "6m")
PROVISIONS = ("identity_document", "housing", "work_income", "debts", "care")
STATUSES = ("arranged", "in_progress", "not_arranged", "not_needed", "unknown")


def upgrade() -> None:
    op.create_table(
        "dash_outcome_cases",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("prison", sa.String(length=64), nullable=False),
        sa.Column("municipality", sa.String(length=64), nullable=False),
        sa.Column("stay_class", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_dash_outcome_cases_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("instance_id", name=op.f("pk_dash_outcome_cases")),
    )
    op.create_table(
        "projection_checkpoints",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("gaps", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_projection_checkpoints")),
    )
    _carry_over()


def _carry_over() -> None:
    """What the in-command projector had counted: every released case in the cases projection,
    and the checkpoint after the newest event."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT instance_id, prison_code, municipality_code, stay_class, release_date "
            "FROM cases WHERE release_date IS NOT NULL"
        )
    ).all()
    if rows:
        statuses: dict[int, dict[str, str]] = {}
        for instance_id, moment, provision, status in conn.execute(
            sa.text("SELECT instance_id, moment, provision, status FROM provision_statuses")
        ):
            if moment in MONITOR_MOMENTS and provision in PROVISIONS:
                known = status if status in STATUSES else "unknown"
                statuses.setdefault(instance_id, {})[f"{moment}:{provision}"] = known
        table = sa.table(
            "dash_outcome_cases",
            *(sa.column(n) for n in ("instance_id", "prison", "municipality", "stay_class")),
            sa.column("month"),
            sa.column("statuses", sa.JSON()),
        )
        conn.execute(
            table.insert(),
            [
                {
                    "instance_id": r[0],
                    "prison": r[1] or "",
                    "municipality": r[2] or "",
                    "stay_class": r[3] or "",
                    "month": str(r[4])[:7],
                    "statuses": statuses.get(r[0], {}),
                }
                for r in rows
            ],
        )
    newest = conn.execute(sa.text("SELECT max(id) FROM events")).scalar() or 0
    conn.execute(
        sa.text(
            "INSERT INTO projection_checkpoints (name, position, gaps, updated_at, attempts) "
            "VALUES ('dashboard', :position, :gaps, CURRENT_TIMESTAMP, 0)"
        ),
        {"position": newest, "gaps": json.dumps({})},
    )


def downgrade() -> None:
    op.drop_table("projection_checkpoints")
    op.drop_table("dash_outcome_cases")
