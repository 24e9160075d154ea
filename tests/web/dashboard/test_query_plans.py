"""Every statement the dashboard pages, their CSV, the drill-downs and the case list send to the
dashboard's tables and the cases projection is served by an index: the database's plan for it
reads one rollup's rows or walks an index in the order shown and stops after the page, never a
whole table, and (PostgreSQL) a page of cases is never sorted (docs/dashboard.md, "Indexes the
pages need"). Asserted on the plans, not on time: this fails when an index a page needs is
dropped (bench/dashboard.py shows what that costs at 150,000 cases)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.web.dashboard.test_views import PERIOD
from web.extensions import db

STEP = {**PERIOD, "soort": "stap", "stap": "entry_notification"}
DEADLINE = {**PERIOD, "soort": "termijn", "termijn": "entry", "uitkomst": "te-laat"}
MONITOR = {**PERIOD, "soort": "monitor", "moment": "release"}
DASHBOARD = [
    ("/dashboard/", PERIOD),
    ("/dashboard/", {**PERIOD, "stap": "entry_notification"}),
    ("/dashboard/termijnen", PERIOD),
    ("/dashboard/monitor", PERIOD),
    ("/dashboard/csv/termijnen-per-maand.csv", PERIOD),
    ("/dashboard/zaken", {**STEP, "toestand": "open"}),
    ("/dashboard/zaken", {**STEP, "toestand": "te-laat"}),
    ("/dashboard/zaken", {**STEP, "toestand": "afgerond"}),
    ("/dashboard/zaken", {**STEP, "toestand": "afgerond-te-laat", "pagina": "2"}),
    ("/dashboard/zaken", DEADLINE),
    ("/dashboard/zaken", {**DEADLINE, "maand": "2026-06"}),
    ("/dashboard/zaken", {**MONITOR, "voorziening": "housing", "status": "zonder"}),
    ("/dashboard/zaken", {**MONITOR, "voorziening": "housing", "status": "not_arranged"}),
    ("/dashboard/zaken", {**MONITOR, "klasse": "short"}),
    ("/dashboard/zaken.csv", DEADLINE),
]
CASE_LIST = [("/zaken", {}), ("/zaken", {"status": "error"}), ("/zaken", {"pagina": "3"})]
WATCHED = re.compile(r"\b(dash_\w+|cases|case_organisations|provision_statuses)\b")


@contextmanager
def statements(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """The statements on the watched tables sent while inside, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and WATCHED.search(statement):
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)


def whole_table_reads(app: Flask, statement: str, parameters: Any) -> list[str]:
    """The plan's steps that read a whole watched table, or sort a page of cases."""
    paged = " LIMIT " in statement.upper()
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # Costs as if every table were large: a sequential scan or a sort is only chosen
            # when no index can answer.
            conn.exec_driver_sql("SET enable_seqscan = off")
            conn.exec_driver_sql("SET enable_sort = off")
            plan = [r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters)]
            conn.exec_driver_sql("RESET enable_seqscan")
            conn.exec_driver_sql("RESET enable_sort")
            return _postgres_problems(plan, paged)
        plan = [r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
    found = []
    for step in plan:
        table = re.match(r"SCAN (\w+)", step)
        if table and WATCHED.fullmatch(table.group(1)) and (not paged or "INDEX" not in step):
            found.append(step)  # a whole table, or (grouped queries) a whole index
    return found  # no sort check: without statistics SQLite's choice of index is a guess


def _postgres_problems(plan: list[str], paged: bool) -> list[str]:
    """Sequential scans of watched tables; index scans without a condition (a whole index) unless
    the statement is a page walking the index in its order; sorts of a page."""
    found = []
    nodes = [i for i, line in enumerate(plan) if i == 0 or "->" in line] + [len(plan)]
    for start, end in zip(nodes, nodes[1:], strict=False):
        node, details = plan[start], plan[start + 1 : end]
        scan = re.search(r"(Seq Scan|Index Scan|Index Only Scan)\b.* on (\w+)", node)
        if scan and WATCHED.fullmatch(scan.group(2)):
            whole = scan.group(1) == "Seq Scan" or not any("Index Cond" in d for d in details)
            if whole and (scan.group(1) == "Seq Scan" or not paged):
                found.append(node)
        if paged and re.match(r"\s*(->\s+)?Sort\b", node):
            found.append(node)
    return found


def test_every_dashboard_and_case_list_statement_uses_an_index(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    asked = [(user, path, args) for user in ("landelijk", "pi.lead") for path, args in DASHBOARD]
    asked += [("ams.manager", path, args) for path, args in DASHBOARD[:5]]
    asked += [(user, path, args) for user in ("landelijk", "mmd") for path, args in CASE_LIST]
    clients = {user: sign_in(user) for user in {user for user, _path, _args in asked}}
    with statements(web_app) as seen:
        for user, path, args in asked:
            response = clients[user].get(path, query_string=args)
            assert response.status_code == 200, (user, path, args)
    assert len(seen) > 40
    problems = {
        statement: found
        for statement, parameters in seen
        if (found := whole_table_reads(web_app, statement, parameters))
    }
    assert not problems, "\n\n".join(f"{s}\n  -> {f}" for s, f in problems.items())
