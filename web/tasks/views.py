"""A task: its page with the form from its JSON Schema, and claim, unclaim and complete (POST,
CSRF-protected). A form that does not validate comes back with the errors at the fields and
everything typed kept; nothing changes then (architecture principle 10)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import (
    ConflictError,
    FormValidationError,
    TaskInfo,
    organisation_kind,
    validate_form_data,
)
from web.access import can_claim, can_complete, can_unclaim, can_work_task, record_case_view
from web.cases import fields as case_fields
from web.cases.queries import Case
from web.deadlines import due_state
from web.engine_access import current_engine
from web.model_texts import task_form
from web.models import display_names, organisation_options
from web.privacy import task_view
from web.security import safe_redirect_target
from web.tasks.formschema import Field, Raw, build_fields, parse_submission, submit_text

bp = Blueprint("tasks", __name__, template_folder="templates")


def _form_of(task: TaskInfo) -> dict[str, Any] | None:
    return task_form(task)


def _render(
    task: TaskInfo,
    case: Case,
    *,
    raw: Raw | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    engine = current_engine()
    form = _form_of(task) if can_complete(current_user, task) else None
    field_list: list[Field] = []
    if form:
        known = engine.instance(task.instance_id).data
        field_list = build_fields(form["schema"], form.get("ui"), raw, errors, known)
        offer_organisations(field_list, form["schema"])
    named = _field_names(field_list)
    general = [m for key, found in (errors or {}).items() if key not in named for m in found]
    names = display_names({n for n in (task.claimed_by, task.completed_by) if n})
    page = render_template(
        "tasks/show.html",
        task=task,
        case=case,
        form=form,
        fields=field_list,
        errors=errors or {},
        general_errors=general,
        due=due_state(task.due_at, engine.clock.now(), engine.calendar),
        names=names,
        may_claim=can_claim(current_user, task),
        may_unclaim=can_unclaim(current_user, task),
        may_complete=can_complete(current_user, task),
        may_work=can_work_task(current_user, task),
        provision=case_fields.provision_of_step(task.bpmn_id),
        provision_labels=case_fields.PROVISION_LABELS,
        calendar_description=engine.calendar.description,
        submit_label=submit_text(form.get("ui")) if form else None,
    )
    return page, status


def offer_organisations(field_list: list[Field], schema: Mapping[str, Any] | None = None) -> None:
    """Free-text fields for an organisation code (``"x-organisation": "probation"`` in
    ``schema``, or a party's key such as ``..._municipality_code``) become a choice of the known
    organisations of that kind. A code typed earlier that is not known stays shown; the engine
    refuses it on completion (engine/runtime/organisations.py)."""
    properties = (schema or {}).get("properties") or {}
    for item in field_list:
        kind = organisation_kind(item.name, properties.get(item.name))
        if item.kind != "text" or item.read_only or kind is None:
            continue
        options = [(code, label) for code, label in organisation_options(kind)]
        if item.value and item.value not in {code for code, _label in options}:
            options.append((str(item.value), str(item.value)))
        item.kind = "select"
        item.options = options


def _field_names(field_list: list) -> set[str]:
    names = set()
    for item in field_list:
        names.add(item.name)
        names.update(_field_names(item.children))
    return names


@bp.get("/taken/<task_id>")
@login_required
def show(task_id: str) -> tuple[str, int]:
    task, view = task_view(current_user, task_id)
    record_case_view(current_user, view.case, categories=view.shown_special, subject="task")
    return _render(task, view.case)


@bp.post("/taken/<task_id>/oppakken")
@login_required
def claim(task_id: str) -> Response:
    task, _view = task_view(current_user, task_id)
    if not can_work_task(current_user, task):
        abort(403)
    try:
        current_engine().claim(task.id, current_user.username)
    except ConflictError:
        flash(_("Deze taak is intussen door iemand anders opgepakt of afgerond."), "error")
        return redirect(url_for("inbox.index"), code=303)
    flash(_("U heeft de taak ‘%(name)s’ opgepakt.", name=task.name), "success")
    return redirect(url_for("tasks.show", task_id=task.id), code=303)


@bp.post("/taken/<task_id>/vrijgeven")
@login_required
def unclaim(task_id: str) -> Response:
    task, _view = task_view(current_user, task_id)
    if not can_unclaim(current_user, task):
        abort(403)
    try:
        current_engine().unclaim(task.id, current_user.username)
    except ConflictError:
        flash(_("Deze taak is intussen afgerond of vrijgegeven."), "error")
        return redirect(url_for("tasks.show", task_id=task.id), code=303)
    flash(_("De taak ‘%(name)s’ is vrijgegeven voor uw collega's.", name=task.name), "success")
    target = safe_redirect_target(request.form.get("next"), url_for("inbox.index"))
    return redirect(target, code=303)


@bp.post("/taken/<task_id>/afronden")
@login_required
def complete(task_id: str) -> Response | tuple[str, int]:
    task, view = task_view(current_user, task_id)
    case = view.case
    if not can_complete(current_user, task):
        if task.status != "ready" or task.claimed_by not in (None, current_user.username):
            flash(_("Deze taak is intussen door iemand anders opgepakt of afgerond."), "error")
            return redirect(url_for("tasks.show", task_id=task.id), code=303)
        abort(403)
    form = _form_of(task)
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    raw: Raw = {}
    if form is not None:
        data, errors, raw = parse_submission(form["schema"], form.get("ui"), request.form)
        try:
            validate_form_data(form["schema"], data)
        except FormValidationError as exc:
            for name, messages in exc.errors.items():
                if name not in errors:
                    errors[name] = messages
    if errors:
        return _render(task, case, raw=raw, errors=errors, status=422)
    try:
        current_engine().complete(task.id, data, current_user.username)
    except FormValidationError as exc:
        return _render(task, case, raw=raw, errors=exc.errors, status=422)
    except ConflictError:
        flash(_("Deze taak is intussen door iemand anders opgepakt of afgerond."), "error")
        return redirect(url_for("tasks.show", task_id=task.id), code=303)
    flash(_("De taak ‘%(name)s’ is afgerond.", name=task.name), "success")
    return redirect(url_for("inbox.index"), code=303)
