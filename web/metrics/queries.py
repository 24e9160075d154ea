"""Named queries for the gauges read at scrape time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, case, func, select

from engine.db.models import HumanTask

tasks = HumanTask.__table__


def tasks_by_organisation(conn: Connection, now: datetime) -> list[tuple[str | None, int, int]]:
    """Per organisation: its open tasks, and how many of them are past their due time."""
    overdue = func.sum(case((tasks.c.due_at < now, 1), else_=0))
    query = (
        select(tasks.c.organisation, func.count(), overdue)
        .where(tasks.c.status == "ready")
        .group_by(tasks.c.organisation)
        .order_by(tasks.c.organisation)
    )
    return [(row[0], int(row[1]), int(row[2] or 0)) for row in conn.execute(query)]
