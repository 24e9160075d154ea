"""The errors the engine raises. Callers catch these, never SpiffWorkflow's own."""

from __future__ import annotations


class EngineError(Exception):
    """Base class: every error the facade raises is one of these."""

    code = "engine_error"


class DeploymentError(EngineError):
    """A model or form file was refused. Names the file, line and element.

    A deployment with several problems raises one DeploymentError whose `problems` lists each
    (as DeploymentErrors); a single problem is raised as itself, with `problems` empty.
    """

    code = "deployment_error"

    def __init__(
        self,
        message: str,
        *,
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
        super().__init__(f"{message} ({where})" if where else message)

    def as_dict(self) -> dict:
        result = {
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


class FormValidationError(EngineError):
    """Submitted task data does not satisfy the task's JSON Schema. Nothing was changed."""

    code = "form_invalid"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        fields = ", ".join(sorted(errors))
        super().__init__(f"form data is invalid: {fields}")


class MessageNotDeliverableError(EngineError):
    """No instance with that business key waits for that message. Nothing was changed."""

    code = "message_not_deliverable"


class ScriptError(EngineError):
    """A script or expression in a model failed or tried something it may not."""

    code = "script_error"

    def __init__(self, message: str, *, element: str | None = None) -> None:
        self.element = element
        super().__init__(f"{message} (element {element})" if element else message)
