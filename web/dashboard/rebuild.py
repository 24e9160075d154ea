"""Rebuilding the dashboard's projections from what the engine and the cases projection hold:
for databases from before the dashboard (migration 0200), or after a change of its definitions.

Per instance, the task projection (``human_tasks``, live or archived: ready, completed and
cancelled times) and the first claims from the audit events (live or archived) are replayed
through the projector in time order, with the case's current data; a last pass at ``now`` marks
what is overdue and counts the case in the outcome cube. Dimensions are the case's current prison
and municipality. The dashboard feed's checkpoint is put after the newest event (stop the feed's
workers while rebuilding).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, delete, func, select

from engine import CaseChange, InstanceInfo, WorkingDayCalendar
from engine.db.models import Event
from engine.store.events import for_instance as case_events
from engine.store.human_tasks import for_instance as case_tasks
from web.dashboard.feed import set_position
from web.dashboard.projection import DashboardProjection
from web.dashboard.tables import (
    deadline_facts,
    deadline_stats,
    outcome_cases,
    outcome_stats,
    task_facts,
    task_open,
    task_stats,
)

events = Event.__table__


def rebuild_dashboard(
    conn: Connection, instances: Iterable[InstanceInfo], calendar: WorkingDayCalendar, now: datetime
) -> int:
    """Empty the dashboard's tables and project every instance again; how many instances."""
    newest = conn.execute(select(func.max(events.c.id))).scalar() or 0
    tables = (task_stats, task_open, deadline_stats, outcome_stats, outcome_cases)
    for table in (*tables, deadline_facts, task_facts):
        conn.execute(delete(table))
    projection = DashboardProjection(calendar)
    count = 0
    for info in instances:
        with projection.batch(conn, [info.id]):
            _replay(conn, projection, info, now)
        count += 1
    set_position(conn, newest)
    return count


def _replay(
    conn: Connection, projection: DashboardProjection, info: InstanceInfo, now: datetime
) -> None:
    claims: dict[str | None, datetime] = {}
    for event in case_events(conn, info.id):  # live and archived (engine/store/case_archive.py)
        if event.kind == "task_claimed" and event.task_id not in claims:
            claims[event.task_id] = event.at
    moments: dict[datetime, list[dict]] = defaultdict(list)
    for task in case_tasks(conn, info.id):  # live and archived (engine/store/case_archive.py)
        moments[task.created_at].append(_event("task_ready", task.id, task.bpmn_id))
        if task.id in claims:
            at = claims[task.id]
            moments[at].append(_event("task_claimed", task.id, task.bpmn_id, at))
        if task.status in ("completed", "cancelled") and task.completed_at is not None:
            kind = "task_completed" if task.status == "completed" else "task_cancelled"
            moments[task.completed_at].append(_event(kind, task.id, task.bpmn_id))
    moments.setdefault(max(now, info.updated_at), [])
    order = {"task_completed": 0, "task_cancelled": 1, "task_claimed": 2, "task_ready": 3}
    for moment in sorted(moments):
        batch = sorted(moments[moment], key=lambda e: (order[e["kind"]], e["task_id"]))
        claimed = [e for e in batch if e["kind"] == "task_claimed"]
        commands = [e for e in batch if e["kind"] != "task_claimed"]
        if commands or not claimed:
            current = replace(info, updated_at=moment)
            projection.project(CaseChange(conn, current, commands))
        projection.record_claims(conn, claimed)


def _event(kind: str, task_id: str, bpmn_id: str, at: datetime | None = None) -> dict:
    return {"kind": kind, "task_id": task_id, "bpmn_id": bpmn_id, "at": at}
