"""What the pipeline makes of an exception raised while a command ran its workflow.

Such an exception is a model defect (a script that fails, a timer expression that is no duration,
a multi-instance without its collection, a step limit reached): the case goes in error at the
step that failed, with an incident whose code and parameters a user interface translates
(docs/engine.md lists the codes). Bad input never gets here: commands refuse it with an
EngineError before they touch the workflow.
"""

from __future__ import annotations

import logging
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Row

from engine.errors import Incident, IncidentCode
from engine.script_limits import BudgetExceeded
from engine.scripting import SandboxViolation

log = logging.getLogger(__name__)


class StepLimitExceeded(Exception):
    """A command ran more engine steps than allowed without reaching a wait."""

    def __init__(self, task: Task, limit: int) -> None:
        super().__init__(
            f"the case ran more than {limit} steps without waiting for a person, a message or "
            "a timer (a loop without end, or a process that calls itself?)"
        )
        self.task = task
        self.limit = limit


def failing_task(error: BaseException) -> Task | None:
    """The task whose step failed: the one the error names, else the innermost task that was
    being worked on where it was raised (SpiffWorkflow's own code passes it as ``my_task``)."""
    named = getattr(error, "task", None)
    if isinstance(named, Task):
        return named
    found = None
    trace = error.__traceback__
    while trace is not None:
        local_names = trace.tb_frame.f_locals
        for name in ("my_task", "task"):
            candidate = local_names.get(name)
            if isinstance(candidate, Task):
                found = candidate
        trace = trace.tb_next
    return found


def stop_at(task: Task | None) -> None:
    """Put the failed task in error, so that the error stands until a retry resets it."""
    if task is not None and not task.has_state(TaskState.FINISHED_MASK | TaskState.ERROR):
        task.error()


def incident_for(error: BaseException, task: Task | None) -> Incident:
    """The incident a failure becomes: what a person can read and fix."""
    cause = _cause(error)
    spec = task.task_spec if task is not None else getattr(error, "task_spec", None)
    element = (getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)) if spec else None
    message = _message(error)
    detail = str(cause).strip() or type(cause).__name__
    code, params = _classify(error, cause, spec, detail)
    return Incident(code=code, message=message, element=element, params=params)


def internal_incident(error: BaseException) -> Incident:
    """The incident for a failure outside the workflow (the command itself was rolled back)."""
    return Incident(
        code=IncidentCode.COMMAND_FAILED,
        message=f"{type(error).__name__}: {error}",
        params={"error": type(error).__name__},
    )


def _classify(
    error: BaseException, cause: BaseException, spec: Any, detail: str
) -> tuple[IncidentCode, dict[str, Any]]:
    if isinstance(cause, StepLimitExceeded):
        return IncidentCode.STEP_LIMIT_EXCEEDED, {"limit": cause.limit}
    if isinstance(cause, BudgetExceeded) and cause.budget == "seconds":
        return IncidentCode.TIME_LIMIT_EXCEEDED, {"seconds": cause.limit}
    if isinstance(cause, BudgetExceeded):
        return IncidentCode.SCRIPT_BUDGET_EXCEEDED, {"budget": cause.budget, "limit": cause.limit}
    if isinstance(cause, SandboxViolation):
        return IncidentCode.SCRIPT_NOT_ALLOWED, {"detail": detail}
    if isinstance(cause, RecursionError):
        return IncidentCode.SCRIPT_TOO_DEEP, {}
    if isinstance(cause, MemoryError):
        return IncidentCode.SCRIPT_BUDGET_EXCEEDED, {"budget": "memory", "limit": None}
    if isinstance(getattr(spec, "event_definition", None), TimerEventDefinition):
        return IncidentCode.TIMER_INVALID, {"detail": detail}
    if isinstance(spec, MultiInstanceTask):
        return IncidentCode.COLLECTION_INVALID, {"detail": detail}
    if isinstance(spec, ServiceTask):
        return IncidentCode.SERVICE_FAILED, {"detail": detail}
    line = getattr(error, "line_number", None)
    if isinstance(cause, SyntaxError) or line:
        return IncidentCode.SCRIPT_FAILED, {
            "error": type(cause).__name__,
            "detail": detail,
            "line": line or getattr(cause, "lineno", None),
            **_missing(cause),
        }
    return IncidentCode.MODEL_ERROR, {
        "error": type(cause).__name__,
        "detail": detail,
        **_missing(cause),
    }


def _missing(cause: BaseException) -> dict[str, str]:
    """The variable or key a script read but the case data lacks, so that a user interface can
    name it without reading Python's message."""
    if isinstance(cause, NameError) and cause.name:
        return {"name": cause.name}
    if isinstance(cause, KeyError) and cause.args:
        return {"key": str(cause.args[0])}
    return {}


def _cause(error: BaseException) -> BaseException:
    """The original exception inside SpiffWorkflow's wrappers."""
    seen = {id(error)}
    while isinstance(error, SpiffWorkflowException):
        inner = error.__cause__ or error.__context__
        if inner is None or id(inner) in seen:
            break
        seen.add(id(inner))
        error = inner
    return error


def _message(error: BaseException) -> str:
    if isinstance(error, SpiffWorkflowException):
        return str(error).strip() or type(error).__name__
    return f"{type(error).__name__}: {error}"


def stop_case(error: Exception) -> Incident:
    """Stop the case at the step that failed; the incident that describes it."""
    task = failing_task(error)
    try:
        stop_at(task)
    except Exception:  # the failure stands on the case even if its task cannot be marked
        log.exception("could not mark the failed task in error")
    return incident_for(error, task)


def standing_incident(head: Row) -> Incident | None:
    """The incident stored on a case's head row, if it is in error."""
    if head.error_message is None:
        return None
    return Incident(
        code=head.error_code or IncidentCode.MODEL_ERROR,
        message=head.error_message,
        element=head.error_element,
        params=dict(head.error_params or {}),
    )
