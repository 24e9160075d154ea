"""Process-owner rights have a scope: national processes only for a process owner of a ministry
organisation; a process owner of a municipality manages only that municipality's regional
processes (ids starting with its code and "_"), in the pages and in the API alike."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.api.conftest import make_token
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.processes.test_access import routes
from tests.web.support import MODELS, start_case
from web.engine_access import current_engine

SAMPLE = (MODELS / "sample.bpmn").read_text()
REGIONAL = SAMPLE.replace('"sample_case"', '"gm0363_sample"').replace(
    'name="Voorbeeldzaak"', 'name="Buddytraject Amsterdam"'
)
CHANGED_NATIONAL = SAMPLE.replace(
    'name="Meld binnenkomst aan gemeente"', 'name="Meld de binnenkomst"'
)
LOCAL_OWNER = "ams.procesbeheer"
# The regional process is uploaded as sample.bpmn: the national subprocess it holds
# (sample_screening) records its file name, so under another name it would be a change.


def versions(app: Flask, process_id: str) -> list[int]:
    with app.app_context():
        return [info.version for info in current_engine().versions(process_id)]


def upload(client: FlaskClient, files: dict[str, str]):  # type: ignore[no-untyped-def]
    data = {
        "files": [(io.BytesIO(text.encode()), name) for name, text in files.items()],
        "complete": "1",
    }
    return client.post("/processen/uploaden", data=data, content_type="multipart/form-data")


@pytest.fixture
def local_owner(web_app: Flask, sign_in: Callable[[str], FlaskClient]) -> FlaskClient:
    add_process_owner(web_app, LOCAL_OWNER, code="GM0363")
    return sign_in(LOCAL_OWNER)


def test_a_municipal_process_owner_cannot_open_or_change_a_national_process(
    web_app: Flask, local_owner: FlaskClient
) -> None:
    national = [(m, p) for m, p in routes(web_app) if p.startswith("/processen/sample_case")]
    assert len(national) >= 10
    for method, path in national:
        response = local_owner.open(path, method=method, json={} if method == "POST" else None)
        assert response.status_code == 403, (method, path)
    assert "sample_case" not in local_owner.get("/processen").get_data(as_text=True)

    response = upload(local_owner, {"sample.bpmn": CHANGED_NATIONAL})
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "U mag proces ‘sample_case’ niet wijzigen" in page and "niets uitgerold" in page
    assert versions(web_app, "sample_case") == [1]


def test_a_municipal_process_owner_deploys_and_manages_their_own_process(
    web_app: Flask, local_owner: FlaskClient, sign_in: Callable[[str], FlaskClient]
) -> None:
    response = upload(local_owner, {"sample.bpmn": REGIONAL})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert versions(web_app, "gm0363_sample") == [1]
    assert versions(web_app, "sample_screening") == [1]  # the shared subprocess is unchanged
    assert "Buddytraject Amsterdam" in local_owner.get("/processen").get_data(as_text=True)
    assert local_owner.get("/processen/gm0363_sample").status_code == 200
    assert local_owner.get("/processen/gm0363_sample/migratie").status_code == 200

    add_process_owner(web_app, "rdam.procesbeheer", code="GM0599")
    other_city = sign_in("rdam.procesbeheer")
    assert other_city.get("/processen/gm0363_sample").status_code == 403
    assert "Buddytraject" not in other_city.get("/processen").get_data(as_text=True)

    add_process_owner(web_app)
    national = sign_in(OWNER)  # the ministry's process owner manages every process
    assert national.get("/processen/gm0363_sample").status_code == 200


def test_a_regional_upload_that_changes_a_national_subprocess_deploys_nothing(
    web_app: Flask, local_owner: FlaskClient
) -> None:
    sneaky = REGIONAL.replace('name="Screening" isExecutable', 'name="Screening 2" isExecutable')
    response = upload(local_owner, {"sample.bpmn": sneaky})
    assert response.status_code == 403
    assert "sample_screening" in response.get_data(as_text=True)
    assert versions(web_app, "gm0363_sample") == []
    assert versions(web_app, "sample_screening") == [1]


def test_the_national_process_owner_still_deploys_national_processes(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    add_process_owner(web_app)
    response = upload(sign_in(OWNER), {"sample.bpmn": CHANGED_NATIONAL})
    assert response.status_code == 303
    assert versions(web_app, "sample_case") == [1, 2]


def test_the_api_keeps_a_municipal_process_owner_to_their_scope(web_app: Flask) -> None:
    case = start_case(web_app)
    add_process_owner(web_app, LOCAL_OWNER, code="GM0363")
    client = web_app.test_client()
    headers = {"Authorization": f"Bearer {make_token(web_app, LOCAL_OWNER)}"}

    listed = client.get("/api/v1/processes", headers=headers).get_json()["items"]
    assert [item["process_id"] for item in listed] == []

    files = [{"name": "sample.bpmn", "content": CHANGED_NATIONAL}]
    refused = client.post(
        "/api/v1/processes/deployments", json={"files": files, "complete": True}, headers=headers
    )
    assert refused.status_code == 403
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert versions(web_app, "sample_case") == [1]

    with web_app.app_context():
        (target,) = current_engine().versions("sample_case")
    migration = {"instance_ids": [case.id], "to_version_id": target.id, "dry_run": True}
    response = client.post("/api/v1/processes/migrations", json=migration, headers=headers)
    assert response.status_code == 403
    assert "sample_case" in response.get_json()["detail"]

    restore = client.post("/api/v1/processes/sample_case/versions/1/restore", headers=headers)
    assert restore.status_code == 403

    regional = [{"name": "sample.bpmn", "content": REGIONAL}]
    created = client.post(
        "/api/v1/processes/deployments",
        json={"files": regional, "complete": True},
        headers=headers,
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    listed = client.get("/api/v1/processes", headers=headers).get_json()["items"]
    assert [item["process_id"] for item in listed] == ["gm0363_sample"]
