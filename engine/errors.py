"""The errors the engine raises. Callers catch these, never SpiffWorkflow's own.

Each error has a ``code`` (its kind: what the API's problem details carry) and ``params`` (plain
JSON values; ``reason`` names the case within the kind, e.g. a conflict's ``task_claimed``) from
which a caller writes its own text in its own language; the English message (``str(error)``) is
for logs and developers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EngineError(Exception):
    """Base class: every error the facade raises is one of these."""

    code = "engine_error"

    def __init__(self, message: str = "", *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        if code is not None:  # a kind with its own catalogue of codes (DeploymentError)
            self.code = code
        self.params: dict[str, Any] = params


class DeploymentError(EngineError):
    """A model or form file was refused. Names the file, line and element.

    `code` names the kind of problem and `params` its particulars (the catalogue of codes is
    engine/deployment/problems.py); the message is the English wording. A deployment with
    several problems raises one DeploymentError whose `problems` lists each (as
    DeploymentErrors); a single problem is raised as itself, with `problems` empty.
    `all_problems()` gives the list in both cases.
    """

    code = "deployment_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        params: dict[str, Any] | None = None,
        file: str | None = None,
        line: int | None = None,
        element: str | None = None,
        problems: list[DeploymentError] | None = None,
    ) -> None:
        self.detail = message
        self.file = file
        self.line = line
        self.element = element
        self.problems = list(problems or [])
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"line {line}" if line else "",
                f"element {element}" if element else "",
            )
            if part
        )
        super().__init__(f"{message} ({where})" if where else message, code=code)
        self.params = dict(params or {})  # may name "message" (a BPMN message), so not as **kw

    def all_problems(self) -> list[DeploymentError]:
        """Every problem of the refused deployment: the listed ones, or this one."""
        return self.problems or [self]

    def as_dict(self) -> dict:
        result = {
            "code": self.code,
            "params": self.params,
            "message": self.detail,
            "file": self.file,
            "line": self.line,
            "element": self.element,
        }
        if self.problems:
            result["problems"] = [problem.as_dict() for problem in self.problems]
        return result


class NotFoundError(EngineError):
    """An unknown instance, task, process or version."""

    code = "not_found"


class ConflictError(EngineError):
    """The state changed under the caller: the task was completed, claimed by someone else,
    or another writer got there first. Nothing was changed by this call."""

    code = "conflict"


class FieldErrorCode(StrEnum):
    """Every code a field of refused form data can carry: the catalogue a user interface words,
    with the params each one brings (every code also brings ``field``, the field's key, the last
    part of its path). docs/engine.md, "Form validation errors", describes them."""

    REQUIRED = "required"  # nothing entered where the form needs a value
    TYPE = "type"  # type: the JSON type the schema wants
    ENUM = "enum"  # not one of the options
    MIN_LENGTH = "min_length"  # limit: the fewest characters (or items)
    MAX_LENGTH = "max_length"  # limit: the most characters (or items)
    MINIMUM = "minimum"  # limit: the lowest value allowed
    MAXIMUM = "maximum"  # limit: the highest value allowed
    PATTERN = "pattern"  # pattern: the regular expression the text does not match
    FORMAT_DATE = "format_date"  # not a date (YYYY-MM-DD)
    FORMAT_DATE_TIME = "format_date_time"  # not a date and time
    FORMAT_EMAIL = "format_email"  # not an e-mail address
    FORMAT_BSN = "format_bsn"  # not a BSN (fails the eleven test)
    FORMAT = "format"  # format: another format the value does not have
    NOT_ALLOWED = "not_allowed"  # a field the form does not have
    AFTER_DATE = "after_date"  # other: the field it may not precede; date: its value (ISO)
    ORGANISATION_UNKNOWN = "organisation_unknown"  # value; kind: the party code it should be
    REASON_REQUIRED = "reason_required"  # a correction without a reason
    NOTHING_TO_CHANGE = "nothing_to_change"  # a correction without changes
    INVALID = "invalid"  # keyword: any other JSON Schema keyword the value fails


@dataclass(frozen=True)
class FieldError:
    """Why one field was refused: a FieldErrorCode and its params (plain JSON values)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


class FormValidationError(EngineError):
    """Submitted task data does not satisfy the task's JSON Schema. Nothing was changed.
    ``errors`` maps each field's path (dotted, ``_form`` for the form as a whole) to its
    FieldErrors: codes and params, no text; the caller words them."""

    code = "form_invalid"

    def __init__(self, errors: dict[str, list[FieldError]]) -> None:
        self.errors = errors
        fields = ", ".join(sorted(errors))
        super().__init__(f"form data is invalid: {fields}", fields=sorted(errors))


class MessageNotDeliverableError(EngineError):
    """No instance with that business key waits for that message. Nothing was changed."""

    code = "message_not_deliverable"


class ScriptError(EngineError):
    """A script or expression in a model failed or tried something it may not."""

    code = "script_error"

    def __init__(self, message: str, *, element: str | None = None) -> None:
        self.element = element
        super().__init__(
            f"{message} (element {element})" if element else message,
            element=element,
            detail=message,
        )


class BusyError(EngineError):
    """The database did not answer in time (a lock held too long, a statement past its time
    limit) or could not be reached. The command was rolled back: nothing changed; try again."""

    code = "busy"


class RefusalReason(StrEnum):
    """The ``reason`` in the params of a NotFoundError, ConflictError or
    MessageNotDeliverableError: which refusal within the kind, with the params it brings."""

    PROCESS_NOT_DEPLOYED = "process_not_deployed"  # process_id
    VERSION_NOT_FOUND = "version_not_found"  # version_id
    INSTANCE_NOT_FOUND = "instance_not_found"  # instance_id
    CASE_NOT_FOUND = "case_not_found"  # business_key
    TASK_NOT_FOUND = "task_not_found"  # task_id
    TASK_CLOSED = "task_closed"  # task_id, status
    TASK_CLAIMED = "task_claimed"  # task_id, claimed_by when known
    TASK_CLAIM_CHANGED = "task_claim_changed"  # task_id: claimed and released meanwhile
    TASK_NOT_CLAIMED_BY_YOU = "task_not_claimed_by_you"  # task_id
    TASK_TAKEN = "task_taken"  # task_id: closed or claimed while the command ran
    TASK_NOT_READY = "task_not_ready"  # task_id
    NOT_IN_ERROR = "not_in_error"  # instance_id
    NOT_COMPLETED = "not_completed"  # instance_id
    BUSINESS_KEY_TAKEN = "business_key_taken"  # business_key
    VERSION_CHANGED = "version_changed"  # instance_id
    MIGRATION_REFUSED = "migration_refused"  # instance_id
    INSTANCE_CHANGED = "instance_changed"  # instance_id: another writer saved first
    NO_OPEN_CASE = "no_open_case"  # business_key
    NOT_WAITING = "not_waiting"  # business_key, message_name


class IncidentCode(StrEnum):
    """Every code a case in error can carry: the catalogue a user interface translates, with the
    params each one brings (docs/engine.md, "Incident codes", describes them)."""

    SCRIPT_FAILED = "script_failed"  # error (exception name), detail, line; name or key
    SCRIPT_NOT_ALLOWED = "script_not_allowed"  # detail
    SCRIPT_BUDGET_EXCEEDED = "script_budget_exceeded"  # budget, limit
    SCRIPT_TOO_DEEP = "script_too_deep"
    TIME_LIMIT_EXCEEDED = "time_limit_exceeded"  # seconds
    STEP_LIMIT_EXCEEDED = "step_limit_exceeded"  # limit
    TIMER_INVALID = "timer_invalid"  # detail
    COLLECTION_INVALID = "collection_invalid"  # detail
    SERVICE_FAILED = "service_failed"  # detail
    MODEL_ERROR = "model_error"  # error, detail; name or key
    COMMAND_FAILED = "command_failed"  # error
    TIMER_FAILED = "timer_failed"  # attempts, error


class CommandFailedError(EngineError):
    """The engine failed outside the workflow (a defect in the engine, not in the model or the
    input). The command was rolled back and the failure was recorded on the case."""

    code = IncidentCode.COMMAND_FAILED.value  # the code the case gets too


@dataclass(frozen=True)
class Incident:
    """Why a case stands still: a model defect found while a command ran its workflow.

    ``code`` (an ``IncidentCode``) and ``params`` are what a user interface translates;
    ``message`` is the English text for logs; ``element`` is the BPMN id of the step.
    """

    code: str
    message: str
    element: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
