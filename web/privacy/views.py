"""Privacy pages: who viewed a case ("Wie heeft deze zaak ingezien") and the AVG export of
everything held about the person of a case (JSON)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from web.access import case_for, record_views, require, user_organisation_kind, user_roles
from web.cases import fields
from web.cases.diagram import version_forms
from web.engine_access import current_engine
from web.models import display_names, organisation_names
from web.privacy.audit import may_export, may_see_viewers, person_export, views_of
from web.privacy.classes import CLASS_LABELS
from web.privacy.policy import case_view

bp = Blueprint("privacy", __name__, template_folder="templates")


@bp.get("/zaken/<business_key>/inzage")
@login_required
def viewers(business_key: str) -> str:
    """Who viewed this case, when, what and which classes of data were shown."""
    case = case_for(current_user, business_key)
    require(may_see_viewers(user_roles(current_user)))
    rows = views_of(case.instance_id)
    instance = current_engine().instance(case.instance_id)
    view = case_view(current_user, case, forms=version_forms(instance.version_id))
    # Which classes each viewer was shown, as far as this user may know them: that someone saw
    # care data says that consent was recorded.
    shown = {
        row.id: [
            str(CLASS_LABELS[c])
            for c in (row.categories.split(",") if row.categories else [])
            if c in CLASS_LABELS and view.shows(c)
        ]
        for row in rows
    }
    return render_template(
        "privacy/viewers.html",
        case=view.case,
        pseudonymised=view.pseudonymised,
        rows=rows,
        shown=shown,
        names=display_names({row.username for row in rows}),
        org_names=organisation_names({row.organisation for row in rows}),
    )


@bp.get("/zaken/<business_key>/avg-inzage.json")
@login_required
def export(business_key: str) -> Response:
    """Everything held about the person of this case (every case with their BSN) as JSON, for
    an AVG request for access; only for who works cases of the prison or municipality and sees
    the person's identity. Every exported case is recorded as viewed."""
    case = case_for(current_user, business_key)
    engine = current_engine()
    instance = engine.instance(case.instance_id)
    tasks = engine.tasks(instance_id=case.instance_id, limit=1000)
    view = case_view(current_user, case, tasks, version_forms(instance.version_id))
    require(
        may_export(
            user_roles(current_user), user_organisation_kind(current_user), view.shows("identity")
        )
    )
    bsn = fields.text(instance.data, fields.BSN)
    require(bsn is not None)
    found, exported = person_export(engine, bsn or "", engine.clock.now())
    record_views(current_user, exported, subject="avg-export", categories=view.shown_special)
    return Response(
        json.dumps(found, default=str, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="avg-inzage-{business_key}.json"'},
    )
