"""The task ids of the benchmarks' bulk-filled historic cases, and the conversion of datasets
built with the older id shape."""

from __future__ import annotations

import sqlalchemy as sa


def synthetic_task_id(number: int, index: int) -> str:
    """The ``index``-th task of historic case ``number``, shaped as a UUID (the column is one on
    PostgreSQL since migration 0540)."""
    return f"{number:08x}-0000-4000-8{index:03x}-000000000000"


def convert_old_task_ids(url: str) -> int:
    """Give a dataset built before ``synthetic_task_id`` (``{number:012d}-{index:03d}``) the
    same ids as that, while the column is still text (before migration 0540, which cannot cast
    the old ones); how many."""
    database = sa.create_engine(url)
    with database.begin() as conn:
        kind = conn.execute(
            sa.text(
                "SELECT data_type FROM information_schema.columns"
                " WHERE table_name = 'dash_task_facts' AND column_name = 'task_id'"
            )
        ).scalar()
        changed = 0
        if kind == "character varying":
            changed = conn.execute(
                sa.text(
                    "UPDATE dash_task_facts SET task_id ="
                    " lpad(to_hex(split_part(task_id, '-', 1)::bigint), 8, '0') || '-0000-4000-8'"
                    " || lpad(to_hex(split_part(task_id, '-', 2)::int), 3, '0') || '-000000000000'"
                    " WHERE task_id ~ '^[0-9]{12}-[0-9]{3}$'"
                )
            ).rowcount
    database.dispose()
    return changed
