"""The dashboard projector: keeps the task facts and cubes, the deadline facts and the outcome
cube in step with the engine's commands.

It runs outside the commands: web/dashboard/feed.py reads the audit events after its checkpoint
and hands each case's events of one moment to ``project`` (a claim to ``record_claims``), in the
order they were committed, with the case's current data (web/dashboard/rebuild.py replays the
same way). The outcome cube remembers what it counted per case (web/dashboard/outcomes.py).

Per command it costs: one select of the tasks it opened or closed, one of the case's deadline
facts, one of the case's outcome row, and an upsert per cube it changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from engine import CaseChange, WorkingDayCalendar
from engine.db.models import HumanTask
from web.cases import fields
from web.dashboard import compliance, outcomes
from web.dashboard.cube import (
    add,
    bucket_of,
    delete_empty,
    last_day_on_time,
    merge,
    month_of,
    rollups,
)
from web.dashboard.tables import (
    NONE,
    TASK_MEASURES,
    TASK_OPEN_KEY,
    TASK_ROLLUPS,
    TASK_STATS_KEY,
    bucket_column,
    task_facts,
    task_open,
    task_stats,
)

human_tasks = HumanTask.__table__


class DashboardProjection:
    """``project`` is the engine projector, ``record_claims`` the event sink (claims are no
    commands on the case, so only the sinks see them)."""

    def __init__(self, calendar: WorkingDayCalendar) -> None:
        self.calendar = calendar

    def project(self, change: CaseChange) -> None:
        conn, instance = change.conn, change.instance
        now = instance.updated_at
        dimensions = case_dimensions(instance.data)
        ready = [e["task_id"] for e in change.events if e["kind"] == "task_ready"]
        completed = [e["task_id"] for e in change.events if e["kind"] == "task_completed"]
        cancelled = [e["task_id"] for e in change.events if e["kind"] == "task_cancelled"]
        opened = open_tasks(conn, ready, dimensions) if ready else {}
        closed = close_tasks(conn, completed, cancelled, now) if completed or cancelled else {}
        flag_overdue(conn, instance.id, now)
        elements = {**opened, **closed}
        compliance.update(conn, instance, change.events, elements, self.calendar, dimensions)
        outcomes.update_case(conn, instance)

    def record_claims(self, conn: Connection, rows: list[dict]) -> None:
        claims = [
            {"b_task": row["task_id"], "b_at": row["at"]}
            for row in rows
            if row["kind"] == "task_claimed" and row.get("task_id")
        ]
        if claims:
            conn.execute(_FIRST_CLAIM, claims)


_FIRST_CLAIM = (
    update(task_facts)
    .where(task_facts.c.task_id == bindparam("b_task"), task_facts.c.claimed_at.is_(None))
    .values(claimed_at=bindparam("b_at"))
)


def case_dimensions(data: dict[str, Any]) -> dict[str, str]:
    """The prison and municipality a case's facts are counted under (now)."""
    return {
        "prison": (fields.text(data, fields.PRISON) or NONE)[:64],
        "municipality": (fields.text(data, fields.MUNICIPALITY) or NONE)[:64],
    }


def _task_key(fact: dict[str, Any]) -> dict[str, str]:
    return {
        "prison": fact["prison"],
        "municipality": fact["municipality"],
        "organisation": fact["organisation"],
        "process_id": fact["process_id"],
        "bpmn_id": fact["bpmn_id"],
        "party": fact["party"],
    }


def _open_key(fact: dict[str, Any]) -> dict[str, str]:
    due = fact["due_at"]
    return {**_task_key(fact), "due_on": last_day_on_time(due) if due else NONE}


def open_tasks(conn: Connection, task_ids: list[str], dimensions: dict[str, str]) -> dict[str, str]:
    """Facts for tasks that became ready, counted in the open-task cube; task id -> element."""
    rows = conn.execute(select(human_tasks).where(human_tasks.c.id.in_(task_ids))).all()
    facts = [
        {
            "task_id": row.id,
            "instance_id": row.instance_id,
            "process_id": row.process_id,
            "bpmn_id": row.bpmn_id,
            "party": (row.party or NONE)[:32],
            "organisation": (row.organisation or NONE)[:64],
            **dimensions,
            "status": "open",
            "ready_at": row.created_at,
            "claimed_at": None,
            "completed_at": None,
            "cancelled_at": None,
            "due_at": row.due_at,
            "overdue": False,
        }
        for row in sorted(rows, key=lambda r: r.id)
    ]
    if facts:
        conn.execute(insert(task_facts), facts)
        _count_open(conn, facts, +1)
    return {fact["task_id"]: fact["bpmn_id"] for fact in facts}


def _count_open(conn: Connection, facts: Iterable[dict[str, Any]], amount: int) -> None:
    merged = merge(
        (key, {"open": amount}) for fact in facts for key in rollups(_open_key(fact), TASK_ROLLUPS)
    )
    add(conn, task_open, TASK_OPEN_KEY, ("open",), merged)
    if amount < 0:
        delete_empty(conn, task_open, TASK_OPEN_KEY, "open", merged)


_CLOSE = (
    update(task_facts)
    .where(task_facts.c.task_id == bindparam("b_task"))
    .values(
        status=bindparam("b_status"),
        completed_at=bindparam("b_completed"),
        cancelled_at=bindparam("b_cancelled"),
        overdue=bindparam("b_overdue"),
    )
)


def close_tasks(
    conn: Connection, completed: list[str], cancelled: list[str], now: datetime
) -> dict[str, str]:
    """Completed and cancelled tasks: out of the open cube, into the statistics; id -> element."""
    wanted = [*completed, *cancelled]
    query = select(task_facts).where(
        task_facts.c.task_id.in_(wanted), task_facts.c.status == "open"
    )
    facts = [dict(row._mapping) for row in conn.execute(query)]
    if not facts:
        return {}
    done = set(completed)
    updates, statistics = [], []
    for fact in sorted(facts, key=lambda f: f["task_id"]):
        is_done = fact["task_id"] in done
        late = bool(fact["due_at"] is not None and now > fact["due_at"])
        updates.append(
            {
                "b_task": fact["task_id"],
                "b_status": "completed" if is_done else "cancelled",
                "b_completed": now if is_done else None,
                "b_cancelled": None if is_done else now,
                "b_overdue": late or fact["overdue"],
            }
        )
        measures = completion_measures(fact, now, late) if is_done else {"cancelled": 1}
        key = {**_task_key(fact), "month": month_of(now)}
        statistics.extend((rolled, measures) for rolled in rollups(key, TASK_ROLLUPS))
    conn.execute(_CLOSE, updates)
    _count_open(conn, facts, -1)
    add(conn, task_stats, TASK_STATS_KEY, TASK_MEASURES, merge(statistics))
    return {fact["task_id"]: fact["bpmn_id"] for fact in facts}


def completion_measures(fact: dict[str, Any], completed_at: datetime, late: bool) -> dict:
    """What one completed task adds: counts, summed seconds and a histogram bucket per duration.
    A task completed without a claim waited until it was completed and has no work time."""
    ready_at, claimed_at = fact["ready_at"], fact["claimed_at"]
    waited = ((claimed_at or completed_at) - ready_at).total_seconds()
    lead = (completed_at - ready_at).total_seconds()
    measures: dict[str, float] = {
        "completed": 1,
        "late": 1 if late else 0,
        "wait_sum": waited,
        "lead_sum": lead,
        bucket_column("wait", bucket_of(waited)): 1,
        bucket_column("lead", bucket_of(lead)): 1,
    }
    if claimed_at is not None:
        worked = (completed_at - claimed_at).total_seconds()
        measures["claimed"] = 1
        measures["work_sum"] = worked
        measures[bucket_column("work", bucket_of(worked))] = 1
    return measures


_FLAG_OVERDUE = (
    update(task_facts)
    .where(
        task_facts.c.instance_id == bindparam("b_instance"),
        task_facts.c.status == "open",
        task_facts.c.overdue.is_(False),
        task_facts.c.due_at <= bindparam("b_now"),
    )
    .values(overdue=True)
)


def flag_overdue(conn: Connection, instance_id: int, now: datetime) -> None:
    """Mark the case's open tasks whose due time has passed (its deadline timers fire then)."""
    conn.execute(_FLAG_OVERDUE, {"b_instance": instance_id, "b_now": now})
