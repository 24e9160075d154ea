"""The JSON API under /api/v1 (``bp``): who am I and the OpenAPI document here; cases and tasks in
web/api/cases.py and web/api/tasks.py, which add their routes to the same blueprint."""

from __future__ import annotations

from flask import Response, current_app

from web.access import can_register_entry, visible_organisations
from web.api import cases, tasks  # noqa: F401  (their routes join bp)
from web.api.core import api_token, api_user, bp, respond
from web.api.openapi import document
from web.api.resources import MeOut

__all__ = ["bp"]


@bp.get("/me")
def me() -> Response:
    user = api_user()
    return respond(
        MeOut(),
        {
            "username": user.username,
            "display_name": user.display_name,
            "organisation": user.organisation,
            "roles": user.role_list,
            "permissions": {
                "register_entry": can_register_entry(user),
                "see_cases": visible_organisations(user) != [],
            },
            "token": api_token(),
        },
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document; public, it holds no data."""
    return current_app.json.response(document())
