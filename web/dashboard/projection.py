"""The dashboard projector: keeps the task facts and cubes, the deadline facts and the outcome
cube in step with the engine's commands.

It runs outside the commands: web/dashboard/feed.py reads the audit events after its checkpoint
and hands each case's events of one moment to ``project`` (a claim to ``record_claims``), in the
order they were committed, with the case's current data (web/dashboard/rebuild.py replays the
same way). The outcome cube remembers what it counted per case (web/dashboard/outcomes.py).

Inside ``batch`` the projector works in memory (web/dashboard/batch.py): the rows of the run's
cases are read once, and what changed is written at the end of the batch, a statement per table
and cube for the whole run. Outside a batch each call is a batch of its own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from engine import CaseChange, WorkingDayCalendar
from web.cases import fields
from web.dashboard import compliance, outcomes
from web.dashboard.batch import Batch
from web.dashboard.cube import (
    bucket_of,
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
    task_open,
    task_stats,
)


class DashboardProjection:
    """``project`` is the engine projector, ``record_claims`` the event sink (claims are no
    commands on the case, so only the sinks see them)."""

    def __init__(self, calendar: WorkingDayCalendar) -> None:
        self.calendar = calendar
        self._batch: Batch | None = None

    @contextlib.contextmanager
    def batch(
        self, conn: Connection, instance_ids: Iterable[int] = (), ready: Iterable[str] = ()
    ) -> Iterator[Batch]:
        """Project in memory until the block ends, then write what changed (only when the block
        succeeds). ``instance_ids`` and ``ready`` (task ids that became ready) are read at once."""
        batch = Batch(conn)
        batch.load_cases(instance_ids)
        batch.load_human_tasks(ready)
        self._batch = batch
        try:
            yield batch
            batch.write()
        finally:
            self._batch = None

    @contextlib.contextmanager
    def _current(self, conn: Connection) -> Iterator[Batch]:
        if self._batch is not None and self._batch.conn is conn:
            yield self._batch
        else:
            with self.batch(conn) as batch:
                yield batch

    def project(self, change: CaseChange) -> None:
        with self._current(change.conn) as batch:
            self._project(batch, change)

    def _project(self, batch: Batch, change: CaseChange) -> None:
        instance = change.instance
        now = instance.updated_at
        batch.load_cases([instance.id])
        dimensions = case_dimensions(instance.data)
        ready = [e["task_id"] for e in change.events if e["kind"] == "task_ready"]
        completed = [e["task_id"] for e in change.events if e["kind"] == "task_completed"]
        cancelled = [e["task_id"] for e in change.events if e["kind"] == "task_cancelled"]
        opened = open_tasks(batch, ready, dimensions) if ready else {}
        closed = close_tasks(batch, completed, cancelled, now) if completed or cancelled else {}
        flag_overdue(batch, instance.id, now)
        elements = {**opened, **closed}
        compliance.update(batch, instance, change.events, elements, self.calendar, dimensions)
        outcomes.update_case(batch, instance)

    def record_claims(self, conn: Connection, rows: list[dict]) -> None:
        claims = [
            (row["task_id"], row["at"])
            for row in rows
            if row["kind"] == "task_claimed" and row.get("task_id")
        ]
        if not claims:
            return
        with self._current(conn) as batch:
            batch.load_tasks(task for task, _at in claims)
            for task, at in claims:
                fact = batch.tasks.get(task)
                if fact is not None and fact["claimed_at"] is None:
                    fact["claimed_at"] = at
                    batch.task_changed(fact)


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


def open_tasks(batch: Batch, task_ids: list[str], dimensions: dict[str, str]) -> dict[str, str]:
    """Facts for tasks that became ready, counted in the open-task cube; task id -> element."""
    rows = batch.human_tasks(task_ids)
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
    for fact in facts:
        batch.new_task(fact)
    if facts:
        _count_open(batch, facts, +1)
    return {fact["task_id"]: fact["bpmn_id"] for fact in facts}


def _count_open(batch: Batch, facts: Iterable[dict[str, Any]], amount: int) -> None:
    merged = merge(
        (key, {"open": amount}) for fact in facts for key in rollups(_open_key(fact), TASK_ROLLUPS)
    )
    batch.add(task_open, TASK_OPEN_KEY, ("open",), merged, drop_empty="open")


def close_tasks(
    batch: Batch, completed: list[str], cancelled: list[str], now: datetime
) -> dict[str, str]:
    """Completed and cancelled tasks: out of the open cube, into the statistics; id -> element."""
    wanted = [*completed, *cancelled]
    batch.load_tasks(wanted)
    found = {batch.tasks[i]["task_id"]: batch.tasks[i] for i in wanted if i in batch.tasks}
    facts = [fact for fact in found.values() if fact["status"] == "open"]
    if not facts:
        return {}
    done = set(completed)
    statistics = []
    facts.sort(key=lambda f: f["task_id"])
    _count_open(batch, facts, -1)
    for fact in facts:
        is_done = fact["task_id"] in done
        late = bool(fact["due_at"] is not None and now > fact["due_at"])
        measures = completion_measures(fact, now, late) if is_done else {"cancelled": 1}
        key = {**_task_key(fact), "month": month_of(now)}
        statistics.extend((rolled, measures) for rolled in rollups(key, TASK_ROLLUPS))
        fact.update(
            status="completed" if is_done else "cancelled",
            completed_at=now if is_done else None,
            cancelled_at=None if is_done else now,
            overdue=late or fact["overdue"],
        )
        batch.task_changed(fact)
    batch.add(task_stats, TASK_STATS_KEY, TASK_MEASURES, merge(statistics))
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


def flag_overdue(batch: Batch, instance_id: int, now: datetime) -> None:
    """Mark the case's open tasks whose due time has passed (its deadline timers fire then)."""
    for task_id in sorted(batch.open_by_case.get(instance_id, ())):
        fact = batch.tasks[task_id]
        if not fact["overdue"] and fact["due_at"] is not None and fact["due_at"] <= now:
            fact["overdue"] = True
            batch.task_changed(fact)
