"""Uploading BPMN and DMN files made elsewhere (Camunda Modeler, bpmn.io) and form files. The
same deployment checks apply as to a model saved in the browser; a refused upload lists every
problem with its file, line and element and deploys nothing."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from engine import DeploymentError
from engine.deployment import SourceFile
from web.processes import deploying
from web.processes.blueprint import bp
from web.processes.sources import facts
from web.security import allows_uploads

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 100


def _render(
    problems: list[deploying.Problem] | None = None, status: int = 200, *, complete: bool = True
) -> tuple[str, int]:
    page = render_template("processes/upload.html", problems=problems or [], complete=complete)
    return page, status


@bp.get("/processen/uploaden")
def upload_form() -> tuple[str, int]:
    return _render()


@bp.post("/processen/uploaden")
@allows_uploads
def upload() -> Response | tuple[str, int]:
    uploads: list[SourceFile] = []
    for storage in request.files.getlist("files")[:MAX_FILES]:
        if not storage or not storage.filename:
            continue
        content = storage.read(MAX_FILE_BYTES + 1)
        name = storage.filename.replace("\\", "/").rsplit("/", 1)[-1]
        if len(content) > MAX_FILE_BYTES:
            problem = deploying.Problem(_("Het bestand is groter dan 5 MB."), name, None, None)
            return _render([problem], 413)
        uploads.append(SourceFile(name, content))
    if not uploads:
        flash(_("Kies een of meer bestanden om te uploaden."), "error")
        return _render(status=400)
    complete = request.form.get("complete") == "1"
    files = deploying.complete_upload(uploads) if complete else uploads
    try:
        stored = deploying.deploy(files, current_user)
    except DeploymentError as error:
        return _render(deploying.problems_of(error), 422, complete=complete)
    uploaded = {process_id for u in uploads for process_id in facts(u.content).defines}
    for info in stored:
        if info.process_id not in uploaded and not info.created:
            continue
        flash(deploying.outcome(info), "success")
    if not stored:
        flash(_("De bestanden bevatten geen uitvoerbaar proces."), "info")
    return redirect(url_for("processes.index"), code=303)
