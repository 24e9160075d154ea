"""Front-end packages from npm (node_modules/, installed by the setup, never committed), served
under /vendor/. Only the built files of the packages the pages use are reachable. An installed
package serves the copies its wheel was built with (config.shipped("vendor"), setup.py)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_from_directory

from config import shipped

bp = Blueprint("vendor", __name__)

ALLOWED = ("bpmn-js/dist/", "chart.js/dist/", "htmx.org/dist/")
MAX_AGE = 24 * 3600


def node_modules() -> Path:
    return Path(current_app.config.get("TERUGKEER_NODE_MODULES") or shipped("vendor"))


@bp.get("/vendor/<path:name>")
def file(name: str) -> Response:
    if not name.startswith(ALLOWED) or ".." in name.split("/"):
        abort(404)
    return send_from_directory(node_modules(), name, max_age=MAX_AGE)
