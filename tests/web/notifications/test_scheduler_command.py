"""``terugkeer scheduler`` as a real process sends the notification mails when an SMTP server is
configured, and says once that it sends none when there is not. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine import Engine, SystemClock
from engine.clock import AMSTERDAM
from engine.db.connect import write_transaction
from tests.engine.test_timers import wait_until
from tests.web.notifications.conftest import SmtpServer, address, give_addresses
from tests.web.support import build_app, dispose, seed_accounts, to_screening
from web.engine_access import current_engine
from web.extensions import db
from web.models import User
from web.notifications import outbox
from web.notifications.dispatcher import no_smtp_message

MODELS = Path(__file__).resolve().parents[2] / "engine" / "models"


def scheduler_process(database_url: str, tmp_path: Path, **settings: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TERUGKEER_INSTANCE_DIR": str(tmp_path / "instance"),
        "TERUGKEER_FORMS_DIR": str(MODELS / "forms"),
        **settings,
    }
    for name in ("TERUGKEER_RUN_SCHEDULER", "TERUGKEER_SMTP_HOST"):
        if name not in settings:
            env.pop(name, None)
    command = Path(sys.executable).parent / "terugkeer"
    return subprocess.Popen(
        [str(command), "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=30)[0]
    assert process.returncode == 0, output
    return output


def test_the_scheduler_command_sends_a_waiting_digest(
    database_url: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    app = build_app(database_url, SystemClock())  # type: ignore[arg-type]
    try:
        seed_accounts(app)
        give_addresses(app, "ams")
        to_screening(app, "NZ-2026-PROCES")
        with app.app_context():
            now = current_engine().clock.now()
            ams = User.by_username("ams")
            assert ams is not None
            with write_transaction(db.engine) as conn:
                outbox.enqueue_digests(conn, [ams.id], now.astimezone(AMSTERDAM).date(), now)
    finally:
        dispose(app)

    process = scheduler_process(
        database_url,
        tmp_path,
        TERUGKEER_SMTP_HOST="127.0.0.1",
        TERUGKEER_SMTP_PORT=str(smtp.port),
        TERUGKEER_MAIL_CHECK_SECONDS="0.2",
    )
    try:
        assert wait_until(lambda: smtp.inbox.to(address("ams")) != [], seconds=60)
    finally:
        output = stop(process)
    [mail] = smtp.inbox.to(address("ams"))
    assert "NZ-2026-PROCES: Screen huisvesting" in mail.get_content()
    assert no_smtp_message() not in output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # a log line: one database
def test_without_an_smtp_server_the_scheduler_command_says_so_once(
    database_url: str, tmp_path: Path
) -> None:
    engine = Engine(database_url)
    process = scheduler_process(database_url, tmp_path, TERUGKEER_MAIL_CHECK_SECONDS="0.2")
    try:
        assert wait_until(
            lambda: any(b.pid == process.pid for b in engine.scheduler_heartbeats()), seconds=60
        ), "the scheduler did not start"
    finally:
        output = stop(process)
        engine.database.dispose()
    assert output.count(no_smtp_message()) == 1, output
