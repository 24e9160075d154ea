"""web/privacy/views.py: "Wie heeft deze zaak ingezien" and the AVG export of everything held
about a person; who may use them, and that the export is recorded; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.web.support import start_case
from web.cases.tables import case_views
from web.extensions import db

Client = Callable[[str], FlaskClient]


def test_who_viewed_a_case_for_those_who_work_it_and_managers(
    web_app: Flask, sign_in: Client
) -> None:
    start_case(web_app)
    sign_in("ams").get("/zaken/NZ-TEST-1")
    sign_in("mmd").get("/zaken/NZ-TEST-1")

    page = sign_in("ams").get("/zaken/NZ-TEST-1/inzage")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Wie heeft deze zaak ingezien" in html
    assert "Sanne Visser" in html and "Mira de Boer" in html and "Gemeente Amsterdam" in html
    case_page = sign_in("ams").get("/zaken/NZ-TEST-1").get_data(as_text=True)
    assert "/zaken/NZ-TEST-1/inzage" in case_page

    managed = sign_in("ams.manager").get("/zaken/NZ-TEST-1/inzage")
    assert managed.status_code == 200 and "Jan Jansen" not in managed.get_data(as_text=True)
    assert sign_in("rdam").get("/zaken/NZ-TEST-1/inzage").status_code == 404  # not their case
    assert sign_in("ams.admin").get("/zaken/NZ-TEST-1/inzage").status_code == 404


def test_the_avg_export_holds_every_case_of_the_person_and_is_recorded(
    web_app: Flask, sign_in: Client
) -> None:
    start_case(web_app, "NZ-EERSTE", care_needs="Ambulante begeleiding")
    start_case(web_app, "NZ-TWEEDE", entry_date="2026-05-05")
    start_case(web_app, "NZ-ANDER", name="Piet Pieters", bsn="123456782")

    response = sign_in("mmd").get("/zaken/NZ-EERSTE/avg-inzage.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    found = response.get_json()
    assert found["bsn"] == "111222333"
    assert sorted(case["case_number"] for case in found["cases"]) == ["NZ-EERSTE", "NZ-TWEEDE"]
    first = next(case for case in found["cases"] if case["case_number"] == "NZ-EERSTE")
    assert first["case_data"]["name"] == "Jan Jansen"
    assert first["case_data"]["care_needs"] == "Ambulante begeleiding"
    assert {"PI-ZWL", "GM0363"} <= set(first["organisations"])
    assert first["events"] and first["events"][0]["kind"] == "instance_started"
    assert "Piet Pieters" not in response.get_data(as_text=True)
    with web_app.app_context():
        recorded = db.session.execute(
            sa.select(case_views.c.business_key, case_views.c.username).where(
                case_views.c.subject == "avg-export"
            )
        ).all()
    assert sorted(recorded) == [("NZ-EERSTE", "mmd"), ("NZ-TWEEDE", "mmd")]

    for refused in ("ams.manager", "landelijk", "reclassering"):
        status = sign_in(refused).get("/zaken/NZ-EERSTE/avg-inzage.json").status_code
        assert status in (403, 404), refused


def test_the_viewers_page_does_not_tell_a_manager_which_special_data_others_saw(
    web_app: Flask, sign_in: Client
) -> None:
    start_case(web_app, care_consent_given="yes")
    sign_in("ams").get("/zaken/NZ-TEST-1")
    coordinator = sign_in("ams").get("/zaken/NZ-TEST-1/inzage").get_data(as_text=True)
    assert "<td>zorg, " in coordinator
    managed = sign_in("ams.manager").get("/zaken/NZ-TEST-1/inzage").get_data(as_text=True)
    assert "Sanne Visser" in managed and "<td>zorg" not in managed and ", zorg" not in managed
    assert "<td>basisgegevens</td>" in managed


def test_a_case_list_with_names_is_recorded_per_case_and_a_pseudonymised_one_not(
    web_app: Flask, sign_in: Client
) -> None:
    start_case(web_app)
    start_case(web_app, "NZ-TEST-2")
    assert "Jan Jansen" in sign_in("ams").get("/zaken").get_data(as_text=True)
    assert "Jan Jansen" not in sign_in("landelijk").get("/zaken").get_data(as_text=True)
    with web_app.app_context():
        recorded = db.session.execute(
            sa.select(case_views.c.business_key, case_views.c.username, case_views.c.subject)
        ).all()
    assert sorted(recorded) == [("NZ-TEST-1", "ams", "list"), ("NZ-TEST-2", "ams", "list")]


def test_the_inbox_records_a_view_of_each_case_it_names(web_app: Flask, sign_in: Client) -> None:
    start_case(web_app)
    start_case(web_app, "NZ-TEST-2", name="Anna de Wit")
    inbox = sign_in("mmd").get("/taken").get_data(as_text=True)
    assert "Jan Jansen" in inbox and "Anna de Wit" in inbox
    with web_app.app_context():
        recorded = db.session.execute(
            sa.select(case_views.c.business_key, case_views.c.username, case_views.c.subject)
        ).all()
    assert sorted(recorded) == [("NZ-TEST-1", "mmd", "inbox"), ("NZ-TEST-2", "mmd", "inbox")]

    viewers = sign_in("mmd").get("/zaken/NZ-TEST-1/inzage").get_data(as_text=True)
    assert "<td>takenlijst</td>" in viewers and "Mira de Boer" in viewers
