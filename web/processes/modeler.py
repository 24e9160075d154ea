"""Editing a version's BPMN file in the browser with the bpmn-js modeler. Saving posts the XML;
the server deploys it with the version's other files (subprocesses, decisions, forms), so the
engine's deployment checks see the whole deployment. A refused model answers 422 with each
problem's file, line and element, which the modeler marks on the diagram."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound, RequestEntityTooLarge
from werkzeug.wrappers import Response

from engine import DeploymentError, VersionInfo
from engine.parties import PARTIES
from web.access import TASK_ROLE_HOLDERS
from web.engine_access import current_engine
from web.errors import problem_response
from web.models import ROLES
from web.processes import deploying, queries, sources
from web.processes.blueprint import bp
from web.security import allows_uploads

MAX_MODEL_BYTES = 5 * 1024 * 1024


def _version_url(info: VersionInfo) -> str:
    return url_for("processes.version", process_id=info.process_id, number=info.version)


def deployed(infos: list[VersionInfo]) -> list[dict[str, Any]]:
    """What a deployment stored, for the page: each process's version and whether it is new."""
    return [
        {
            "process_id": info.process_id,
            "name": info.name,
            "version": info.version,
            "created": info.created,
            "same_as": info.same_as,
            "url": _version_url(info),
        }
        for info in infos
    ]


def form_files(files: list[tuple[str, bytes]]) -> list[str]:
    """Form files a task may name: the version's own and those in the forms folder."""
    names = {name for name, _ in files if sources.is_form(name)}
    folder = current_engine().forms_dir
    if folder is not None and folder.is_dir():
        names |= {path.name for path in folder.glob("*.json")}
    return sorted(names)


def modeler_settings(info: VersionInfo, name: str, files: list[tuple[str, bytes]]) -> dict:
    """What the modeler's properties panel offers: parties, roles, forms, processes, messages."""
    defined: set[str] = set()
    decisions: set[str] = set()
    for file_name, content in files:
        if sources.is_model(file_name):
            found = sources.facts(content)
            (decisions if file_name.lower().endswith(".dmn") else defined).update(found.defines)
    number = info.version
    return {
        "xmlUrl": url_for(
            "processes.download", process_id=info.process_id, number=number, name=name
        ),
        "saveUrl": url_for("processes.edit", process_id=info.process_id, number=number, name=name),
        "checkUrl": url_for(
            "processes.check", process_id=info.process_id, number=number, name=name
        ),
        "fileName": name,
        "dialect": sources.facts(dict(files).get(name, b"")).dialect,
        "parties": [
            {"label": party.label, "lanes": list(party.lane_names), "role": party.default_role}
            for party in PARTIES
        ],
        "roles": sorted(set(ROLES) | set(TASK_ROLE_HOLDERS)),
        "forms": form_files(files),
        "processes": sorted(defined),
        "decisions": sorted(decisions),
        "messages": sources.messages(files),
    }


@bp.get("/processen/<process_id>/versies/<int:number>/bewerken/<path:name>")
def edit(process_id: str, number: int, name: str) -> str:
    info = queries.version(process_id, number)
    files = current_engine().version_files(info.id)
    if not sources.is_bpmn(name) or name not in {file_name for file_name, _ in files}:
        raise NotFound()
    rows = queries.version_rows(process_id)
    return render_template(
        "processes/modeler.html",
        info=info,
        name=name,
        latest=rows[0].info,
        settings=modeler_settings(info, name, files),
    )


def _posted_xml() -> bytes | None:
    if (request.content_length or 0) > MAX_MODEL_BYTES:
        raise RequestEntityTooLarge()
    body = request.get_json(silent=True)
    xml = body.get("xml") if isinstance(body, dict) else None
    return xml.encode("utf-8") if isinstance(xml, str) and xml.strip() else None


@bp.post("/processen/<process_id>/versies/<int:number>/controleren/<path:name>")
def check(process_id: str, number: int, name: str) -> Response:
    """The lint: every problem the deployment checks find in the posted XML (JSON ``{"xml"}``)
    as this file of the version, with the version's other files; deploys nothing."""
    info = queries.version(process_id, number)
    xml = _posted_xml()
    if xml is None:
        return problem_response(400, _("Er is geen BPMN-model meegestuurd."))
    found = current_engine().check(deploying.edited_files(info, name, xml))
    return jsonify(problems=[problem.as_dict() for problem in deploying.translated(found)])


@bp.post("/processen/<process_id>/versies/<int:number>/bewerken/<path:name>")
@allows_uploads
def save(process_id: str, number: int, name: str) -> Response:
    """Deploy the posted XML (JSON ``{"xml": ...}``) as this file of the version."""
    info = queries.version(process_id, number)
    xml = _posted_xml()
    if xml is None:
        return problem_response(400, _("Er is geen BPMN-model meegestuurd."))
    files = deploying.edited_files(info, name, xml)
    try:
        stored = deploying.deploy(files, current_user)
    except DeploymentError as error:
        problems = deploying.problems_of(error)
        current_app.logger.info("model %s refused: %d problem(s)", name, len(problems))
        return problem_response(
            422,
            _("Het model is niet uitgerold: los de gemarkeerde problemen op."),
            problems=[problem.as_dict() for problem in problems],
        )
    own = next((each for each in stored if each.process_id == process_id), None)
    if own is not None and own.same_as is not None:
        message = deploying.outcome(own)
    elif own is not None and own.created:
        message = _(
            "Versie %(version)d van %(name)s is uitgerold.", version=own.version, name=own.name
        )
    elif own is not None:
        message = _("Geen wijziging: dit model is al versie %(version)d.", version=own.version)
    else:
        message = _("Het model is uitgerold.")
    return jsonify(
        message=message,
        versions=deployed(stored),
        next=_version_url(own) if own is not None else None,
        edit=url_for("processes.edit", process_id=process_id, number=own.version, name=name)
        if own is not None
        else None,
    )
