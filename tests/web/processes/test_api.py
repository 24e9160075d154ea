"""The process owners' JSON API under /api/v1/processes: processes with their versions and
deployments with the same checks as the pages (migrations: test_migration.py)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.web.api.conftest import make_token
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import MODELS, start_case

CAMUNDA = MODELS.parent / "deployment" / "models" / "camunda_reclassering.bpmn"


def client_of(app: Flask) -> tuple[FlaskClient, dict[str, str]]:
    add_process_owner(app)
    return app.test_client(), {"Authorization": f"Bearer {make_token(app, OWNER)}"}


def test_processes_with_their_versions(web_app: Flask) -> None:
    start_case(web_app)
    client, headers = client_of(web_app)
    body = client.get("/api/v1/processes", headers=headers).get_json()
    sample = next(p for p in body["items"] if p["process_id"] == "sample_case")
    (version,) = sample["versions"]
    assert (version["version"], version["open_cases"], version["deployed_by"]) == (1, 1, "system")
    assert len(version["content_hash"]) == 64


def test_a_deployment_through_the_api(web_app: Flask) -> None:
    client, headers = client_of(web_app)
    files = [{"name": CAMUNDA.name, "content": CAMUNDA.read_text()}]
    created = client.post("/api/v1/processes/deployments", json={"files": files}, headers=headers)
    assert created.status_code == 201
    (version,) = created.get_json()["versions"]
    assert (version["process_id"], version["version"], version["created"]) == (
        "reclassering_advies",
        1,
        True,
    )
    again = client.post("/api/v1/processes/deployments", json={"files": files}, headers=headers)
    assert again.status_code == 200
    assert again.get_json()["versions"][0]["created"] is False


def test_a_refused_deployment_is_a_problem_document_with_every_problem(web_app: Flask) -> None:
    client, headers = client_of(web_app)
    sample = (MODELS / "sample.bpmn").read_text()
    broken = sample.replace("<bpmn:flowNodeRef>register</bpmn:flowNodeRef>", "")
    response = client.post(
        "/api/v1/processes/deployments",
        json={"files": [{"name": "sample.bpmn", "content": broken}], "complete": True},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["deployment"]["element"] == "register"
    assert problem["deployment"]["file"] == "sample.bpmn"
    assert problem["deployment"]["line"] > 1
    missing = client.post("/api/v1/processes/deployments", json={"files": []}, headers=headers)
    assert missing.status_code == 422


def test_a_refused_deployment_lists_each_problem_with_its_code_and_params(web_app: Flask) -> None:
    client, headers = client_of(web_app)
    text = CAMUNDA.read_text().replace(
        '<bpmn:userTask id="Task_advies"',
        '<bpmn:serviceTask id="Task_bel" camunda:class="a.B" />\n'
        '    <bpmn:userTask id="Task_advies"',
    )
    text = text.replace(
        "</bpmn:process>",
        '<bpmn:sequenceFlow id="Flow_los" sourceRef="Task_advies" targetRef="Nergens" />\n'
        "  </bpmn:process>",
    )
    response = client.post(
        "/api/v1/processes/deployments",
        json={"files": [{"name": CAMUNDA.name, "content": text}]},
        headers={**headers, "Accept-Language": "en"},
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "deployment_error"
    found = {(p["code"], p["element"]): p for p in body["deployment"]["problems"]}
    assert set(found) == {
        ("service_task_unsupported", "Task_bel"),
        ("flow_target_unknown", "Flow_los"),
    }
    assert found[("flow_target_unknown", "Flow_los")]["params"] == {"ref": "Nergens"}
    assert all(p["file"] == CAMUNDA.name and p["line"] > 1 for p in found.values())
