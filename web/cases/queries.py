"""Named queries over the cases projection. Pages, access control and the API read cases here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Row, Select, exists, func, insert, or_, select, union_all

from engine.db.connect import write_transaction
from web.cases.tables import case_organisations, case_views, cases, provision_statuses
from web.extensions import db


@dataclass(frozen=True)
class Case:
    """One case as the lists and access control see it (a row of the cases projection)."""

    instance_id: int
    business_key: str
    process_id: str
    person_name: str | None
    birth_date: date | None
    prison_code: str | None
    municipality_code: str | None
    probation_office_code: str | None
    uwv_office_code: str | None
    stay_class: str | None
    entry_date: date | None
    expected_release_date: date | None
    release_date: date | None
    status: str
    care_consent: bool
    debts_consent: bool
    started_at: datetime
    updated_at: datetime
    organisations: frozenset[str] = frozenset()

    def has_consent(self, category: str) -> bool:
        return {"care": self.care_consent, "debts": self.debts_consent}.get(category, False)

    @property
    def display_name(self) -> str:
        return self.person_name or self.business_key


def _case(row: Row, organisations: frozenset[str]) -> Case:
    return Case(**row._mapping, organisations=organisations)


def _organisations_of(instance_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {i: set() for i in instance_ids}
    if instance_ids:
        query = select(case_organisations).where(case_organisations.c.instance_id.in_(instance_ids))
        for row in db.session.execute(query):
            found[row.instance_id].add(row.organisation)
    return found


def _with_organisations(rows: list[Row]) -> list[Case]:
    owners = _organisations_of([row.instance_id for row in rows])
    return [_case(row, frozenset(owners[row.instance_id])) for row in rows]


def case_by_key(business_key: str) -> Case | None:
    """The case with this case number (the newest, should two processes share one)."""
    row = db.session.execute(
        select(cases)
        .where(cases.c.business_key == business_key)
        .order_by(cases.c.instance_id.desc())
        .limit(1)
    ).first()
    return _with_organisations([row])[0] if row else None


def case_by_instance(instance_id: int) -> Case | None:
    row = db.session.execute(select(cases).where(cases.c.instance_id == instance_id)).first()
    return _with_organisations([row])[0] if row else None


def _held_by(
    organisations: list[str], conditions: list[ColumnElement[bool]], limit: int, offset: int
) -> Select:
    """A page of the cases held by ``organisations`` meeting ``conditions``, most recently
    changed first.

    An organisation's cases are walked in the index (organisation, updated_at, instance_id) of
    ``case_organisations``, whose ``updated_at`` the projector keeps equal to the case's, so a page
    reads its rows and the ones before it, whatever the other organisations' cases (migration
    0700). Several organisations (not asked by the app's pages, whose users hold one): the first
    ``offset + limit`` of each one's walk, leaving out the cases an earlier organisation of the
    list holds so that each case comes once, put in order together."""
    codes = sorted(set(organisations))
    walks = []
    for index, code in enumerate(codes):
        held = case_organisations.alias(f"held_{index}")
        walk = (
            select(cases, held.c.updated_at.label("held_at"))
            .join_from(held, cases, held.c.instance_id == cases.c.instance_id)
            .where(held.c.organisation == code, *conditions)
        )
        if index:
            earlier = case_organisations.alias(f"earlier_{index}")
            walk = walk.where(
                ~exists().where(
                    earlier.c.instance_id == held.c.instance_id,
                    earlier.c.organisation.in_(codes[:index]),
                )
            )
        walks.append(walk.order_by(held.c.updated_at.desc(), held.c.instance_id.desc()))
    if len(walks) == 1:
        return walks[0].with_only_columns(*cases.c).limit(limit).offset(offset)
    firsts = [walk.limit(offset + limit).subquery(f"first_{i}") for i, walk in enumerate(walks)]
    merged = union_all(*(select(*first.c) for first in firsts)).subquery("held")
    return (
        select(*(merged.c[column.name] for column in cases.c))
        .order_by(merged.c.held_at.desc(), merged.c.instance_id.desc())
        .limit(limit)
        .offset(offset)
    )


def search_cases(
    organisations: list[str] | None,
    *,
    person: str | None = None,
    status: str | None = None,
    limit: int = 25,
    offset: int = 0,
    by_name: bool = True,
) -> list[Case]:
    """Cases held by ``organisations`` (None: all), most recently changed first; ``person``
    matches the name (unless not ``by_name``: pseudonymised lists) or the case number."""
    conditions = []
    if person:
        conditions.append(person_matches(person, by_name=by_name))
    if status:
        conditions.append(cases.c.status == status)
    if organisations is None:
        query = (
            select(cases)
            .where(*conditions)
            .order_by(cases.c.updated_at.desc(), cases.c.instance_id.desc())
        )
        query = query.limit(limit).offset(offset)
    elif not organisations:
        return []
    else:
        query = _held_by(organisations, conditions, limit, offset)
    rows = list(db.session.execute(query))
    return _with_organisations(rows)


def provision_board(instance_id: int) -> dict[tuple[str, str], str]:
    """(moment, provision) -> status for one case."""
    query = select(
        provision_statuses.c.moment, provision_statuses.c.provision, provision_statuses.c.status
    ).where(provision_statuses.c.instance_id == instance_id)
    return {(row.moment, row.provision): row.status for row in db.session.execute(query)}


def insert_case_views(
    *,
    viewed: list[tuple[int, str]],
    user_id: int,
    username: str,
    organisation: str,
    channel: str,
    categories: list[str],
    at: datetime,
    subject: str = "case",
) -> None:
    """Record one look at each case of ``viewed`` (instance id, case number), committed at once
    in a transaction of its own (an audit record must not wait for the page, and on SQLite a
    write on the page's read snapshot can collide with the timer scheduler)."""
    if not viewed:
        return
    common = {
        "user_id": user_id,
        "username": username,
        "organisation": organisation,
        "channel": channel,
        "categories": ",".join(sorted(categories)),
        "at": at,
        "subject": subject,
    }
    rows = [{"instance_id": i, "business_key": key, **common} for i, key in viewed]
    with write_transaction(db.engine) as conn:
        conn.execute(insert(case_views), rows)


def person_matches(person: str, *, by_name: bool = True) -> ColumnElement[bool]:
    """A condition on ``cases`` for a person's name (when ``by_name``) or case number containing
    ``person``."""
    text = person.strip().lower()
    for special in ("\\", "%", "_"):
        text = text.replace(special, "\\" + special)
    pattern = f"%{text}%"
    number = func.lower(cases.c.business_key).like(pattern, escape="\\")
    if not by_name:
        return number
    return or_(func.lower(cases.c.person_name).like(pattern, escape="\\"), number)


def running_cases_like(process_id: str, birth_date: date, name: str) -> list[Case]:
    """Running cases of ``process_id`` of a person with this birth date or this name (case
    insensitive): the candidates for "this person already has an open case" (the BSN is in no
    projection; the caller compares it in each candidate's data)."""
    query = select(cases).where(
        cases.c.process_id == process_id,
        cases.c.status == "running",
        or_(
            cases.c.birth_date == birth_date,
            func.lower(cases.c.person_name) == name.strip().lower(),
        ),
    )
    return _with_organisations(list(db.session.execute(query.limit(200))))
