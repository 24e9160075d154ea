"""The management dashboard: bottlenecks on the process diagram, deadline compliance and the
outcome monitor, with CSV of every table and drill-down to the cases behind a number. For
managers, scoped by web/access.py (dashboard_scope)."""

from __future__ import annotations

import json
from contextlib import nullcontext
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required

from web.access import record_views, visible_organisations
from web.cases.diagram import diagrams, file_content, ordered_for
from web.cases.registration import main_process
from web.csvexport import csv_response, requested_variant
from web.dashboard import page_bottlenecks, page_cases, page_deadlines, page_monitor
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
from web.engine_access import current_engine
from web.models import organisation_names
from web.privacy import list_classes, masks_names

bp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/dashboard",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

PAGE_SIZE = 25
CSV_LIMIT = 10_000


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
    """Links to the cases behind a number; none where they would be selected by a class of
    data the user may not see (web/dashboard/page_cases.py refuses those). The user's classes
    and the page's address once per page: a deadlines page at national scale has about 1,000
    numbers."""
    allowed = list_classes(current_user)
    base = url_for("dashboard.cases")

    def link(**args: Any) -> str | None:
        if page_cases.selects_hidden(allowed, args):
            return None
        return f"{base}?{urlencode(choice.args(**args))}"

    return link


def _bottlenecks(choice: Choice, filters: Filters, names: dict[str, str]) -> tuple:
    process_id = main_process()
    version_id = page_cases.latest_version(process_id)
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
        totals=page_deadlines.totals(page),
        norm_text=page_deadlines.norm_label(page.norm),
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
    """Any table of the dashboard as CSV with the page's filters: for Excel (labels in the
    user's language, semicolons, decimal comma) or, with ``format=raw``, for analysts (codes,
    English column names, commas, decimal point); web/csvexport.py."""
    choice, filters, context = _context()
    variant = requested_variant(request.args)
    with force_locale("en") if variant.raw else nullcontext():
        table = next(
            (t for t in _tables_of(name, choice, filters, context["org_names"]) if t.name == name),
            None,
        )
        if table is None:
            abort(404)
        rows = table.csv_rows(raw=variant.raw)
    return csv_response(rows, f"{name}-{choice.start}-{choice.end}.csv", variant)


@bp.get("/zaken")
@login_required
def cases() -> str:
    """The cases behind a number, within the user's scope and access rights (web/privacy)."""
    choice, filters, context = _context()
    page_arg = request.args.get("pagina", "1")
    number = max(int(page_arg), 1) if page_arg.isdigit() else 1
    visible = visible_organisations(current_user)
    drill = page_cases.build(
        current_user,
        request.args,
        choice,
        filters,
        visible,
        PAGE_SIZE + 1,
        (number - 1) * PAGE_SIZE,
    )
    rows = drill.rows[:PAGE_SIZE]
    record_views(current_user, [(r.instance_id, r.business_key) for r in rows], subject="drilldown")
    names = context["org_names"]
    codes = {c for row in rows for c in (row.prison_code, row.municipality_code) if c}
    back = {"stap": "dashboard.bottlenecks", "termijn": "dashboard.deadlines"}.get(
        drill.kind, "dashboard.monitor"
    )
    return render_template(
        "dashboard/cases.html",
        section=None,
        title=drill.title,
        rows=rows,
        has_next=len(drill.rows) > PAGE_SIZE,
        page_number=number,
        when_label=drill.when_label,
        back_url=url_for(back, **choice.args()),
        csv_url=url_for("dashboard.cases_csv", **request.args.to_dict()),
        csv_raw_url=url_for("dashboard.cases_csv", **{**request.args.to_dict(), "format": "raw"}),
        pseudonymised=masks_names(current_user),
        case_org_names={**names, **organisation_names(codes - set(names))},
        **context,
    )


def _as_shown(when: date | datetime | None) -> str:
    """A date as the page shows it (Amsterdam time for a moment), which Dutch Excel reads."""
    if when is None:
        return ""
    if isinstance(when, datetime):
        return format_datetime(when, "dd-MM-yyyy HH:mm")
    return format_date(when, "dd-MM-yyyy")


@bp.get("/zaken.csv")
@login_required
def cases_csv() -> Response:
    """Every case behind a number as CSV: case number, organisations and date (no names for the
    roles that see cases pseudonymised); each case listed is recorded as viewed. For Excel with
    organisation names and Dutch dates, or (``format=raw``) with codes and ISO dates."""
    choice, filters, context = _context()
    variant = requested_variant(request.args)
    visible = visible_organisations(current_user)
    with force_locale("en") if variant.raw else nullcontext():
        drill = page_cases.build(current_user, request.args, choice, filters, visible, CSV_LIMIT, 0)
        header = [_("Zaak"), _("Persoon"), _("Inrichting"), _("Gemeente"), drill.when_label]
    record_views(
        current_user, [(r.instance_id, r.business_key) for r in drill.rows], subject="export"
    )
    codes = {c for row in drill.rows for c in (row.prison_code, row.municipality_code) if c}
    names = {**context["org_names"], **organisation_names(codes - set(context["org_names"]))}
    rows: list[list[object]] = [header]
    for row in drill.rows:
        orgs = [row.prison_code or "", row.municipality_code or ""]
        if variant.raw:
            when = row.when.isoformat() if row.when is not None else ""
        else:
            when = _as_shown(row.when)
            orgs = [names.get(code, code) for code in orgs]
        rows.append([row.business_key, row.person_name or "", *orgs, when])
    return csv_response(rows, f"zaken-{choice.start}-{choice.end}.csv", variant)


@bp.get("/diagram/<int:version_id>/<path:name>")
@login_required
def diagram(version_id: int, name: str) -> Response:
    """The BPMN XML the heatmap is drawn on, from the stored deployment."""
    current_scope()
    content = file_content(version_id, name)
    if content is None:
        abort(404)
    return Response(content, mimetype="application/xml")
