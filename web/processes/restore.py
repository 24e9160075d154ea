"""Going back to an older version: "Zet versie N terug" deploys version N's files again as a new
version of the process (the newest, on which new cases start). Running cases stay where they
are; they can be migrated afterwards. A confirmation page comes first; the engine's deployment
checks apply as to any deployment."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engine import DeploymentError
from web.processes import deploying, queries
from web.processes.blueprint import bp


@bp.get("/processen/<process_id>/versies/<int:number>/terugzetten")
def restore_confirm(process_id: str, number: int) -> str:
    info = queries.version(process_id, number)
    rows = queries.version_rows(process_id)
    return render_template("processes/restore.html", info=info, latest=rows[0].info, problems=[])


@bp.post("/processen/<process_id>/versies/<int:number>/terugzetten")
def restore(process_id: str, number: int) -> Response | tuple[str, int]:
    info = queries.version(process_id, number)
    try:
        stored = deploying.put_back(info, current_user)
    except DeploymentError as error:
        latest = queries.version_rows(process_id)[0].info
        page = render_template(
            "processes/restore.html",
            info=info,
            latest=latest,
            problems=deploying.problems_of(error),
        )
        return page, 422
    own = next(each for each in stored if each.process_id == process_id)
    for each in stored:
        if each.created or each.process_id == process_id:
            flash(deploying.outcome(each), "success" if each.created else "info")
    return redirect(url_for("processes.version", process_id=process_id, number=own.version), 303)
