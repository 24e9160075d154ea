"""The process owners' part of the JSON API, under /api/v1/processes: the processes and their
versions, deployments (the same checks as the modeler and the upload page) and migrations (dry
run or real). Personal bearer tokens as in the rest of the API (web/api/core.py), never the
session; errors are problem details (web/errors.py). Only process owners: 403 for anyone else."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Blueprint, Response, current_app, request
from marshmallow import Schema, fields
from marshmallow.validate import Length, Range

from engine import NotFoundError
from engine.deployment import SourceFile
from web.access import can_manage_process, can_manage_processes
from web.api.core import api_user, authenticate, forbidden, json_body
from web.api.resources import ProblemOut
from web.engine_access import current_engine
from web.processes import deploying, queries

bp = Blueprint("processes_api", __name__, url_prefix="/api/v1/processes")

MAX_FILES = 100


@bp.before_request
def only_process_owners() -> None:
    authenticate()
    if not can_manage_processes(api_user()):
        raise forbidden("Only process owners may see, deploy or migrate processes.")
    process_id = (request.view_args or {}).get("process_id")
    if process_id is not None and not can_manage_process(api_user(), process_id):
        raise forbidden(f"Outside your scope as process owner: {process_id}.")


MAX_ID = 2**31 - 1  # the databases' integer ids


class FileIn(Schema):
    name = fields.String(required=True, validate=Length(min=1, max=255))
    content = fields.String(required=True, metadata={"description": "The file's text (UTF-8)."})


class DeploymentIn(Schema):
    files = fields.List(fields.Nested(FileIn), required=True, validate=Length(min=1, max=MAX_FILES))
    complete = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Add the called processes, decisions and forms that the files need "
            "from the newest deployed versions."
        },
    )


class MigrationIn(Schema):
    instance_ids = fields.List(
        fields.Integer(validate=Range(min=1, max=MAX_ID)),
        required=True,
        validate=Length(min=1, max=5000),
    )
    to_version_id = fields.Integer(required=True, validate=Range(min=1, max=MAX_ID))
    dry_run = fields.Boolean(load_default=True)


class VersionOut(Schema):
    id = fields.Integer(required=True, metadata={"description": "The version's id."})
    process_id = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "1, 2, ... per process."})
    name = fields.String(required=True)
    content_hash = fields.String(required=True, metadata={"description": "SHA-256, hex."})
    deployed_by = fields.String(required=True)
    deployed_at = fields.DateTime(required=True)


class ProcessVersionOut(VersionOut):
    open_cases = fields.Integer(required=True, metadata={"description": "Running cases."})
    same_as = fields.Integer(
        allow_none=True,
        metadata={"description": "The older version with the same content (one put back)."},
    )


class ProcessOut(Schema):
    process_id = fields.String(required=True)
    name = fields.String(required=True)
    versions = fields.List(fields.Nested(ProcessVersionOut), required=True)


class ProcessListOut(Schema):
    items = fields.List(fields.Nested(ProcessOut), required=True)


class DeployedVersionOut(VersionOut):
    created = fields.Boolean(
        required=True, metadata={"description": "A new version; false: the newest is so already."}
    )
    same_as = fields.Integer(
        allow_none=True,
        metadata={"description": "A new version with the content of this older version."},
    )


class DeploymentOut(Schema):
    versions = fields.List(fields.Nested(DeployedVersionOut), required=True)


class MigrationCheckOut(Schema):
    instance_id = fields.Integer(required=True)
    case_number = fields.String(required=True, attribute="business_key")
    from_version_id = fields.Integer(required=True)
    to_version_id = fields.Integer(required=True)
    can_move = fields.Boolean(required=True)
    moved = fields.Boolean(required=True)
    reasons = fields.List(
        fields.String(), required=True, metadata={"description": "Why it cannot move."}
    )


class MigrationOut(Schema):
    dry_run = fields.Boolean(required=True)
    results = fields.List(fields.Nested(MigrationCheckOut), required=True)


class DeploymentIssueOut(Schema):
    code = fields.String(
        required=True,
        metadata={"description": "The kind of problem (engine/deployment/problems.py)."},
    )
    params = fields.Dict(
        keys=fields.String(), metadata={"description": "The particulars its message names."}
    )
    message = fields.String(required=True)
    file = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    element = fields.String(allow_none=True, metadata={"description": "The element's id."})


class DeploymentErrorOut(DeploymentIssueOut):
    problems = fields.List(
        fields.Nested(DeploymentIssueOut), metadata={"description": "When there are several."}
    )


class DeploymentProblemOut(ProblemOut):
    """The problem details of a deployment the engine refused (web/errors.py)."""

    deployment = fields.Nested(DeploymentErrorOut, required=True)


def _json(schema: Schema, data: Any, status: int = 200) -> Response:
    """``data`` serialised by ``schema``: what the OpenAPI document says it is."""
    response = current_app.json.response(schema.dump(data))
    response.status_code = status
    return response


@bp.get("")
def processes() -> Response:
    """Every process with its versions, newest first, and the running cases per version."""
    items = []
    for summary in queries.overview():
        if not can_manage_process(api_user(), summary.process_id):
            continue
        rows = queries.version_rows(summary.process_id)
        versions = [
            {**vars(row.info), "open_cases": row.open_cases, "same_as": row.same_as} for row in rows
        ]
        items.append({"process_id": summary.process_id, "name": summary.name, "versions": versions})
    return _json(ProcessListOut(), {"items": items})


@bp.post("/deployments")
def deploy() -> Response:
    """Deploy BPMN, DMN and form files; 201 with each process's version and whether it is new,
    or 422 with every problem's file, line and element (nothing is deployed then)."""
    body = DeploymentIn().load(json_body())
    uploads = [SourceFile(f["name"], f["content"].encode("utf-8")) for f in body["files"]]
    files = deploying.complete_upload(uploads) if body["complete"] else uploads
    stored = deploying.deploy(files, api_user())
    status = 201 if any(info.created for info in stored) else 200
    return _json(DeploymentOut(), {"versions": stored}, status)


@bp.post("/<process_id>/versions/<int:number>/restore")
def restore(process_id: str, number: int) -> Response:
    """Deploy version ``number``'s files again as a new version ("Zet versie N terug"); 201 with
    the versions, 200 when that content is the newest already, 422 when today's checks refuse
    it."""
    stored = deploying.put_back(queries.version(process_id, number), api_user())
    status = 201 if any(info.created for info in stored) else 200
    return _json(DeploymentOut(), {"versions": stored}, status)


def _require_scope(version_id: int, instance_ids: list[int]) -> None:
    """403 unless the user manages the target version's process and every case's process."""
    engine = current_engine()
    processes = {info.process_id for info in engine.versions() if info.id == version_id}
    for instance_id in instance_ids:
        with contextlib.suppress(NotFoundError):  # the engine reports unknown cases itself
            processes.add(engine.instance(instance_id).process_id)
    outside = sorted(p for p in processes if not can_manage_process(api_user(), p))
    if outside:
        raise forbidden(f"Outside your scope as process owner: {', '.join(outside)}.")


@bp.post("/migrations")
def migrate() -> Response:
    """Which cases can move to ``to_version_id`` and why not (``dry_run``, the default), or move
    them: each moved case gets the audit event ``instance_migrated``."""
    body = MigrationIn().load(json_body())
    engine = current_engine()
    ids = sorted(set(body["instance_ids"]))
    _require_scope(body["to_version_id"], ids)
    if body["dry_run"]:
        checks = engine.migration_report(ids, body["to_version_id"])
    else:
        checks = engine.migrate(ids, body["to_version_id"], user=api_user().username)
    return _json(MigrationOut(), {"dry_run": body["dry_run"], "results": checks})
