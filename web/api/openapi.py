"""The OpenAPI 3.1 document of /api/v1, made by apispec from the marshmallow schemas that
validate the requests (web/api/schemas.py, web/processes/api.py) and serialise the responses
(web/api/resources.py, web/processes/api.py). Every operation is one row of ``OPERATIONS``."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls

from web.api import resources as out
from web.api import schemas as inp
from web.incidents import api as incidents
from web.processes import api as processes

PREFIX = "/api/v1"
SECURITY = [{"bearerAuth": []}]
PROBLEM_JSON = "application/problem+json"

DESCRIPTION = """The actions of Terugkeer's pages as JSON: cases, tasks, messages, events, and
for process owners the processes, deployments, migrations and incidents (cases in error).

Authenticate with a personal API token (made on the page *API-sleutels*, or with
`terugkeer create-token USERNAME`): `Authorization: Bearer <token>`. A request acts as the
token's user, with exactly that user's access: a case or task the user may not see is a 404,
the same as one that does not exist.

Every error is an RFC 9457 problem details document (`application/problem+json`) with `type`,
`title`, `status`, `detail`, `instance` and often `code`; a 422 for invalid input also has
`errors`, mapping each field (a dotted path; `_schema` for the body as a whole) to its messages
(a refused deployment has `deployment` instead). Texts follow `Accept-Language`: Dutch unless
it asks for English (`en`)."""

ERRORS = {
    "400": ("BadRequest", "The body is not valid JSON."),
    "401": ("Unauthorized", "No token, or a token that is unknown, revoked or expired."),
    "403": ("Forbidden", "The user's roles do not allow this."),
    "404": ("NotFound", "No such case or task, or one this user may not see."),
    "409": ("Conflict", "The state changed: the task is closed or claimed by someone else."),
    "413": ("ContentTooLarge", "The body is larger than 1 MiB."),
    "415": ("UnsupportedMediaType", "The body is not JSON."),
    "422": ("UnprocessableContent", "The input is invalid; `errors` says where."),
    "503": ("ServiceUnavailable", "The aftercare process is not deployed yet."),
}
ALWAYS = ("401",)
WITH_BODY = ("400", "413", "415", "422")

DEPLOYMENT_REFUSED = (
    "DeploymentRefused",
    "The input is invalid (`errors` says where), or the engine refused the files "
    "(`deployment` names each problem's file, line and element); nothing is deployed.",
)
"""A response component beside ERRORS: the 422 of a deployment, which has two forms."""


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
    """One operation: ``path`` below PREFIX, the success response ``ok`` (status, schema,
    description), the error statuses beyond ALWAYS (and WITH_BODY when there is a ``body``:
    schema and description), a ``query`` schema, response ``headers``, and for an error
    status the name of a response component other than ERRORS's (``problems``)."""

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


def schema_name(schema: Any) -> str:
    """Component names without the module's suffixes: CaseOut -> Case, EntrySchema -> Entry."""
    name = resolve_schema_cls(schema).__name__
    for suffix in ("Out", "Schema"):
        if name.endswith(suffix) and name != suffix:
            return name.removesuffix(suffix)
    return name


def _json(schema: Any, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(op: Op) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, schema, description in sorted((op.ok, *op.also), key=lambda ok: ok[0]):
        responses[str(status)] = _json(schema, description)
    if op.headers:
        responses[str(op.ok[0])]["headers"] = op.headers
    codes = sorted(set(ALWAYS + op.errors + (WITH_BODY if op.body else ())))
    responses.update({code: op.problems.get(code, ERRORS[code][0]) for code in codes})
    operation: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "responses": responses,
    }
    if op.query is not None:
        operation["parameters"] = [{"in": "query", "schema": op.query}]
    if op.body is not None:
        body_schema, body_description = op.body
        operation["requestBody"] = {
            "required": True,
            "description": body_description,
            "content": {"application/json": {"schema": body_schema}},
        }
    return operation


def _path_parameters(path: str) -> list[dict[str, Any]]:
    return [spec for name, spec in PATH_PARAMETERS.items() if f"{{{name}}}" in path]


def _paths(spec: APISpec) -> None:
    """One path item per path, in the order of OPERATIONS, with its path parameters."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    for path, operations in paths.items():
        parameters = _path_parameters(path)
        spec.path(path=PREFIX + path, operations=operations, parameters=parameters or None)
    spec.path(
        path=f"{PREFIX}/openapi.json",
        operations={
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document",
                "tags": ["meta"],
                "security": [],
                "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
            }
        },
    )


def _problem_response(schema: Any, description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": schema}}}


def _components(spec: APISpec) -> None:
    spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "A personal API token (tk_...)."},
    )
    spec.components.schema("Problem", schema=out.ProblemOut)
    spec.components.schema("ValidationProblem", schema=out.ValidationProblemOut)
    spec.components.schema("DeploymentProblem", schema=processes.DeploymentProblemOut)
    for status, (name, description) in ERRORS.items():
        schema = "ValidationProblem" if status == "422" else "Problem"
        response = _problem_response(schema, description)
        if status == "401":
            response["headers"] = {
                "WWW-Authenticate": {
                    "schema": {"type": "string"},
                    "description": "Bearer realm=terugkeer[, error=invalid_token]",
                }
            }
        spec.components.response(name, response)
    refused = {
        "oneOf": [
            {"$ref": "#/components/schemas/ValidationProblem"},
            {"$ref": "#/components/schemas/DeploymentProblem"},
        ]
    }
    spec.components.response(
        DEPLOYMENT_REFUSED[0], _problem_response(refused, DEPLOYMENT_REFUSED[1])
    )


@functools.cache
def document() -> dict[str, Any]:
    """The OpenAPI document (the same for every app: made once per process)."""
    spec = APISpec(
        title="Terugkeer API",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin(schema_name_resolver=schema_name)],
        info={"description": DESCRIPTION},
        security=SECURITY,
    )
    _components(spec)
    _paths(spec)
    return spec.to_dict()
