"""The API blueprint and what every endpoint shares: bearer-token authentication (never the
session cookie, so the API is exempt from CSRF), reading JSON and query strings through the
marshmallow schemas, and responses. Errors are raised and become problem details in web/errors.py.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    NotFound,
    RequestEntityTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)

from web.api import tokens
from web.api.inputs import json_problems
from web.models import ApiToken, User

bp = Blueprint("api", __name__, url_prefix="/api/v1")

REALM = "terugkeer"
MAX_BODY_BYTES = 1024 * 1024
MAX_KEY_LENGTH = 255
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


def _unauthorized(detail: str, error: str | None = None) -> Unauthorized:
    challenge = {"realm": REALM, **({"error": error} if error else {})}
    exc = Unauthorized(description=detail, www_authenticate=WWWAuthenticate("Bearer", challenge))
    exc.problem_code = error or "missing_token"  # type: ignore[attr-defined]
    return exc


@bp.before_request
def authenticate() -> None:
    """Every endpoint but the OpenAPI document needs ``Authorization: Bearer <token>``."""
    request.max_content_length = MAX_BODY_BYTES
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _blank, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized(_("Stuur een persoonlijke API-sleutel mee: Authorization: Bearer."))
    at = tokens.now()
    token = tokens.token_for_secret(secret.strip(), at)
    if token is None:
        raise _unauthorized(_("De sleutel is onbekend, ingetrokken of verlopen."), "invalid_token")
    g.api_token = token
    tokens.record_use(token, at)


def api_token() -> ApiToken:
    return g.api_token


def api_user() -> User:
    """The user the request's token belongs to: the API acts as them."""
    return g.api_token.user


def forbidden(detail: str) -> Forbidden:
    exc = Forbidden(description=detail)
    exc.problem_code = "forbidden"  # type: ignore[attr-defined]
    return exc


def not_found(detail: str) -> NotFound:
    exc = NotFound(description=detail)
    exc.problem_code = "not_found"  # type: ignore[attr-defined]
    return exc


def path_key(value: str, length: int = MAX_KEY_LENGTH) -> str | None:
    """A case number or task id from the path that could exist, else None (then: 404)."""
    if len(value) > length or "\x00" in value or not value.isprintable():
        return None
    return value


def json_body() -> Any:
    """The request's JSON, refused when it is not JSON or holds what cannot be stored."""
    if not request.is_json:
        raise UnsupportedMediaType(_("Stuur de inhoud als JSON (Content-Type: application/json)."))
    too_large = RequestEntityTooLarge(_("De inhoud is groter dan 1 MiB."))
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise too_large
    try:
        body = request.get_json()
    except RequestEntityTooLarge:
        raise too_large from None
    except BadRequest:
        raise BadRequest(_("De inhoud is geen geldige JSON.")) from None
    problems = json_problems(body)
    if problems:
        raise ValidationError(problems)
    return body


def load_body(schema: Schema) -> dict[str, Any]:
    return schema.load(json_body())


def load_query(schema: Schema) -> dict[str, Any]:
    return schema.load(request.args.to_dict())


def window(query: dict[str, Any]) -> tuple[int, int]:
    """(limit, offset) of a page, asking one row more to learn whether another page follows."""
    return query["per_page"] + 1, (query["page"] - 1) * query["per_page"]


def page_of(rows: list[Any], query: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": rows[: query["per_page"]],
        "page": query["page"],
        "per_page": query["per_page"],
        "has_next": len(rows) > query["per_page"],
    }


def respond(
    schema: Schema, data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    response = current_app.json.response(schema.dump(data))
    response.status_code = status
    response.headers.extend(headers or {})
    return response
