"""Personal API tokens: 401 without a working token, the token's user and nothing else, the
token page (secret shown once, revoke), ``terugkeer create-token``; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from tests.web.api.conftest import ApiClient, assert_problem, make_token
from tests.web.support import MODELS, PASSWORD, build_app, dispose, seed_accounts
from web.api import tokens
from web.cli import main
from web.extensions import db
from web.models import ApiToken, User


def test_without_a_token_401_with_a_bearer_challenge(web_app: Flask) -> None:
    client = web_app.test_client()
    for headers in ({}, {"Authorization": "Basic bW1kOnBhc3N3b3Jk"}, {"Authorization": "Bearer "}):
        response = client.get("/api/v1/cases", headers=headers)
        body = assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"] == "Bearer realm=terugkeer"
        assert body["code"] == "missing_token"


def test_an_unknown_token_is_refused_as_invalid(web_app: Flask) -> None:
    response = web_app.test_client().get(
        "/api/v1/me", headers={"Authorization": "Bearer tk_not-a-real-token"}
    )
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer realm=terugkeer, error=invalid_token"
    assert response.get_json(force=True)["code"] == "invalid_token"


def test_me_is_the_tokens_user(api: Callable[[str], ApiClient]) -> None:
    response = api("mmd").get("/api/v1/me")

    assert response.status_code == 200 and response.mimetype == "application/json"
    me = response.get_json()
    assert me["username"] == "mmd" and me["display_name"] == "Mira de Boer"
    assert me["organisation"] == {"code": "PI-ZWL", "name": "PI Zwolle", "kind": "prison"}
    assert me["roles"] == ["caseworker"]
    assert me["permissions"] == {"register_entry": True, "see_cases": True}
    assert me["token"]["name"] == "test" and me["token"]["prefix"].startswith("tk_")


def test_only_the_hash_of_the_secret_is_stored(web_app: Flask) -> None:
    secret = make_token(web_app, "ams")
    with web_app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token is not None
        assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in (token.prefix, token.secret_hash) and secret.startswith(token.prefix)


def test_revoked_expired_and_deactivated_tokens_stop_working(
    web_app: Flask, clock: ManualClock
) -> None:
    client = web_app.test_client()
    revoked, expiring, deactivated = (make_token(web_app, name) for name in ("ams", "mmd", "rdam"))
    with web_app.app_context():
        token = tokens.token_for_secret(revoked, clock.now())
        assert token is not None
        tokens.revoke_token(token, clock.now())
        user = User.by_username("rdam")
        assert user is not None
        user.active = False
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(expiring)).status_code == 200

    clock.advance(timedelta(days=91))

    for secret in (revoked, expiring, deactivated):
        assert_problem(client.get("/api/v1/me", headers=bearer(secret)), 401)


def test_the_session_cookie_does_not_authenticate_the_api(
    sign_in: Callable[[str], FlaskClient],
) -> None:
    client = sign_in("ams")
    assert client.get("/taken").status_code == 200
    assert_problem(client.get("/api/v1/me"), 401)
    assert_problem(client.post("/api/v1/cases", json={}), 401)


def test_api_posts_need_no_csrf_token_but_pages_do(database_url: str, clock: ManualClock) -> None:
    app = build_app(database_url, clock, WTF_CSRF_ENABLED=True)
    seed_accounts(app)
    try:
        client = ApiClient(app.test_client(), make_token(app, "mmd"))
        response = client.post("/api/v1/cases", json={})
        assert_problem(response, 422)  # validated, not refused for a missing CSRF token
        page = app.test_client().post("/aanmelden", data={"username": "mmd", "password": "x"})
        assert page.status_code == 400  # the page's form still needs its CSRF token
    finally:
        dispose(app)


def test_last_use_is_recorded_at_most_every_quarter_hour(
    web_app: Flask, clock: ManualClock
) -> None:
    secret = make_token(web_app, "ams")
    client = web_app.test_client()

    def last_used() -> object:
        with web_app.app_context():
            return db.session.scalar(sa.select(ApiToken.last_used_at))

    client.get("/api/v1/me", headers=bearer(secret))
    first = last_used()
    assert first == clock.now()
    clock.advance(timedelta(minutes=5))
    client.get("/api/v1/me", headers=bearer(secret))
    assert last_used() == first
    clock.advance(timedelta(minutes=15))
    client.get("/api/v1/me", headers=bearer(secret))
    assert last_used() == clock.now()


def test_the_token_page_shows_a_new_secret_once_and_revokes(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    client = sign_in("ams")
    assert "Nieuwe sleutel" in client.get("/api-sleutels").get_data(as_text=True)

    created = client.post("/api-sleutels", data={"name": "koppeling", "days": "30"})

    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    page = created.get_data(as_text=True)
    secret = re.search(r'<code id="new-secret">(tk_[^<]+)</code>', page)
    assert secret is not None and "koppeling" in page
    api = ApiClient(web_app.test_client(), secret.group(1))
    assert api.get("/api/v1/me").get_json()["token"]["name"] == "koppeling"
    again = client.get("/api-sleutels").get_data(as_text=True)
    assert secret.group(1) not in again and "koppeling" in again

    token_id = api.get("/api/v1/me").get_json()["token"]["id"]
    assert sign_in("rdam").post(f"/api-sleutels/{token_id}/intrekken").status_code == 404
    revoked = client.post(f"/api-sleutels/{token_id}/intrekken")

    assert revoked.status_code == 303
    assert_problem(api.get("/api/v1/me"), 401)


def test_the_token_page_refuses_a_token_without_a_name(
    sign_in: Callable[[str], FlaskClient],
) -> None:
    response = sign_in("ams").post("/api-sleutels", data={"name": "", "days": "90"})
    assert response.status_code == 422
    assert "Geef de sleutel een naam." in response.get_data(as_text=True)


def test_a_user_holds_at_most_ten_working_tokens(web_app: Flask) -> None:
    for _ in range(tokens.MAX_ACTIVE_TOKENS):
        make_token(web_app, "ams")
    with web_app.app_context():
        user = User.by_username("ams")
        assert user is not None
        try:
            tokens.create_token(user, "one too many")
        except tokens.TokenError as error:
            assert "at most 10" in str(error)
        else:
            raise AssertionError("an eleventh token was made")


def test_create_token_command_prints_a_working_secret(
    database_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": database_url,
        "TERUGKEER_INSTANCE_DIR": str(tmp_path / "instance"),
        "TERUGKEER_FORMS_DIR": str(MODELS / "forms"),
        "TERUGKEER_RUN_SCHEDULER": None,
        "SECRET_KEY": None,
    }
    runner = CliRunner()
    created = runner.invoke(
        main,
        ["create-user", "kim", "--organisation", "GM0363", "--role", "coordinator"]
        + ["--organisation-name", "Gemeente Amsterdam", "--organisation-kind", "municipality"]
        + ["--password", PASSWORD],
        env=env,
    )
    assert created.exit_code == 0, created.output

    result = runner.invoke(main, ["create-token", "kim", "--days", "30"], env=env)

    assert result.exit_code == 0, result.output
    secret = next(line for line in result.output.splitlines() if line.startswith("tk_"))
    app = build_app(database_url, clock)
    try:
        response = ApiClient(app.test_client(), secret).get("/api/v1/me")
        assert response.status_code == 200 and response.get_json()["username"] == "kim"
    finally:
        dispose(app)
    unknown = runner.invoke(main, ["create-token", "nobody"], env=env)
    assert unknown.exit_code == 1 and "no active user 'nobody'" in unknown.output


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
