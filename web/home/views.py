"""The start page: what is deployed and how much work is open."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from engine import VersionInfo
from engine.db.models import HumanTask
from web.engine_access import current_engine
from web.extensions import db
from web.i18n import choose_language

bp = Blueprint("home", __name__, template_folder="templates")


def latest_versions(versions: list[VersionInfo]) -> list[tuple[VersionInfo, int]]:
    """Each process's newest version with its number of versions, by process id."""
    latest: dict[str, VersionInfo] = {}
    counts: dict[str, int] = {}
    for version in versions:
        counts[version.process_id] = counts.get(version.process_id, 0) + 1
        if version.process_id not in latest or version.version > latest[version.process_id].version:
            latest[version.process_id] = version
    return [(latest[pid], counts[pid]) for pid in sorted(latest)]


def open_task_count() -> int:
    query = select(func.count()).select_from(HumanTask).where(HumanTask.status == "ready")
    return db.session.scalar(query) or 0


@bp.get("/")
def index() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    return render_template(
        "home/index.html",
        processes=latest_versions(current_engine().versions()),
        open_tasks=open_task_count(),
    )


@bp.post("/taal")
def set_language() -> Response:
    if not choose_language(request.form.get("language", "")):
        abort(400)
    target = request.form.get("next", "")
    if not target.startswith("/") or target[1:2] in ("/", "\\"):
        target = url_for("home.index")
    return redirect(target, code=303)
