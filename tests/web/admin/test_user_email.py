"""An administrator gives a user the address their notification mails go to
(docs/notifications.md); a malformed address is refused with the reason."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from web.extensions import db
from web.models import Organisation, User


def test_an_admin_sets_and_clears_a_users_mail_address(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    with web_app.app_context():
        ams = User.by_username("ams").id
        own = Organisation.by_code("GM0363").id
    admin = sign_in("ams.admin")
    form = {
        "username": "ams",
        "display_name": "Sanne Visser",
        "organisation_id": str(own),
        "roles": ["coordinator"],
        "active": "y",
        "email": "geen adres",
    }
    refused = admin.post(f"/beheer/gebruikers/{ams}", data=form)
    assert refused.status_code == 200
    assert "Vul een e-mailadres in, zoals naam@gemeente.nl." in refused.get_data(as_text=True)

    form["email"] = " sanne.visser@amsterdam.example.nl "
    assert admin.post(f"/beheer/gebruikers/{ams}", data=form).status_code == 303
    with web_app.app_context():
        assert db.session.get(User, ams).email == "sanne.visser@amsterdam.example.nl"
    page = admin.get(f"/beheer/gebruikers/{ams}").get_data(as_text=True)
    assert 'value="sanne.visser@amsterdam.example.nl"' in page

    form["email"] = ""
    assert admin.post(f"/beheer/gebruikers/{ams}", data=form).status_code == 303
    with web_app.app_context():
        assert db.session.get(User, ams).email is None
