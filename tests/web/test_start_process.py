"""Starting a case of any deployed process with a start form (here an intake a process owner
uploaded, start event in the lane Reclassering): offered to probation officers only, the form
checked by its JSON Schema, the starter's organisation holding the first task."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import MODELS
from web.engine_access import current_engine


@pytest.fixture
def intake(web_app: Flask) -> None:
    with web_app.app_context():
        current_engine().deploy([MODELS / "intake.bpmn"], user="procesbeheer")


def test_a_probation_officer_starts_the_intake_and_gets_its_first_task(
    web_app: Flask, intake: None, sign_in: Callable[[str], FlaskClient]
) -> None:
    client = sign_in("reclassering")
    assert "/zaken/starten" in client.get("/zaken").get_data(as_text=True)
    listing = client.get("/zaken/starten").get_data(as_text=True)
    assert "Intake reclassering" in listing
    assert "Voorbeeldzaak" not in listing  # no start form

    form = client.get("/zaken/starten/probation_intake").get_data(as_text=True)
    assert "Naam cliënt" in form and "Toezicht" in form

    refused = client.post("/zaken/starten/probation_intake", data={"naam": "Eva Jansen"})
    assert refused.status_code == 422
    assert "Aanleiding: Dit veld is verplicht." in refused.get_data(as_text=True)
    client.post("/taal", data={"language": "en", "next": "/zaken"})
    english = client.post("/zaken/starten/probation_intake", data={"naam": "Eva Jansen"})
    assert english.status_code == 422  # the test model has no English titles: Dutch labels
    assert "Aanleiding: This field is required." in english.get_data(as_text=True)
    client.post("/taal", data={"language": "nl", "next": "/zaken"})

    started = client.post(
        "/zaken/starten/probation_intake", data={"naam": "Eva Jansen", "aanleiding": "toezicht"}
    )
    assert started.status_code == 303
    key = started.headers["Location"].rsplit("/", 1)[-1]
    assert client.get(started.headers["Location"]).status_code == 200
    with web_app.app_context():
        engine = current_engine()
        (task,) = engine.tasks(business_key=key)
        case = engine.instance(task.instance_id)
    assert case.process_id == "probation_intake"
    assert case.data["naam"] == "Eva Jansen"
    assert case.data["probation_office_code"] == "RN-OOST"
    assert (task.bpmn_id, task.organisation, task.role) == (
        "intake_interview",
        "RN-OOST",
        "probation_officer",
    )
    assert "Intakegesprek voeren" in client.get("/taken").get_data(as_text=True)


@pytest.mark.parametrize("username", ["mmd", "ams", "landelijk"])
def test_others_may_not_start_the_intake(
    web_app: Flask, intake: None, sign_in: Callable[[str], FlaskClient], username: str
) -> None:
    client = sign_in(username)
    assert "Intake reclassering" not in client.get("/zaken/starten").get_data(as_text=True)
    assert client.get("/zaken/starten/probation_intake").status_code == 403
    response = client.post(
        "/zaken/starten/probation_intake", data={"naam": "Eva Jansen", "aanleiding": "toezicht"}
    )
    assert response.status_code == 403
    with web_app.app_context():
        assert [t for t in current_engine().tasks() if t.process_id == "probation_intake"] == []


def test_a_process_without_a_start_form_cannot_be_started_here(
    sign_in: Callable[[str], FlaskClient],
) -> None:
    client = sign_in("mmd")
    assert client.get("/zaken/starten/sample_case").status_code == 404
    assert client.get("/zaken/starten/no_such_process").status_code == 404


CAMUNDA_INTAKE = MODELS / "camunda_aanmelding.bpmn"


@pytest.fixture
def camunda_intake(web_app: Flask, sign_in: Callable[[str], FlaskClient]) -> None:
    """A Camunda Modeler 5 intake uploaded by a process owner: its start event (lane Gemeente,
    property role=manager) carries the start form as camunda:formData."""
    add_process_owner(web_app)
    upload = {"files": [(io.BytesIO(CAMUNDA_INTAKE.read_bytes()), CAMUNDA_INTAKE.name)]}
    response = sign_in(OWNER).post(
        "/processen/uploaden", data=upload, content_type="multipart/form-data"
    )
    assert response.status_code == 303


def test_a_municipal_manager_starts_the_uploaded_camunda_intake(
    web_app: Flask, camunda_intake: None, sign_in: Callable[[str], FlaskClient]
) -> None:
    client = sign_in("ams.manager")
    assert "Aanmelding huisvesting" in client.get("/zaken/starten").get_data(as_text=True)
    form = client.get("/zaken/starten/aanmelding_huisvesting").get_data(as_text=True)
    assert "Naam cliënt" in form and "Tijdelijk onderdak" in form and "Datum vrijlating" in form

    refused = client.post("/zaken/starten/aanmelding_huisvesting", data={"naam": "Eva Jansen"})
    assert refused.status_code == 422
    assert "Woonsituatie" in refused.get_data(as_text=True)
    with web_app.app_context():
        tasks = current_engine().tasks()
        assert [t for t in tasks if t.process_id == "aanmelding_huisvesting"] == []

    started = client.post(
        "/zaken/starten/aanmelding_huisvesting",
        data={"naam": "Eva Jansen", "woonsituatie": "tijdelijk", "vrij_op": "2026-06-01"},
    )
    assert started.status_code == 303
    key = started.headers["Location"].rsplit("/", 1)[-1]
    with web_app.app_context():
        engine = current_engine()
        (task,) = engine.tasks(business_key=key)
        case = engine.instance(task.instance_id)
    assert case.process_id == "aanmelding_huisvesting"
    assert (case.data["woonsituatie"], case.data["vrij_op"]) == ("tijdelijk", "2026-06-01")
    assert case.data["municipality_code"] == "GM0363"
    assert (task.bpmn_id, task.organisation, task.role) == ("Task_beoordelen", "GM0363", "manager")
    assert "Aanmelding beoordelen" in client.get("/taken").get_data(as_text=True)


@pytest.mark.parametrize("username", ["ams", "mmd", "reclassering"])
def test_a_wrong_role_or_organisation_may_not_start_the_camunda_intake(
    web_app: Flask, camunda_intake: None, sign_in: Callable[[str], FlaskClient], username: str
) -> None:
    client = sign_in(username)  # ams: a coordinator at the municipality, not its manager
    assert "Aanmelding huisvesting" not in client.get("/zaken/starten").get_data(as_text=True)
    assert client.get("/zaken/starten/aanmelding_huisvesting").status_code == 403
    response = client.post(
        "/zaken/starten/aanmelding_huisvesting",
        data={"naam": "Eva Jansen", "woonsituatie": "dakloos"},
    )
    assert response.status_code == 403
    with web_app.app_context():
        tasks = current_engine().tasks()
        assert [t for t in tasks if t.process_id == "aanmelding_huisvesting"] == []
