"""Deadline facts: per case and kind of deadline (web/dashboard/definitions.py) whether it was met,
missed or lapsed, and the deadline cube (per month of the last day on time, prison and
municipality) that counts the decided ones.

A fact starts when the first of its tasks becomes ready, with its last day on time from the case
data and the engine's calendar. It is

- **met** when all its tasks are completed on or before that day;
- **missed** as soon as a command on the case happens after that day with the work not done (the
  models' deadline timers fire right then), or when a task is completed later;
- **lapsed** (not counted) when a task is cancelled before the day, e.g. by an immediate release.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine import InstanceInfo, WorkingDayCalendar
from engine.clock import AMSTERDAM
from web.dashboard.batch import Batch
from web.dashboard.cube import merge, rollups
from web.dashboard.definitions import KIND_OF_TASK, KINDS
from web.dashboard.tables import (
    CASE_ROLLUPS,
    DEADLINE_MEASURES,
    DEADLINE_STATS_KEY,
    deadline_column,
    deadline_stats,
)


def update(
    batch: Batch,
    instance: InstanceInfo,
    events: list[dict],
    elements: Mapping[str, str],
    calendar: WorkingDayCalendar,
    dimensions: Mapping[str, str],
) -> None:
    """Bring the case's deadline facts up to date with one command's events (in ``batch``,
    web/dashboard/batch.py)."""
    relevant = [e for e in events if _kind_of(e, elements)]
    batch.load_cases([instance.id])
    facts = batch.deadlines[instance.id]
    if not relevant and not any(f["status"] == "pending" for f in facts.values()):
        return
    now = instance.updated_at
    today = now.astimezone(AMSTERDAM).date()
    new: dict[str, dict] = {}
    changed: set[str] = set()
    decided: list[dict] = []

    def decide(fact: dict, status: str) -> None:
        fact.update(status=status, decided_at=now, **dimensions)
        changed.add(fact["kind"])
        if status in ("met", "missed"):
            decided.append(fact)

    for fact in facts.values():
        if fact["status"] == "pending" and today > date.fromisoformat(fact["due_on"]):
            decide(fact, "missed")
    for event in relevant:
        code = _kind_of(event, elements)
        fact = facts.get(code)
        if event["kind"] == "task_ready":
            if fact is None:
                started = _start(instance, code, calendar, dimensions)
                if started is not None:
                    new[code] = started
                    batch.new_deadline(started)
            continue
        if fact is None or fact["status"] != "pending":
            continue
        if event["kind"] == "task_cancelled":
            decide(fact, "lapsed")
            continue
        fact["done"] += 1
        changed.add(code)
        if today > date.fromisoformat(fact["due_on"]):
            decide(fact, "missed")
        elif fact["done"] >= fact["required"]:
            decide(fact, "met")

    for code in sorted(changed):
        batch.deadline_changed(facts[code])
    if decided:
        merged = merge(
            (key, {deadline_column(fact["kind"], fact["status"]): 1})
            for fact in decided
            for key in rollups(
                {
                    "prison": fact["prison"],
                    "municipality": fact["municipality"],
                    "month": fact["month"],
                },
                CASE_ROLLUPS,
            )
        )
        batch.add(deadline_stats, DEADLINE_STATS_KEY, DEADLINE_MEASURES, merged)


def _kind_of(event: dict, elements: Mapping[str, str]) -> str | None:
    if event["kind"] not in ("task_ready", "task_completed", "task_cancelled"):
        return None
    element = event.get("bpmn_id") or elements.get(event.get("task_id") or "")
    return KIND_OF_TASK.get(element or "")


def _start(
    instance: InstanceInfo, code: str, calendar: WorkingDayCalendar, dimensions: Mapping[str, str]
) -> dict[str, Any] | None:
    kind = KINDS[code]
    last_day = kind.last_day(instance.data, calendar)
    if last_day is None:
        return None
    return {
        "instance_id": instance.id,
        "kind": code,
        "due_on": last_day.isoformat(),
        "month": last_day.strftime("%Y-%m"),
        **dimensions,
        "status": "pending",
        "required": kind.required,
        "done": 0,
        "decided_at": None,
    }
