"""Local admins cannot grant national roles: a role is national at a ministry organisation
(a process owner or manager there sees and manages every organisation's cases and processes),
and an admin of any other organisation places users only in their own organisation."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from web.extensions import db
from web.models import Organisation, User


def _ids(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        ministry = Organisation.by_code("MIN-JV").id
        own = Organisation.by_code("GM0363").id
        return ministry, own, User.by_username("ams").id


def test_a_local_admin_cannot_make_a_national_process_owner(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    ministry, own, _ams = _ids(web_app)
    admin = sign_in("ams.admin")
    form = {
        "username": "nieuwe.eigenaar",
        "display_name": "Nieuwe Eigenaar",
        "organisation_id": str(ministry),
        "roles": ["process_owner"],
        "active": "y",
    }
    response = admin.post("/beheer/gebruikers/nieuw", data=form)
    assert response.status_code == 200  # the form again, with the error at the organisation
    assert "Organisatie: Ongeldige keuze." in response.get_data(as_text=True)
    with web_app.app_context():
        assert User.by_username("nieuwe.eigenaar") is None

    form["organisation_id"] = str(own)  # a process owner of their own municipality: regional
    assert admin.post("/beheer/gebruikers/nieuw", data=form).status_code == 303
    with web_app.app_context():
        created = User.by_username("nieuwe.eigenaar")
        assert created.organisation.code == "GM0363" and created.role_list == ["process_owner"]


def test_a_local_admin_cannot_move_a_user_into_a_ministry(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    ministry, _own, ams = _ids(web_app)
    form = {
        "username": "ams",
        "display_name": "Sanne Visser",
        "organisation_id": str(ministry),
        "roles": ["process_owner", "manager"],
        "active": "y",
    }
    response = sign_in("ams.admin").post(f"/beheer/gebruikers/{ams}", data=form)
    assert response.status_code == 200
    assert "Organisatie: Ongeldige keuze." in response.get_data(as_text=True)
    with web_app.app_context():
        user = db.session.get(User, ams)
        assert user.organisation.code == "GM0363" and user.role_list == ["coordinator"]


def test_a_local_admin_cannot_edit_a_ministry_user(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    with web_app.app_context():
        national = User.by_username("landelijk").id
    admin = sign_in("ams.admin")
    assert admin.get(f"/beheer/gebruikers/{national}").status_code == 404
    assert admin.post(f"/beheer/gebruikers/{national}/wachtwoord").status_code == 404


def test_the_ministry_admin_grants_the_national_process_owner_role(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    ministry, _own, _ams = _ids(web_app)
    form = {
        "username": "landelijke.eigenaar",
        "display_name": "Landelijke Eigenaar",
        "organisation_id": str(ministry),
        "roles": ["process_owner"],
        "active": "y",
    }
    assert sign_in("beheer").post("/beheer/gebruikers/nieuw", data=form).status_code == 303
