"""The process owners' part of the JSON API, under /api/v1/processes: the processes and their
versions, deployments (the same checks as the modeler and the upload page) and migrations (dry
run or real). Personal bearer tokens as in the rest of the API (web/api/core.py), never the
session; errors are problem details (web/errors.py). Only process owners: 403 for anyone else."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app
from marshmallow import Schema, fields
from marshmallow.validate import Length, Range

from engine import MigrationCheck, VersionInfo
from engine.deployment import SourceFile
from web.access import can_manage_processes
from web.api.core import api_user, authenticate, forbidden, json_body
from web.engine_access import current_engine
from web.processes import deploying, queries

bp = Blueprint("processes_api", __name__, url_prefix="/api/v1/processes")

MAX_FILES = 100


@bp.before_request
def only_process_owners() -> None:
    authenticate()
    if not can_manage_processes(api_user()):
        raise forbidden("Only process owners may see, deploy or migrate processes.")


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
        fields.Integer(validate=Range(min=1)), required=True, validate=Length(min=1, max=5000)
    )
    to_version_id = fields.Integer(required=True, validate=Range(min=1))
    dry_run = fields.Boolean(load_default=True)


def version_out(info: VersionInfo, open_cases: int | None = None) -> dict[str, Any]:
    out = {
        "id": info.id,
        "process_id": info.process_id,
        "version": info.version,
        "name": info.name,
        "content_hash": info.content_hash,
        "deployed_by": info.deployed_by,
        "deployed_at": info.deployed_at.isoformat(),
    }
    if open_cases is not None:
        out["open_cases"] = open_cases
    return out


def check_out(check: MigrationCheck) -> dict[str, Any]:
    return {
        "instance_id": check.instance_id,
        "case_number": check.business_key,
        "from_version_id": check.from_version_id,
        "to_version_id": check.to_version_id,
        "can_move": check.can_move,
        "moved": check.moved,
        "reasons": list(check.reasons),
    }


def _json(data: Any, status: int = 200) -> Response:
    response = current_app.json.response(data)
    response.status_code = status
    return response


@bp.get("")
def processes() -> Response:
    """Every process with its versions, newest first, and the running cases per version."""
    items = []
    for summary in queries.overview():
        rows = queries.version_rows(summary.process_id)
        items.append(
            {
                "process_id": summary.process_id,
                "name": summary.name,
                "versions": [version_out(row.info, row.open_cases) for row in rows],
            }
        )
    return _json({"items": items})


@bp.post("/deployments")
def deploy() -> Response:
    """Deploy BPMN, DMN and form files; 201 with each process's version and whether it is new,
    or 422 with every problem's file, line and element (nothing is deployed then)."""
    body = DeploymentIn().load(json_body())
    uploads = [SourceFile(f["name"], f["content"].encode("utf-8")) for f in body["files"]]
    files = deploying.complete_upload(uploads) if body["complete"] else uploads
    stored = deploying.deploy(files, api_user().username)
    items = [{**version_out(info), "created": info.created} for info in stored]
    return _json({"versions": items}, 201 if any(info.created for info in stored) else 200)


@bp.post("/migrations")
def migrate() -> Response:
    """Which cases can move to ``to_version_id`` and why not (``dry_run``, the default), or move
    them: each moved case gets the audit event ``instance_migrated``."""
    body = MigrationIn().load(json_body())
    engine = current_engine()
    ids = sorted(set(body["instance_ids"]))
    if body["dry_run"]:
        checks = engine.migration_report(ids, body["to_version_id"])
    else:
        checks = engine.migrate(ids, body["to_version_id"], user=api_user().username)
    return _json({"dry_run": body["dry_run"], "results": [check_out(c) for c in checks]})
