"""Sign-in throttling: per account and per address, growing pauses, the right password refused
during a pause, a security event, counts shared by several app processes (database or Redis)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import ManualClock
from tests.web.support import PASSWORD, build_app, dispose, seed_accounts
from web.auth.tables import security_events
from web.extensions import db

REDIS_URL = "redis://127.0.0.1:6379/0"
PAUSED = "Te veel mislukte aanmeldpogingen. Aanmelden kan weer over"


def client_at(app: Flask, address: str) -> FlaskClient:
    """A browser at another address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(client: FlaskClient, username: str, password: str) -> tuple[int, str]:
    response = client.post("/aanmelden", data={"username": username, "password": password})
    return response.status_code, response.get_data(as_text=True)


def fail(client: FlaskClient, username: str, times: int) -> None:
    for _ in range(times):
        status, page = attempt(client, username, "fout wachtwoord")
        assert status == 200 and "klopt niet" in page


def test_the_21st_wrong_password_is_throttled_and_the_right_one_too(
    web_app: Flask, clock: ManualClock
) -> None:
    client = web_app.test_client()
    fail(client, "ams", 20)

    response = client.post("/aanmelden", data={"username": "ams", "password": "fout wachtwoord"})
    assert response.status_code == 429
    assert PAUSED + " 1 minuut." in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "60"

    status, page = attempt(client, "ams", PASSWORD)
    assert status == 429 and PAUSED in page  # the right password waits as well
    assert web_app.test_client().get("/taken").status_code == 302

    clock.advance(timedelta(seconds=61))
    response = client.post("/aanmelden", data={"username": "ams", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/taken"

    with web_app.app_context():
        events = db.session.execute(select(security_events)).all()
    assert [(e.kind, e.username, e.address) for e in events] == [
        ("sign_in_paused", "ams", "127.0.0.1")
    ]
    assert "account: 20 failed sign-ins, paused 60 s" in events[0].detail


def test_the_pauses_grow_with_every_further_failure(web_app: Flask, clock: ManualClock) -> None:
    client = web_app.test_client()
    fail(client, "ams", 20)
    for pause in (120, 240, 480, 960, 1920, 3600, 3600):
        clock.advance(timedelta(hours=1, seconds=1))
        fail(client, "ams", 1)
        response = client.post("/aanmelden", data={"username": "ams", "password": PASSWORD})
        assert response.status_code == 429 and response.headers["Retry-After"] == str(pause)


def test_a_successful_sign_in_starts_the_account_afresh(web_app: Flask) -> None:
    client = web_app.test_client()
    fail(client, "ams", 19)
    assert attempt(client, "ams", PASSWORD)[0] == 303
    other = web_app.test_client()
    fail(other, "ams", 19)
    assert attempt(other, "ams", PASSWORD)[0] == 303


def test_unknown_usernames_are_throttled_alike(web_app: Flask) -> None:
    client = web_app.test_client()
    fail(client, "bestaat-niet", 20)
    status, page = attempt(client, "bestaat-niet", PASSWORD)
    assert status == 429 and PAUSED in page


def test_one_address_is_throttled_across_accounts(database_url: str, clock: ManualClock) -> None:
    app = build_app(
        database_url, clock, TERUGKEER_SECURITY_CLOCK=clock, TERUGKEER_SIGN_IN_ADDRESS_FAILURES=5
    )
    seed_accounts(app)
    try:
        attacker = app.test_client()
        for name in ("ams", "ams2", "rdam", "mmd", "x"):
            fail(attacker, name, 1)
        status, page = attempt(attacker, "ams2", PASSWORD)
        assert status == 429 and PAUSED in page
        elsewhere = client_at(app, "10.1.2.3")
        assert attempt(elsewhere, "ams2", PASSWORD)[0] == 303
    finally:
        dispose(app)


@pytest.fixture
def second_process(database_url: str, clock: ManualClock, web_app: Flask) -> Iterator[Flask]:
    """Another app on the same database, with its own connections: a second app process."""
    app = build_app(database_url, clock, TERUGKEER_SECURITY_CLOCK=clock)
    yield app
    dispose(app)


def test_the_counts_are_shared_by_app_processes(web_app: Flask, second_process: Flask) -> None:
    first, second = web_app.test_client(), second_process.test_client()
    for _ in range(10):
        fail(first, "ams", 1)
        fail(second, "ams", 1)
    assert attempt(first, "ams", PASSWORD)[0] == 429
    assert attempt(second, "ams", PASSWORD)[0] == 429


def test_the_counts_can_live_in_redis(database_url: str, clock: ManualClock) -> None:
    apps = [
        build_app(
            database_url,
            clock,
            TERUGKEER_SECURITY_CLOCK=clock,
            TERUGKEER_THROTTLE_STORAGE=REDIS_URL,
        )
        for _ in (1, 2)
    ]
    seed_accounts(apps[0])
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    username = f"onbekend-{uuid.uuid4().hex[:8]}"
    try:
        clients = [client_at(app, address) for app in apps]
        for _ in range(10):
            fail(clients[0], username, 1)
            fail(clients[1], username, 1)
        status, page = attempt(clients[1], username, PASSWORD)
        assert status == 429 and PAUSED in page
        with apps[0].app_context():
            stored = db.session.scalar(select(db.func.count()).select_from(security_events))
            assert stored == 1
        clock.advance(timedelta(seconds=61))
        status, page = attempt(clients[0], username, "fout wachtwoord")
        assert status == 200  # the pause has passed; this failure starts a longer one
        assert attempt(clients[0], username, PASSWORD)[0] == 429
    finally:
        for app in apps:
            dispose(app)


def test_english_says_why_sign_in_waits(web_app: Flask) -> None:
    client = web_app.test_client()
    client.post("/taal", data={"language": "en", "next": "/"})
    fail_en = [attempt(client, "ams", "fout")[0] for _ in range(20)]
    assert set(fail_en) == {200}
    status, page = attempt(client, "ams", PASSWORD)
    assert status == 429 and "Too many failed sign-ins. You can sign in again in 1 minute." in page


def test_an_unknown_storage_is_refused(database_url: str, clock: ManualClock) -> None:
    with pytest.raises(ValueError, match="TERUGKEER_THROTTLE_STORAGE"):
        build_app(database_url, clock, TERUGKEER_THROTTLE_STORAGE="memcached://x")
