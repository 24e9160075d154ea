"""The OpenAPI 3.1 document of /api/v1, made by apispec from the marshmallow schemas that
validate the requests (web/api/schemas.py, web/processes/api.py) and serialise the responses
(web/api/resources.py, web/processes/api.py). Every operation is one row of
``web.api.operations.OPERATIONS``."""

from __future__ import annotations

import functools
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls

from web.api import resources as out
from web.api.operations import DEPLOYMENT_REFUSED, OPERATIONS, PATH_PARAMETERS, Op
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
