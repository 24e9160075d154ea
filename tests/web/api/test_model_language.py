"""The JSON API gives the models' own texts in the Accept-Language language: a task's name and
form, a case's deadlines, in English where the shipped models give English, else Dutch
(docs/api.md, docs/modelling.md Translations)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from engine import ManualClock
from tests.processes.harness import entry_data
from tests.web.api.conftest import ApiClient, make_token
from tests.web.support import build_real_app, dispose, seed_accounts
from web.engine_access import current_engine

KEY = "NZ-2026-000777"


@pytest.fixture
def real_app(database_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = build_real_app(database_url, clock)
    seed_accounts(app)
    with app.app_context():
        current_engine().start("nazorg_detentie", entry_data(), KEY)
    yield app
    dispose(app)


def test_task_names_and_forms_follow_accept_language(real_app: Flask) -> None:
    client = ApiClient(real_app.test_client(), make_token(real_app, "mmd"))
    (task,) = client.get("/api/v1/tasks").get_json()["items"]
    assert task["name"] == "Entry notification to the municipality"
    assert task["step"] == "entry_notification"  # codes never change

    detail = client.get(f"/api/v1/tasks/{task['id']}").get_json()
    schema = detail["form"]["schema"]
    assert schema["title"] == "Entry notification to the municipality"
    assert "Housing at entry" in {p.get("title") for p in schema["properties"].values()}

    dutch = {"Accept-Language": "nl"}
    (task,) = client.get("/api/v1/tasks", headers=dutch).get_json()["items"]
    assert task["name"] == "Melding binnenkomst aan gemeente"
    detail = client.get(f"/api/v1/tasks/{task['id']}", headers=dutch).get_json()
    assert detail["form"]["schema"]["title"] == "Melding binnenkomst aan gemeente"

    case = client.get(f"/api/v1/cases/{KEY}").get_json()
    names = {deadline["name"] for deadline in case["deadlines"]}
    assert "Entry notification to the municipality" in names
