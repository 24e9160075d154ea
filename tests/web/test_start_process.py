"""Starting a case of any deployed process with a start form (here an intake a process owner
uploaded, start event in the lane Reclassering): offered to probation officers only, the form
checked by its JSON Schema, the starter's organisation holding the first task."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

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
    assert "Aanleiding" in refused.get_data(as_text=True)

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
