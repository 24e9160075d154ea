"""An SMTP outage in the running scheduler (the timer scheduler and the mail dispatcher of
``start_scheduler`` and ``start_dispatcher``, on the real clock): the mail waits and is retried
after the server is back; the process timers fire meanwhile. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from engine import SystemClock
from engine.clock import AMSTERDAM
from engine.db.connect import read_transaction, write_transaction
from tests.engine.test_timers import wait_until
from tests.web.notifications.conftest import SmtpServer, address, give_addresses, mail_settings
from tests.web.support import build_app, dispose, seed_accounts, to_screening
from web.engine_access import current_engine, start_scheduler
from web.extensions import db
from web.models import User
from web.notifications import outbox
from web.notifications.dispatcher import start_dispatcher

MODELS = Path(__file__).resolve().parents[2] / "engine" / "models"


@pytest.fixture
def down() -> Iterator[SmtpServer]:
    """An SMTP server that is not running yet."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def live_app(database_url: str, down: SmtpServer) -> Iterator[Flask]:
    settings = mail_settings(
        down,
        TERUGKEER_MAIL_CHECK_SECONDS=0.2,
        TERUGKEER_MAIL_RETRY_SECONDS=0.5,
        TERUGKEER_MAIL_RETRY_MAX_SECONDS=0.5,
        TERUGKEER_SCHEDULER_RECHECK_SECONDS=0.5,
    )
    app = build_app(database_url, SystemClock(), **settings)  # type: ignore[arg-type]
    seed_accounts(app)
    with app.app_context():
        current_engine().deploy([MODELS / "short_timer.bpmn"])
    yield app
    dispose(app)


def digest_row(app: Flask) -> Any:
    with app.app_context(), read_transaction(db.engine) as conn:
        rows = [row for row in outbox.statuses(conn) if row.kind == "digest"]
    return rows[0] if rows else None


def test_a_digest_waits_out_an_smtp_outage_while_timers_fire(
    live_app: Flask, down: SmtpServer
) -> None:
    give_addresses(live_app, "ams")
    to_screening(live_app, "NZ-2026-STORING")  # a new task for GM0363
    with live_app.app_context():
        engine = current_engine()
        now = engine.clock.now()
        ams = User.by_username("ams")
        assert ams is not None
        with write_transaction(db.engine) as conn:  # today's digest, whatever the hour
            outbox.enqueue_digests(conn, [ams.id], now.astimezone(AMSTERDAM).date(), now)
        timed = engine.start("short_timer", {"wait_for": "PT1S"}, "NZ-TIMER")

    start_scheduler(live_app)
    start_dispatcher(live_app)

    def fired() -> bool:
        with live_app.app_context():
            return current_engine().timers(timed.id)[0].status == "fired"

    assert wait_until(fired, seconds=30), "the timer did not fire during the SMTP outage"
    assert wait_until(lambda: digest_row(live_app).attempts >= 2, seconds=30)
    assert digest_row(live_app).status == "pending"
    assert down.inbox.messages == []

    down.start()

    assert wait_until(lambda: digest_row(live_app).status == "sent", seconds=30)
    [mail] = down.inbox.to(address("ams"))
    assert "NZ-2026-STORING: Screen huisvesting" in mail.get_content()
