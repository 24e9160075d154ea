"""dash_task_facts: the completed facts' drill-down indexes without the task id

Revision ID: 0710_drilldowns_completed_lean
Revises: 0700_case_list_by_organisation
Create Date: 2026-12-03

Issue 14, at most 25 KB per finished case. A finished case's completed facts (about 20) are in
three drill-down indexes, (dimension, bpmn_id, completed_at, task_id), and the task id (16
bytes) was in each entry only to break ties in the order a drill-down pages by (completion time,
then task id; web/dashboard/drilldown.py). Without it PostgreSQL walks the index in completion
order and puts the few facts completed at the same moment in order after reading them (an
incremental sort of a handful of rows), and every entry is 16 bytes smaller: about 1 KB per
finished case. The open facts' indexes keep the task id: their entries are not kept for long.

The downgrade puts the task id back.
"""

import sqlalchemy as sa

from alembic import op

revision = "0710_drilldowns_completed_lean"
down_revision = "0700_case_list_by_organisation"
branch_labels = None
depends_on = None

TABLE = "dash_task_facts"
DIMENSIONS = {"element": (), "prison": ("prison",), "municipality": ("municipality",)}
COMPLETED = sa.text("status = 'completed'")


def _indexes(tie_breaker: tuple[str, ...]) -> None:
    for dimension, leading in DIMENSIONS.items():
        name = f"ix_dash_task_facts_completed_{dimension}"
        columns = [*leading, "bpmn_id", "completed_at", *tie_breaker]
        if dimension == "municipality":
            columns.append("prison")
        op.drop_index(name, table_name=TABLE)
        op.create_index(name, TABLE, columns, postgresql_where=COMPLETED, sqlite_where=COMPLETED)


def upgrade() -> None:
    _indexes(())


def downgrade() -> None:
    _indexes(("task_id",))
