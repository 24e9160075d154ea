"""The outcome monitor's drill-down (web/dashboard/drilldown.py, ``outcome_cases``): the people
released in the period with a status, latest release first, a page at a time and only what the
user may see; a single status is read from its own rows in release-date order (migration 0600),
on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from bench.dashboard_data import Filler
from tests.web.support import start_case
from web.dashboard import drilldown
from web.dashboard.queries import Filters
from web.extensions import db

PERIOD = Filters("2026-05", "2026-07")


def released(app: Flask, key: str, on: str, housing: str, **data: Any) -> None:
    start_case(app, key, release_date=on, monitor_release={"housing": housing}, **data)


def keys(rows: list[drilldown.CaseRow]) -> list[str]:
    return [row.business_key for row in rows]


def test_one_status_gives_the_released_cases_latest_first_a_page_at_a_time(
    web_app: Flask,
) -> None:
    released(web_app, "NZ-A", "2026-06-10", "not_arranged", monitor_entry={"housing": "arranged"})
    released(web_app, "NZ-B", "2026-06-10", "not_arranged")  # same day: the later case first
    released(web_app, "NZ-C", "2026-05-02", "not_arranged", municipality_code="GM0599")
    released(web_app, "NZ-D", "2026-06-20", "arranged")
    released(web_app, "NZ-E", "2026-08-01", "not_arranged")  # after the period
    start_case(web_app, "NZ-F", monitor_entry={"housing": "arranged"})  # not released

    def drill(status: str, moment: str = "release", **window: Any) -> list[drilldown.CaseRow]:
        arguments = {"visible": None, "limit": 25, "offset": 0, **window}
        return drilldown.outcome_cases(PERIOD, "housing", moment, status, None, **arguments)

    with web_app.app_context():
        rows = drill("not_arranged")
        assert keys(rows) == ["NZ-B", "NZ-A", "NZ-C"]
        assert [row.when for row in rows] == [
            date(2026, 6, 10),
            date(2026, 6, 10),
            date(2026, 5, 2),
        ]
        # The walk of the cases by release date (statuses read per case) gives the same rows.
        assert keys(drill("zonder")) == keys(rows)
        assert keys(drill("not_arranged", limit=1, offset=1)) == ["NZ-A"]
        assert keys(drill("not_arranged", visible=["GM0599"])) == ["NZ-C"]
        assert keys(drill("arranged")) == ["NZ-D"]
        assert keys(drill("arranged", "entry")) == ["NZ-A"]  # NZ-F is not released
        assert keys(drill("not_needed")) == []
        in_class = drilldown.outcome_cases(
            PERIOD, "housing", "release", "not_arranged", "long", None, 25, 0
        )
        assert in_class == []


def plan_of(statement: str, parameters: Any, analyse: bool) -> str:
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # Costs as if the tables were large (tests/web/dashboard/test_query_plans.py): a
            # few hundred cases fit a page or two, which PostgreSQL would rather read whole.
            conn.exec_driver_sql("SET enable_seqscan = off")
            conn.exec_driver_sql("SET enable_sort = off")
            explain = "EXPLAIN (ANALYZE, COSTS OFF) " if analyse else "EXPLAIN "
            lines = conn.exec_driver_sql(explain + statement, parameters)
            return "\n".join(r[0] for r in lines)
        lines = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        return "\n".join(r[3] for r in lines)


@pytest.mark.parametrize("status", ["unknown", "zonder", "gemeten"])
def test_the_drill_down_reads_only_rows_of_its_moment_and_status(
    web_app: Flask, status: str
) -> None:
    # Five years of cases (bench/dashboard_data.py: 2% of the statuses unknown; no six-month
    # status for those released in the last six months), with fresh statistics. Before
    # migration 0600 the drill-down walked the released cases of the period by release date and
    # looked each one's status up: every case released since the last six-month status, and
    # every case without the rare one.
    with web_app.app_context():
        with db.engine.begin() as conn:
            Filler(400, seed=7).fill(conn)
        seen: list[tuple[str, Any]] = []

        def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
            if "provision_statuses" in statement:
                seen.append((statement, parameters))

        everything = Filters("2021-11", "2026-10")
        sa.event.listen(db.engine, "before_cursor_execute", keep)
        try:
            rows = drilldown.outcome_cases(
                everything, "identity_document", "6m", status, None, None, 25, 0
            )
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", keep)
        with db.engine.connect() as conn:
            released_count = conn.execute(
                sa.text("SELECT count(*) FROM cases WHERE release_date IS NOT NULL")
            ).scalar_one()
        ((statement, parameters),) = seen
        plan = plan_of(statement, parameters, analyse=True)
        postgresql = db.engine.dialect.name == "postgresql"
    assert 0 < len(rows) <= 25 and released_count > 300
    assert (len(rows) < 25) == (status == "unknown")
    assert [r.when for r in rows] == sorted((r.when for r in rows), reverse=True)
    assert "ix_provision_statuses_released" in plan, plan
    assert "ix_cases_release_date" not in plan, plan
    if postgresql:
        # Each node reads the rows shown and the rest of the last one's day (actual rows=N per
        # loop), not the cases: a few hundred before migration 0600.
        read = [int(n) for n in re.findall(r"actual .*?rows=(\d+)", plan)]
        assert max(read) <= (len(rows) if len(rows) < 25 else 30), plan
