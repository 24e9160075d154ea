"""dashboard: a (prison, municipality) rollup of the task cubes, case cubes clustered by month,
drill-down indexes with their tie-breakers

Revision ID: 0201_dashboard_scope_indexes
Revises: 0200_dashboard
Create Date: 2026-11-29

- dash_task_stats, dash_task_open: rollup "pm" (prison and municipality kept, organisation
  summed), filled from "pmo", so that a prison-and-municipality filter reads no rows of other
  organisations.
- dash_deadline_stats, dash_outcome_stats: primary key (rollup, prison, month, ...), so that a
  period's rows per municipality lie together (SQLite's WITHOUT ROWID tables are clustered by it:
  the table is rebuilt there); indexes by municipality and per cell.
- dash_task_facts, dash_deadline_facts, cases: the drill-downs' indexes end with the tie-breaker
  of their order, and those per municipality carry the prison. Open and completed tasks share
  one index per dimension (status, completed_at, due_at): open ones have no completed_at.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = "0201_dashboard_scope_indexes"
down_revision = "0200_dashboard"
branch_labels = None
depends_on = None

BUCKETS = 15
DURATIONS = ("wait", "work", "lead")
TASK_MEASURES = (
    ["completed", "claimed", "late", "cancelled"]
    + [f"{d}_sum" for d in DURATIONS]
    + [f"{d}_b{i}" for d in DURATIONS for i in range(BUCKETS)]
)
TASK_GROUP = ["prison", "municipality", "process_id", "bpmn_id", "party"]

# name -> (table, old columns, new columns); None: no such index
FACT_INDEXES = {
    "ix_dash_task_facts_open": ("dash_task_facts", ["bpmn_id", "status", "due_at"], None),
    "ix_dash_task_facts_done": ("dash_task_facts", ["bpmn_id", "status", "completed_at"], None),
    "ix_dash_task_facts_element": (
        "dash_task_facts",
        None,
        ["bpmn_id", "status", "completed_at", "due_at", "task_id"],
    ),
    "ix_dash_task_facts_prison": (
        "dash_task_facts",
        ["prison", "bpmn_id", "status", "completed_at"],
        ["prison", "bpmn_id", "status", "completed_at", "due_at", "task_id"],
    ),
    "ix_dash_task_facts_municipality": (
        "dash_task_facts",
        ["municipality", "bpmn_id", "status", "completed_at"],
        ["municipality", "bpmn_id", "status", "completed_at", "due_at", "task_id", "prison"],
    ),
    "ix_dash_deadline_facts_kind": (
        "dash_deadline_facts",
        ["kind", "status", "due_on"],
        ["kind", "status", "due_on", "instance_id"],
    ),
    "ix_dash_deadline_facts_prison": (
        "dash_deadline_facts",
        ["prison", "kind", "status", "due_on"],
        ["prison", "kind", "status", "due_on", "instance_id"],
    ),
    "ix_dash_deadline_facts_municipality": (
        "dash_deadline_facts",
        ["municipality", "kind", "status", "due_on"],
        ["municipality", "kind", "status", "due_on", "instance_id", "prison"],
    ),
    "ix_cases_release_date": ("cases", ["release_date"], ["release_date", "instance_id"]),
    "ix_cases_prison_release": (
        "cases",
        ["prison_code", "release_date"],
        ["prison_code", "release_date", "instance_id"],
    ),
    "ix_cases_municipality_release": (
        "cases",
        ["municipality_code", "release_date"],
        ["municipality_code", "release_date", "instance_id", "prison_code"],
    ),
}

# table -> (old key, old indexes, new key, new indexes)
CUBES = {
    "dash_deadline_stats": (
        ["rollup", "prison", "municipality", "month"],
        {
            "ix_dash_deadline_stats_month": ["rollup", "month"],
            "ix_dash_deadline_stats_prison": ["rollup", "prison", "month"],
            "ix_dash_deadline_stats_municipality": ["rollup", "municipality", "month"],
        },
        ["rollup", "prison", "month", "municipality"],
        {
            "ix_dash_deadline_stats_municipality": ["rollup", "municipality", "month", "prison"],
            "ix_dash_deadline_stats_cell": ["rollup", "prison", "municipality", "month"],
        },
    ),
    "dash_outcome_stats": (
        ["rollup", "prison", "municipality", "stay_class", "month"],
        {
            "ix_dash_outcome_stats_month": ["rollup", "month"],
            "ix_dash_outcome_stats_prison": ["rollup", "prison", "month"],
            "ix_dash_outcome_stats_municipality": ["rollup", "municipality", "month"],
        },
        ["rollup", "prison", "month", "municipality", "stay_class"],
        {
            "ix_dash_outcome_stats_municipality": [
                "rollup",
                "municipality",
                "month",
                "prison",
                "stay_class",
            ],
            "ix_dash_outcome_stats_cell": [
                "rollup",
                "prison",
                "municipality",
                "month",
                "stay_class",
            ],
        },
    ),
}


def _pm_rollup() -> None:
    """The "pm" rollup of the task cubes: the "pmo" rows summed over the organisation."""
    group = ", ".join(TASK_GROUP)
    measures = ", ".join(TASK_MEASURES)
    sums = ", ".join(f"SUM({m})" for m in TASK_MEASURES)
    op.execute(
        f"INSERT INTO dash_task_stats (rollup, organisation, {group}, month, {measures}) "
        f"SELECT 'pm', '*', {group}, month, {sums} FROM dash_task_stats "
        f"WHERE rollup = 'pmo' GROUP BY {group}, month"
    )
    op.execute(
        f"INSERT INTO dash_task_open (rollup, organisation, {group}, due_on, open) "
        f"SELECT 'pm', '*', {group}, due_on, SUM(open) FROM dash_task_open "
        f"WHERE rollup = 'pmo' GROUP BY {group}, due_on"
    )


def _recluster(
    table: str,
    old_indexes: Sequence[str],
    key: Sequence[str],
    indexes: dict[str, list[str]],
) -> None:
    """A new primary key for a cube. SQLite clusters a WITHOUT ROWID table by it, so the table
    is rebuilt there (same columns, rows copied); PostgreSQL just swaps the constraint."""
    for name in old_indexes:
        op.drop_index(name, table_name=table)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        old = sa.Table(table, sa.MetaData(), autoload_with=bind)
        op.rename_table(table, f"{table}_old")
        op.create_table(
            table,
            *(sa.Column(c.name, c.type, nullable=False) for c in old.columns),
            sa.PrimaryKeyConstraint(*key, name=f"pk_{table}"),
            sqlite_with_rowid=False,
        )
        columns = ", ".join(c.name for c in old.columns)
        op.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}_old")
        op.drop_table(f"{table}_old")
    else:
        op.drop_constraint(f"pk_{table}", table, type_="primary")
        op.create_primary_key(f"pk_{table}", table, list(key))
    for name, columns in indexes.items():
        op.create_index(name, table, columns)


def _reindex(new: bool) -> None:
    for name, (table, old_columns, new_columns) in FACT_INDEXES.items():
        if (old_columns if new else new_columns) is not None:
            op.drop_index(name, table_name=table)
        columns = new_columns if new else old_columns
        if columns is not None:
            op.create_index(name, table, columns)


def upgrade() -> None:
    _pm_rollup()
    for table, (_, old_indexes, key, indexes) in CUBES.items():
        _recluster(table, list(old_indexes), key, indexes)
    _reindex(new=True)


def downgrade() -> None:
    _reindex(new=False)
    for table, (key, indexes, _, new_indexes) in CUBES.items():
        _recluster(table, list(new_indexes), key, indexes)
    op.execute("DELETE FROM dash_task_open WHERE rollup = 'pm'")
    op.execute("DELETE FROM dash_task_stats WHERE rollup = 'pm'")
