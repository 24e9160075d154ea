"""Registering an entry, the case list and the case page: access, special categories, views
recorded, deadlines, timeline and diagram."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.web.support import start_case, to_screening
from web.cases import views as case_views_module
from web.cases.queries import case_by_key
from web.cases.tables import case_views
from web.extensions import db

Client = Callable[[str], FlaskClient]

ENTRY = {
    "name": "Karel Appel",
    "birth_date": "1985-03-12",
    "bsn": "111222333",
    "entry_date": "2026-05-04",
    "expected_release_date": "2026-07-01",
    "municipality_code": "GM0363",
    "probation_office_code": "",
    "has_minor_children": "yes",
    "remarks": "Zeer kort verblijf niet verwacht.",
}


def test_a_prison_caseworker_registers_an_entry(web_app: Flask, sign_in: Client) -> None:
    client = sign_in("mmd")
    form = client.get("/zaken/nieuw").get_data(as_text=True)
    assert "Gemeente Amsterdam (GM0363)" in form and "Reclassering Oost (RN-OOST)" in form

    response = client.post("/zaken/nieuw", data=ENTRY)

    assert response.status_code == 303
    key = response.headers["Location"].rsplit("/", 1)[-1]
    assert key.startswith("NZ-2026-") and len(key) == 14
    with web_app.app_context():
        case = case_by_key(key)
        assert case.person_name == "Karel Appel"
        assert (case.prison_code, case.municipality_code) == ("PI-ZWL", "GM0363")
        assert case.probation_office_code is None
    page = client.get(f"/zaken/{key}").get_data(as_text=True)
    assert f"Melding binnenkomst geregistreerd onder zaaknummer {key}." in page
    assert "Karel Appel" in page and "111222333" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bsn": "123456789"}, "Dit is geen geldig BSN"),
        ({"birth_date": "2010-01-01"}, "jonger dan 18"),
        ({"expected_release_date": "2026-05-01"}, "vóór de datum van binnenkomst"),
        ({"entry_date": "2026-06-01", "expected_release_date": ""}, "ligt in de toekomst"),
        ({"name": ""}, "Vul de naam in."),
        ({"municipality_code": "GM9999"}, "Gemeente van herkomst"),
    ],
)
def test_registration_errors_keep_the_input(
    web_app: Flask, sign_in: Client, changes: dict, message: str
) -> None:
    response = sign_in("mmd").post("/zaken/nieuw", data={**ENTRY, **changes})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="1985-03-12"' in page or "birth_date" in changes
    assert "Zeer kort verblijf niet verwacht." in page


def test_only_prison_caseworkers_register(sign_in: Client) -> None:
    assert sign_in("ams").get("/zaken/nieuw").status_code == 403
    assert sign_in("pi.lead").post("/zaken/nieuw", data=ENTRY).status_code == 403


def test_registration_says_so_when_the_process_is_not_deployed(
    web_app: Flask, sign_in: Client
) -> None:
    web_app.config["TERUGKEER_MAIN_PROCESS"] = "nazorg_detentie"
    response = sign_in("mmd").post("/zaken/nieuw", data=ENTRY)
    assert "nog niet in gebruik genomen" in response.get_data(as_text=True)


def test_a_user_of_another_municipality_gets_404(web_app: Flask, sign_in: Client) -> None:
    start_case(web_app)
    rotterdam = sign_in("rdam")
    assert rotterdam.get("/zaken/NZ-TEST-1").status_code == 404
    assert rotterdam.get("/zaken/NZ-BESTAAT-NIET").status_code == 404
    assert rotterdam.get("/zaken/NZ-TEST-1/diagram/sample.bpmn").status_code == 404
    assert "NZ-TEST-1" not in rotterdam.get("/zaken").get_data(as_text=True)
    assert sign_in("ams").get("/zaken/NZ-TEST-1").status_code == 200


def test_every_view_of_a_case_page_is_recorded(web_app: Flask, sign_in: Client) -> None:
    start_case(web_app)
    sign_in("ams").get("/zaken/NZ-TEST-1")
    sign_in("landelijk").get("/zaken/NZ-TEST-1")
    sign_in("rdam").get("/zaken/NZ-TEST-1")  # refused: not recorded as a view
    with web_app.app_context():
        rows = db.session.execute(sa.select(case_views).order_by(case_views.c.id)).all()
    assert [(r.username, r.organisation, r.categories) for r in rows] == [
        ("ams", "GM0363", "criminal,identity"),
        ("landelijk", "MIN-JV", ""),
    ]


def test_bsn_only_for_those_who_work_cases(web_app: Flask, sign_in: Client) -> None:
    start_case(web_app)
    assert "111222333" in sign_in("ams").get("/zaken/NZ-TEST-1").get_data(as_text=True)
    national = sign_in("landelijk").get("/zaken/NZ-TEST-1").get_data(as_text=True)
    assert "111222333" not in national and "afgeschermd" in national
    assert "111222333" not in sign_in("ams").get("/zaken").get_data(as_text=True)


def test_care_and_debt_details_need_consent_and_a_role(
    web_app: Flask, sign_in: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The case page lists what people entered in forms; give the sample two such fields.
    titles = {"care_needs": {"title": "Zorgbehoefte"}, "debts_amount": {"title": "Schulden"}}
    forms = {"extra": {"schema": {"properties": titles}, "ui": None}}
    monkeypatch.setattr(case_views_module, "version_forms", lambda _version_id: forms)
    details = {"care_needs": "Ambulante GGZ-behandeling", "debts_amount": 12500}
    start_case(web_app, "NZ-ZONDER", **details)
    start_case(web_app, "NZ-MET", care_consent_given="yes", debts_wants_assistance="yes", **details)
    coordinator, manager = sign_in("ams"), sign_in("ams.manager")

    without = coordinator.get("/zaken/NZ-ZONDER").get_data(as_text=True)
    assert "Ambulante GGZ-behandeling" not in without and "12500" not in without
    assert "Deze gegevens zijn voor u afgeschermd: zorg, schulden." in without

    with_consent = coordinator.get("/zaken/NZ-MET").get_data(as_text=True)
    assert "Ambulante GGZ-behandeling" in with_consent and "12500" in with_consent

    as_manager = manager.get("/zaken/NZ-MET").get_data(as_text=True)
    assert "Ambulante GGZ-behandeling" not in as_manager and "12500" not in as_manager
    with web_app.app_context():
        categories = db.session.scalars(
            sa.select(case_views.c.categories).where(case_views.c.business_key == "NZ-MET")
        ).all()
    assert categories == ["care,criminal,debts,identity", ""]


def test_case_page_shows_board_deadlines_timeline_and_diagram(
    web_app: Flask, sign_in: Client
) -> None:
    to_screening(web_app, monitor_entry={"housing": "not_arranged"})
    client = sign_in("ams")
    page = client.get("/zaken/NZ-TEST-1").get_data(as_text=True)

    assert "Basisvoorzieningen" in page and "Huisvesting" in page
    assert '<span class="status status-not_arranged">Niet geregeld</span>' in page
    assert "Kort verblijf" in page  # stay class from the DMN
    assert "Screen huisvesting" in page and "Nog 10 werkdagen" in page
    assert "2 werkdagen verstreken" in page or "Op tijd afgerond" in page
    assert "Zaak gestart: melding binnenkomst" in page
    assert "Taak afgerond: <strong>Registreer binnenkomst</strong>" in page
    assert "Mira de Boer" in page  # the actor's name, not the username
    assert 'data-url="/zaken/NZ-TEST-1/diagram/sample.bpmn?taal=nl"' in page
    # the call activity of the screening is active while its user task is
    assert "&#34;active&#34;: [&#34;screen_housing&#34;, &#34;screening&#34;]" in page
    assert "register" in page.split("data-highlights=")[1].split("data-loading")[0]

    diagram = client.get("/zaken/NZ-TEST-1/diagram/sample.bpmn")
    assert diagram.status_code == 200 and diagram.mimetype == "application/xml"
    assert b'<bpmn:process id="sample_case"' in diagram.data
    assert client.get("/zaken/NZ-TEST-1/diagram/stay_class.dmn").status_code == 404


def test_case_list_shows_the_organisations_cases(web_app: Flask, sign_in: Client) -> None:
    start_case(web_app, "NZ-A", name="Anna de Wit")
    start_case(web_app, "NZ-B", name="Bert Zwart", municipality_code="GM0599")
    page = sign_in("ams").get("/zaken").get_data(as_text=True)
    assert "Anna de Wit" in page and "Bert Zwart" not in page
    # national managers see pseudonymised cases: no names, and no search by name
    national = sign_in("landelijk").get("/zaken?persoon=nz-b").get_data(as_text=True)
    assert "NZ-B" in national and "NZ-A" not in national
    assert "Bert Zwart" not in national and "Anna de Wit" not in national
    by_name = sign_in("landelijk").get("/zaken?persoon=zwart").get_data(as_text=True)
    assert "NZ-B" not in by_name
    assert sign_in("ams.admin").get("/zaken").status_code == 403


def test_vendor_files_come_from_node_modules_only(web_app: Flask) -> None:
    client = web_app.test_client()
    viewer = client.get("/vendor/bpmn-js/dist/bpmn-viewer.production.min.js")
    assert viewer.status_code == 200
    assert client.get("/vendor/bpmn-js/package.json").status_code == 404
    assert client.get("/vendor/bpmn-js/dist/../package.json").status_code == 404
