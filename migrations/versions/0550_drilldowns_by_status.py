"""dash_task_facts: the drill-down indexes split by status, without the cancelled facts

Revision ID: 0550_drilldowns_by_status
Revises: 0541_packed_finished
Create Date: 2026-12-03

Issue 14, at most 25 KB per finished case. The three drill-down indexes of the dashboard's task
facts (by element, by prison, by municipality) held every fact with (status, completed_at,
due_at, task_id) after the dimension and the element: about 4.6 KB per finished case. A
drill-down reads either a step's open facts by due time or its completed facts by completion
(web/dashboard/drilldown.py), never cancelled ones. So each becomes two partial indexes, one per
status, with only the column that status orders by:

- ``ix_dash_task_facts_open_<dimension>``: (dimension, bpmn_id, due_at, task_id) of the open
  facts (a finished case has none);
- ``ix_dash_task_facts_completed_<dimension>``: (dimension, bpmn_id, completed_at, task_id) of
  the completed facts.

The municipality's carry the prison as before. A finished case's cancelled facts are in none of
them, and its completed ones no longer carry the status and the due time. The downgrade creates
the three indexes as they were.
"""

import sqlalchemy as sa

from alembic import op

revision = "0550_drilldowns_by_status"
down_revision = "0541_packed_finished"
branch_labels = None
depends_on = None

TABLE = "dash_task_facts"
DIMENSIONS = {"element": (), "prison": ("prison",), "municipality": ("municipality",)}
ORDER = {"open": "due_at", "completed": "completed_at"}
BEFORE = ("status", "completed_at", "due_at", "task_id")


def _columns(dimension: str, middle: tuple[str, ...]) -> list[str]:
    columns = [*DIMENSIONS[dimension], "bpmn_id", *middle]
    return [*columns, "prison"] if dimension == "municipality" else columns


def upgrade() -> None:
    for dimension in DIMENSIONS:
        op.drop_index(f"ix_dash_task_facts_{dimension}", table_name=TABLE)
        for status, column in ORDER.items():
            where = sa.text(f"status = '{status}'")
            op.create_index(
                f"ix_dash_task_facts_{status}_{dimension}",
                TABLE,
                _columns(dimension, (column, "task_id")),
                postgresql_where=where,
                sqlite_where=where,
            )


def downgrade() -> None:
    for dimension in DIMENSIONS:
        for status in ORDER:
            op.drop_index(f"ix_dash_task_facts_{status}_{dimension}", table_name=TABLE)
        op.create_index(f"ix_dash_task_facts_{dimension}", TABLE, _columns(dimension, BEFORE))
