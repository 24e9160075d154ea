"""The start page for visitors who are not signed in: what Terugkeer is and the way in. It shows
nothing of cases, tasks or processes (signed in, the inbox is the start page)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.i18n import choose_language
from web.security import safe_redirect_target

bp = Blueprint("home", __name__, template_folder="templates")


@bp.get("/")
def index() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    return render_template("home/index.html")


@bp.post("/taal")
def set_language() -> Response:
    if not choose_language(request.form.get("language", "")):
        abort(400)
    target = safe_redirect_target(request.form.get("next"), url_for("home.index"))
    return redirect(target, code=303)
