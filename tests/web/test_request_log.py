"""Logs carry request ids and never personal data: a registration (BSN, name, remarks) and a
task completion with care and debt text, driven over HTTP, leave one line per request and per
engine command, JSON and plain records alike, without the BSN, the name or the text."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from flask import Flask

from engine import ManualClock
from tests.processes.harness import entry_notification
from tests.web.support import PASSWORD, build_real_app, dispose, seed_accounts
from web.engine_access import current_engine
from web.request_log import incoming_id, log_handler

BSN = "111222333"
NAME = "Karel Appel"
CARE_TEXT = "Gebruikt methadon; schulden bij CJIB van 4.317,25 euro."
REGISTRATION = {
    "name": NAME,
    "birth_date": "1985-03-12",
    "bsn": BSN,
    "entry_date": "2026-05-04",
    "expected_release_date": "2026-08-28",
    "municipality_code": "GM0363",
    "probation_office_code": "",
    "has_minor_children": "no",
    "remarks": "Verslaafd aan alcohol, in behandeling bij Tactus.",
}
SECRETS = (BSN, NAME, "Karel", "Appel", "methadon", "CJIB", "4.317,25", "Tactus", "alcohol")


@pytest.fixture
def real_app(database_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = build_real_app(database_url, clock)
    seed_accounts(app)
    yield app
    dispose(app)


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the JSON handler `terugkeer serve` uses writes, for the test's duration."""
    stream = io.StringIO()
    handler = log_handler("json", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_no_bsn_name_or_care_text_reaches_a_log(
    real_app: Flask, json_lines: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = real_app.test_client()
    signed_in = client.post("/aanmelden", data={"username": "mmd", "password": PASSWORD})
    assert signed_in.status_code == 303
    registered = client.post(
        "/zaken/nieuw", data=REGISTRATION, headers={"X-Request-ID": "registration-0001"}
    )
    assert registered.status_code == 303, registered.get_data(as_text=True)
    assert registered.headers["X-Request-ID"] == "registration-0001"
    inbox = client.get("/taken").get_data(as_text=True)
    task_id = re.search(r'href="/taken/([0-9a-f-]{36})">Melding binnenkomst', inbox).group(1)
    answers = entry_notification(entry_special_remarks=CARE_TEXT)
    form = {k: ("true" if v is True else "false" if v is False else v) for k, v in answers.items()}
    completed = client.post(f"/taken/{task_id}/afronden", data=form)
    assert completed.status_code == 303, completed.get_data(as_text=True)
    completion_id = completed.headers["X-Request-ID"]  # none sent: one was made
    assert re.fullmatch(r"[0-9a-f]{32}", completion_id)

    text = json_lines.getvalue()
    everything = text + "\n".join(f"{r.getMessage()} {r.args} {vars(r)}" for r in caplog.records)
    for secret in SECRETS:
        assert secret not in everything, secret

    lines = [json.loads(line) for line in text.splitlines()]
    requests = [line for line in lines if line["logger"] == "terugkeer.request"]
    registration = next(line for line in requests if line["request_id"] == "registration-0001")
    assert registration["route"] == "/zaken/nieuw"
    assert (registration["method"], registration["status"]) == ("POST", 303)
    assert isinstance(registration["user_id"], int) and registration["duration_ms"] >= 0
    completion = next(line for line in requests if line["request_id"] == completion_id)
    assert completion["route"] == "/taken/<task_id>/afronden"  # the rule, not the task's id
    assert task_id not in json.dumps(completion)

    commands = [line for line in lines if line["logger"] == "engine.commands"]
    started = next(c for c in commands if c["command"] == "start")
    assert started["request_id"] == "registration-0001" and started["outcome"] == "ok"
    done = next(c for c in commands if c["command"] == "complete")
    assert done["request_id"] == completion_id and done["instance_id"] == started["instance_id"]

    with real_app.app_context():
        events = current_engine().events(started["instance_id"])
    by_kind = {event.kind: event for event in events}
    assert by_kind["instance_started"].detail["request_id"] == "registration-0001"
    assert by_kind["task_completed"].detail["request_id"] == completion_id


def test_a_malformed_request_id_is_replaced() -> None:
    assert incoming_id("abc") != "abc"  # too short
    assert incoming_id("x" * 200) != "x" * 200  # too long
    assert incoming_id("evil\nline-injected") != "evil\nline-injected"
    assert incoming_id("4bf92f3577b34da6a3ce929d0e0e4736") == "4bf92f3577b34da6a3ce929d0e0e4736"
