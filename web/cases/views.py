"""Cases: the list, registering an entry (melding binnenkomst), starting a case of another
process with a start form, the case page and its diagrams."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine import ConflictError, FormValidationError, NotFoundError, validate_form_data
from web import form_errors
from web.access import (
    can_register_entry,
    can_start,
    case_for,
    record_case_view,
    record_views,
    require,
    user_organisation_kind,
    user_roles,
    visible_organisations,
)
from web.cases import fields
from web.cases import page as case_page
from web.cases.diagram import diagrams, file_content, highlights, ordered_for, version_forms
from web.cases.plausibility import OpenCase, implausible, open_cases
from web.cases.queries import provision_board, search_cases
from web.cases.registration import EntryForm, main_process, register_entry, start_case, today
from web.cases.starting import find, start_data, startable
from web.deadlines import working_days_note
from web.engine_access import current_engine
from web.model_texts import localized_forms, localized_tasks
from web.models import display_names, organisation_names
from web.privacy import case_view, masks_names, pseudonymised
from web.privacy.audit import may_export, may_see_viewers
from web.privacy.classes import CLASS_LABELS
from web.tasks.formschema import build_fields, parse_submission, submit_text

bp = Blueprint("cases", __name__, template_folder="templates")

PAGE_SIZE = 25
STATUS_LABELS = {
    "running": _l("Lopend"),
    "completed": _l("Afgerond"),
    "error": _l("Fout in het proces"),
}


@bp.get("/zaken")
@login_required
def index() -> str:
    organisations = visible_organisations(current_user)
    require(organisations != [])
    person = request.args.get("persoon", "").strip()[:100] or None
    status = request.args.get("status") if request.args.get("status") in STATUS_LABELS else None
    page_arg = request.args.get("pagina", "1")
    page = max(int(page_arg), 1) if page_arg.isdigit() else 1
    masked = masks_names(current_user)
    rows = search_cases(
        organisations,
        person=person,
        status=status,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
        by_name=not masked,
    )
    if masked:
        rows = [pseudonymised(row) for row in rows]
    else:  # names and birth dates shown: a view of each listed case
        listed = [(row.instance_id, row.business_key) for row in rows[:PAGE_SIZE]]
        record_views(current_user, listed, categories=["identity"], subject="list")
    codes = {c for row in rows for c in (row.prison_code, row.municipality_code) if c}
    return render_template(
        "cases/index.html",
        cases=rows[:PAGE_SIZE],
        has_next=len(rows) > PAGE_SIZE,
        page=page,
        person=person,
        status=status,
        org_names=organisation_names(codes),
        stay_labels=fields.STAY_CLASS_LABELS,
        national=organisations is None,
        may_start=bool(startable(current_user)),
        pseudonymised=masked,
    )


@bp.route("/zaken/nieuw", methods=["GET", "POST"])
@login_required
def register() -> str | Response | tuple[str, int]:
    require(can_register_entry(current_user))
    form = EntryForm()
    existing: list[OpenCase] = []
    warnings: list[str] = []
    if form.validate_on_submit():
        existing = open_cases(
            main_process(), form.bsn.data, form.birth_date.data, form.name.data, current_user
        )
        warnings = implausible(
            today(), form.birth_date.data, form.entry_date.data, form.expected_release_date.data
        )
        if (existing or warnings) and not request.form.get("bevestigd"):
            page = render_template(
                "cases/register.html",
                form=form,
                prison=current_user.organisation,
                existing=existing,
                warnings=warnings,
            )
            return page, 422
        try:
            instance = register_entry(
                form.start_data(current_user.organisation.code), current_user.username
            )
        except NotFoundError:
            flash(
                _("Het nazorgproces is nog niet in gebruik genomen. Vraag de procesbeheerder."),
                "error",
            )
        except ConflictError:
            flash(_("Er kon geen nieuw zaaknummer worden gemaakt. Probeer het opnieuw."), "error")
        else:
            key = instance.business_key
            flash(
                _("Melding binnenkomst geregistreerd onder zaaknummer %(key)s.", key=key), "success"
            )
            return redirect(url_for("cases.show", business_key=key), code=303)
    return render_template(
        "cases/register.html", form=form, prison=current_user.organisation, existing=[], warnings=[]
    )


@bp.get("/zaken/starten")
@login_required
def start_list() -> str:
    return render_template(
        "cases/start_list.html", processes=startable(current_user), main_process=main_process()
    )


@bp.route("/zaken/starten/<process_id>", methods=["GET", "POST"])
@login_required
def start_process(process_id: str) -> Response | tuple[str, int]:
    try:
        form = current_engine().start_form(process_id)
    except NotFoundError:
        abort(404)
    if form is None:
        abort(404)
    require(can_start(current_user, form))
    if process_id == main_process():
        return redirect(url_for("cases.register"), code=303)
    process = find(current_user, process_id)
    if process is None:
        abort(404)
    form = process.form  # its texts in the user's language
    labels, _choices = case_page.field_labels({"start": {"schema": form.schema, "ui": form.ui}})
    raw = None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors, raw = parse_submission(form.schema, form.ui, request.form)
        try:
            validate_form_data(form.schema, data)
        except FormValidationError as exc:
            form_errors.merge(errors, exc.errors, labels)
        if not errors:
            code = current_user.organisation.code
            try:
                case = start_case(process_id, start_data(form, data, code), current_user.username)
            except FormValidationError as exc:
                errors = form_errors.worded(exc.errors, labels)
            except ConflictError:
                flash(
                    _("Er kon geen nieuw zaaknummer worden gemaakt. Probeer het opnieuw."), "error"
                )
            else:
                key = case.business_key
                flash(
                    _(
                        "%(name)s gestart onder zaaknummer %(key)s.",
                        name=process.info.name,
                        key=key,
                    ),
                    "success",
                )
                return redirect(url_for("cases.show", business_key=key), code=303)
    field_list = build_fields(form.schema, form.ui, raw, errors, {})
    named = {item.name for item in field_list}
    general = [m for key, found in errors.items() if key not in named for m in found]
    page = render_template(
        "cases/start.html",
        process=process,
        fields=field_list,
        general_errors=general,
        submit_label=submit_text(form.ui),
    )
    return page, 422 if errors else 200


@bp.get("/zaken/<business_key>")
@login_required
def show(business_key: str) -> str:
    case = case_for(current_user, business_key)
    engine = current_engine()
    instance = engine.instance(case.instance_id)
    tasks = engine.tasks(instance_id=case.instance_id, status=None, limit=1000)
    timers = engine.timers(case.instance_id)
    events = engine.events(case.instance_id)
    described = diagrams(instance.version_id)
    element_names = described.names
    forms = version_forms(instance.version_id)
    view = case_view(current_user, case, tasks, forms)
    record_case_view(current_user, case, categories=view.shown_special)
    shown_tasks = localized_tasks(view.tasks(tasks))
    shown_timers = view.timers(timers)
    events = view.events(events, tasks)

    done, active = highlights(engine.element_states(case.instance_id))
    codes = fields.organisations(instance.data) | {t.organisation for t in tasks if t.organisation}
    data = view.data(instance.data)
    hidden = view.hidden_provisions
    return render_template(
        "cases/show.html",
        case=view.case,
        pseudonymised=view.pseudonymised,
        may_see_viewers=may_see_viewers(user_roles(current_user)),
        may_export=may_export(
            user_roles(current_user), user_organisation_kind(current_user), view.shows("identity")
        ),
        instance=instance,
        bsn=fields.text(data, fields.BSN),
        show_bsn=view.shows("identity"),
        has_minor_children=data.get(fields.HAS_MINOR_CHILDREN),
        release_info=data.get(fields.RELEASE_INFO),
        board=case_page.board(provision_board(case.instance_id), hidden),
        moments=[(m, fields.MOMENT_LABELS[m]) for m in fields.MOMENTS],
        status_label=case_page.status_label,
        hidden=view.hidden_classes,
        hidden_labels=[str(CLASS_LABELS[c]) for c in view.hidden_classes],
        # The parties' deadlines are their tasks'; the process's own timers are no deadline
        # of anyone's (they show in the timeline when they fire).
        deadlines=case_page.deadlines(
            shown_tasks, [], element_names, engine.clock.now(), engine.calendar
        ),
        remarks=fields.text(data, fields.REMARKS),
        timeline=case_page.timeline(
            events,
            shown_tasks,
            shown_timers,
            element_names,
            display_names({e.actor for e in events}),
        ),
        details=case_page.details(data, localized_forms(forms)),
        org_names=organisation_names(codes),
        stay_labels=fields.STAY_CLASS_LABELS,
        diagram_files=ordered_for(list(described.files), instance.process_id),
        highlight_json=json.dumps({"done": view.elements(done), "active": view.elements(active)}),
        case_status_labels=STATUS_LABELS,
        working_days_note=working_days_note(engine.calendar),
    )


@bp.get("/zaken/<business_key>/diagram/<path:name>")
@login_required
def diagram(business_key: str, name: str) -> Response:
    case = case_for(current_user, business_key)
    instance = current_engine().instance(case.instance_id)
    content = file_content(instance.version_id, name)
    if content is None:
        abort(404)
    response = Response(content, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
