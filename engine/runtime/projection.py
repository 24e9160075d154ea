"""What a workflow looks like from outside: its ready user tasks and its waiting timers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.clock import AMSTERDAM
from engine.deployment.bundle import due_date_expression, form_name, role_of
from engine.parties import party_for_lane


@dataclass(frozen=True)
class WaitingTimer:
    id: str
    bpmn_id: str
    due_at: datetime


def ready_user_tasks(workflow: BpmnWorkflow) -> dict[str, Task]:
    # A flat pass over each process's task table: much cheaper than walking the task tree.
    return {
        str(task.id): task
        for process in (workflow, *workflow.subprocesses.values())
        for task in process.tasks.values()
        if task.state == TaskState.READY and task.task_spec.manual
    }


_ELEMENT_STATES = (
    (TaskState.ERROR, "error"),
    (TaskState.READY | TaskState.STARTED, "active"),
    (TaskState.WAITING, "waiting"),
    (TaskState.COMPLETED, "completed"),
)


def element_states(workflow: BpmnWorkflow) -> dict[str, dict[str, str]]:
    """Per process id, the most pressing state of each BPMN element reached (error first)."""
    found: dict[str, dict[str, str]] = {}
    for process in (workflow, *workflow.subprocesses.values()):
        states = found.setdefault(process.spec.name, {})
        for task in process.tasks.values():
            bpmn_id = getattr(task.task_spec, "bpmn_id", None)
            if bpmn_id is None:
                continue  # SpiffWorkflow's own control tasks
            for mask, label in _ELEMENT_STATES:
                if task.has_state(mask):
                    rank = [name for _, name in _ELEMENT_STATES]
                    current = states.get(bpmn_id)
                    if current is None or rank.index(label) < rank.index(current):
                        states[bpmn_id] = label
                    break
    return found


def waiting_timers(workflow: BpmnWorkflow) -> dict[str, WaitingTimer]:
    found = {}
    for task in workflow.event_manager.tasks.values():
        definition = timer_definition(getattr(task.task_spec, "event_definition", None))
        if definition is None:
            continue
        due = timer_due(task, definition)
        if due is not None:
            found[str(task.id)] = WaitingTimer(str(task.id), task.task_spec.bpmn_id, due)
    return found


def timer_definition(definition: Any) -> TimerEventDefinition | None:
    """The timer a waiting event waits for: itself, or one inside an event-based gateway."""
    if isinstance(definition, TimerEventDefinition):
        return definition
    if isinstance(definition, MultipleEventDefinition):
        found = [d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)]
        return found[0] if found else None
    return None


def timer_has_fired(workflow: BpmnWorkflow, timer_id: str) -> bool:
    """Whether a timer that stopped waiting fired (rather than being cancelled)."""
    try:
        task = workflow.get_task_from_id(UUID(timer_id))
    except TaskNotFoundException:
        return False
    if task is None or not task.has_state(TaskState.COMPLETED):
        return False  # a cancelled timer is CANCELLED (SpiffWorkflow clears ``event_fired``)
    if isinstance(task.task_spec.event_definition, MultipleEventDefinition):
        # An event-based gateway completes on whichever of its events came first.
        seen = task.internal_data.get("seen_events", [])
        return any(isinstance(e.event_definition, TimerEventDefinition) for e in seen)
    return True


def timer_due(task: Task, definition: TimerEventDefinition) -> datetime | None:
    value = task.internal_data.get("event_value")
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        if value.get("cycles") == 0:
            return None
        value = value["next"]
    return TimerEventDefinition.get_datetime(value)


def as_deadline(value: Any) -> datetime:
    """A due date from a model: a date means the end of that day in Europe/Amsterdam."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"due time {value.isoformat()} has no time zone")
        return value
    if isinstance(value, date):
        return datetime.combine(value + timedelta(days=1), time(0), AMSTERDAM)
    raise ValueError(f"due date must be a date, a datetime or an ISO string, not {value!r}")


def task_row(task: Task, workflow: BpmnWorkflow, now: datetime, base: dict) -> dict:
    """The human-task projection row of a task that just became ready."""
    spec = task.task_spec
    party = party_for_lane(spec.lane)
    return {
        **base,
        "id": str(task.id),
        "bpmn_id": spec.bpmn_id,
        "name": spec.bpmn_name or spec.bpmn_id,
        "lane": spec.lane,
        "party": party.code if party else None,
        "organisation": _organisation(task, party.organisation_key) if party else None,
        "role": role_of(spec) or (party.default_role if party else None),
        "form": form_name(spec),
        "status": "ready",
        "created_at": now,
        "due_at": _due(task, workflow),
    }


def _organisation(task: Task, key: str) -> str | None:
    value = task.data.get(key)
    return str(value) if value not in (None, "") else None


def _due(task: Task, workflow: BpmnWorkflow) -> datetime | None:
    expression = due_date_expression(task.task_spec)
    if expression:
        value = workflow.script_engine.evaluate(task, expression)
        return as_deadline(value) if value not in (None, "") else None
    boundary = [
        timer_due(sibling, sibling.task_spec.event_definition)
        for sibling in (task.parent.children if task.parent else [])
        if isinstance(sibling.task_spec, BoundaryEvent)
        and isinstance(sibling.task_spec.event_definition, TimerEventDefinition)
        and sibling.has_state(
            TaskState.WAITING | TaskState.COMPLETED
        )  # fired: overdue, not undated
    ]
    dues = [d for d in boundary if d is not None]
    return min(dues) if dues else None
