"""Cases in the JSON API: the list, registering a detention, a case with its provisions and
deadlines, its timeline, and the prison's messages about the release."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from flask import Response, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import ServiceUnavailable

from engine import NotFoundError
from engine.clock import AMSTERDAM
from web.access import (
    CaseNotFound,
    can_register_entry,
    can_send_message,
    case_for,
    record_case_view,
    record_views,
    visible_organisations,
)
from web.api.core import (
    api_user,
    bp,
    forbidden,
    json_body,
    load_body,
    load_query,
    not_found,
    page_of,
    path_key,
    respond,
    window,
)
from web.api.resources import CaseDetailOut, CaseListOut, CaseOut, EventListOut
from web.api.schemas import (
    IMMEDIATE_RELEASE,
    RELEASE_DATE_CHANGED,
    CaseQuery,
    EntrySchema,
    load_message,
)
from web.cases import fields, registration
from web.cases import page as case_page
from web.cases.diagram import diagrams, version_forms
from web.cases.projection import case_row
from web.cases.queries import Case, provision_board, search_cases
from web.engine_access import current_engine
from web.model_texts import localized_forms, localized_tasks
from web.models import User, display_names
from web.privacy import case_view, masks_names, pseudonymised


def visible_case(user: User, case_number: str) -> Case:
    """The case, if ``user`` may see it; else 404, the same as for a case that does not exist."""
    key = path_key(case_number)
    try:
        if key is None:
            raise CaseNotFound()
        return case_for(user, key)
    except CaseNotFound:
        raise not_found(_("Er is geen zaak met dit zaaknummer die u mag zien.")) from None


@bp.get("/cases")
def list_cases() -> Response:
    user = api_user()
    organisations = visible_organisations(user)
    if organisations == []:
        raise forbidden(_("Uw rollen geven geen toegang tot zaken."))
    query = load_query(CaseQuery())
    limit, offset = window(query)
    masked = masks_names(user)
    rows = search_cases(
        organisations,
        person=(query.get("person") or "").strip() or None,
        status=query.get("status"),
        limit=limit,
        offset=offset,
        by_name=not masked,
    )
    if masked:
        rows = [pseudonymised(row) for row in rows]
    else:  # names and birth dates shown: a view of each listed case
        listed = [(row.instance_id, row.business_key) for row in rows[: query["per_page"]]]
        record_views(user, listed, channel="api", categories=["identity"], subject="list")
    return respond(CaseListOut(), page_of(rows, query))


@bp.post("/cases")
def register_case() -> Response:
    """The entry notification: starts the main process for a new detention."""
    user = api_user()
    if not can_register_entry(user):
        raise forbidden(_("Alleen een casemanager van een inrichting meldt een detentie aan."))
    entry = load_body(EntrySchema())
    data = registration.entry_start_data(prison_code=user.organisation.code, **entry)
    try:
        instance = registration.register_entry(data, user.username)
    except NotFoundError:
        raise ServiceUnavailable(
            _("Het nazorgproces is nog niet in gebruik genomen. Vraag de procesbeheerder.")
        ) from None
    key = instance.business_key
    location = url_for("api.get_case", case_number=key)
    return respond(CaseOut(), case_row(instance), 201, {"Location": location})


@bp.get("/cases/<case_number>")
def get_case(case_number: str) -> Response:
    """The case page's content; records the view, with the special data shown."""
    user = api_user()
    case = visible_case(user, case_number)
    engine = current_engine()
    instance = engine.instance(case.instance_id)
    tasks = engine.tasks(instance_id=case.instance_id, status=None, limit=1000)
    forms = version_forms(instance.version_id)
    view = case_view(user, case, tasks, forms)
    record_case_view(user, case, channel="api", categories=view.shown_special)
    shown_tasks = localized_tasks(view.tasks(tasks))
    timers = [
        timer for timer in engine.timers(case.instance_id) if view.shows_element(timer.bpmn_id)
    ]
    titles, _choices = case_page.field_labels(localized_forms(forms))
    names = diagrams(instance.version_id).names
    data = view.data(instance.data)
    release_info = data.get(fields.RELEASE_INFO)
    detail = {
        **asdict(view.case),
        "bsn": fields.text(data, fields.BSN),
        "has_minor_children": data.get(fields.HAS_MINOR_CHILDREN),
        "release_info": release_info if isinstance(release_info, Mapping) else None,
        "provisions": [
            _provision(row)
            for row in case_page.board(provision_board(case.instance_id), view.hidden_provisions)
        ],
        "deadlines": case_page.deadlines(
            shown_tasks, timers, names, engine.clock.now(), engine.calendar
        ),
        "tasks": shown_tasks,
        "data": case_page.entered_data(data, titles),
        "hidden_categories": view.hidden_classes,
        "pseudonymised": view.pseudonymised,
    }
    return respond(CaseDetailOut(), detail)


def _provision(row: case_page.BoardRow) -> dict[str, Any]:
    cells = dict(row.cells)
    statuses = {moment: cells.get(moment) for moment in ("entry", "now", "release")}
    statuses["six_months"] = cells.get("6m")
    return {
        "provision": row.provision,
        "label": row.label,
        "shielded": row.shielded,
        "statuses": statuses,
    }


@bp.get("/cases/<case_number>/events")
def case_events(case_number: str) -> Response:
    """The timeline: the case's audit events, newest first, without those about data the user
    may not see; records the view."""
    user = api_user()
    case = visible_case(user, case_number)
    engine = current_engine()
    instance = engine.instance(case.instance_id)
    tasks = engine.tasks(instance_id=case.instance_id, status=None, limit=1000)
    view = case_view(user, case, tasks, version_forms(instance.version_id))
    record_case_view(user, case, channel="api", categories=view.shown_special, subject="timeline")
    events = view.events(engine.events(case.instance_id), tasks)
    entries = case_page.timeline(
        events,
        localized_tasks(view.tasks(tasks)),
        view.timers(engine.timers(case.instance_id)),
        diagrams(instance.version_id).names,
        display_names({event.actor for event in events}),
    )
    return respond(EventListOut(), {"items": entries})


@bp.post("/cases/<case_number>/messages")
def send_message(case_number: str) -> Response:
    """A message from the prison about the release, delivered to the case that waits for it."""
    user = api_user()
    case = visible_case(user, case_number)
    if not can_send_message(user, case):
        raise forbidden(_("Alleen een casemanager van de inrichting van de zaak stuurt berichten."))
    message = load_message(json_body())
    name = message["name"]
    payload = _payload(name, message["payload"], case)
    # A case that does not wait for it (any more) is the engine's 409, worded by web/errors.py
    instance = current_engine().send_message(name, case.business_key, payload, user=user.username)
    return respond(CaseOut(), case_row(instance))


def _payload(name: str, payload: dict[str, Any], case: Case) -> dict[str, Any]:
    """The payload as the model reads it (dates as YYYY-MM-DD), after the checks the model's
    script would otherwise fail on (a failed script puts the case in error)."""
    problems: dict[str, list[str]] = {}
    if name == RELEASE_DATE_CHANGED and payload.get("expected_release_date"):
        problem = registration.release_date_problem(
            payload["expected_release_date"], case.entry_date
        )
        if problem:
            problems["payload.expected_release_date"] = [str(problem)]
    if name == IMMEDIATE_RELEASE and payload.get("release_date"):
        day = payload["release_date"]
        if case.entry_date is not None and day < case.entry_date:
            problems["payload.release_date"] = [
                _("De datum van invrijheidstelling ligt vóór de datum van binnenkomst.")
            ]
        elif day > current_engine().clock.now().astimezone(AMSTERDAM).date():
            problems["payload.release_date"] = [
                _("Een directe invrijheidstelling ligt niet in de toekomst.")
            ]
    if problems:
        raise ValidationError(problems)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in payload.items()}
