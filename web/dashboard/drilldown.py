"""The cases behind a dashboard number, a page at a time, only those the user may see
(web/access.py). Each query walks an index in the order shown, tie-breaker included, and stops
after the page (web/dashboard/tables.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from engine.clock import AMSTERDAM
from web.cases import fields
from web.cases.tables import case_organisations, cases, provision_statuses
from web.dashboard.queries import Filters
from web.dashboard.tables import deadline_facts, task_facts
from web.extensions import db

WITHOUT = ("not_arranged", "in_progress")


@dataclass(frozen=True)
class CaseRow:
    instance_id: int
    business_key: str
    person_name: str | None
    prison_code: str | None
    municipality_code: str | None
    when: date | datetime | None


def _month_start(month: str) -> date:
    return date.fromisoformat(month + "-01")


def _after_month(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    return date(year + number // 12, number % 12 + 1, 1)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), AMSTERDAM)


def _visible(query: Select, organisations: list[str] | None) -> Select:
    """Only cases one of ``organisations`` holds, checked per case walked (its key in
    case_organisations). The OFFSET 0 keeps PostgreSQL from turning the check into a join with
    every case of the organisations, read before the first row (and so growing with the cases):
    a subquery with an OFFSET is never made a semi-join."""
    if organisations is None:
        return query
    held = (
        select(case_organisations.c.instance_id)
        .where(
            case_organisations.c.instance_id == cases.c.instance_id,
            case_organisations.c.organisation.in_(organisations),
        )
        .offset(0)
    )
    return query.where(held.exists())


def _dimensions(prison: Any, municipality: Any, filters: Filters) -> list[ColumnElement[bool]]:
    found = []
    if filters.prisons is not None:
        found.append(prison.in_(filters.prisons))
    if filters.municipalities is not None:
        found.append(municipality.in_(filters.municipalities))
    return found


_CASE_COLUMNS = (
    cases.c.instance_id,
    cases.c.business_key,
    cases.c.person_name,
    cases.c.prison_code,
    cases.c.municipality_code,
)


def _rows(query: Select, limit: int, offset: int) -> list[CaseRow]:
    return [
        CaseRow(
            r.instance_id, r.business_key, r.person_name, r.prison_code, r.municipality_code, r.when
        )
        for r in db.session.execute(query.limit(limit).offset(offset))
    ]


def deadline_cases(
    filters: Filters,
    kind: str,
    met: bool,
    month: str | None,
    visible: list[str] | None,
    limit: int,
    offset: int,
) -> list[CaseRow]:
    """Cases whose deadline of ``kind`` (last day in the period, or in ``month``) was met or
    missed, latest first."""
    f = deadline_facts
    first, last = (month, month) if month else (filters.start, filters.end)
    query = (
        select(*_CASE_COLUMNS, f.c.due_on.label("when"))
        .join(cases, cases.c.instance_id == f.c.instance_id)
        .where(
            f.c.kind == kind,
            f.c.status == ("met" if met else "missed"),
            f.c.due_on >= _month_start(first).isoformat(),
            f.c.due_on < _after_month(last).isoformat(),
            *_dimensions(f.c.prison, f.c.municipality, filters),
        )
        .order_by(f.c.due_on.desc(), f.c.instance_id.desc())
    )
    return [
        CaseRow(
            r.instance_id,
            r.business_key,
            r.person_name,
            r.prison_code,
            r.municipality_code,
            date.fromisoformat(r.when) if isinstance(r.when, str) else r.when,
        )
        for r in _rows(_visible(query, visible), limit, offset)
    ]


def element_cases(
    filters: Filters,
    process_id: str,
    bpmn_id: str,
    state: str,
    organisation: str | None,
    on: date,
    visible: list[str] | None,
    limit: int,
    offset: int,
) -> list[CaseRow]:
    """Cases at an element: its task "open" now, "te-laat" (open past its last day), "afgerond"
    in the period, or "afgerond-te-laat"."""
    t = task_facts
    conditions = [
        t.c.bpmn_id == bpmn_id,
        t.c.process_id == process_id,
        *_dimensions(t.c.prison, t.c.municipality, filters),
    ]
    if organisation is not None:
        conditions.append(t.c.organisation == organisation)
    # Each status's facts have indexes of their own (..., bpmn_id, due_at and task_id, or
    # completed_at) that give this order (the ties of a completion time sorted after reading
    # them; web/dashboard/tables.py).
    if state in ("open", "te-laat"):
        conditions.append(t.c.status == "open")
        if state == "te-laat":
            conditions.append(t.c.due_at <= _moment(on))
        when = t.c.due_at
        order = (t.c.due_at.asc(), t.c.task_id.asc())
    else:
        conditions += [
            t.c.status == "completed",
            t.c.completed_at >= _moment(_month_start(filters.start)),
            t.c.completed_at < _moment(_after_month(filters.end)),
        ]
        if state == "afgerond-te-laat":
            conditions.append(t.c.overdue.is_(True))
        when = t.c.completed_at
        order = (t.c.completed_at.desc(), t.c.task_id.desc())
    query = (
        select(*_CASE_COLUMNS, when.label("when"))
        .join(cases, cases.c.instance_id == t.c.instance_id)
        .where(*conditions)
        .order_by(*order)
    )
    return _rows(_visible(query, visible), limit, offset)


def outcome_cases(
    filters: Filters,
    provision: str | None,
    moment: str,
    status: str,
    stay_class: str | None,
    visible: list[str] | None,
    limit: int,
    offset: int,
) -> list[CaseRow]:
    """People released in the period with a status for a provision at a moment: a status,
    "zonder" (not arranged or in progress) or "gemeten" (any known one).

    With a provision, the statuses' rows carry the release date (migration 0600) and their index
    gives the moment's and provision's rows in release-date order (the cases of one day are put
    in order after reading them), the status checked in the index: cases without a status at the
    moment (at six months: everyone released in the last six months) are not read. Walking the
    cases by release date and looking each one's status up read some 24,700 cases for 26 rows
    at 150,000 cases."""
    conditions = [
        *_dimensions(cases.c.prison_code, cases.c.municipality_code, filters),
    ]
    if stay_class is not None:
        conditions.append(
            cases.c.stay_class.is_(None) if stay_class == "" else cases.c.stay_class == stay_class
        )
    released, instance = cases.c.release_date, cases.c.instance_id
    query = select(*_CASE_COLUMNS)
    if provision is not None:
        p = provision_statuses
        query = query.join(
            p,
            (p.c.instance_id == cases.c.instance_id)
            & (p.c.moment == moment)
            & (p.c.provision == provision),
        )
        if status == "zonder":
            conditions.append(p.c.status.in_(WITHOUT))
        elif status == "gemeten":
            conditions.append(p.c.status != "unknown")
        else:
            conditions.append(p.c.status == status)
        if moment in fields.MONITOR_KEYS:  # rows that carry the release date
            released, instance = p.c.release_date, p.c.instance_id
    conditions += [
        released >= _month_start(filters.start),
        released < _after_month(filters.end),
    ]
    query = (
        query.add_columns(released.label("when"))
        .where(*conditions)
        .order_by(released.desc(), instance.desc())
    )
    return _rows(_visible(query, _unless_held(filters, visible)), limit, offset)


def _unless_held(filters: Filters, visible: list[str] | None) -> list[str] | None:
    """``visible``, or None when the filters select only cases whose own prison or municipality
    (a party the case holds, web/cases/projection.py) is visible anyway: a prison's or a
    municipality's manager. Without the check the database walks the release-date index in order
    and stops after the page; with it PostgreSQL joins every case of the organisation first."""
    if visible is None:
        return None
    for chosen in (filters.prisons, filters.municipalities):
        if chosen is not None and set(chosen) <= set(visible):
            return None
    return visible
