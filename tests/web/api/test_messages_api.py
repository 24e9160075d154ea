"""Messages about the release (docs/processes.md) on the real nazorg models: a changed release
date and an immediate release, sent by the prison that holds the case; SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from config import TestConfig
from engine import ManualClock
from tests.web.api.conftest import ApiClient, assert_problem, make_token
from tests.web.support import dispose, seed_accounts, start_case
from web import create_app
from web.engine_access import current_engine

ROOT = Path(__file__).resolve().parents[3]
PROCESSES = ROOT / "processes"

pytestmark = pytest.mark.skipif(
    not (PROCESSES / "nazorg.bpmn").exists(), reason="the nazorg models are not in processes/"
)

ENTRY: dict[str, Any] = {
    "name": "Ricardo Pinas",
    "birth_date": "1988-11-30",
    "bsn": "111222333",
    "entry_date": "2026-05-04",
    "expected_release_date": None,
    "municipality_code": "GM0363",
    "has_minor_children": True,
}
CHANGED = "ontslagdatum_gewijzigd"
IMMEDIATE = "directe_invrijheidstelling"
EXPECTED = "payload.expected_release_date"


@pytest.fixture
def real_app(database_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = create_app(
        TestConfig(database_url, TERUGKEER_CLOCK=clock, TERUGKEER_FORMS_DIR=ROOT / "forms")
    )
    with app.app_context():
        current_engine().deploy(
            sorted(p for p in PROCESSES.iterdir() if p.suffix in (".bpmn", ".dmn"))
        )
    seed_accounts(app)
    yield app
    dispose(app)


def client(app: Flask, username: str) -> ApiClient:
    return ApiClient(app.test_client(), make_token(app, username))


@pytest.fixture
def case_number(real_app: Flask) -> str:
    response = client(real_app, "mmd").post("/api/v1/cases", json=ENTRY)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["case_number"]


def send(app: Flask, username: str, key: str, name: str, **payload: Any) -> Any:
    body = {"name": name, "payload": payload}
    return client(app, username).post(f"/api/v1/cases/{key}/messages", json=body)


def test_a_changed_release_date_reaches_the_case(real_app: Flask, case_number: str) -> None:
    response = send(
        real_app, "mmd", case_number, CHANGED, expected_release_date="2026-09-30", reason="Vonnis"
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["expected_release_date"] == "2026-09-30"
    api = client(real_app, "ams")
    assert api.get(f"/api/v1/cases/{case_number}").get_json()["expected_release_date"] == (
        "2026-09-30"
    )
    events = api.get(f"/api/v1/cases/{case_number}/events").get_json()["items"]
    received = [e for e in events if e["kind"] == "message_received"]
    assert len(received) == 1 and received[0]["actor"] == "mmd"

    unknown_again = send(
        real_app, "mmd", case_number, CHANGED, expected_release_date=None, reason="Hoger beroep"
    )
    assert unknown_again.status_code == 200
    assert unknown_again.get_json()["expected_release_date"] is None


def test_an_immediate_release_then_nothing_waits_for_a_date(
    real_app: Flask, case_number: str
) -> None:
    released = send(real_app, "mmd", case_number, IMMEDIATE, reason="Schorsing")

    assert released.status_code == 200, released.get_data(as_text=True)
    assert released.get_json()["release_date"] == "2026-05-04"  # today by the engine's clock

    late = send(
        real_app, "mmd", case_number, CHANGED, expected_release_date="2026-09-30", reason="Vonnis"
    )
    body = assert_problem(late, 409)
    assert body["code"] == "message_not_deliverable" and CHANGED in body["detail"]
    with real_app.app_context():
        assert current_engine().instance_by_key(case_number).status == "running"


@pytest.mark.parametrize(
    ("name", "payload", "field"),
    [
        (CHANGED, {"expected_release_date": "2026-05-01", "reason": "x"}, EXPECTED),
        (CHANGED, {"expected_release_date": "2026-09-30"}, "payload.reason"),
        (CHANGED, {"expected_release_date": "30-09-2026", "reason": "x"}, EXPECTED),
        (CHANGED, {"expected_release_date": None, "reason": "x", "extra": 1}, "payload.extra"),
        (IMMEDIATE, {"release_date": "2026-05-05"}, "payload.release_date"),
        (IMMEDIATE, {"release_date": "2026-04-30"}, "payload.release_date"),
        ("release_date_set", {}, "name"),
    ],
)
def test_invalid_messages_are_422_and_change_nothing(
    real_app: Flask, case_number: str, name: str, payload: dict[str, Any], field: str
) -> None:
    response = send(real_app, "mmd", case_number, name, **payload)

    assert field in assert_problem(response, 422)["errors"]
    with real_app.app_context():
        instance = current_engine().instance_by_key(case_number)
    assert instance.status == "running" and instance.data.get("expected_release_date") is None


@pytest.mark.parametrize("username", ["ams", "pi.lead", "reclassering", "landelijk"])
def test_only_a_caseworker_of_the_prison_sends_messages(
    real_app: Flask, case_number: str, username: str
) -> None:
    response = send(real_app, username, case_number, IMMEDIATE)
    assert_problem(response, 403 if username != "reclassering" else 404)


def test_another_municipality_gets_404(real_app: Flask, case_number: str) -> None:
    assert_problem(send(real_app, "rdam", case_number, IMMEDIATE), 404)


def test_a_message_nothing_waits_for_on_the_sample_model(web_app: Flask) -> None:
    start_case(web_app)  # the sample process waits for release_date_set only, after screening
    response = ApiClient(web_app.test_client(), make_token(web_app, "mmd")).post(
        "/api/v1/cases/NZ-TEST-1/messages",
        json={"name": CHANGED, "payload": {"expected_release_date": None, "reason": "x"}},
    )
    assert assert_problem(response, 409)["code"] == "message_not_deliverable"
