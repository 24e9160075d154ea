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
from engine.clock import AMSTERDAM
from web import form_errors
from web.access import can_claim, can_complete, can_unclaim, can_work_task, record_case_view
from web.cases import fields
from web.cases.diagram import version_forms
from web.cases.page import field_labels
from web.deadlines import due_state, working_days_note
from web.engine_access import current_engine
from web.inbox.remembered import inbox_url
from web.model_texts import localized_forms, localized_tasks, task_form
from web.models import display_names, organisation_names, organisation_options
from web.privacy import CaseView, task_view
from web.security import safe_redirect_target
from web.tasks import context
from web.tasks.context import recorded_facts
from web.tasks.formschema import Field, Raw, build_fields, parse_submission, submit_text

bp = Blueprint("tasks", __name__, template_folder="templates")


def _form_of(task: TaskInfo) -> dict[str, Any] | None:
    return task_form(task)


def _labels(task: TaskInfo) -> dict[str, str]:
    """The titles of the fields of the task's process version, in the user's language: the
    errors name another field (a date that may not precede it) by them."""
    titles, _choices = field_labels(localized_forms(version_forms(task.version_id)))
    return titles


def _render(
    task: TaskInfo,
    view: CaseView,
    *,
    raw: Raw | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    engine = current_engine()
    case = view.case
    form = _form_of(task) if can_complete(current_user, task) else None
    known = engine.instance(task.instance_id).data
    data = view.data(known)  # what this user may see (web/privacy): also what prefills the form
    field_list: list[Field] = []
    if form:
        today = engine.clock.now().astimezone(AMSTERDAM).date()
        field_list = build_fields(form["schema"], form.get("ui"), raw, errors, data, today)
        offer_organisations(field_list, form["schema"])
        show_recorded(field_list, recorded_facts(form["schema"], data))
    named = _field_names(field_list)
    general = [m for key, found in (errors or {}).items() if key not in named for m in found]
    names = display_names({n for n in (task.claimed_by, task.completed_by) if n})
    tasks = localized_tasks(engine.tasks(instance_id=task.instance_id, status=None, limit=1000))
    forms = localized_forms(view.forms)
    codes = fields.organisations(known) | {t.organisation for t in tasks if t.organisation}
    org_names = organisation_names(codes)
    page = render_template(
        "tasks/show.html",
        task=task,
        case=case,
        holder=org_names.get(task.organisation or "") if task.organisation else None,
        situation=context.situation(view, data, forms, org_names),
        reports=context.reports(view, task, tasks, data, forms, org_names),
        stay_labels=fields.STAY_CLASS_LABELS,
        inbox_url=inbox_url(),
        working_days_note=working_days_note(engine.calendar),
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
        provision=fields.provision_of_step(task.bpmn_id),
        provision_labels=fields.PROVISION_LABELS,
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


def show_recorded(field_list: list[Field], recorded: Mapping[str, Any]) -> None:
    """Fields whose fact the registration recorded (``recorded``) are shown, not asked again:
    ``complete`` sends the recorded value along."""
    for item in field_list:
        if item.name in recorded:
            value = recorded[item.name]
            item.read_only = True
            item.value = "true" if value is True else "false" if value is False else str(value)
            item.help = _("Vastgelegd bij de registratie van de binnenkomst.")


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
    return _render(task, view)


@bp.post("/taken/<task_id>/oppakken")
@login_required
def claim(task_id: str) -> Response:
    task, _view = task_view(current_user, task_id)
    if task.status != "ready":  # a colleague completed it, or the case moved on, meanwhile
        flash(_("Deze taak is intussen door iemand anders opgepakt of afgerond."), "error")
        return redirect(inbox_url(), code=303)
    if not can_work_task(current_user, task):
        abort(403)
    try:
        current_engine().claim(task.id, current_user.username)
    except ConflictError:
        flash(_("Deze taak is intussen door iemand anders opgepakt of afgerond."), "error")
        return redirect(inbox_url(), code=303)
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
    target = safe_redirect_target(request.form.get("next"), inbox_url())
    return redirect(target, code=303)


@bp.post("/taken/<task_id>/afronden")
@login_required
def complete(task_id: str) -> Response | tuple[str, int]:
    task, view = task_view(current_user, task_id)
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
        known = current_engine().instance(task.instance_id).data
        data.update(recorded_facts(form["schema"], known))
        # Every rule in one round: the schema's and the cross-field ones against the case data
        # (a date before the entry), as the engine checks them on completion.
        try:
            validate_form_data(form["schema"], data, known)
        except FormValidationError as exc:
            form_errors.merge(errors, exc.errors, _labels(task))
    if errors:
        return _render(task, view, raw=raw, errors=errors, status=422)
    try:
        current_engine().complete(task.id, data, current_user.username)
    except FormValidationError as exc:
        worded = form_errors.worded(exc.errors, _labels(task))
        return _render(task, view, raw=raw, errors=worded, status=422)
    except ConflictError:
        flash(_("Deze taak is intussen door iemand anders opgepakt of afgerond."), "error")
        return redirect(url_for("tasks.show", task_id=task.id), code=303)
    flash(_("De taak ‘%(name)s’ is afgerond.", name=task.name), "success")
    return redirect(inbox_url(), code=303)
