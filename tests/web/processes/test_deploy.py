"""Deploying from the browser: a model saved in the modeler (with the version's other files), and
uploads of BPMN and DMN files made elsewhere. The engine's checks decide; a refused deployment
names each problem's file, line and element and changes nothing."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient

from tests.web.processes.conftest import OWNER
from tests.web.support import MODELS, start_case
from web.engine_access import current_engine

SAMPLE = (MODELS / "sample.bpmn").read_text()
CAMUNDA = MODELS.parent / "deployment" / "models" / "camunda_reclassering.bpmn"
SAVE = "/processen/sample_case/versies/1/bewerken/sample.bpmn"


def versions(app: Flask, process_id: str = "sample_case") -> list[int]:
    with app.app_context():
        return [info.version for info in current_engine().versions(process_id)]


def test_a_saved_model_deploys_as_a_new_version_and_new_cases_start_on_it(
    web_app: Flask, owner: FlaskClient
) -> None:
    old_case = start_case(web_app, "NZ-OLD")
    renamed = SAMPLE.replace('name="Meld binnenkomst aan gemeente"', 'name="Meld de binnenkomst"')
    response = owner.post(SAVE, json={"xml": renamed})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["message"] == "Versie 2 van Voorbeeldzaak is uitgerold."
    assert body["next"] == "/processen/sample_case/versies/2"
    assert body["edit"] == "/processen/sample_case/versies/2/bewerken/sample.bpmn"
    own = next(v for v in body["versions"] if v["process_id"] == "sample_case")
    assert (own["version"], own["created"]) == (2, True)
    assert versions(web_app) == [1, 2]
    # sample_screening, drawn in the same file, is unchanged: same content, same version
    assert versions(web_app, "sample_screening") == [1]

    new_case = start_case(web_app, "NZ-NEW")
    with web_app.app_context():
        engine = current_engine()
        v1, v2 = engine.versions("sample_case")
        assert engine.instance(new_case.id).version_id == v2.id
        assert engine.instance(old_case.id).version_id == v1.id
        assert v2.deployed_by == OWNER
        files = dict(engine.version_files(v2.id))
    assert b'name="Meld de binnenkomst"' in files["sample.bpmn"]
    assert set(files) >= {"sample.bpmn", "stay_class.dmn", "notify.schema.json"}


def test_a_layout_only_save_is_a_new_version_running_cases_migrate_to(
    web_app: Flask, owner: FlaskClient
) -> None:
    """Moving a shape changes nothing that runs, yet it is a change people made: it deploys as a
    new version (so it can be exported and committed), and a running case moves onto it."""
    intake = MODELS / "camunda_aanmelding.bpmn"
    assert upload(owner, {intake.name: intake.read_bytes()}).status_code == 303
    data = {"naam": "Eva Jansen", "woonsituatie": "dakloos", "municipality_code": "GM0363"}
    with web_app.app_context():
        case = current_engine().start("aanmelding_huisvesting", data, "AM-1")
    shape = '<dc:Bounds x="360" y="140" width="100" height="80" />'
    moved = intake.read_text().replace(shape, shape.replace('y="140"', 'y="150"'))
    assert moved != intake.read_text()
    save = "/processen/aanmelding_huisvesting/versies/1/bewerken/camunda_aanmelding.bpmn"

    response = owner.post(save, json={"xml": moved})

    assert response.get_json()["message"] == "Versie 2 van Aanmelding huisvesting is uitgerold."
    again = owner.post(save.replace("/1/", "/2/"), json={"xml": moved})
    assert again.get_json()["message"] == "Geen wijziging: dit model is al versie 2."
    with web_app.app_context():
        engine = current_engine()
        v1, v2 = engine.versions("aanmelding_huisvesting")
        assert dict(engine.version_files(v2.id))["camunda_aanmelding.bpmn"] == moved.encode()
        (result,) = engine.migrate([case.id], v2.id, user=OWNER)
        assert result.can_move
        assert engine.instance(case.id).version_id == v2.id
        (task,) = engine.tasks(business_key="AM-1")
    assert task.bpmn_id == "Task_beoordelen"


def test_saving_an_unchanged_model_keeps_the_version(web_app: Flask, owner: FlaskClient) -> None:
    response = owner.post(SAVE, json={"xml": SAMPLE})
    assert response.get_json()["message"] == "Geen wijziging: dit model is al versie 1."
    assert versions(web_app) == [1]


def test_a_user_task_outside_every_lane_is_refused_on_its_element(
    web_app: Flask, owner: FlaskClient
) -> None:
    outside = SAMPLE.replace("<bpmn:flowNodeRef>notify_municipality</bpmn:flowNodeRef>", "")
    outside = outside.replace(
        "working_day_deadline(entry_date, 2)", "working_day_deadline(entry_date,"
    )
    response = owner.post(SAVE, json={"xml": outside})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problems = response.get_json()["problems"]
    by_element = {p["element"]: p for p in problems}
    lane = by_element["notify_municipality"]
    assert lane["message"].startswith("Deze taak ligt in geen lane")
    assert lane["file"] == "sample.bpmn"
    assert lane["line"] == SAMPLE[: SAMPLE.index('id="notify_municipality"')].count("\n") + 1
    timer = by_element["notify_late"]
    assert timer["message"].startswith("De timerexpressie (timeDate) is geen geldige expressie")
    assert versions(web_app) == [1]  # nothing deployed


def test_the_save_needs_a_model(owner: FlaskClient) -> None:
    assert owner.post(SAVE, json={}).status_code == 400
    assert owner.post(SAVE, json={"xml": "<nope"}).status_code == 422
    assert (
        owner.post(
            "/processen/sample_case/versies/1/bewerken/x.bpmn", json={"xml": SAMPLE}
        ).status_code
        == 404
    )


def upload(client: FlaskClient, files: dict[str, bytes], complete: bool = True):
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    if complete:
        data["complete"] = "1"
    return client.post("/processen/uploaden", data=data, content_type="multipart/form-data")


def test_a_camunda_modeler_file_uploads_deploys_and_runs(
    web_app: Flask, owner: FlaskClient
) -> None:
    response = upload(owner, {CAMUNDA.name: CAMUNDA.read_bytes()})
    assert response.status_code == 303
    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reclasseringsadvies: versie 1 is uitgerold." in page
    with web_app.app_context():
        engine = current_engine()
        (version,) = engine.versions("reclassering_advies")
        assert version.deployed_by == OWNER
        engine.start("reclassering_advies", {"probation_office_code": "RN-OOST"}, "advies-1")
        (task,) = engine.tasks(business_key="advies-1")
        assert (task.party, task.organisation) == ("probation", "RN-OOST")
        done = engine.complete(
            task.id, {"naam": "J. Jansen", "advies": "positief", "akkoord": True}, "reclassering"
        )
        assert done.status == "completed"
    again = upload(owner, {CAMUNDA.name: CAMUNDA.read_bytes()})
    assert "geen wijziging, dit is versie 1" in owner.get(again.headers["Location"]).get_data(
        as_text=True
    )


def test_a_refused_upload_names_each_problem_in_the_users_language(
    web_app: Flask, owner: FlaskClient
) -> None:
    text = CAMUNDA.read_text().replace(
        '<bpmn:userTask id="Task_advies"',
        '<bpmn:serviceTask id="Task_bel" camunda:class="a.B" />\n'
        '    <bpmn:userTask id="Task_advies"',
    )
    response = upload(owner, {CAMUNDA.name: text.encode()})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Deze engine voert geen servicetaken uit" in page
    line = text[: text.index('id="Task_bel"')].count("\n") + 1
    assert "Task_bel" in page and str(line) in page
    owner.post("/taal", data={"language": "en", "next": "/"})
    english = upload(owner, {CAMUNDA.name: text.encode()}).get_data(as_text=True)
    assert "This engine does not run service tasks" in english
    with web_app.app_context():
        assert current_engine().versions("reclassering_advies") == []


def test_a_file_with_a_doctype_is_refused(web_app: Flask, owner: FlaskClient) -> None:
    text = CAMUNDA.read_text()
    declaration = '<!DOCTYPE definitions [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    hostile = text.replace("?>\n", "?>\n" + declaration, 1)
    response = upload(owner, {"evil.bpmn": hostile.encode()})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Een DOCTYPE of entiteitsdeclaratie is niet toegestaan" in page
    assert "evil.bpmn" in page and '<td class="numeric">2</td>' in page  # file and line
    assert versions(web_app, "reclassering_advies") == []


def test_an_upload_is_completed_with_the_files_it_needs(web_app: Flask, owner: FlaskClient) -> None:
    renamed = SAMPLE.replace('name="Registreer binnenkomst"', 'name="Registreer de binnenkomst"')
    alone = upload(owner, {"sample.bpmn": renamed.encode()}, complete=False)
    assert alone.status_code == 422
    page = alone.get_data(as_text=True)
    assert "Onbekende beslistabel ‘stay_class’" in page
    assert "<code>classify</code>" in page
    assert versions(web_app) == [1]

    completed = upload(owner, {"sample.bpmn": renamed.encode()})
    assert completed.status_code == 303
    assert versions(web_app) == [1, 2]
    with web_app.app_context():
        engine = current_engine()
        files = dict(engine.version_files(engine.versions("sample_case")[-1].id))
    assert set(files) >= {"sample.bpmn", "stay_class.dmn", "register.schema.json"}


def test_an_empty_upload_asks_for_files(owner: FlaskClient) -> None:
    response = owner.post("/processen/uploaden", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Kies een of meer bestanden" in response.get_data(as_text=True)
