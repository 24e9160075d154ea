"""One command's view of its instance while the pipeline runs it, and what projectors and event
sinks see (engine/runtime/pipeline.py runs commands)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.deep_merge import DeepMerge
from sqlalchemy import Connection, Row

from engine.errors import Incident
from engine.runtime.definitions import Definition
from engine.runtime.failures import StepLimitExceeded
from engine.script_limits import ScriptBudget
from engine.store import events
from engine.store.records import InstanceInfo


@dataclass
class Command:
    """One command's view of its instance, and what it records on the way."""

    conn: Connection
    workflow: BpmnWorkflow
    definition: Definition
    instance_id: int
    process_id: str
    business_key: str
    status: str
    started_at: datetime
    now: datetime
    actor: str
    open_tasks: set[str] = field(default_factory=set)
    waiting_timers: dict[str, datetime] = field(default_factory=dict)
    case_data: dict[str, Any] = field(default_factory=dict)
    saved_data: dict[str, Any] | None = None  # the case data as committed before; None: new case
    task_organisations: dict[str, str | None] = field(default_factory=dict)  # of closed tasks
    error: Incident | None = None  # the incident that stands on the case, if any
    completed_task_ids: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    timers_armed: list[datetime] = field(default_factory=list)
    data_on_run: dict[Any, dict] = field(default_factory=dict)
    head: Row | None = None  # the locked instance row, with what the command's locator added
    step_limit: int = 0  # engine steps this command may run; 0: no limit
    budget: ScriptBudget | None = None  # the command's script budget (its time, too)
    steps: int = 0

    def record(
        self, kind: str, *, task_id: str | None = None, bpmn_id: str | None = None, **detail: Any
    ) -> None:
        self.events.append(
            events.row(
                kind,
                actor=self.actor,
                at=self.now,
                instance_id=self.instance_id,
                version_id=self.definition.version_id,
                task_id=task_id,
                bpmn_id=bpmn_id,
                detail=detail,
            )
        )

    def before_run(self, task: Any) -> None:
        """Count the step against the command's limits; give a task the data meant for it just
        before it runs (after it took its parent's)."""
        self.steps += 1
        if self.step_limit and self.steps > self.step_limit:
            raise StepLimitExceeded(task, self.step_limit)
        if self.budget is not None:
            self.budget.check_time()
        data = self.data_on_run.pop(task.id, None)
        if data:
            task.set_data(**data)

    def absorb(self, task: Any) -> None:
        """Fold what a completed task changed into the case data.

        Only the keys the task changed against the data it started from (its parent's): a task
        on one parallel branch carries copies of values another branch has since changed.
        """
        parent = task.parent
        self.case_data.update(
            DeepMerge.get_updated_keys(parent.data, task.data) if parent is not None else task.data
        )


@dataclass(frozen=True)
class CaseChange:
    """What projectors see after each command, inside its transaction.

    ``before`` is the case data as committed before the command ({} for a new case, None when not
    known, e.g. an incident recorded after a rollback); ``opened`` the task rows the command
    inserted; ``closed`` the organisations of the tasks it completed or cancelled, by task id,
    where known (a task id missing there was closed by an organisation not known here)."""

    conn: Connection
    instance: InstanceInfo
    events: list[dict]
    before: dict[str, Any] | None = None
    opened: list[dict] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    closed_organisations: dict[str, str | None] = field(default_factory=dict)
    new: bool = False


Action = Callable[[Command], Any]
Locator = Callable[[Connection], Row | None]  # finds and locks an instance's head row
Projector = Callable[[CaseChange], None]
EventSink = Callable[[Connection, list[dict]], None]
