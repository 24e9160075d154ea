"""The inbox's counts kept a few seconds per web process (web/inbox/counts.py): a colleague's work
shows when they expire, the user's own claim, release and completion at once, in whichever
process the next inbox lands."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from tests.web.support import PASSWORD, build_app, dispose, seed_accounts, task_ids, to_screening
from web.engine_access import current_engine
from web.inbox.counts import CACHE_KEY, CountCache
from web.inbox.queries import StepCount, combined_steps, step_counts


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def workers(database_url: str, clock: ManualClock) -> Iterator[tuple[Flask, Flask, Seconds]]:
    """Two apps on one database with one secret key: two worker processes of `terugkeer serve`,
    each with its own cache on a clock the test moves."""
    seconds = Seconds()
    apps = [build_app(database_url, clock, SECRET_KEY="one-key-for-both") for _ in range(2)]
    seed_accounts(apps[0])
    for app in apps:
        app.extensions[CACHE_KEY] = CountCache(15, clock=seconds)
    yield apps[0], apps[1], seconds
    for app in apps:
        dispose(app)


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/aanmelden", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303
    return client


def same_browser(client: FlaskClient, app: Flask) -> FlaskClient:
    """A client of ``app`` with the cookies of ``client``: the user's next request landing in
    the other worker process."""
    other = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    other.set_cookie("session", cookie.value)
    return other


def shown(client: FlaskClient, query: str = "weergave=vrij") -> tuple[int, int]:
    page = client.get("/taken?" + query).get_data(as_text=True)
    mine, free = re.findall(r'<span class="count">(\d+)</span>', page)
    return int(mine), int(free)


def counted(app: Flask, username: str) -> tuple[int, int]:
    with app.app_context():
        steps = step_counts("GM0363", ["coordinator"], username)
    return sum(s.mine for s in steps), sum(s.unclaimed for s in steps)


def test_a_colleagues_work_shows_when_the_kept_counts_expire(
    workers: tuple[Flask, Flask, Seconds],
) -> None:
    first, second, seconds = workers
    for key in ("NZ-A", "NZ-B", "NZ-C"):
        to_screening(first, key)
    sanne = signed_in(first, "ams")
    assert shown(sanne) == (0, 3)

    colleague = signed_in(second, "ams2")  # in the other process
    task_id = task_ids(colleague.get("/taken?weergave=vrij").get_data(as_text=True))[0]
    assert colleague.post(f"/taken/{task_id}/oppakken").status_code == 303
    assert shown(colleague) == (1, 2)  # the colleague's own claim: at once

    assert shown(sanne) == (0, 3)  # kept in the first process
    seconds.now += 16
    assert shown(sanne) == (0, 2) == counted(first, "ams")


def test_the_users_own_claim_and_completion_show_at_once_in_either_process(
    workers: tuple[Flask, Flask, Seconds],
) -> None:
    first, second, _seconds = workers
    for key in ("NZ-A", "NZ-B"):
        to_screening(first, key)
    in_first = signed_in(first, "ams")
    in_second = same_browser(in_first, second)
    assert shown(in_first) == (0, 2) and shown(in_second) == (0, 2)  # both processes keep them

    task_id = task_ids(in_first.get("/taken?weergave=vrij").get_data(as_text=True))[0]
    assert in_first.post(f"/taken/{task_id}/oppakken").status_code == 303
    in_second = same_browser(in_first, second)
    assert shown(in_second, "weergave=mijn") == (1, 1) == counted(first, "ams")

    done = in_second.post(f"/taken/{task_id}/afronden", data={"has_housing": "true"})
    assert done.status_code == 303 and done.headers["Location"] == "/taken?weergave=mijn"
    in_first = same_browser(in_second, first)
    assert shown(in_first, "weergave=mijn") == counted(first, "ams")
    assert shown(in_first, "weergave=mijn")[0] == 0


def test_the_users_own_tasks_are_counted_afresh_whatever_is_kept(
    workers: tuple[Flask, Flask, Seconds],
) -> None:
    first, _second, _seconds = workers
    to_screening(first, "NZ-A")
    sanne = signed_in(first, "ams")
    assert shown(sanne) == (0, 1)
    with first.app_context():  # claimed outside the web (the API, a script): no page saw it
        engine = current_engine()
        engine.claim(engine.tasks(business_key="NZ-A")[0].id, "ams")
    assert shown(sanne, "weergave=mijn")[0] == 1


def test_the_users_counts_join_the_organisations_steps() -> None:
    shared = [StepCount("a", "A", 1, 0, 5), StepCount("b", "B", 1, 0, 0)]
    mine = [StepCount("b", "B", 2, 3, 0), StepCount("c", "C", 1, 1, 0)]
    assert combined_steps(shared, mine) == [
        StepCount("a", "A", 1, 0, 5),
        StepCount("b", "B", 1, 3, 0),
        StepCount("c", "C", 1, 1, 0),
    ]
