"""The OpenAPI 3.1 document of /api/v1, made by apispec from the marshmallow schemas that
validate the requests (web/api/schemas.py) and serialise the responses (web/api/resources.py)."""

from __future__ import annotations

import functools
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls

from web.api import resources as out
from web.api import schemas as inp

PREFIX = "/api/v1"
SECURITY = [{"bearerAuth": []}]
PROBLEM_JSON = "application/problem+json"

DESCRIPTION = """The actions of Terugkeer's pages as JSON: cases, tasks, messages, events.

Authenticate with a personal API token (made on the page *API-sleutels*, or with
`terugkeer create-token USERNAME`): `Authorization: Bearer <token>`. A request acts as the
token's user, with exactly that user's access: a case or task the user may not see is a 404,
the same as one that does not exist.

Every error is an RFC 9457 problem details document (`application/problem+json`) with `type`,
`title`, `status`, `detail`, `instance` and often `code`; a 422 also has `errors`, mapping each
field (a dotted path; `_schema` for the body as a whole) to its messages. Texts follow
`Accept-Language`: Dutch unless it asks for English (`en`)."""

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


def schema_name(schema: Any) -> str:
    """Component names without the module's suffixes: CaseOut -> Case, EntrySchema -> Entry."""
    name = resolve_schema_cls(schema).__name__
    for suffix in ("Out", "Schema"):
        if name.endswith(suffix) and name != suffix:
            return name.removesuffix(suffix)
    return name


def _json(schema: Any, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(
    operation_id: str,
    summary: str,
    ok: tuple[int, Any, str],
    *,
    errors: tuple[str, ...] = (),
    query: type | None = None,
    body: dict[str, Any] | None = None,
    tag: str,
    headers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    status, schema, description = ok
    success = _json(schema, description)
    if headers:
        success["headers"] = headers
    codes = sorted(set(ALWAYS + errors + (WITH_BODY if body else ())))
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "responses": {str(status): success, **{code: ERRORS[code][0] for code in codes}},
    }
    if query is not None:
        operation["parameters"] = [{"in": "query", "schema": query}]
    if body is not None:
        operation["requestBody"] = body
    return operation


def _body(schema: Any, description: str) -> dict[str, Any]:
    return {
        "required": True,
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


def _path_parameter(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


CASE_NUMBER = _path_parameter("case_number", "The case number, e.g. NZ-2026-7KQ4RM.")
TASK_ID = _path_parameter("task_id", "The task's id.")


def _paths(spec: APISpec) -> None:
    spec.path(
        path=f"{PREFIX}/me",
        operations={
            "get": _operation("getMe", "The token's user", (200, out.MeOut, "The user."), tag="me")
        },
    )
    spec.path(
        path=f"{PREFIX}/cases",
        operations={
            "get": _operation(
                "listCases",
                "The cases the user's organisation holds, most recently changed first",
                (200, out.CaseListOut, "A page of cases."),
                errors=("403", "422"),
                query=inp.CaseQuery,
                tag="cases",
            ),
            "post": _operation(
                "registerEntry",
                "Register a new detention (entry notification); prison caseworkers only",
                (201, out.CaseOut, "The new case."),
                errors=("403", "409", "503"),
                body=_body(inp.EntrySchema, "The entry notification; the prison is the user's."),
                tag="cases",
                headers={"Location": {"schema": {"type": "string"}, "description": "The case."}},
            ),
        },
    )
    spec.path(
        path=f"{PREFIX}/cases/{{case_number}}",
        parameters=[CASE_NUMBER],
        operations={
            "get": _operation(
                "getCase",
                "A case: person, dates, provisions, deadlines, tasks (the view is recorded)",
                (200, out.CaseDetailOut, "The case."),
                errors=("404",),
                tag="cases",
            )
        },
    )
    spec.path(
        path=f"{PREFIX}/cases/{{case_number}}/events",
        parameters=[CASE_NUMBER],
        operations={
            "get": _operation(
                "listCaseEvents",
                "The case's timeline, newest first",
                (200, out.EventListOut, "The events."),
                errors=("404",),
                tag="cases",
            )
        },
    )
    message = {"oneOf": [inp.ReleaseDateChangedMessage, inp.ImmediateReleaseMessage]}
    spec.path(
        path=f"{PREFIX}/cases/{{case_number}}/messages",
        parameters=[CASE_NUMBER],
        operations={
            "post": _operation(
                "sendMessage",
                "Deliver a message about the release (by the prison that holds the case)",
                (200, out.CaseOut, "Delivered; the case as it is now."),
                errors=("403", "404", "409"),
                body=_body(message, "A message; 409 when the case does not wait for it."),
                tag="cases",
            )
        },
    )
    spec.path(
        path=f"{PREFIX}/tasks",
        operations={
            "get": _operation(
                "listTasks",
                "Open tasks of the user's organisation for the user's roles, earliest due first",
                (200, out.TaskListOut, "A page of tasks with the counts of mine and unassigned."),
                errors=("422",),
                query=inp.TaskQuery,
                tag="tasks",
            )
        },
    )
    spec.path(
        path=f"{PREFIX}/tasks/{{task_id}}",
        parameters=[TASK_ID],
        operations={
            "get": _operation(
                "getTask",
                "A task with its form (JSON Schema) and what the user may do",
                (200, out.TaskDetailOut, "The task."),
                errors=("404",),
                tag="tasks",
            )
        },
    )
    for action, summary in (
        ("claim", "Claim the task (claiming one's own task again changes nothing)"),
        ("unclaim", "Give the task back (an unclaimed task stays as it is)"),
    ):
        spec.path(
            path=f"{PREFIX}/tasks/{{task_id}}/{action}",
            parameters=[TASK_ID],
            operations={
                "post": _operation(
                    f"{action}Task",
                    summary,
                    (200, out.TaskOut, "The task."),
                    errors=("403", "404", "409"),
                    tag="tasks",
                )
            },
        )
    spec.path(
        path=f"{PREFIX}/tasks/{{task_id}}/complete",
        parameters=[TASK_ID],
        operations={
            "post": _operation(
                "completeTask",
                "Complete the task with its form data",
                (200, out.TaskOut, "The completed task."),
                errors=("403", "404", "409"),
                body=_body(inp.FormData, "The form data; the task's form.schema validates it."),
                tag="tasks",
            )
        },
    )
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


def _components(spec: APISpec) -> None:
    spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "A personal API token (tk_...)."},
    )
    spec.components.schema("Problem", schema=out.ProblemOut)
    spec.components.schema("ValidationProblem", schema=out.ValidationProblemOut)
    for status, (name, description) in ERRORS.items():
        schema = "ValidationProblem" if status == "422" else "Problem"
        response: dict[str, Any] = {
            "description": description,
            "content": {PROBLEM_JSON: {"schema": schema}},
        }
        if status == "401":
            response["headers"] = {
                "WWW-Authenticate": {
                    "schema": {"type": "string"},
                    "description": "Bearer realm=terugkeer[, error=invalid_token]",
                }
            }
        spec.components.response(name, response)


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
