"""What each command does to a loaded workflow. The pipeline runs them inside one transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, Row

from engine.deployment.camunda import VariablesMessageEventDefinition
from engine.errors import (
    ConflictError,
    FieldError,
    FormValidationError,
    MessageNotDeliverableError,
    NotFoundError,
)
from engine.runtime.command import Action, Command, Locator
from engine.runtime.forms import FormValidators
from engine.runtime.organisations import OrganisationDirectory, organisation_errors
from engine.store import case_archive, instances


def complete_task(
    task_id: str,
    data: dict[str, Any],
    user: str,
    validators: FormValidators,
    directory: OrganisationDirectory | None = None,
) -> tuple[Locator, Action]:
    """Find and lock the task's instance, then complete the task with ``data``: it must fit the
    task's form, and its organisation fields must name organisations ``directory`` knows."""

    def locate(conn: Connection) -> Row:
        head = instances.lock_by_task(conn, task_id)
        if head is None and (archived := case_archive.task(conn, task_id)):
            raise ConflictError(  # a finished case's task (engine/store/case_archive.py)
                f"task {task_id} is no longer open ({archived.status})",
                reason="task_closed",
                task_id=task_id,
                status=archived.status,
            )
        if head is None:
            raise NotFoundError(
                f"task {task_id} does not exist", reason="task_not_found", task_id=task_id
            )
        return head

    def action(command: Command) -> None:
        head = command.head
        if head.task_status != "ready":
            raise ConflictError(
                f"task {task_id} is no longer open ({head.task_status})",
                reason="task_closed",
                task_id=task_id,
                status=head.task_status,
            )
        if head.task_claimed_by not in (None, user):
            raise ConflictError(
                f"task {task_id} is claimed by someone else",
                reason="task_claimed",
                task_id=task_id,
            )
        task = _ready_user_task(command, task_id)
        form = command.definition.forms.get(head.task_form) if head.task_form else None
        if form is not None:
            _validate(command, form["schema"], data, validators, directory)
        task.data.update(data)
        command.completed_task_ids.append(task_id)
        command.task_organisations[task_id] = head.task_organisation
        command.record(
            "task_completed", task_id=task_id, bpmn_id=head.task_bpmn_id, fields=sorted(data)
        )
        try:
            task.run()
        finally:  # what the user entered is case data even if the step after it fails
            command.absorb(task)

    return locate, action


def _validate(
    command: Command,
    schema: dict,
    data: dict[str, Any],
    validators: FormValidators,
    directory: OrganisationDirectory | None,
) -> None:
    errors: dict[str, list[FieldError]] = {}
    try:
        validators.validate(schema, data, command.case_data)
    except FormValidationError as exc:
        errors = dict(exc.errors)
    if directory is not None:
        conn = command.conn
        found = organisation_errors(schema, data, lambda kind, code: directory(conn, kind, code))
        for field, messages in found.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise FormValidationError(errors)


def deliver_message(name: str, business_key: str, payload: dict[str, Any]) -> Action:
    def action(command: Command) -> None:
        waiting = [
            (task, definition)
            for task in command.workflow.event_manager.tasks.values()
            for definition in _message_definitions(task.task_spec.event_definition)
            if definition.name == name
        ]
        if not waiting:
            raise MessageNotDeliverableError(
                f"case {business_key!r} does not wait for message {name!r}",
                reason="not_waiting",
                business_key=business_key,
                message_name=name,
            )
        for task, definition in waiting:
            if isinstance(definition, VariablesMessageEventDefinition):
                continue  # a Camunda catch places the payload itself (as variables or result)
            if getattr(definition, "message_var", None) is None:
                command.data_on_run[task.id] = payload  # the payload's fields become task data
        definition = waiting[0][1]
        command.workflow.send_event(BpmnEvent(type(definition)(name), payload=payload))
        command.record(
            "message_received",
            bpmn_id=waiting[0][0].task_spec.bpmn_id,
            message=name,
            fields=sorted(payload),
        )

    return action


def _message_definitions(definition: Any) -> list[MessageEventDefinition]:
    """The message definitions a waiting event listens for (an event-based gateway has several)."""
    if isinstance(definition, MessageEventDefinition):
        return [definition]
    if isinstance(definition, MultipleEventDefinition):
        return [d for d in definition.event_definitions if isinstance(d, MessageEventDefinition)]
    return []


def retry_failed(instance_id: int, data: dict[str, Any] | None) -> Action:
    def action(command: Command) -> None:
        if command.status != "error":
            raise ConflictError(
                f"instance {instance_id} is not in error",
                reason="not_in_error",
                instance_id=instance_id,
            )
        fix = dict(data or {})
        failed = command.workflow.get_tasks(state=TaskState.ERROR)
        for task in failed:
            # A reset task takes its parent's data again (and a timer or multi-instance reads it
            # at once): the fix goes on the parent too, and on the task once it is reset.
            if fix and task.parent is not None:
                task.parent.set_data(**fix)
            command.workflow.reset_from_task_id(task.id)
            task.set_data(**fix)
        command.case_data.update(fix)
        command.record(
            "instance_retried",
            bpmn_id=failed[0].task_spec.bpmn_id if failed else None,
            fields=sorted(fix),
        )

    return action


def change_failed_data(instance_id: int, changes: dict[str, Any], reason: str) -> Action:
    """Correct case data of an instance in error, so that a retry runs the failed step on it.

    The failed task takes its parent's data when a retry resets it, so both get the changes.
    The audit event names the fields and the reason, never the values (they may be special
    personal data)."""

    def action(command: Command) -> None:
        if command.status != "error":
            raise ConflictError(
                f"instance {instance_id} is not in error",
                reason="not_in_error",
                instance_id=instance_id,
            )
        failed = command.workflow.get_tasks(state=TaskState.ERROR)
        for task in failed:
            task.set_data(**changes)
            if task.parent is not None:
                task.parent.set_data(**changes)
        # Values replaced in place, the tasks' states unchanged: the codec must see them.
        command.definition.codec.forget(command.workflow)
        command.case_data.update(changes)
        command.record(
            "case_data_changed",
            bpmn_id=failed[0].task_spec.bpmn_id if failed else None,
            fields=sorted(changes),
            reason=reason,
        )

    return action


def _ready_user_task(command: Command, task_id: str) -> Task:
    try:
        task = command.workflow.get_task_from_id(UUID(task_id))
    except TaskNotFoundException:
        task = None
    if task is None or not task.has_state(TaskState.READY) or not task.task_spec.manual:
        raise ConflictError(
            f"task {task_id} is not ready", reason="task_not_ready", task_id=task_id
        )
    return task


def redact_completed(instance_id: int, values: dict[str, Any]) -> Action:
    """Overwrite ``values`` in a completed case wherever the engine keeps them: the case data
    (where they are set, also when new) and the data of every task of the stored workflow (its
    called processes included) that holds them."""

    def action(command: Command) -> None:
        if command.status != "completed":
            raise ConflictError(
                f"instance {instance_id} is not completed",
                reason="not_completed",
                instance_id=instance_id,
            )
        workflow = command.workflow
        found = set()
        for process in [workflow, *workflow.subprocesses.values()]:
            process.data.update({k: v for k, v in values.items() if k in process.data})
            for task in process.get_tasks():
                held = {key: value for key, value in values.items() if key in task.data}
                if held:
                    # A new dict, not an update: the codec writes a task again when its data
                    # object changed (engine/runtime/codec.py); the old one is alive meanwhile.
                    task.data = {**task.data, **held}
                    found.update(held)
        command.case_data.update(values)
        command.record("instance_redacted", fields=sorted(found | set(values)))

    return action
