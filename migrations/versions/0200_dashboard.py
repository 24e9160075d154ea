"""dashboard projections: task and deadline facts, task, deadline and outcome cubes

Revision ID: 0200_dashboard
Revises: 0100_api_tokens
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0200_dashboard"
down_revision = "0100_api_tokens"
branch_labels = None
depends_on = None

BUCKETS = 15
DURATIONS = ("wait", "work", "lead")
TASK_MEASURES = (
    ["completed", "claimed", "late", "cancelled"]
    + [f"{d}_sum" for d in DURATIONS]
    + [f"{d}_b{i}" for d in DURATIONS for i in range(BUCKETS)]
)
DEADLINE_MEASURES = [
    f"{kind}_{outcome}"
    for kind in ("entry", "screening", "handover", "release_notice")
    for outcome in ("met", "missed")
]
OUTCOME_MEASURES = [
    f"{provision}_{moment}_{status}"
    for provision in ("identity_document", "housing", "work_income", "debts", "care")
    for moment in ("entry", "release", "m6")
    for status in ("arranged", "in_progress", "not_arranged", "not_needed", "unknown")
]
TASK_KEY = ["prison", "municipality", "organisation", "process_id", "bpmn_id", "party"]


def _length(name: str) -> int:
    return 255 if name in ("process_id", "bpmn_id") else 64


def _rollup() -> sa.Column:
    return sa.Column("rollup", sa.String(length=8), nullable=False)


def _key_columns(names: list[str]) -> list[sa.Column]:
    return [sa.Column(n, sa.String(length=_length(n)), nullable=False) for n in names]


def upgrade() -> None:
    op.create_table(
        "dash_task_facts",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=255), nullable=False),
        sa.Column("bpmn_id", sa.String(length=255), nullable=False),
        sa.Column("party", sa.String(length=32), nullable=False),
        sa.Column("organisation", sa.String(length=64), nullable=False),
        sa.Column("prison", sa.String(length=64), nullable=False),
        sa.Column("municipality", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_dash_task_facts_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_dash_task_facts")),
    )
    with op.batch_alter_table("dash_task_facts", schema=None) as batch_op:
        batch_op.create_index("ix_dash_task_facts_instance", ["instance_id", "status"])
        batch_op.create_index("ix_dash_task_facts_open", ["bpmn_id", "status", "due_at"])
        batch_op.create_index("ix_dash_task_facts_done", ["bpmn_id", "status", "completed_at"])
        batch_op.create_index(
            "ix_dash_task_facts_prison", ["prison", "bpmn_id", "status", "completed_at"]
        )
        batch_op.create_index(
            "ix_dash_task_facts_municipality", ["municipality", "bpmn_id", "status", "completed_at"]
        )

    op.create_table(
        "dash_deadline_facts",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.String(length=10), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("prison", sa.String(length=64), nullable=False),
        sa.Column("municipality", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_dash_deadline_facts_instance_id_process_instances"),
        ),
        sa.PrimaryKeyConstraint("instance_id", "kind", name=op.f("pk_dash_deadline_facts")),
    )
    with op.batch_alter_table("dash_deadline_facts", schema=None) as batch_op:
        batch_op.create_index("ix_dash_deadline_facts_kind", ["kind", "status", "due_on"])
        batch_op.create_index(
            "ix_dash_deadline_facts_prison", ["prison", "kind", "status", "due_on"]
        )
        batch_op.create_index(
            "ix_dash_deadline_facts_municipality", ["municipality", "kind", "status", "due_on"]
        )

    op.create_table(
        "dash_task_stats",
        _rollup(),
        *_key_columns(TASK_KEY),
        sa.Column("month", sa.String(length=7), nullable=False),
        *(
            sa.Column(n, sa.Float() if n.endswith("_sum") else sa.Integer(), nullable=False)
            for n in TASK_MEASURES
        ),
        sa.PrimaryKeyConstraint(
            "rollup",
            "prison",
            "municipality",
            "process_id",
            "month",
            "organisation",
            "bpmn_id",
            "party",
            name=op.f("pk_dash_task_stats"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_dash_task_stats_element",
        "dash_task_stats",
        ["rollup", "process_id", "bpmn_id", "prison", "municipality", "month"],
    )
    op.create_table(
        "dash_task_open",
        _rollup(),
        *_key_columns(TASK_KEY),
        sa.Column("due_on", sa.String(length=10), nullable=False),
        sa.Column("open", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("rollup", *TASK_KEY, "due_on", name=op.f("pk_dash_task_open")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_dash_task_open_element",
        "dash_task_open",
        ["rollup", "process_id", "bpmn_id", "prison", "municipality"],
    )
    op.create_table(
        "dash_deadline_stats",
        _rollup(),
        *_key_columns(["prison", "municipality"]),
        sa.Column("month", sa.String(length=7), nullable=False),
        *(sa.Column(n, sa.Integer(), nullable=False) for n in DEADLINE_MEASURES),
        sa.PrimaryKeyConstraint(
            "rollup", "prison", "municipality", "month", name=op.f("pk_dash_deadline_stats")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_dash_deadline_stats_month", "dash_deadline_stats", ["rollup", "month"])
    op.create_index(
        "ix_dash_deadline_stats_prison", "dash_deadline_stats", ["rollup", "prison", "month"]
    )
    op.create_index(
        "ix_dash_deadline_stats_municipality",
        "dash_deadline_stats",
        ["rollup", "municipality", "month"],
    )
    op.create_table(
        "dash_outcome_stats",
        _rollup(),
        *_key_columns(["prison", "municipality"]),
        sa.Column("stay_class", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        *(sa.Column(n, sa.Integer(), nullable=False) for n in OUTCOME_MEASURES),
        sa.PrimaryKeyConstraint(
            "rollup",
            "prison",
            "municipality",
            "stay_class",
            "month",
            name=op.f("pk_dash_outcome_stats"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_dash_outcome_stats_month", "dash_outcome_stats", ["rollup", "month"])
    op.create_index(
        "ix_dash_outcome_stats_prison", "dash_outcome_stats", ["rollup", "prison", "month"]
    )
    op.create_index(
        "ix_dash_outcome_stats_municipality",
        "dash_outcome_stats",
        ["rollup", "municipality", "month"],
    )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_release_date", ["release_date"])
        batch_op.create_index("ix_cases_prison_release", ["prison_code", "release_date"])
        batch_op.create_index(
            "ix_cases_municipality_release", ["municipality_code", "release_date"]
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_municipality_release")
        batch_op.drop_index("ix_cases_prison_release")
        batch_op.drop_index("ix_cases_release_date")
    op.drop_table("dash_outcome_stats")
    op.drop_table("dash_deadline_stats")
    op.drop_table("dash_task_open")
    op.drop_table("dash_task_stats")
    with op.batch_alter_table("dash_deadline_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_dash_deadline_facts_municipality")
        batch_op.drop_index("ix_dash_deadline_facts_prison")
        batch_op.drop_index("ix_dash_deadline_facts_kind")
    op.drop_table("dash_deadline_facts")
    with op.batch_alter_table("dash_task_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_dash_task_facts_municipality")
        batch_op.drop_index("ix_dash_task_facts_prison")
        batch_op.drop_index("ix_dash_task_facts_done")
        batch_op.drop_index("ix_dash_task_facts_open")
        batch_op.drop_index("ix_dash_task_facts_instance")
    op.drop_table("dash_task_facts")
