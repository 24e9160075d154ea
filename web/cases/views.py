"""Cases: the list, registering an entry (melding binnenkomst), the case page and its diagrams."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine import ConflictError, NotFoundError
from web.access import (
    can_register_entry,
    case_for,
    may_see,
    record_case_view,
    require,
    visible_organisations,
)
from web.cases import fields
from web.cases import page as case_page
from web.cases.diagram import diagrams, file_content, highlights, ordered_for, version_forms
from web.cases.queries import provision_board, search_cases
from web.cases.registration import EntryForm, register_entry
from web.engine_access import current_engine
from web.models import display_names, organisation_names

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
    rows = search_cases(
        organisations,
        person=person,
        status=status,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
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
    )


@bp.route("/zaken/nieuw", methods=["GET", "POST"])
@login_required
def register() -> str | Response:
    require(can_register_entry(current_user))
    form = EntryForm()
    if form.validate_on_submit():
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
    return render_template("cases/register.html", form=form, prison=current_user.organisation)


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
    hidden = {c for c in fields.SPECIAL_CATEGORIES if not may_see(current_user, case, c)}
    show_bsn = may_see(current_user, case, "bsn")
    shown = sorted(set(fields.SPECIAL_CATEGORIES) - hidden) + (["bsn"] if show_bsn else [])
    record_case_view(current_user, case, categories=shown)

    done, active = highlights(engine.element_states(case.instance_id))
    codes = fields.organisations(instance.data) | {t.organisation for t in tasks if t.organisation}
    return render_template(
        "cases/show.html",
        case=case,
        instance=instance,
        bsn=fields.text(instance.data, fields.BSN) if show_bsn else None,
        show_bsn=show_bsn,
        has_minor_children=instance.data.get(fields.HAS_MINOR_CHILDREN),
        release_info=instance.data.get(fields.RELEASE_INFO),
        board=case_page.board(provision_board(case.instance_id), hidden),
        moments=[(m, fields.MOMENT_LABELS[m]) for m in fields.MOMENTS],
        status_label=case_page.status_label,
        hidden=sorted(hidden),
        hidden_labels=[str(fields.CATEGORY_LABELS[c]) for c in sorted(hidden)],
        deadlines=case_page.deadlines(
            tasks, timers, element_names, engine.clock.now(), engine.calendar
        ),
        timeline=case_page.timeline(
            events, tasks, timers, element_names, display_names({e.actor for e in events})
        ),
        details=case_page.details(instance.data, version_forms(instance.version_id), hidden),
        org_names=organisation_names(codes),
        stay_labels=fields.STAY_CLASS_LABELS,
        diagram_files=ordered_for(list(described.files), instance.process_id),
        highlight_json=json.dumps({"done": done, "active": active}),
        case_status_labels=STATUS_LABELS,
        calendar_description=engine.calendar.description,
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
