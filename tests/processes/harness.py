"""Run the shipped models in memory: SpiffWorkflow with the engine's sandboxed script engine,
working-day calendar and manual clock, without a database.

The scenario tests against the engine facade (test_scenarios_*.py) prove the product; this harness
gives fast, precise checks of the models themselves (test_paths_detention.py,
test_paths_release.py) and is what a process owner can use to try a change. Form data is
validated against the task's JSON Schema exactly as the engine does, and every ready task's due
date is evaluated as the engine's projection would.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingDayCalendar
from engine.clock import ManualClock, active_clock
from engine.deployment.bundle import due_date_expression, form_name
from engine.runtime.forms import FormValidators
from engine.runtime.projection import as_deadline, timer_due
from engine.scripting import RestrictedScriptEngine
from web.cases.fields import PROVISIONS

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
FORMS = ROOT / "forms"
MAIN = "nazorg_detentie"


@cache
def specs() -> tuple[Any, dict]:
    parser = SpiffBpmnParser()
    parser.add_bpmn_files(sorted(str(p) for p in PROCESSES.glob("*.bpmn")))
    parser.add_dmn_files(sorted(str(p) for p in PROCESSES.glob("*.dmn")))
    return parser.get_spec(MAIN), parser.get_subprocess_specs(MAIN)


@cache
def form_schema(name: str) -> dict:
    return json.loads((FORMS / name).read_text("utf-8"))


_validators = FormValidators()


def entry_data(**overrides: Any) -> dict[str, Any]:
    """Start data of a case: the entry notification of the prison (F, Informatie-uitwisseling 2)."""
    data = {
        "name": "Jan de Vries",
        "birth_date": "1990-03-14",
        "bsn": "111222333",
        "prison_code": "PI-ZWL",
        "entry_date": "2026-05-04",
        "expected_release_date": "2026-08-28",
        "municipality_code": "GM0363",
        "has_minor_children": False,
        "probation_office_code": None,
    }
    data.update(overrides)
    return data


class Case:
    """One nazorg_detentie instance in memory."""

    def __init__(self, data: dict[str, Any], start: datetime | None = None) -> None:
        spec, subprocess_specs = specs()
        self.clock = ManualClock(start or datetime(2026, 5, 4, 7, 0, tzinfo=UTC))
        self.calendar = WorkingDayCalendar()
        self.script_engine = RestrictedScriptEngine(self.calendar, self.clock)
        self.workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
        self.workflow.task_tree.data.update(data)
        self.history: list[str] = []
        self.run()

    # -- driving -----------------------------------------------------------------------------
    def run(self) -> None:
        with active_clock(self.clock):
            self.workflow.refresh_timers()
            self.workflow.do_engine_steps()
            self.workflow.refresh_timers()
            self.workflow.do_engine_steps()
        errors = self.workflow.get_tasks(state=TaskState.ERROR)
        assert not errors, [t.task_spec.bpmn_id for t in errors]

    def ready_tasks(self) -> list:
        return self.workflow.get_tasks(state=TaskState.READY, manual=True)

    def ready(self) -> list[str]:
        return sorted(t.task_spec.bpmn_id for t in self.ready_tasks())

    def task(self, bpmn_id: str):
        found = [t for t in self.ready_tasks() if t.task_spec.bpmn_id == bpmn_id]
        assert len(found) == 1, f"{bpmn_id}: {len(found)} ready (ready: {self.ready()})"
        return found[0]

    def complete(self, bpmn_id: str, data: dict[str, Any]) -> None:
        task = self.task(bpmn_id)
        schema_name = form_name(task.task_spec)
        assert schema_name, f"{bpmn_id} has no form"
        _validators.validate(form_schema(schema_name), data)
        task.data.update(data)
        with active_clock(self.clock):  # completing a task refreshes waiting timers too
            task.run()
        self.history.append(bpmn_id)
        self.run()

    def waiting_definitions(self) -> list[tuple[Any, Any]]:
        """(task, event definition) of every waiting catch, looking inside event-based gateways."""
        found = []
        for t in self.workflow.event_manager.tasks.values():
            definition = t.task_spec.event_definition
            inner = (
                definition.event_definitions
                if isinstance(definition, MultipleEventDefinition)
                else [definition]
            )
            found.extend((t, d) for d in inner)
        return found

    def message(self, name: str, payload: dict[str, Any]) -> None:
        waiting = [
            t
            for t, d in self.waiting_definitions()
            if isinstance(d, MessageEventDefinition) and d.name == name
        ]
        assert waiting, f"nothing waits for {name}"
        with active_clock(self.clock):
            self.workflow.send_event(BpmnEvent(MessageEventDefinition(name), payload=dict(payload)))
        self.run()

    def waits_for(self, name: str) -> bool:
        return any(getattr(d, "name", None) == name for _, d in self.waiting_definitions())

    def advance(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))
        self.run()

    def set_time(self, moment: datetime) -> None:
        self.clock.set(moment)
        self.run()

    # -- looking -----------------------------------------------------------------------------
    def timers(self) -> dict[str, datetime]:
        """Waiting timers by BPMN id (a timer inside an event-based gateway: the gateway's id)."""
        found = {}
        for t in self.workflow.event_manager.tasks.values():
            definition = t.task_spec.event_definition
            if isinstance(definition, MultipleEventDefinition):
                timers = [
                    d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)
                ]
                definition = timers[0] if timers else None
            due = timer_due(t, definition) if isinstance(definition, TimerEventDefinition) else None
            if due is not None:
                found[t.task_spec.bpmn_id] = due
        return found

    def due(self, bpmn_id: str) -> datetime | None:
        """The due time the engine's projection would show for a ready task."""
        task = self.task(bpmn_id)
        expression = due_date_expression(task.task_spec)
        if expression:
            value = self.script_engine.evaluate(task, expression)
            return as_deadline(value) if value not in (None, "") else None
        dues = [
            timer_due(s, s.task_spec.event_definition)
            for s in (task.parent.children if task.parent else [])
            if isinstance(getattr(s.task_spec, "event_definition", None), TimerEventDefinition)
            and s.has_state(TaskState.WAITING)
        ]
        dues = [d for d in dues if d is not None]
        return min(dues) if dues else None

    def organisation(self, bpmn_id: str, key: str) -> Any:
        return self.task(bpmn_id).data.get(key)

    @property
    def done(self) -> bool:
        return self.workflow.is_completed()

    @property
    def data(self) -> dict[str, Any]:
        if self.workflow.is_completed():
            return self.workflow.data
        last = self.workflow.last_task or self.workflow.task_tree
        return last.data


# ---------------------------------------------------------------------------------------------
# Form answers used by the tests: complete, valid submissions.

ESCALATION = {
    "measure": "contacted",
    "explanation": "Behandelaar gebeld; taak wordt vandaag gedaan.",
}


def escalation(task_id: str) -> dict[str, Any]:
    return {
        f"{task_id}_measure": ESCALATION["measure"],
        f"{task_id}_explanation": ESCALATION["explanation"],
    }


def entry_notification(
    situation: str = "not_arranged", settle_elsewhere: str | None = None, **extra: Any
) -> dict:
    data: dict[str, Any] = {
        "entry_origin_basis": "brp_registered",
        "has_minor_children": False,
        **{f"entry_situation_{p}": situation for p in PROVISIONS},
        "entry_settle_elsewhere": settle_elsewhere is not None,
        "entry_notified_on": "2026-05-05",
    }
    if settle_elsewhere:
        data["entry_requested_municipality_code"] = settle_elsewhere
        data["entry_settle_elsewhere_reason"] = "Werk en familie in de gewenste gemeente."
    data.update(extra)
    return data


def screening(provision: str, needed: bool) -> dict[str, Any]:
    k = provision
    base: dict[str, Any] = {f"{k}_info_requested": True, f"{k}_action_needed": needed}
    if k == "identity_document":
        base[f"{k}_has_valid"] = "no" if needed else "yes"
    elif k == "housing":
        base.update(
            {
                f"{k}_situation_before": "rental",
                f"{k}_can_keep": "no" if needed else "yes",
                f"{k}_costs_covered": "yes",
                f"{k}_after_release": "not_available" if needed else "available",
            }
        )
    elif k == "work_income":
        base.update(
            {
                f"{k}_work_before": "unemployed",
                f"{k}_income_before": "social_assistance",
                f"{k}_running_trajectory": False,
                f"{k}_job_after_release": "no",
            }
        )
    elif k == "debts":
        base.update({f"{k}_has_debts": "yes" if needed else "no", f"{k}_risk_new_debts": needed})
        if needed:
            base[f"{k}_wants_assistance"] = "yes"
    elif k == "care":
        base.update(
            {
                f"{k}_problems": ["addiction"] if needed else ["none"],
                f"{k}_existing_providers": False,
                f"{k}_indication": "ambulant" if needed else "none",
            }
        )
    return base


def agreement(provision: str, **extra: Any) -> dict[str, Any]:
    k = provision
    base: dict[str, Any] = {f"{k}_division": "shared"}
    if k == "identity_document":
        base.update({f"{k}_registered_in_brp": True, f"{k}_financing": "special_assistance"})
    elif k == "housing":
        base[f"{k}_route"] = "new_housing"
    elif k == "work_income":
        base[f"{k}_benefit_needed"] = True
    base.update(extra)
    return base


def status(provision: str, value: str = "arranged", reason: str = "") -> dict[str, Any]:
    data = {f"{provision}_status_at_release": value}
    if reason or value != "arranged":
        data[f"{provision}_status_reason"] = reason or "Loopt nog."
    return data


def all_ready(case: Case, prefix: str) -> Iterable[str]:
    return [t for t in case.ready() if t.startswith(prefix)]
