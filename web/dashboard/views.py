"""The management dashboard: bottlenecks on the process diagram, deadline compliance and the
outcome monitor, with CSV of every table and drill-down to the cases behind a number. For
managers, scoped by web/access.py (dashboard_scope)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from web.access import visible_organisations
from web.cases import fields
from web.cases.diagram import diagrams, file_content, ordered_for
from web.cases.registration import main_process
from web.dashboard import drilldown, page_bottlenecks, page_deadlines, page_monitor
from web.dashboard.definitions import KINDS
from web.dashboard.filters import (
    Choice,
    current_scope,
    filters_for,
    options,
    read_choice,
    scope_label,
    today,
)
from web.dashboard.queries import Filters
from web.dashboard.report import Table
from web.dashboard.tables import MONITOR_MOMENTS, PROVISIONS, STATUSES
from web.engine_access import current_engine
from web.models import organisation_names

bp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/dashboard",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

PAGE_SIZE = 25


def _context() -> tuple[Choice, Filters, dict[str, Any]]:
    scope = current_scope()
    choice = read_choice(request.args, scope, today())
    offered = options(scope)
    names = organisation_names({code for kind in offered.values() for code, _label in kind})
    common = {
        "choice": choice,
        "scope": scope,
        "scope_label": scope_label(scope),
        "offered": offered,
        "calendar_description": current_engine().calendar.description,
    }
    return choice, filters_for(scope, choice), {**common, "org_names": names}


def _linker(choice: Choice) -> Any:
    def link(**args: Any) -> str:
        return url_for("dashboard.cases", **choice.args(**args))

    return link


def _latest_version(process_id: str) -> int | None:
    versions = [v for v in current_engine().versions(process_id)]
    return max(versions, key=lambda v: v.version).id if versions else None


def _bottlenecks(choice: Choice, filters: Filters, names: dict[str, str]) -> tuple:
    process_id = main_process()
    version_id = _latest_version(process_id)
    described = diagrams(version_id) if version_id is not None else None
    element = request.args.get("stap") or None
    page = page_bottlenecks.build(
        filters, process_id, today(), described, element, _linker(choice), names
    )
    files = ordered_for(list(described.files), process_id) if described else []
    return page, version_id, files, element


@bp.get("/")
@login_required
def bottlenecks() -> str:
    choice, filters, context = _context()
    page, version_id, files, element = _bottlenecks(choice, filters, context["org_names"])
    return render_template(
        "dashboard/bottlenecks.html",
        section="bottlenecks",
        page=page,
        element=element,
        element_name=dict(page.choices).get(element, element) if element else None,
        version_id=version_id,
        diagram_files=files,
        heat_json=json.dumps(page.heat),
        show_all=request.args.get("alle") == "1",
        split_chart_json=json.dumps(page.split_chart) if page.split_chart else "",
        **context,
    )


@bp.get("/termijnen")
@login_required
def deadlines() -> str:
    choice, filters, context = _context()
    page = page_deadlines.build(filters, _linker(choice), context["org_names"])
    return render_template(
        "dashboard/deadlines.html",
        section="deadlines",
        page=page,
        kinds=[KINDS[k] for k in KINDS],
        charts={
            "months": json.dumps(page.month_chart),
            "prisons": json.dumps(page.prison_chart),
            "municipalities": json.dumps(page.municipality_chart),
        },
        **context,
    )


@bp.get("/monitor")
@login_required
def monitor() -> str:
    choice, filters, context = _context()
    page = page_monitor.build(filters, _linker(choice), context["org_names"])
    return render_template(
        "dashboard/monitor.html",
        section="monitor",
        page=page,
        chart_json=json.dumps(page.chart),
        **context,
    )


def _tables_of(name: str, choice: Choice, filters: Filters, names: dict[str, str]) -> list[Table]:
    if name.startswith("termijnen-"):
        page = page_deadlines.build(filters, _linker(choice), names)
        return [page.months, page.prisons, page.municipalities]
    if name.startswith("monitor-"):
        found = page_monitor.build(filters, _linker(choice), names)
        return [
            found.provisions,
            found.statuses,
            found.stay_classes,
            found.prisons,
            found.municipalities,
        ]
    bottleneck, *_rest = _bottlenecks(choice, filters, names)
    return [t for t in (bottleneck.table, bottleneck.parties, bottleneck.split) if t is not None]


@bp.get("/csv/<name>.csv")
@login_required
def export(name: str) -> Response:
    """Any table of the dashboard as CSV (UTF-8, comma-separated), with the page's filters."""
    choice, filters, context = _context()
    table = next(
        (t for t in _tables_of(name, choice, filters, context["org_names"]) if t.name == name),
        None,
    )
    if table is None:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.csv_header())
    for row in table.rows:
        writer.writerow([cell.raw for cell in row])
    filename = f"{name}-{choice.start}-{choice.end}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/zaken")
@login_required
def cases() -> str:
    """The cases behind a number, within the user's scope and access rights."""
    choice, filters, context = _context()
    args = request.args
    page_arg = args.get("pagina", "1")
    number = max(int(page_arg), 1) if page_arg.isdigit() else 1
    visible = visible_organisations(current_user)
    window = {"visible": visible, "limit": PAGE_SIZE + 1, "offset": (number - 1) * PAGE_SIZE}
    kind = args.get("soort")
    names = context["org_names"]
    if kind == "stap" and args.get("stap"):
        step = args["stap"]
        state = args.get("toestand", "open")
        if state not in STEP_STATES:
            abort(404)
        version_id = _latest_version(main_process())
        step_name = diagrams(version_id).names.get(step, step) if version_id else step
        org = args.get("org")
        title = _("%(step)s: %(state)s", step=step_name, state=STEP_STATES[state])
        if org is not None:
            title += " — " + organisation_names({org}).get(org, org or _("(geen)"))
        rows = drilldown.element_cases(filters, main_process(), step, state, org, today(), **window)
        when_label = _("Uiterlijk op tijd") if state in ("open", "te-laat") else _("Afgerond")
    elif kind == "termijn" and args.get("termijn") in KINDS:
        deadline = KINDS[args["termijn"]]
        met = args.get("uitkomst") == "op-tijd"
        month = args.get("maand") if args.get("maand", "") <= choice.end else None
        title = f"{deadline.label}: " + (_("op tijd") if met else _("te laat"))
        rows = drilldown.deadline_cases(filters, deadline.code, met, month, **window)
        when_label = _("Laatste dag op tijd")
    elif kind == "monitor" and args.get("moment") in MONITOR_MOMENTS:
        provision = args.get("voorziening") if args.get("voorziening") in PROVISIONS else None
        status = args.get("status", "gemeten")
        if status not in (*STATUSES, "zonder", "gemeten"):
            abort(404)
        stay_class = args.get("klasse")
        stay_class = "" if stay_class == "-" else stay_class
        title = _monitor_title(provision, args["moment"], status)
        rows = drilldown.outcome_cases(
            filters, provision, args["moment"], status, stay_class, **window
        )
        when_label = _("Ontslagen op")
    else:
        abort(404)
    codes = {c for row in rows for c in (row.prison_code, row.municipality_code) if c}
    back = {"stap": "dashboard.bottlenecks", "termijn": "dashboard.deadlines"}.get(
        kind, "dashboard.monitor"
    )
    return render_template(
        "dashboard/cases.html",
        section=None,
        title=title,
        rows=rows[:PAGE_SIZE],
        has_next=len(rows) > PAGE_SIZE,
        page_number=number,
        when_label=when_label,
        back_url=url_for(back, **choice.args()),
        case_org_names={**names, **organisation_names(codes - set(names))},
        **context,
    )


STEP_STATES = {
    "open": _l("nu open"),
    "te-laat": _l("nu te laat"),
    "afgerond": _l("afgerond in de periode"),
    "afgerond-te-laat": _l("te laat afgerond in de periode"),
}


def _monitor_title(provision: str | None, moment: str, status: str) -> str:
    moment_text = str(page_monitor.MOMENT_LABELS[moment])
    if provision is None:
        return _("Ontslagen in de periode, gemeten %(moment)s", moment=moment_text)
    label = str(fields.PROVISION_LABELS[provision])
    if status == "zonder":
        state = _("zonder de voorziening")
    elif status == "gemeten":
        state = _("gemeten")
    else:
        state = str(fields.STATUS_LABELS[status]).lower()
    return f"{label} {moment_text}: {state}"


@bp.get("/diagram/<int:version_id>/<path:name>")
@login_required
def diagram(version_id: int, name: str) -> Response:
    """The BPMN XML the heatmap is drawn on, from the stored deployment."""
    current_scope()
    content = file_content(version_id, name)
    if content is None:
        abort(404)
    return Response(content, mimetype="application/xml")
