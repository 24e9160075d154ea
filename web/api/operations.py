"""The operations of /api/v1, one row of ``OPERATIONS`` each: path, schemas, statuses. The
OpenAPI document (web/api/openapi.py) is made from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from web.api import resources as out
from web.api import schemas as inp
from web.incidents import api as incidents
from web.processes import api as processes

DEPLOYMENT_REFUSED = (
    "DeploymentRefused",
    "The input is invalid (`errors` says where), or the engine refused the files "
    "(`deployment` names each problem's file, line and element); nothing is deployed.",
)
"""A response component beside the common errors: the 422 of a deployment, which has two forms."""


def _path_parameter(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


PATH_PARAMETERS = {
    "instance_id": {
        "name": "instance_id",
        "in": "path",
        "required": True,
        "description": "The case's instance id.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    },
    "case_number": _path_parameter("case_number", "The case number, e.g. NZ-2026-7KQ4RM."),
    "task_id": _path_parameter("task_id", "The task's id."),
    "process_id": _path_parameter("process_id", "The process id, e.g. nazorg_detentie."),
    "number": {
        "name": "number",
        "in": "path",
        "required": True,
        "description": "The version number: 1, 2, ... per process.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    },
}


@dataclass(frozen=True)
class Op:
    """One operation: ``path`` below /api/v1, the success response ``ok`` (status, schema,
    description), the error statuses beyond the ones every operation has (and the body errors
    when there is a ``body``: schema and description), a ``query`` schema, response
    ``headers``, and for an error status a response component other than the common one
    (``problems``)."""

    method: str
    path: str
    operation_id: str
    summary: str
    ok: tuple[int, Any, str]
    tag: str
    errors: tuple[str, ...] = ()
    query: type | None = None
    body: tuple[Any, str] | None = None
    headers: dict[str, Any] | None = None
    also: tuple[tuple[int, Any, str], ...] = ()
    problems: dict[str, str] = field(default_factory=dict)


TASK_ACTIONS = (
    ("claim", "Claim the task (claiming one's own task again changes nothing)"),
    ("unclaim", "Give the task back (an unclaimed task stays as it is)"),
)

OPERATIONS: tuple[Op, ...] = (
    Op("get", "/me", "getMe", "The token's user", (200, out.MeOut, "The user."), "me"),
    Op(
        "get",
        "/cases",
        "listCases",
        "The cases the user's organisation holds, most recently changed first",
        (200, out.CaseListOut, "A page of cases."),
        "cases",
        errors=("403", "422"),
        query=inp.CaseQuery,
    ),
    Op(
        "post",
        "/cases",
        "registerEntry",
        "Register a new detention (entry notification); prison caseworkers only",
        (201, out.CaseOut, "The new case."),
        "cases",
        errors=("403", "409", "503"),
        body=(inp.EntrySchema, "The entry notification; the prison is the user's."),
        headers={"Location": {"schema": {"type": "string"}, "description": "The case."}},
    ),
    Op(
        "get",
        "/cases/{case_number}",
        "getCase",
        "A case: person, dates, provisions, deadlines, tasks (the view is recorded)",
        (200, out.CaseDetailOut, "The case."),
        "cases",
        errors=("404",),
    ),
    Op(
        "get",
        "/cases/{case_number}/events",
        "listCaseEvents",
        "The case's timeline, newest first",
        (200, out.EventListOut, "The events."),
        "cases",
        errors=("404",),
    ),
    Op(
        "post",
        "/cases/{case_number}/messages",
        "sendMessage",
        "Deliver a message about the release (by the prison that holds the case)",
        (200, out.CaseOut, "Delivered; the case as it is now."),
        "cases",
        errors=("403", "404", "409"),
        body=(
            {"oneOf": [inp.ReleaseDateChangedMessage, inp.ImmediateReleaseMessage]},
            "A message; 409 when the case does not wait for it.",
        ),
    ),
    Op(
        "get",
        "/tasks",
        "listTasks",
        "Open tasks of the user's organisation for the user's roles, earliest due first",
        (200, out.TaskListOut, "A page of tasks with the counts of mine and unassigned."),
        "tasks",
        errors=("422",),
        query=inp.TaskQuery,
    ),
    Op(
        "get",
        "/tasks/{task_id}",
        "getTask",
        "A task with its form (JSON Schema) and what the user may do",
        (200, out.TaskDetailOut, "The task."),
        "tasks",
        errors=("404",),
    ),
    *(
        Op(
            "post",
            f"/tasks/{{task_id}}/{action}",
            f"{action}Task",
            summary,
            (200, out.TaskOut, "The task."),
            "tasks",
            errors=("403", "404", "409"),
        )
        for action, summary in TASK_ACTIONS
    ),
    Op(
        "post",
        "/tasks/{task_id}/complete",
        "completeTask",
        "Complete the task with its form data",
        (200, out.TaskOut, "The completed task."),
        "tasks",
        errors=("403", "404", "409"),
        body=(inp.FormData, "The form data; the task's form.schema validates it."),
    ),
    Op(
        "get",
        "/processes",
        "listProcesses",
        "Every process with its versions, newest first, and the running cases per version; "
        "process owners only",
        (200, processes.ProcessListOut, "The processes."),
        "processes",
        errors=("403",),
    ),
    Op(
        "post",
        "/processes/deployments",
        "deployProcesses",
        "Deploy BPMN, DMN and form files, checked as on the pages; process owners only",
        (201, processes.DeploymentOut, "Deployed: at least one process has a new version."),
        "processes",
        errors=("403",),
        body=(processes.DeploymentIn, "The files; `complete` adds what they call."),
        also=((200, processes.DeploymentOut, "Nothing new: every process was deployed so."),),
        problems={"422": DEPLOYMENT_REFUSED[0]},
    ),
    Op(
        "post",
        "/processes/{process_id}/versions/{number}/restore",
        "restoreVersion",
        "Put an older version back: deploy its files again as a new version; process owners only",
        (201, processes.DeploymentOut, "Deployed: a new version with that version's content."),
        "processes",
        errors=("403", "404", "422"),
        also=((200, processes.DeploymentOut, "Nothing new: the newest version is so already."),),
        problems={"422": DEPLOYMENT_REFUSED[0]},
    ),
    Op(
        "post",
        "/processes/migrations",
        "migrateCases",
        "Which cases can move to another version of their process and why not (dry run, the "
        "default), or move them; process owners only",
        (200, processes.MigrationOut, "Each case: whether it can move, or moved, and why not."),
        "processes",
        errors=("403", "404"),
        body=(processes.MigrationIn, "The cases (instance ids) and the version to move to."),
    ),
    Op(
        "get",
        "/incidents",
        "listIncidents",
        "The cases in error, by process, version and element; process owners only",
        (200, incidents.IncidentListOut, "The cases in error."),
        "incidents",
        errors=("403",),
    ),
    Op(
        "post",
        "/incidents/{instance_id}/data",
        "changeIncidentData",
        "Correct variables of a case in error, with a reason (audited); process owners only",
        (200, incidents.IncidentCaseOut, "The case with its corrected variables."),
        "incidents",
        errors=("403", "404", "409"),
        body=(incidents.CaseDataIn, "The new values and the reason."),
    ),
    Op(
        "post",
        "/incidents/retry",
        "retryIncidents",
        "Retry cases in error, optionally after moving them to a fixed version; process owners "
        "only",
        (200, incidents.RetryOut, "Which continued, failed again, could not move or were skipped."),
        "incidents",
        errors=("403", "404"),
        body=(incidents.RetryIn, "The cases (instance ids) and optionally the version."),
    ),
)
