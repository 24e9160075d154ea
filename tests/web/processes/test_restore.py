"""Going back to an older version: "Zet versie N terug" deploys version N's files again as a new
version (process owners only, after a confirmation, with a CSRF token); the API does the same."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.deployment import SourceFile
from tests.web.api.conftest import make_token
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import MODELS, PASSWORD, build_app, dispose, seed_accounts
from web.engine_access import current_engine

SAMPLE = (MODELS / "sample.bpmn").read_text()
SAVE = "/processen/sample_case/versies/1/bewerken/sample.bpmn"
RENAMED = SAMPLE.replace('name="Meld binnenkomst aan gemeente"', 'name="Meld de binnenkomst"')


def sample_versions(app: Flask) -> list[tuple[int, str]]:
    with app.app_context():
        return [(v.version, v.content_hash) for v in current_engine().versions("sample_case")]


def test_putting_version_1_back_makes_version_3_with_its_files(
    web_app: Flask, owner: FlaskClient
) -> None:
    assert owner.post(SAVE, json={"xml": RENAMED}).status_code == 200
    listing = owner.get("/processen/sample_case").get_data(as_text=True)
    assert "/processen/sample_case/versies/1/terugzetten" in listing
    assert "/processen/sample_case/versies/2/terugzetten" not in listing  # the newest

    confirm = owner.get("/processen/sample_case/versies/1/terugzetten").get_data(as_text=True)
    assert "opnieuw uitgerold als versie 3" in confirm
    response = owner.post("/processen/sample_case/versies/1/terugzetten")

    assert response.status_code == 303
    assert response.headers["Location"] == "/processen/sample_case/versies/3"
    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Voorbeeldzaak: versie 3 is uitgerold, met dezelfde inhoud als versie 1." in page
    (v1, h1), (v2, h2), (v3, h3) = sample_versions(web_app)
    assert (v3, h3) == (3, h1) and h2 != h1
    with web_app.app_context():
        engine = current_engine()
        first, _second, third = engine.versions("sample_case")
        assert engine.version_files(third.id) == engine.version_files(first.id)
    assert "= versie 1" in owner.get("/processen/sample_case").get_data(as_text=True)


def test_the_newest_version_has_nothing_to_put_back(web_app: Flask, owner: FlaskClient) -> None:
    page = owner.get("/processen/sample_case/versies/1/terugzetten").get_data(as_text=True)
    assert "Dit is de nieuwste versie" in page
    assert "Zet versie 1 terug" not in page
    response = owner.post("/processen/sample_case/versies/1/terugzetten")
    assert response.status_code == 303
    assert response.headers["Location"] == "/processen/sample_case/versies/1"
    assert "geen wijziging, dit is versie 1" in owner.get(
        "/processen/sample_case/versies/1"
    ).get_data(as_text=True)
    assert [v for v, _ in sample_versions(web_app)] == [1]


def test_an_unknown_version_is_404(owner: FlaskClient) -> None:
    assert owner.get("/processen/sample_case/versies/7/terugzetten").status_code == 404
    assert owner.post("/processen/sample_case/versies/7/terugzetten").status_code == 404


@pytest.fixture
def csrf_app(database_url: str, clock) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    app = build_app(database_url, clock, WTF_CSRF_ENABLED=True)
    seed_accounts(app)
    add_process_owner(app)
    yield app
    dispose(app)


def test_putting_back_needs_the_forms_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    page = client.get("/aanmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    client.post("/aanmelden", data={"username": OWNER, "password": PASSWORD, "csrf_token": token})
    with csrf_app.app_context():
        current_engine().deploy(
            [SourceFile("sample.bpmn", RENAMED.encode()), MODELS / "stay_class.dmn"], user=OWNER
        )

    refused = client.post("/processen/sample_case/versies/1/terugzetten")
    assert refused.status_code == 400
    assert [v for v, _ in sample_versions(csrf_app)] == [1, 2]

    confirm = client.get("/processen/sample_case/versies/1/terugzetten").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirm).group(1)
    done = client.post("/processen/sample_case/versies/1/terugzetten", data={"csrf_token": token})
    assert done.status_code == 303
    assert [v for v, _ in sample_versions(csrf_app)] == [1, 2, 3]


def test_the_api_puts_a_version_back(web_app: Flask, owner: FlaskClient) -> None:
    assert owner.post(SAVE, json={"xml": RENAMED}).status_code == 200
    client = web_app.test_client()
    headers = {"Authorization": f"Bearer {make_token(web_app, OWNER)}"}

    response = client.post("/api/v1/processes/sample_case/versions/1/restore", headers=headers)

    assert response.status_code == 201, response.get_data(as_text=True)
    own = next(v for v in response.get_json()["versions"] if v["process_id"] == "sample_case")
    assert (own["version"], own["created"], own["same_as"]) == (3, True, 1)
    again = client.post("/api/v1/processes/sample_case/versions/1/restore", headers=headers)
    assert again.status_code == 200
    listed = client.get("/api/v1/processes", headers=headers).get_json()["items"]
    sample = next(p for p in listed if p["process_id"] == "sample_case")
    assert [(v["version"], v["same_as"]) for v in sample["versions"]] == [
        (3, 1),
        (2, None),
        (1, None),
    ]
    missing = client.post("/api/v1/processes/sample_case/versions/9/restore", headers=headers)
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
