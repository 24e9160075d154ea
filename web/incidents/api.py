"""The incident console in the JSON API, under /api/v1/incidents, for process owners (personal
bearer tokens, problem details, 403 for anyone else): the cases in error, correcting a case's
data with a reason (audited), and retrying cases, optionally after moving them to a fixed
version. The case data in these answers is for the repair only; it is never logged."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app
from marshmallow import Schema, fields
from marshmallow.validate import Length, Range

from web.access import can_manage_processes
from web.api.core import api_user, authenticate, forbidden, json_body
from web.engine_access import current_engine
from web.incidents.retrying import retry_cases

bp = Blueprint("incidents_api", __name__, url_prefix="/api/v1/incidents")

MAX_ID = 2**31 - 1


@bp.before_request
def only_process_owners() -> None:
    authenticate()
    if not can_manage_processes(api_user()):
        raise forbidden("Only process owners may see and repair cases in error.")


class IncidentOut(Schema):
    instance_id = fields.Integer(required=True, attribute="id")
    case_number = fields.String(required=True, attribute="business_key")
    process_id = fields.String(required=True)
    version_id = fields.Integer(required=True)
    element = fields.String(
        allow_none=True, attribute="error_element", metadata={"description": "The failed step."}
    )
    code = fields.String(
        allow_none=True, attribute="error_code", metadata={"description": "The kind of error."}
    )
    params = fields.Dict(
        keys=fields.String(),
        attribute="error_params",
        metadata={"description": "The particulars of the error."},
    )
    message = fields.String(allow_none=True, attribute="error_message")
    since = fields.DateTime(required=True, attribute="updated_at")


class IncidentListOut(Schema):
    items = fields.List(fields.Nested(IncidentOut), required=True)


class CaseDataIn(Schema):
    changes = fields.Dict(
        keys=fields.String(validate=Length(min=1, max=100)),
        required=True,
        validate=Length(min=1, max=100),
        metadata={"description": "Variables and their new values."},
    )
    reason = fields.String(
        required=True,
        validate=Length(min=1, max=500),
        metadata={"description": "Why; recorded in the audit trail with the field names."},
    )


class IncidentCaseOut(IncidentOut):
    status = fields.String(required=True)
    variables = fields.Dict(keys=fields.String(), required=True, attribute="data")


class RetryIn(Schema):
    instance_ids = fields.List(
        fields.Integer(validate=Range(min=1, max=MAX_ID)),
        required=True,
        validate=Length(min=1, max=5000),
    )
    to_version_id = fields.Integer(
        load_default=None,
        validate=Range(min=1, max=MAX_ID),
        metadata={"description": "Move the cases to this version first (a fixed version)."},
    )


class RefusedOut(Schema):
    instance_id = fields.Integer(required=True)
    case_number = fields.String(required=True)
    reasons = fields.List(fields.String(), required=True)


class RetryOut(Schema):
    continued = fields.List(fields.Integer(), required=True)
    failed = fields.List(fields.Integer(), required=True, metadata={"description": "Again."})
    refused = fields.List(fields.Nested(RefusedOut), required=True)
    skipped = fields.List(
        fields.Integer(), required=True, metadata={"description": "Not in error."}
    )


def _json(schema: Schema, data: Any) -> Response:
    return current_app.json.response(schema.dump(data))


@bp.get("")
def incidents() -> Response:
    """The cases in error, by process, version and element."""
    return _json(IncidentListOut(), {"items": current_engine().incidents()})


@bp.post("/<int:instance_id>/data")
def change_data(instance_id: int) -> Response:
    """Correct variables of a case in error (409 when it is not in error); audited."""
    body = CaseDataIn().load(json_body())
    engine = current_engine()
    engine.update_case_data(
        instance_id, body["changes"], user=api_user().username, reason=body["reason"]
    )
    return _json(IncidentCaseOut(), engine.instance(instance_id))


@bp.post("/retry")
def retry() -> Response:
    """Retry cases in error, optionally after moving them to ``to_version_id``."""
    body = RetryIn().load(json_body())
    ids = sorted(set(body["instance_ids"]))
    outcome = retry_cases(ids, body["to_version_id"], api_user().username)
    refused = [
        {"instance_id": i, "case_number": key, "reasons": reasons}
        for i, key, reasons in outcome.refused
    ]
    return _json(RetryOut(), {**vars(outcome), "refused": refused})
