"""Signing in and out, pages that need a signed-in user, CSRF, and the admin pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import VerifyMismatchError
from flask import Flask
from flask.testing import FlaskClient

from tests.web.support import PASSWORD, build_app, dispose, seed_accounts
from web.auth.views import DUMMY_HASH
from web.extensions import db
from web.models import User, hash_password


def test_sign_in_and_out(web_app: Flask) -> None:
    client = web_app.test_client()
    assert client.get("/taken").status_code == 302  # to the sign-in page

    page = client.get("/aanmelden").get_data(as_text=True)
    assert '<label class="label" for="username">Gebruikersnaam' in page

    response = client.post(
        "/aanmelden", data={"username": "ams", "password": PASSWORD, "next": "/zaken"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/zaken"
    assert "Sanne Visser" in client.get("/taken").get_data(as_text=True)

    response = client.post("/afmelden")
    assert response.status_code == 303
    assert client.get("/taken").status_code == 302


@pytest.mark.parametrize(
    ("username", "password"), [("ams", "fout-wachtwoord"), ("niemand", PASSWORD)]
)
def test_a_failed_sign_in_says_the_same_for_unknown_users(
    web_app: Flask, username: str, password: str
) -> None:
    client = web_app.test_client()
    response = client.post("/aanmelden", data={"username": username, "password": password})
    assert response.status_code == 200
    assert "De gebruikersnaam of het wachtwoord klopt niet" in response.get_data(as_text=True)


def test_deactivated_users_cannot_sign_in(web_app: Flask) -> None:
    with web_app.app_context():
        User.by_username("ams").active = False
        db.session.commit()
    response = web_app.test_client().post(
        "/aanmelden", data={"username": "ams", "password": PASSWORD}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_sign_in_redirects_only_within_the_site(web_app: Flask, target: str) -> None:
    response = web_app.test_client().post(
        "/aanmelden", data={"username": "ams", "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == "/taken"


def test_signing_in_starts_a_new_session(web_app: Flask) -> None:
    client = web_app.test_client()
    client.get("/aanmelden")
    before = client.get_cookie("session").value
    client.post("/aanmelden", data={"username": "ams", "password": PASSWORD})
    assert client.get_cookie("session").value != before


@pytest.fixture
def csrf_app(database_url: str, clock) -> Flask:  # type: ignore[no-untyped-def]
    app = build_app(database_url, clock, WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=True)
    seed_accounts(app)
    yield app
    dispose(app)


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_forms_need_a_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    refused = client.post("/aanmelden", data={"username": "ams", "password": PASSWORD})
    assert refused.status_code == 400

    token = _token(client.get("/aanmelden").get_data(as_text=True))
    response = client.post(
        "/aanmelden", data={"username": "ams", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303

    assert client.post("/afmelden").status_code == 400  # no token
    page = client.get("/taken").get_data(as_text=True)
    assert "Het formulier is verlopen" in client.post("/afmelden").get_data(as_text=True)
    assert client.post("/afmelden", data={"csrf_token": _token(page)}).status_code == 303


def test_session_cookie_is_secure_when_configured(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    client.get("/aanmelden", base_url="https://localhost")
    cookie = client.get_cookie("session", domain="localhost")
    assert cookie is not None and cookie.secure and cookie.http_only


def test_admin_pages_are_for_admins(sign_in: Callable[[str], FlaskClient]) -> None:
    assert sign_in("ams").get("/beheer/gebruikers").status_code == 403
    local = sign_in("ams.admin")
    page = local.get("/beheer/gebruikers").get_data(as_text=True)
    assert "Bas Kok" in page and "Daan Smit" not in page  # only their own organisation
    assert local.get("/beheer/organisaties").status_code == 403


def test_an_admin_creates_edits_and_resets_a_user(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    admin = sign_in("beheer")
    with web_app.app_context():
        org_id = db.session.scalar(db.select(User.organisation_id).where(User.username == "ams"))
    response = admin.post(
        "/beheer/gebruikers/nieuw",
        data={
            "username": "nieuw",
            "display_name": "Nieuwe Collega",
            "organisation_id": str(org_id),
            "roles": ["coordinator"],
            "active": "y",
        },
    )
    assert response.status_code == 303
    page = admin.get("/beheer/gebruikers").get_data(as_text=True)
    password = re.search(r"Het wachtwoord van nieuw is nu: (\S+) ", page).group(1)
    newcomer = web_app.test_client()
    signed = newcomer.post("/aanmelden", data={"username": "nieuw", "password": password})
    assert signed.status_code == 303

    with web_app.app_context():
        user_id = User.by_username("nieuw").id
    response = admin.post(
        f"/beheer/gebruikers/{user_id}",
        data={
            "username": "nieuw",
            "display_name": "Nieuwe Collega",
            "organisation_id": str(org_id),
            "roles": ["coordinator", "manager"],
        },
    )
    assert response.status_code == 303
    with web_app.app_context():
        changed = User.by_username("nieuw")
        assert changed.role_list == ["coordinator", "manager"] and not changed.active
    assert newcomer.get("/taken").status_code == 302  # deactivated: signed out

    admin.post(f"/beheer/gebruikers/{user_id}/wachtwoord")
    page = admin.get("/beheer/gebruikers").get_data(as_text=True)
    assert re.search(r"Het wachtwoord van nieuw is nu: (\S+) ", page).group(1) != password


def test_admins_cannot_lock_themselves_out(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    admin = sign_in("beheer")
    with web_app.app_context():
        me = User.by_username("beheer")
        user_id, org_id = me.id, me.organisation_id
    response = admin.post(
        f"/beheer/gebruikers/{user_id}",
        data={
            "username": "beheer",
            "display_name": "B",
            "organisation_id": str(org_id),
            "roles": ["admin"],
        },
    )
    assert response.status_code == 200
    assert "eigen beheerrechten" in response.get_data(as_text=True)


def test_an_admin_of_a_ministry_manages_organisations(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    admin = sign_in("beheer")
    response = admin.post(
        "/beheer/organisaties/nieuw",
        data={"code": "GM0193", "name": "Zwolle", "kind": "municipality"},
    )
    assert response.status_code == 303
    page = admin.get("/beheer/organisaties").get_data(as_text=True)
    assert "GM0193" in page and "Gemeente" in page
    again = admin.post(
        "/beheer/organisaties/nieuw",
        data={"code": "GM0193", "name": "Zwolle", "kind": "municipality"},
    )
    assert "Er is al een organisatie met deze code." in again.get_data(as_text=True)


def test_the_dummy_hash_costs_what_a_users_hash_costs() -> None:
    """The written-out dummy hash has the parameters the app hashes passwords with (a library
    update that changes them fails here), and it is a valid hash: verifying a password against
    it does the full work and fails as a mismatch."""
    hasher = PasswordHasher()
    assert not hasher.check_needs_rehash(DUMMY_HASH)
    assert extract_parameters(DUMMY_HASH) == extract_parameters(hash_password("whatever-123"))
    with pytest.raises(VerifyMismatchError):
        hasher.verify(DUMMY_HASH, PASSWORD)


def test_a_password_hashed_beforehand_signs_in(web_app: Flask) -> None:
    with web_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "ams"))
        user.set_password("vooraf-gehasht-1", hashed=hash_password("vooraf-gehasht-1"))
        db.session.commit()
        with pytest.raises(ValueError, match="parameters"):  # weaker than the app's: refused
            user.set_password("zwak-wachtwoord", hashed=PasswordHasher(time_cost=1).hash("zwak"))
        db.session.rollback()
    client = web_app.test_client()
    response = client.post("/aanmelden", data={"username": "ams", "password": "vooraf-gehasht-1"})
    assert response.status_code == 303
