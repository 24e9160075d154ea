"""The case list (web/cases/queries.py, search_cases) walks each organisation's cases in
``case_organisations`` (migration 0700): the same rows in the same order as the check of every
case's organisations it replaced, ties on the time of the last change included, with filters,
pages and several organisations per case and per list; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from tests.web.support import start_case
from web.cases.projection import write_case
from web.cases.queries import search_cases
from web.cases.tables import case_organisations, cases
from web.engine_access import current_engine
from web.extensions import db
from web.simulation.queries import register_missing_organisations

PRISONS = ["PI-ZWL", "PI-ZWL", "PI-VUG", "PI-ZWL", "PI-VUG", "PI-ALM"]
ADDED = [
    ("PI-VUG", "PI Vught", "prison"),
    ("PI-ALM", "PI Almere", "prison"),
    ("GM0518", "Gemeente Den Haag", "municipality"),
]
MUNICIPALITIES = ["GM0363", "GM0599", "GM0363", "GM0363", "GM0518", "GM0599"]


def checked_every_case(
    organisations: list[str], status: str | None, limit: int, offset: int
) -> list[str]:
    """The case list as it was before migration 0700: every case in order, each one's
    organisations checked."""
    held = sa.exists().where(
        case_organisations.c.instance_id == cases.c.instance_id,
        case_organisations.c.organisation.in_(organisations),
    )
    query = sa.select(cases.c.business_key).where(held)
    if status:
        query = query.where(cases.c.status == status)
    query = query.order_by(cases.c.updated_at.desc(), cases.c.instance_id.desc())
    return list(db.session.execute(query.limit(limit).offset(offset)).scalars())


def test_the_list_by_organisation_keeps_the_order_of_every_case_checked(
    web_app: Flask, clock
) -> None:
    with web_app.app_context():
        register_missing_organisations(db.engine, ADDED)
    # Twelve cases started in pairs at the same moment (ties), some changed later, one closed.
    for number in range(12):
        if number % 2 == 0:
            clock.advance(timedelta(minutes=1))
        start_case(
            web_app,
            f"NZ-{number:02d}",
            name=f"Persoon {number % 3}",
            prison_code=PRISONS[number % 6],
            municipality_code=MUNICIPALITIES[(number * 5) % 6],
        )
    with web_app.app_context():
        engine = current_engine()
        clock.advance(timedelta(minutes=1))
        for key in ("NZ-01", "NZ-06", "NZ-07"):  # moved to the top, NZ-06 and NZ-07 tied
            (task,) = engine.tasks(business_key=key)
            engine.complete(task.id, {"entry_date": "2026-05-04", "stay_days": 40}, "mmd")
        clock.advance(timedelta(minutes=1))
        closing = engine.instance_by_key("NZ-03")
        closed = replace(closing, status="completed", updated_at=clock.now())
        with db.engine.begin() as conn:  # the rebuild's path: dates the rows it keeps
            write_case(conn, closed)
        rows = db.session.execute(
            sa.select(case_organisations.c.updated_at, cases.c.updated_at).join(
                cases, cases.c.instance_id == case_organisations.c.instance_id
            )
        ).all()
        assert len(rows) == 24 and all(held == case for held, case in rows)

        lists = [["PI-ZWL"], ["GM0363"], ["PI-ZWL", "GM0363"], ["GM0599", "PI-VUG", "PI-ALM"]]
        lists += [["PI-ALM", "GM0518"], ["XX-NONE"], ["XX-NONE", "GM0518"]]
        compared = 0
        for organisations in lists:
            for status in (None, "running", "completed"):
                for limit, offset in ((25, 0), (2, 0), (2, 1), (3, 3), (5, 10)):
                    found = search_cases(organisations, status=status, limit=limit, offset=offset)
                    expected = checked_every_case(organisations, status, limit, offset)
                    assert [c.business_key for c in found] == expected, (
                        organisations,
                        status,
                        limit,
                        offset,
                    )
                    compared += bool(expected)
        assert compared > 40
        every = [c.business_key for c in search_cases(["PI-ZWL", "GM0363", "PI-VUG"], limit=5)]
        assert every[:4] == ["NZ-03", "NZ-07", "NZ-06", "NZ-01"]
        named = search_cases(["PI-ZWL", "GM0363"], person="persoon 1")
        assert {c.person_name for c in named} == {"Persoon 1"}
        assert [c.business_key for c in named] == [
            k for k in checked_every_case(["PI-ZWL", "GM0363"], None, 25, 0) if int(k[3:]) % 3 == 1
        ]
        assert search_cases([]) == []


def walks(web_app: Flask, organisations: list[str], **filters: str) -> list[str]:
    """PostgreSQL's plan for the page ``search_cases`` asks, costed as if every table were large
    (a sequential scan or a sort only when no index can answer)."""
    sent: list[tuple[str, object]] = []

    def keep(_conn: object, _cur: object, statement: str, parameters: object, *_: object) -> None:
        if " LIMIT " in statement.upper():
            sent.append((statement, parameters))

    with web_app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", keep)
        try:
            search_cases(organisations, **filters)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", keep)
        ((statement, parameters),) = sent
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            conn.exec_driver_sql("SET enable_sort = off")
            return [r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters)]


def test_a_page_walks_the_organisations_cases_only(web_app: Flask, database_url: str) -> None:
    # Fails with the check of every case's organisations: its plan walks all cases in order
    # (an index scan on cases without a condition) and stops only after a page was found.
    if not database_url.startswith("postgresql"):
        return  # SQLite's plans without statistics say nothing about a large table
    start_case(web_app, "NZ-A")
    for organisations, filters in (
        (["PI-ZWL"], {}),
        (["GM0363"], {"status": "running"}),
        (["PI-ZWL", "GM0363"], {}),
    ):
        plan = walks(web_app, organisations, **filters)
        text = "\n".join(plan)
        assert "ix_case_organisations_updated" in text, text
        for number, line in enumerate(plan):
            if re.search(r"Scan\b.* on cases\b", line):
                assert "Index Cond: " in plan[number + 1], text  # never all cases
            if len(organisations) == 1:
                assert not re.match(r"\s*(->\s+)?Sort\b", line), text
