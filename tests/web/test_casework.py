"""Casework on the real nazorg models: a task page shows what the task needs from the case (the
person's situation, what other parties reported for its provision, organisation names), nothing
registered is asked again, every error comes in one round, a registration warns about an open
case with the same BSN and unlikely dates, and the case page and inbox speak the domain's words.
On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from tests.processes.harness import entry_data, entry_notification, screening
from tests.web.support import PASSWORD, build_real_app, dispose, seed_accounts
from web.accounts import ensure_organisation
from web.engine_access import current_engine
from web.extensions import db

Client = Callable[[str], FlaskClient]

REGISTRATION = {
    "name": "Karel Appel",
    "birth_date": "1985-03-12",
    "bsn": "111222333",
    "entry_date": "2026-05-04",
    "expected_release_date": "2026-08-28",
    "municipality_code": "GM0363",
    "probation_office_code": "",
    "has_minor_children": "yes",
    "remarks": "Spreekt weinig Nederlands; tolk nodig.",
}


@pytest.fixture
def real_app(database_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = build_real_app(database_url, clock)
    seed_accounts(app)
    yield app
    dispose(app)


@pytest.fixture
def client_for(real_app: Flask) -> Client:
    def make(username: str) -> FlaskClient:
        client = real_app.test_client()
        response = client.post("/aanmelden", data={"username": username, "password": PASSWORD})
        assert response.status_code == 303
        return client

    return make


def _start(app: Flask, key: str = "NZ-2026-CASE01", **data: object) -> int:
    with app.app_context():
        values = entry_data(remarks="Spreekt weinig Nederlands; tolk nodig.", **data)
        return current_engine().start("nazorg_detentie", values, key, user="mmd").id


def _complete(app: Flask, instance_id: int, bpmn_id: str, data: dict) -> None:
    with app.app_context():
        engine = current_engine()
        task = next(t for t in engine.tasks(instance_id=instance_id) if t.bpmn_id == bpmn_id)
        engine.complete(task.id, data, "mmd")


def _task_id(app: Flask, instance_id: int, bpmn_id: str) -> str:
    with app.app_context():
        tasks = current_engine().tasks(instance_id=instance_id)
        return next(t.id for t in tasks if t.bpmn_id == bpmn_id)


def _registered(client: FlaskClient, **changes: str) -> str:
    response = client.post("/zaken/nieuw", data={**REGISTRATION, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[-1]


def _names(page: str) -> set[str]:
    """The names of the fields a page asks for (not hidden ones, not the header's search)."""
    fields = re.findall(r"<(?:input|select|textarea)[^>]*>", page)
    return {
        re.search(r' name="([^"]+)"', field).group(1)
        for field in fields
        if ' name="' in field and 'type="hidden"' not in field and 'type="search"' not in field
    }


def test_the_coordinators_task_shows_what_the_prison_screened(
    real_app: Flask, client_for: Client
) -> None:
    case = _start(real_app)
    _complete(real_app, case, "entry_notification", entry_notification())
    _complete(real_app, case, "housing_screening", screening("housing", needed=True))

    page = client_for("ams").get(f"/taken/{_task_id(real_app, case, 'housing_agreement')}")
    text = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "Wat al bekend is" in text
    assert "Screenen op huisvesting" in text and "PI Zwolle" in text  # who reported it, by name
    assert "Huisvesting bij binnenkomst" in text  # the entry notification, for this provision
    assert "Werk en inkomen bij binnenkomst" not in text  # another provision's
    assert "Spreekt weinig Nederlands; tolk nodig." in text  # the registration's remarks
    assert "Gemeente Amsterdam" in text
    assert "(GM0363)" not in text and "Werkbak: Gemeente (" not in text


def test_the_task_page_leaves_out_what_the_user_may_not_see(
    real_app: Flask, client_for: Client
) -> None:
    case = _start(real_app)
    _complete(real_app, case, "entry_notification", entry_notification())

    text = client_for("ams").get(f"/taken/{_task_id(real_app, case, 'municipal_information')}")
    page = text.get_data(as_text=True)

    assert "Melding binnenkomst aan gemeente" in page  # the prison's notice, general part
    assert "Huisvesting bij binnenkomst" in page
    assert "Zorg bij binnenkomst" not in page  # care: no consent recorded
    assert "Schulden bij binnenkomst" not in page


def test_the_entry_notification_does_not_ask_again_what_the_registration_recorded(
    real_app: Flask, client_for: Client
) -> None:
    client = client_for("mmd")
    registration = _names(client.get("/zaken/nieuw").get_data(as_text=True))
    key = _registered(client)
    inbox = client.get("/taken").get_data(as_text=True)
    task_id = re.search(r'href="/taken/([0-9a-f-]{36})">Melding binnenkomst', inbox).group(1)

    page = client.get(f"/taken/{task_id}").get_data(as_text=True)

    assert _names(page) & registration == set()
    assert "Vastgelegd bij de registratie van de binnenkomst." in page
    # The notice's own remarks field asks only what is new; the registration's are shown.
    assert "Aanvullende bijzonderheden" in page
    assert "Spreekt weinig Nederlands; tolk nodig." in page
    # Gemeld op: today (the clock's 4 May 2026), ready to change.
    assert re.search(r'type="date" value="2026-05-04"[^>]*name="entry_notified_on"', page)

    answers = {k: v for k, v in entry_notification().items() if k != "has_minor_children"}
    form = {k: ("true" if v is True else "false" if v is False else v) for k, v in answers.items()}
    response = client.post(f"/taken/{task_id}/afronden", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # registered as a parent: the children's info is asked
    assert "Informatie over minderjarige kinderen: Dit veld is verplicht." in page

    form["entry_minor_children_info"] = "Twee kinderen, 4 en 7 jaar."
    assert client.post(f"/taken/{task_id}/afronden", data=form).status_code == 303
    case_page = client.get(f"/zaken/{key}").get_data(as_text=True)
    assert "Spreekt weinig Nederlands; tolk nodig." in case_page  # Bijzonderheden shown


def test_every_error_comes_in_one_round(real_app: Flask, client_for: Client) -> None:
    case = _start(real_app)
    task_id = _task_id(real_app, case, "entry_notification")

    response = client_for("mmd").post(
        f"/taken/{task_id}/afronden", data={"entry_notified_on": "2026-05-01"}
    )
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "Grondslag gemeente van herkomst: Dit veld is verplicht." in page
    assert "Gemeld op: Deze datum ligt vóór ‘Datum van binnenkomst’ (4 mei 2026)." in page


def test_an_english_user_sees_every_error_in_english_naming_the_english_labels(
    real_app: Flask, client_for: Client
) -> None:
    case = _start(real_app)
    task_id = _task_id(real_app, case, "entry_notification")
    client = client_for("mmd")
    client.post("/taal", data={"language": "en", "next": "/taken"})

    response = client.post(
        f"/taken/{task_id}/afronden",
        data={"entry_notified_on": "2026-05-01", "entry_situation_housing": "kasteel"},
    )
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "Basis for the municipality of origin: This field is required." in page
    assert "Housing at entry: Choose one of the options." in page
    assert "Reported on: This date is before ‘Date of entry’ (4 May 2026)." in page
    assert "Dit veld is verplicht" not in page and "Deze datum" not in page


def test_registration_warns_about_an_open_case_with_the_same_bsn(
    real_app: Flask, client_for: Client
) -> None:
    client = client_for("mmd")
    first = _registered(client)

    response = client.post("/zaken/nieuw", data=REGISTRATION)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="/zaken/{first}"' in page
    assert "al een lopende zaak met dit BSN" in page

    second = _registered(client, bevestigd="1")  # confirmed: registered after all
    assert second != first


def test_the_warning_names_no_case_the_user_may_not_see(
    real_app: Flask, client_for: Client
) -> None:
    with real_app.app_context():
        ensure_organisation("PI-HLM", "PI Haarlem", "prison")
        db.session.commit()
    _start(real_app, "NZ-2026-ELSEWH", prison_code="PI-HLM", birth_date="1985-03-12")

    page = client_for("mmd").post("/zaken/nieuw", data=REGISTRATION).get_data(as_text=True)

    assert "Er loopt al een zaak met dit BSN bij een andere organisatie." in page
    assert "NZ-2026-ELSEWH" not in page


def test_registration_flags_unlikely_dates(real_app: Flask, client_for: Client) -> None:
    client = client_for("mmd")
    changes = {"entry_date": "2026-02-02", "expected_release_date": "2026-04-30"}

    response = client.post("/zaken/nieuw", data={**REGISTRATION, **changes})
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "meer dan 30 dagen geleden" in page
    assert "De verwachte ontslagdatum ligt in het verleden" in page
    assert 'value="Spreekt weinig Nederlands; tolk nodig."' in page or "tolk nodig" in page
    assert (
        client.post("/zaken/nieuw", data={**REGISTRATION, **changes, "bevestigd": "1"}).status_code
        == 303
    )


def test_case_page_speaks_the_domains_words(real_app: Flask, client_for: Client) -> None:
    case = _start(real_app)
    _complete(real_app, case, "entry_notification", entry_notification())
    municipal = {
        "municipal_contact_person": "J. Bakker",
        "municipal_running_trajectories": ["housing", "work_income"],
        "municipal_exchanged_on": "2026-05-06",
    }
    _complete(real_app, case, "municipal_information", municipal)

    page = client_for("ams").get("/zaken/NZ-2026-CASE01").get_data(as_text=True)

    assert re.search(r"Lopende trajecten voor detentie</dt><dd>Huisvesting, Werk en inkomen<", page)
    assert "Wachten tot volgende termijn" not in page  # the process's own timer: no deadline
    assert "termijnbewaking" not in page
    assert "holidays" not in page
    assert "Termijnen tellen in werkdagen: zonder weekenden en feestdagen." in page
    assert "Spreekt weinig Nederlands; tolk nodig." in page  # the registration's Bijzonderheden


def test_inbox_keeps_its_filter_after_a_completion(real_app: Flask, client_for: Client) -> None:
    case = _start(real_app)
    client = client_for("mmd")
    client.get("/taken?weergave=vrij&voorziening=housing")
    task_id = _task_id(real_app, case, "entry_notification")

    data = {
        k: ("true" if v is True else "false" if v is False else v)
        for k, v in entry_notification().items()
        if k != "has_minor_children"
    }
    response = client.post(f"/taken/{task_id}/afronden", data=data)

    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.path == "/taken"
    assert parse_qs(target.query) == {"weergave": ["vrij"], "voorziening": ["housing"]}
