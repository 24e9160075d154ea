"""The incident console (Camunda Cockpit's incidents, for process owners): the cases in error per
process, version and element with the error in plain words; one case with its failed element on
the diagram, its variables, correcting a variable with a reason (audited by the engine) and
retry; and retrying many cases at once, after a fix or after moving them to a fixed version."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.wrappers import Response

from engine import ConflictError, InstanceInfo, NotFoundError, VersionInfo
from web.access import can_manage_processes, record_views, require
from web.cases.diagram import diagrams, highlights, ordered_for
from web.engine_access import current_engine, dashboard_feed
from web.extensions import login_manager
from web.incidents.explain import Explanation, explain
from web.incidents.retrying import retry_cases
from web.processes.migration import explain as explain_reason

bp = Blueprint("incidents", __name__, template_folder="templates")

MAX_REASON = 500


@bp.before_request
def only_process_owners() -> Response | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require(can_manage_processes(current_user))
    return None


@dataclass
class Group:
    """Cases of one version that failed at one element."""

    version: VersionInfo
    element: str | None
    element_name: str
    explanation: Explanation
    cases: list[InstanceInfo] = field(default_factory=list)
    newer: list[VersionInfo] = field(default_factory=list)


def explanation_of(instance: InstanceInfo) -> Explanation:
    return explain(instance.error_code, instance.error_params, instance.error_message)


def _groups(found: list[InstanceInfo]) -> list[Group]:
    engine = current_engine()
    by_id = {info.id: info for info in engine.versions()}
    groups: dict[tuple[int, str | None], Group] = {}
    for instance in found:
        key = (instance.version_id, instance.error_element)
        if key not in groups:
            version = by_id[instance.version_id]
            names = diagrams(instance.version_id).names
            groups[key] = Group(
                version=version,
                element=instance.error_element,
                element_name=names.get(instance.error_element or "", instance.error_element or ""),
                explanation=explanation_of(instance),
                newer=sorted(
                    (
                        v
                        for v in by_id.values()
                        if v.process_id == version.process_id and v.version > version.version
                    ),
                    key=lambda v: -v.version,
                ),
            )
        groups[key].cases.append(instance)
    return list(groups.values())


@bp.get("/incidenten")
def index() -> str:
    engine = current_engine()
    return render_template(
        "incidents/index.html",
        groups=_groups(engine.incidents()),
        dashboard=dashboard_feed(engine).state(),
    )


@bp.get("/incidenten/<int:instance_id>")
def show(instance_id: int) -> str:
    engine = current_engine()
    try:
        instance = engine.instance(instance_id)
    except NotFoundError as exc:
        raise BadRequest() from exc
    if instance.status != "error":
        # The console shows a case's variables to fix it: only while it is in error, and
        # recorded as a view of its data (docs/ui.md, privacy).
        raise NotFound()
    record_views(current_user, [(instance.id, instance.business_key)], subject="incident")
    version = next(v for v in engine.versions(instance.process_id) if v.id == instance.version_id)
    described = diagrams(instance.version_id)
    done, _active = highlights(engine.element_states(instance_id))
    failed = [instance.error_element] if instance.error_element else []
    return render_template(
        "incidents/show.html",
        instance=instance,
        version=version,
        explanation=explanation_of(instance),
        element_name=described.names.get(instance.error_element or "", instance.error_element),
        variables=[(name, _shown(value)) for name, value in sorted(instance.data.items())],
        diagram_files=ordered_for(list(described.files), instance.process_id),
        highlight_json=json.dumps({"done": [d for d in done if d not in failed], "error": failed}),
    )


@bp.post("/incidenten/<int:instance_id>/gegevens")
def change_variable(instance_id: int) -> Response:
    name = request.form.get("name", "").strip()
    raw = request.form.get("value", "")
    reason = request.form.get("reason", "").strip()[:MAX_REASON]
    back = redirect(url_for("incidents.show", instance_id=instance_id), code=303)
    if not name or not name.isidentifier() or name.startswith("_"):
        flash(_("Geef de naam van een variabele (letters, cijfers en _)."), "error")
        return back
    if not reason:
        flash(_("Geef een reden: de wijziging komt met de reden in de audittrail."), "error")
        return back
    try:
        current_engine().update_case_data(
            instance_id, {name: _parsed(raw)}, user=current_user.username, reason=reason
        )
    except ConflictError:
        flash(_("Deze zaak staat niet (meer) in fout; er is niets gewijzigd."), "error")
    else:
        flash(_("Variabele ‘%(name)s’ is gewijzigd.", name=name), "success")
    return back


@bp.post("/incidenten/<int:instance_id>/opnieuw")
def retry(instance_id: int) -> Response:
    outcome = retry_cases([instance_id], None, current_user.username)
    if outcome.continued:
        flash(_("De zaak loopt weer."), "success")
    elif outcome.failed:
        flash(_("De zaak liep opnieuw vast; zie de fout hieronder."), "error")
    else:
        flash(_("Deze zaak staat niet (meer) in fout."), "error")
    return redirect(url_for("incidents.show", instance_id=instance_id), code=303)


@bp.post("/incidenten/opnieuw")
def retry_many() -> Response:
    ids = sorted({int(v) for v in request.form.getlist("case") if v.isdigit()})
    target = request.form.get("naar", "")
    if not ids:
        flash(_("Kies minstens één zaak."), "error")
        return redirect(url_for("incidents.index"), code=303)
    try:
        outcome = retry_cases(ids, int(target) if target.isdigit() else None, current_user.username)
    except NotFoundError as exc:
        raise BadRequest() from exc
    continued, failed = outcome.continued, outcome.failed
    if continued:
        message = ngettext("%(num)d zaak loopt weer.", "%(num)d zaken lopen weer.", len(continued))
        flash(message, "success")
    if failed:
        message = ngettext(
            "%(num)d zaak liep opnieuw vast.", "%(num)d zaken liepen opnieuw vast.", len(failed)
        )
        flash(message, "error")
    names = diagrams(int(target)).names if outcome.refused else {}
    for _instance_id, key, reasons in outcome.refused:
        worded = "; ".join(explain_reason(reason, names) for reason in reasons)
        flash(_("Zaak %(key)s kon niet naar die versie: %(reasons)s", key=key, reasons=worded))
    return redirect(url_for("incidents.index"), code=303)


def _parsed(raw: str) -> Any:
    """A typed value: JSON when it reads as JSON (numbers, true/false, null, lists, objects,
    quoted text), else the text as typed."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
