"""Sessions end: signing out, a new password, other roles, deactivation end every session of
the user, and a session expires after the idle time and after its absolute lifetime."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from tests.web.support import PASSWORD, build_app, dispose, seed_accounts
from web.extensions import db
from web.models import User


def cookie_of(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app: Flask, cookie: str) -> FlaskClient:
    """A new browser that sends a session cookie copied from another one."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def assert_signed_out(client: FlaskClient) -> None:
    response = client.get("/taken")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/aanmelden")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="password"' in page and "Sanne Visser" not in page


def assert_signed_in(client: FlaskClient) -> None:
    response = client.get("/taken")
    assert response.status_code == 200 and "Sanne Visser" in response.get_data(as_text=True)


def test_a_replayed_cookie_after_sign_out_gets_the_sign_in_page(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    client = sign_in("ams")
    other_device = sign_in("ams")
    stolen = cookie_of(client)
    assert_signed_in(replay(web_app, stolen))  # the copy works while the session lives

    assert client.post("/afmelden").status_code == 303

    assert_signed_out(replay(web_app, stolen))
    assert_signed_out(other_device)  # signing out ends every session of the user
    assert_signed_in(sign_in("ams"))  # signing in again works


def _user_id(app: Flask, username: str) -> tuple[int, int]:
    with app.app_context():
        user = User.by_username(username)
        return user.id, user.organisation_id


def test_a_new_password_from_the_admin_ends_the_sessions(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    client = sign_in("ams")
    stolen = cookie_of(client)
    user_id, _org = _user_id(web_app, "ams")
    admin = sign_in("beheer")
    assert admin.post(f"/beheer/gebruikers/{user_id}/wachtwoord").status_code == 303
    assert_signed_out(client)
    assert_signed_out(replay(web_app, stolen))
    assert admin.get("/beheer/gebruikers").status_code == 200  # the admin keeps theirs


@pytest.mark.parametrize(
    ("change", "roles", "active"),
    [("deactivated", ["coordinator"], False), ("other roles", ["manager"], True)],
)
def test_deactivation_and_a_role_change_end_the_sessions(
    web_app: Flask, sign_in: Callable[[str], FlaskClient], change: str, roles: list, active: bool
) -> None:
    client = sign_in("ams")
    stolen = cookie_of(client)
    user_id, org_id = _user_id(web_app, "ams")
    form = {
        "username": "ams",
        "display_name": "Sanne Visser",
        "organisation_id": str(org_id),
        "roles": roles,
    }
    if active:
        form["active"] = "y"
    assert sign_in("beheer").post(f"/beheer/gebruikers/{user_id}", data=form).status_code == 303
    assert_signed_out(client)
    assert_signed_out(replay(web_app, stolen))


def test_saving_a_user_unchanged_keeps_their_sessions(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    client = sign_in("ams")
    user_id, org_id = _user_id(web_app, "ams")
    form = {
        "username": "ams",
        "display_name": "Sanne V.",
        "organisation_id": str(org_id),
        "roles": ["coordinator"],
        "active": "y",
    }
    assert sign_in("beheer").post(f"/beheer/gebruikers/{user_id}", data=form).status_code == 303
    assert client.get("/taken").status_code == 200


def test_a_password_set_elsewhere_ends_the_sessions(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    client = sign_in("ams")
    with web_app.app_context():
        User.by_username("ams").set_password("een heel nieuw wachtwoord")
        db.session.commit()
    assert_signed_out(client)


def test_an_idle_session_expires_after_thirty_minutes(
    sign_in: Callable[[str], FlaskClient], clock: ManualClock
) -> None:
    client = sign_in("ams")
    clock.advance(timedelta(minutes=29))
    assert_signed_in(client)  # a request: the idle time starts again
    clock.advance(timedelta(minutes=29))
    assert_signed_in(client)
    clock.advance(timedelta(minutes=31))
    response = client.get("/taken")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw sessie is verlopen. Meld u opnieuw aan." in page
    clock.advance(timedelta(minutes=-60))  # the old cookie is gone, not merely too old
    assert_signed_out(client)


def test_a_busy_session_still_ends_after_twelve_hours(
    sign_in: Callable[[str], FlaskClient], clock: ManualClock
) -> None:
    client = sign_in("ams")
    for _quarter in range(47):
        clock.advance(timedelta(minutes=15))
        assert_signed_in(client)
    clock.advance(timedelta(minutes=16))  # 12 h 1 min after signing in, 16 min after the last
    assert_signed_out(client)


def test_the_session_times_are_configurable(database_url: str, clock: ManualClock) -> None:
    app = build_app(
        database_url,
        clock,
        TERUGKEER_SECURITY_CLOCK=clock,
        TERUGKEER_SESSION_IDLE_MINUTES=5,
        TERUGKEER_SESSION_MAX_HOURS=1,
    )
    seed_accounts(app)
    try:
        client = app.test_client()
        client.post("/aanmelden", data={"username": "ams", "password": PASSWORD})
        clock.advance(timedelta(minutes=4))
        assert_signed_in(client)
        clock.advance(timedelta(minutes=6))
        assert_signed_out(client)

        client.post("/aanmelden", data={"username": "ams", "password": PASSWORD})
        for _step in range(15):
            clock.advance(timedelta(minutes=4))
            assert_signed_in(client)
        clock.advance(timedelta(minutes=1))
        assert_signed_out(client)
    finally:
        dispose(app)


def test_business_time_does_not_end_sessions(database_url: str, clock: ManualClock) -> None:
    """The engine's clock (deadlines, timers, simulations) is not the sessions' clock."""
    app = build_app(database_url, clock)
    seed_accounts(app)
    try:
        client = app.test_client()
        client.post("/aanmelden", data={"username": "ams", "password": PASSWORD})
        clock.advance(timedelta(days=30))
        assert_signed_in(client)
    finally:
        dispose(app)


def test_english_says_the_session_expired(
    sign_in: Callable[[str], FlaskClient], clock: ManualClock
) -> None:
    client = sign_in("ams")
    client.post("/taal", data={"language": "en", "next": "/taken"})
    clock.advance(timedelta(hours=1))
    page = client.get("/taken", follow_redirects=True).get_data(as_text=True)
    assert "Your session has expired. Please sign in again." in page
    assert re.search(r'<html lang="en"', page)  # the language survives the end of a session
