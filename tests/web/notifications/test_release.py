"""The mail about an immediate release, on the real nazorg models: made from the audit event in
the command's transaction (an outbox row), sent afterwards by the scheduler to the coordinators
of the case's municipality, each once, in their language; nothing about the person. SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from engine import ManualClock
from engine.db.connect import read_transaction
from tests.processes.harness import entry_notification
from tests.web.api.conftest import ApiClient, make_token
from tests.web.notifications.conftest import (
    SmtpServer,
    address,
    give_addresses,
    mail_settings,
)
from tests.web.support import build_real_app, dispose, seed_accounts
from web.engine_access import current_engine
from web.extensions import db
from web.notifications import outbox
from web.notifications.dispatcher import MailDispatcher
from web.notifications.smtp import SmtpSettings

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(
    not (ROOT / "processes" / "nazorg.bpmn").exists(), reason="the nazorg models are not there"
)

NAME = "Ricardo Pinas"
BSN = "111222333"
ENTRY: dict[str, Any] = {
    "name": NAME,
    "birth_date": "1988-11-30",
    "bsn": BSN,
    "entry_date": "2026-05-04",
    "expected_release_date": None,
    "municipality_code": "GM0363",
    "has_minor_children": True,
}


@pytest.fixture
def real_app(database_url: str, clock: ManualClock, smtp: SmtpServer) -> Iterator[Flask]:
    # The digest hour is set late so that these tests see only the release mails.
    app = build_real_app(database_url, clock, **mail_settings(smtp, TERUGKEER_DIGEST_HOUR=23))
    seed_accounts(app)
    yield app
    dispose(app)


def api(app: Flask, username: str) -> ApiClient:
    return ApiClient(app.test_client(), make_token(app, username))


def release_immediately(app: Flask) -> str:
    made = api(app, "mmd").post("/api/v1/cases", json=ENTRY)
    assert made.status_code == 201, made.get_data(as_text=True)
    key = made.get_json()["case_number"]
    body = {"name": "directe_invrijheidstelling", "payload": {"reason": "Schorsing"}}
    sent = api(app, "mmd").post(f"/api/v1/cases/{key}/messages", json=body)
    assert sent.status_code == 200, sent.get_data(as_text=True)
    return key


def dispatcher(app: Flask) -> MailDispatcher:
    settings = SmtpSettings.from_config(app.config)
    assert settings is not None
    return MailDispatcher(app, settings)


def outbox_rows(app: Flask) -> list[Any]:
    with app.app_context(), read_transaction(db.engine) as conn:
        return outbox.statuses(conn)


def test_the_municipality_coordinators_get_a_mail_with_case_number_and_link_only(
    real_app: Flask, smtp: SmtpServer
) -> None:
    give_addresses(real_app, "ams", "ams2", "ams.manager", "rdam", "mmd")
    give_addresses(real_app, "ams2", language="en")

    key = release_immediately(real_app)

    # Recorded with the release, not sent inside it.
    assert [(row.kind, row.status) for row in outbox_rows(real_app)] == [("release", "pending")]
    assert smtp.inbox.messages == []

    dispatcher(real_app).run_once()

    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted([address("ams"), address("ams2")])
    [dutch] = smtp.inbox.to(address("ams"))
    assert dutch["Subject"] == f"Terugkeer: directe invrijheidstelling in zaak {key}"
    text = dutch.get_content().replace("\r\n", "\n")
    assert text.startswith("Beste Sanne Visser,\n")
    assert f"directe invrijheidstelling gemeld in zaak {key}" in text
    assert f"Zaak: https://terugkeer.example.nl/zaken/{key}\n" in text
    for absent in (NAME, "Pinas", BSN, "1988", "Schorsing", "PI Zwolle"):
        assert absent not in text
    [english] = smtp.inbox.to(address("ams2"))
    assert english["Subject"] == f"Terugkeer: immediate release in case {key}"
    assert "The prison has reported an immediate release" in english.get_content()

    dispatcher(real_app).run_once()  # a second round, or a second scheduler: nothing again
    assert len(smtp.inbox.messages) == 2
    kinds = sorted((row.kind, row.status) for row in outbox_rows(real_app))
    assert kinds == [("release", "expanded"), ("release_mail", "sent"), ("release_mail", "sent")]


def test_a_coordinator_who_switched_the_release_mail_off_gets_none(
    real_app: Flask, smtp: SmtpServer
) -> None:
    give_addresses(real_app, "ams")
    give_addresses(real_app, "ams2", notify_release=False)

    release_immediately(real_app)
    dispatcher(real_app).run_once()

    assert [m["To"] for m in smtp.inbox.messages] == [address("ams")]


def test_the_mail_lists_the_municipalitys_takeover_tasks_in_the_users_language(
    real_app: Flask, smtp: SmtpServer
) -> None:
    give_addresses(real_app, "ams")
    give_addresses(real_app, "ams2", language="en")
    made = api(real_app, "mmd").post("/api/v1/cases", json=ENTRY)
    key = made.get_json()["case_number"]
    with real_app.app_context():
        engine = current_engine()
        instance = engine.instance_by_key(key)
        [notice] = engine.tasks(instance_id=instance.id)
        engine.complete(notice.id, entry_notification(entry_notified_on="2026-05-04"), "mmd")
    body = {"name": "directe_invrijheidstelling", "payload": {"reason": "Schorsing"}}
    assert api(real_app, "mmd").post(f"/api/v1/cases/{key}/messages", json=body).status_code == 200
    with real_app.app_context():
        takeover = {
            task.bpmn_id: task.id
            for task in current_engine().tasks(instance_id=instance.id)
            if task.organisation == "GM0363"
        }

    dispatcher(real_app).run_once()

    dutch = smtp.inbox.to(address("ams"))[0].get_content().replace("\r\n", "\n")
    assert "Openstaande taken van uw organisatie in deze zaak:" in dutch
    assert f"- {key}: Openstaande acties huisvesting overnemen" in dutch
    assert f"https://terugkeer.example.nl/taken/{takeover['housing_takeover']}" in dutch
    assert dutch.count(f"- {key}: ") == len(takeover) == 4
    english = smtp.inbox.to(address("ams2"))[0].get_content().replace("\r\n", "\n")
    assert "Open tasks of your organisation in this case:" in english
    assert f"- {key}: Take over open housing actions" in english
    for absent in (NAME, BSN, "Schorsing"):
        assert absent not in dutch and absent not in english
