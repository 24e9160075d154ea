"""The inbox's counts and step choices (web/inbox/queries.py): exact up to the cap and "1.000+"
beyond it, current at every request (a task that just arrived is counted and listed at once), and
on PostgreSQL read through indexes of the unclaimed open tasks that stop after the cap, the page
or one entry per step, whatever the organisation holds (issue 15)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, session
from flask.testing import FlaskClient

from tests.web.support import start_case, task_ids, to_screening
from web.extensions import db
from web.i18n import SESSION_KEY
from web.inbox import queries
from web.inbox.queries import Count
from web.inbox.views import shown

Client = Callable[[str], FlaskClient]
COUNT = re.compile(r'<span class="count">([^<]*)</span>')


def tab_counts(client: FlaskClient, query: str = "") -> tuple[str, str]:
    mine, free = COUNT.findall(client.get("/taken?" + query).get_data(as_text=True))
    return mine, free


def step_options(page: str) -> list[str]:
    select = page[
        page.index('id="filter-step"') : page.index("</select>", page.index("filter-step"))
    ]
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


def test_counts_are_exact_up_to_the_cap_and_capped_beyond(
    web_app: Flask, sign_in: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    client = sign_in("mmd")
    for number in range(3):
        start_case(web_app, f"NZ-{number}", name=f"Persoon {number}")
    assert tab_counts(client) == ("0", "3")
    start_case(web_app, "NZ-3", name="Persoon 3")
    assert tab_counts(client) == ("0", "3+")
    assert tab_counts(client, "stap=register") == ("0", "3+")
    assert tab_counts(client, "stap=elsewhere") == ("0", "0")
    for task_id in task_ids(client.get("/taken?weergave=vrij").get_data(as_text=True)):
        assert client.post(f"/taken/{task_id}/oppakken").status_code == 303
    assert tab_counts(client) == ("3+", "0")
    assert len(task_ids(client.get("/taken").get_data(as_text=True))) == 4  # the list is not capped


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nl", ["999", "1.000", "1.000+"]), ("en", ["999", "1,000", "1,000+"])],
)
def test_a_capped_count_in_each_language(
    web_app: Flask, language: str, expected: list[str]
) -> None:
    with web_app.test_request_context("/taken"):
        session[SESSION_KEY] = language
        counts = [Count(999, False), Count(1000, False), Count(1000, True)]
        assert [shown(count) for count in counts] == expected


def test_a_task_that_just_arrived_is_counted_and_shown_at_once(
    web_app: Flask, sign_in: Client
) -> None:
    client = sign_in("mmd")
    empty = client.get("/taken").get_data(as_text=True)
    assert (
        COUNT.findall(empty) == ["0", "0"] and 'href="/taken?weergave=mijn" aria-current' in empty
    )
    start_case(web_app, "NZ-NEW", name="Nieuw Binnen")
    page = client.get("/taken").get_data(as_text=True)  # the next request, no waiting
    assert COUNT.findall(page) == ["0", "1"] and "Nieuw Binnen" in page
    assert 'aria-current="page">Niet toegewezen' in page  # the tab with work opens
    assert step_options(page) == ["register"]


def test_the_step_choices_are_the_unclaimed_steps_and_the_users_own(
    web_app: Flask, sign_in: Client
) -> None:
    to_screening(web_app, "NZ-A", name="Anna de Wit")
    to_screening(web_app, "NZ-B", name="Bert Zwart")
    ams, ams2 = sign_in("ams"), sign_in("ams2")
    every = step_options(ams.get("/taken").get_data(as_text=True))
    assert "screen_housing" in every and len(every) == len(set(every))
    page = ams2.get("/taken?weergave=vrij&stap=screen_housing").get_data(as_text=True)
    for task_id in task_ids(page):
        assert ams2.post(f"/taken/{task_id}/oppakken").status_code == 303
    # only a colleague holds them now: a filter on that step would show ams nothing
    assert "screen_housing" not in step_options(ams.get("/taken").get_data(as_text=True))
    assert "screen_housing" in step_options(ams2.get("/taken").get_data(as_text=True))
    assert set(step_options(ams2.get("/taken").get_data(as_text=True))) == set(every)


@pytest.fixture
def inbox_statements(web_app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """The statements on human_tasks sent while the test runs, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        head = statement.lstrip().upper()
        if head.startswith(("SELECT", "WITH")) and "FROM human_tasks" in statement:
            seen.append((statement, parameters))

    with web_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", keep)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", keep)


def organisation_scans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's reads of human_tasks that no Limit below ``plan`` stops, other than the index
    of a user's claimed tasks (read as far as the user holds tasks)."""
    found = [
        scan
        for child in plan.get("Plans", [])
        if child["Node Type"] != "Limit"
        for scan in organisation_scans(child)
    ]
    own = plan.get("Index Name") == "ix_human_tasks_claimed"
    if plan.get("Relation Name") == "human_tasks" and not own:
        found.append(plan)
    return found


def unbounded_reads(plan: dict[str, Any], limited: bool = False) -> list[str]:
    """The plan's reads of human_tasks that could go on through the organisation's open tasks: a
    scan with no Limit above it, one that checks rows outside its index condition, or a sort of
    what such a scan read."""
    limited = limited or plan["Node Type"] == "Limit"
    found = []
    scanned = plan.get("Relation Name") == "human_tasks" and plan in organisation_scans(plan)
    if scanned and (not limited or "Filter" in plan or "Index Name" not in plan):
        found.append(json.dumps({k: v for k, v in plan.items() if k != "Plans"}))
    if plan["Node Type"].endswith("Sort") and organisation_scans(plan):
        found.append(plan["Node Type"])
    for child in plan.get("Plans", []):
        found += unbounded_reads(child, limited)
    return found


def test_every_read_of_the_inbox_stops_after_the_cap_the_page_or_a_step(
    web_app: Flask, sign_in: Client, database_url: str, inbox_statements: list[tuple[str, Any]]
) -> None:
    # Fails with the counts per step of every open task of the organisation (a GroupAggregate
    # over the organisation's index entries, no Limit) and with a page sorted after reading.
    if not database_url.startswith("postgresql"):
        return  # SQLite's plans without statistics say nothing about a large table
    to_screening(web_app, "NZ-A", name="Anna de Wit")
    to_screening(web_app, "NZ-B", name="Bert Zwart")
    client = sign_in("ams")
    first = task_ids(client.get("/taken?weergave=vrij").get_data(as_text=True))[0]
    assert client.post(f"/taken/{first}/oppakken").status_code == 303
    inbox_statements.clear()
    for query in ("", "weergave=vrij", "weergave=vrij&stap=screen_housing", "weergave=mijn"):
        assert client.get("/taken?" + query).status_code == 200
    # a manager works two task roles (manager, team_lead): one ordered walk per role, merged
    assert sign_in("pi.lead").get("/taken?weergave=vrij").status_code == 200
    assert len(inbox_statements) >= 15  # at least the counts and a page, five times
    with web_app.app_context(), db.engine.connect() as conn:
        # costs as if the table were large: a sequential scan or a sort only when nothing else can
        conn.exec_driver_sql("SET enable_seqscan = off")
        conn.exec_driver_sql("SET enable_sort = off")
        for statement, parameters in inbox_statements:
            explained = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters)
            plan = explained.scalar_one()[0]["Plan"]
            assert unbounded_reads(plan) == [], statement
