"""The cases behind a dashboard number (a page of them, or all as CSV), through the privacy
policy: a manager sees them pseudonymised (case number, no name), and cannot select cases by a
class of data they may not see (a care or debt status, a care task, the RISc)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from web.cases import fields
from web.cases.diagram import diagrams
from web.cases.registration import main_process
from web.dashboard import drilldown, page_monitor
from web.dashboard.definitions import KINDS
from web.dashboard.filters import Choice, today
from web.dashboard.queries import Filters
from web.dashboard.tables import MONITOR_MOMENTS, PROVISIONS, STATUSES
from web.engine_access import current_engine
from web.models import organisation_names
from web.privacy import list_classes, masks_names
from web.privacy.classes import default_element_class, default_key_class

STEP_STATES = {
    "open": _l("nu open"),
    "te-laat": _l("nu te laat"),
    "afgerond": _l("afgerond in de periode"),
    "afgerond-te-laat": _l("te laat afgerond in de periode"),
}


@dataclass(frozen=True)
class Drill:
    kind: str
    title: str
    when_label: str
    rows: list[drilldown.CaseRow]


def selects_hidden_class(user: Any, args: Mapping[str, Any]) -> bool:
    """Whether a drill-down selects cases by a class ``user`` may not see in lists."""
    return selects_hidden(list_classes(user), args)


def selects_hidden(allowed: frozenset[str], args: Mapping[str, Any]) -> bool:
    """Whether a drill-down selects cases by a class not in ``allowed`` (a user's
    ``list_classes``)."""
    if args.get("soort") == "stap" and args.get("stap"):
        return default_element_class(args["stap"]) not in allowed
    if args.get("soort") == "monitor" and args.get("voorziening") in PROVISIONS:
        return default_key_class(args["voorziening"]) not in allowed
    return False


def latest_version(process_id: str) -> int | None:
    """The newest deployed version of ``process_id`` (the diagram the dashboard draws on)."""
    versions = [v for v in current_engine().versions(process_id)]
    return max((v.id for v in versions), default=None)


def build(
    user: Any,
    args: MultiDict[str, str],
    choice: Choice,
    filters: Filters,
    visible: list[str] | None,
    limit: int,
    offset: int,
) -> Drill:
    """The drill-down ``args`` ask for; 404 for an unknown one, 403 for one by a hidden class."""
    if selects_hidden_class(user, args):
        abort(403)
    window = {"visible": visible, "limit": limit, "offset": offset}
    kind = args.get("soort") or ""
    if kind == "stap" and args.get("stap"):
        step = args["stap"]
        state = args.get("toestand", "open")
        if state not in STEP_STATES:
            abort(404)
        version_id = latest_version(main_process())
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
    if masks_names(user):
        rows = [replace(row, person_name=None) for row in rows]
    return Drill(kind, title, when_label, rows)


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
