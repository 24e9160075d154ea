"""Editing a task's form (JSON Schema and UI schema) in the browser: JSON and Draft 2020-12
meta-schema checks, a live preview rendered by the caseworkers' own form renderer
(web/tasks/formschema.py with macros/schema_form.html), and deployment as new versions of the
processes that use the form."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jsonschema import Draft202012Validator
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from engine import DeploymentError, FormValidationError, VersionInfo
from engine.runtime.forms import FormValidators
from web import form_errors
from web.cases.page import field_labels
from web.engine_access import current_engine
from web.processes import deploying, queries, sources
from web.processes.blueprint import bp
from web.security import allows_uploads
from web.tasks.formschema import build_fields, parse_submission, submit_text
from web.tasks.views import offer_organisations

MAX_ERRORS = 20


@dataclass(frozen=True)
class JsonProblem:
    part: str  # "schema" or "ui"
    message: str
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_json(text: str, part: str) -> tuple[dict | None, list[JsonProblem]]:
    """The JSON object in ``text``, or the reason it is none (with line and column)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        message = _("Geen geldige JSON: %(reason)s.", reason=error.msg)
        return None, [JsonProblem(part, message, error.lineno, error.colno)]
    if not isinstance(value, dict):
        return None, [JsonProblem(part, _("Het bestand moet één JSON-object bevatten ({...})."))]
    return value, []


def schema_problems(schema: dict) -> list[JsonProblem]:
    """Where ``schema`` breaks the JSON Schema Draft 2020-12 meta-schema."""
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    problems = []
    for error in sorted(meta.iter_errors(schema), key=lambda e: list(map(str, e.path)))[
        :MAX_ERRORS
    ]:
        path = "/" + "/".join(str(part) for part in error.absolute_path)
        message = _("Geen geldig JSON Schema (Draft 2020-12): %(reason)s", reason=error.message)
        problems.append(JsonProblem("schema", message, path=path))
    return problems


def check(schema_text: str, ui_text: str | None) -> tuple[dict | None, dict | None, list]:
    """Both documents read and checked: (schema, ui, problems)."""
    schema, problems = read_json(schema_text, "schema")
    ui = None
    if ui_text is not None and ui_text.strip():
        ui, ui_problems = read_json(ui_text, "ui")
        problems += ui_problems
    if schema is not None:
        problems += schema_problems(schema)
    return schema, ui, problems


def _uses(info: VersionInfo, name: str) -> tuple[dict[str, bytes], sources.FormUse]:
    files = dict(current_engine().version_files(info.id))
    if name not in files or not sources.is_form(name):
        raise NotFound()
    use = sources.form_uses(files.items()).get(name) or sources.FormUse(name)
    return files, use


def _page(info: VersionInfo, name: str, schema_text: str, ui_text: str | None, **extra: Any) -> str:
    files, use = _uses(info, name)
    schema, ui, problems = check(schema_text, ui_text)
    preview_html = render_preview(schema, ui) if schema is not None and not problems else ""
    return render_template(
        "processes/form.html",
        info=info,
        name=name,
        use=use,
        schema_text=schema_text,
        ui_text=ui_text,
        targets=deploying.form_targets(name),
        latest=queries.version_rows(info.process_id)[0].info,
        preview_html=preview_html,
        **extra,
    )


@bp.get("/processen/<process_id>/versies/<int:number>/formulieren/<path:name>")
def form(process_id: str, number: int, name: str) -> str:
    info = queries.version(process_id, number)
    files, use = _uses(info, name)
    ui_text = files[use.ui].decode("utf-8") if use.ui and use.ui in files else None
    return _page(info, name, files[name].decode("utf-8"), ui_text, problems=[])


@bp.post("/processen/<process_id>/versies/<int:number>/formulieren/<path:name>")
@allows_uploads
def deploy_form(process_id: str, number: int, name: str) -> Response | tuple[str, int]:
    info = queries.version(process_id, number)
    _files, use = _uses(info, name)
    schema_text = request.form.get("schema", "")
    ui_text = request.form.get("ui") if use.ui else None
    _schema, _ui, problems = check(schema_text, ui_text)
    deployment: list[deploying.Problem] = []
    if not problems:
        change = deploying.FormChange(
            name,
            schema_text.encode("utf-8"),
            use.ui,
            ui_text.encode("utf-8") if ui_text is not None else None,
        )
        try:
            stored = deploying.deploy_form(change, current_user)
        except DeploymentError as error:
            deployment = deploying.problems_of(error)
        else:
            created = [each for each in stored if each.created]
            for each in created:
                flash(deploying.outcome(each), "success")
            if not created:
                flash(_("Geen wijziging: het formulier is al zo uitgerold."), "info")
            return redirect(url_for("processes.process", process_id=process_id), code=303)
    page = _page(info, name, schema_text, ui_text, problems=problems, deployment=deployment)
    return page, 422


def render_preview(schema: dict, ui: dict | None, values: str | None = None) -> str:
    """The form as a caseworker sees it; with ``values`` (urlencoded), checked as on submit."""
    raw = errors = None
    if values is not None:
        data, errors, raw = parse_submission(schema, ui, MultiDict(_pairs(values)))
        try:
            FormValidators().validate(schema, data)
        except FormValidationError as error:
            labels, _choices = field_labels({"preview": {"schema": schema, "ui": ui or {}}})
            form_errors.merge(errors, error.errors, labels)
    fields = build_fields(schema, ui, raw, errors)
    offer_organisations(fields)
    named = _names(fields)
    general = [m for key, found in (errors or {}).items() if key not in named for m in found]
    return render_template(
        "processes/_form_preview.html",
        schema=schema,
        fields=fields,
        general_errors=general,
        submit_label=submit_text(ui),
        checked=raw is not None,
        valid=raw is not None and not errors,
    )


@bp.post("/processen/formulieren/voorbeeld")
def preview() -> Response:
    """JSON ``{"schema": text, "ui": text, "values": urlencoded form data?}`` → the checks and
    the form as caseworkers see it (HTML); with ``values``, validated as on submission."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("schema"), str):
        problem = JsonProblem("schema", _("Er is geen schema meegestuurd."))
        return jsonify(problems=[problem.as_dict()], html=None)
    ui_text = body.get("ui") if isinstance(body.get("ui"), str) else None
    schema, ui, problems = check(body["schema"], ui_text)
    if schema is None or problems:
        return jsonify(problems=[problem.as_dict() for problem in problems], html=None)
    values = body.get("values") if isinstance(body.get("values"), str) else None
    return jsonify(problems=[], html=render_preview(schema, ui, values))


def _pairs(encoded: str) -> list[tuple[str, str]]:
    return parse_qsl(encoded, keep_blank_values=True)


def _names(fields: Iterable[Any]) -> set[str]:
    found: set[str] = set()
    for item in fields:
        found.add(item.name)
        found |= _names(item.children)
    return found
