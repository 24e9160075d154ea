"""The daily digest against a local SMTP server: its sections, counts and links, only what a
mail may carry, the opt-out, one mail per user and day with two schedulers, nothing without an
SMTP server. SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from engine.db.connect import read_transaction, write_transaction
from tests.web.notifications.conftest import SmtpServer, address, give_addresses
from tests.web.support import PASSWORD, build_app, dispose, seed_accounts, start_case
from web.engine_access import current_engine
from web.extensions import db
from web.models import User
from web.notifications import outbox
from web.notifications.dispatcher import MailDispatcher, start_dispatcher
from web.notifications.smtp import SmtpSettings

BSN = "111222333"
NAME = "Jan Jansen"


def screening_case(app: Flask, key: str, entry: str, claimed_by: str | None = None) -> str:
    """A sample case entered on ``entry``, worked by the prison up to the municipality's
    screening (due ten working days after entry); the screening task's id."""
    instance = start_case(app, key, entry_date=entry, name=NAME, bsn=BSN)
    with app.app_context():
        engine = current_engine()
        register = engine.tasks(instance_id=instance.id)[0]
        engine.complete(register.id, {"entry_date": entry, "stay_days": 40}, "mmd")
        notify = engine.tasks(instance_id=instance.id)[0]
        engine.complete(notify.id, {"notified_on": entry}, "mmd")
        screening = engine.tasks(instance_id=instance.id)[0]
        if claimed_by:
            engine.claim(screening.id, claimed_by)
        return screening.id


def dispatcher(app: Flask) -> MailDispatcher:
    settings = SmtpSettings.from_config(app.config)
    assert settings is not None
    return MailDispatcher(app, settings)


def outbox_rows(app: Flask) -> list[sa.Row]:
    with app.app_context(), read_transaction(db.engine) as conn:
        return outbox.statuses(conn)


@pytest.fixture
def workload(mail_app: Flask, clock: ManualClock) -> dict[str, str]:
    """GM0363's screenings on Wednesday 6 May 2026, 09:00 in Amsterdam: one overdue, one due
    tomorrow, one new today, one claimed by a colleague, one from Monday with time left."""
    tasks = {"old": screening_case(mail_app, "NZ-2026-OUD", "2026-05-04")}
    clock.advance(timedelta(days=2))
    tasks["overdue"] = screening_case(mail_app, "NZ-2026-LAAT", "2026-04-01")  # due 17 April
    tasks["soon"] = screening_case(mail_app, "NZ-2026-BIJNA", "2026-04-21")  # due 7 May
    tasks["new"] = screening_case(mail_app, "NZ-2026-NIEUW", "2026-05-06")  # due 21 May
    tasks["colleague"] = screening_case(mail_app, "NZ-2026-ANDER", "2026-05-06", "ams2")
    return tasks


def test_the_digest_lists_new_due_soon_and_overdue_work_with_links_and_nothing_personal(
    mail_app: Flask, smtp: SmtpServer, workload: dict[str, str]
) -> None:
    give_addresses(mail_app, "ams")

    dispatcher(mail_app).run_once()

    [mail] = smtp.inbox.to(address("ams"))
    assert mail["Subject"] == "Terugkeer: 1 te laat, 1 bijna verlopen, 1 nieuw"
    assert mail["From"] == "Terugkeer <terugkeer@example.nl>"
    text = mail.get_content().replace("\r\n", "\n")
    assert text.startswith("Beste Sanne Visser,")
    overdue, soon, new = (
        text.index(title)
        for title in (
            "Te laat (1)",
            "Binnen twee werkdagen verlopen (1)",
            "Nieuw sinds het vorige overzicht (1)",
        )
    )
    assert overdue < soon < new
    link = "https://terugkeer.example.nl/taken/"
    assert text.index("NZ-2026-LAAT: Screen huisvesting (uiterlijk 17 april 2026)") < soon
    assert text.index(link + workload["overdue"]) < soon
    assert soon < text.index("NZ-2026-BIJNA: Screen huisvesting (uiterlijk 7 mei 2026)") < new
    assert soon < text.index(link + workload["soon"]) < new
    assert new < text.index("NZ-2026-NIEUW: Screen huisvesting (uiterlijk 21 mei 2026)")
    assert new < text.index(link + workload["new"])
    assert "https://terugkeer.example.nl/taken\n" in text  # the inbox
    for absent in ("NZ-2026-OUD", "NZ-2026-ANDER", BSN, NAME, "1990"):
        assert absent not in text
    assert smtp.inbox.to(address("ams2")) == []  # no address, no mail
    assert [(row.key, row.status) for row in outbox_rows(mail_app)] == [
        (f"digest:{user_id(mail_app, 'ams')}:2026-05-06", "sent")
    ]


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        user = User.by_username(username)
        assert user is not None
        return user.id


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/aanmelden", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303
    return client


def test_a_user_who_chose_english_gets_the_digest_in_english(
    mail_app: Flask, smtp: SmtpServer, workload: dict[str, str]
) -> None:
    give_addresses(mail_app, "ams", language="en")

    dispatcher(mail_app).run_once()

    [mail] = smtp.inbox.to(address("ams"))
    assert mail["Subject"] == "Terugkeer: 1 overdue, 1 due soon, 1 new"
    assert mail["Content-Language"] == "en"
    text = mail.get_content().replace("\r\n", "\n")
    assert text.startswith("Dear Sanne Visser,")
    assert "Late (1)" in text and "Due within two working days (1)" in text
    assert "NZ-2026-LAAT: Screen huisvesting (due April 17, 2026)" in text


def test_the_opt_out_on_the_settings_page_is_respected(
    mail_app: Flask, smtp: SmtpServer, workload: dict[str, str]
) -> None:
    give_addresses(mail_app, "ams", "ams2")
    page = signed_in(mail_app, "ams2")
    form = page.get("/instellingen/e-mail")
    assert form.status_code == 200 and "ams2@example.nl" in form.get_data(as_text=True)
    saved = page.post(
        "/instellingen/e-mail",
        data={"email": address("ams2"), "language": "nl", "notify_release": "y"},
    )
    assert saved.status_code == 303

    dispatcher(mail_app).run_once()

    assert len(smtp.inbox.to(address("ams"))) == 1
    assert smtp.inbox.to(address("ams2")) == []


def test_two_schedulers_send_each_digest_once(
    mail_app: Flask, smtp: SmtpServer, workload: dict[str, str]
) -> None:
    give_addresses(mail_app, "ams", "ams2", "mmd")
    rounds = [dispatcher(mail_app), dispatcher(mail_app)]
    threads = [threading.Thread(target=one.run_once) for one in rounds * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(smtp.inbox.to(address("ams"))) == 1
    assert len(smtp.inbox.to(address("ams2"))) == 1  # the task they hold
    assert smtp.inbox.to(address("mmd")) == []  # the prison has no open tasks: no mail
    digests = [row for row in outbox_rows(mail_app) if row.kind == "digest"]
    assert sorted(row.status for row in digests) == ["sent", "sent", "skipped"]


def test_a_refused_address_is_retried_later_and_does_not_stop_the_other_mails(
    mail_app: Flask, smtp: SmtpServer, clock: ManualClock, workload: dict[str, str]
) -> None:
    give_addresses(mail_app, "ams", "ams2")
    smtp.inbox.refused.add(address("ams"))

    dispatcher(mail_app).run_once()

    assert [m["To"] for m in smtp.inbox.messages] == [address("ams2")]
    rows = {row.user_id: row for row in outbox_rows(mail_app)}
    refused = rows[user_id(mail_app, "ams")]
    assert (refused.status, refused.attempts) == ("pending", 1)

    dispatcher(mail_app).run_once()  # not due again yet (TERUGKEER_MAIL_RETRY_SECONDS)
    smtp.inbox.refused.clear()
    assert len(smtp.inbox.messages) == 1
    clock.advance(timedelta(minutes=1))
    dispatcher(mail_app).run_once()

    assert len(smtp.inbox.to(address("ams"))) == 1
    assert len(smtp.inbox.to(address("ams2"))) == 1


def test_rows_done_are_forgotten_after_thirty_days_and_pending_ones_kept(
    mail_app: Flask, smtp: SmtpServer, clock: ManualClock, workload: dict[str, str]
) -> None:
    give_addresses(mail_app, "ams", "ams2")
    smtp.inbox.refused.add(address("ams2"))
    dispatcher(mail_app).run_once()
    assert sorted(row.status for row in outbox_rows(mail_app)) == ["pending", "sent"]

    clock.advance(timedelta(days=31))
    with mail_app.app_context(), write_transaction(db.engine) as conn:
        assert outbox.forget_done(conn, clock.now()) == 1

    assert [row.key.endswith("2026-05-06") for row in outbox_rows(mail_app)] == [True]
    assert outbox_rows(mail_app)[0].status == "pending"


def test_no_digest_before_the_hour_and_the_next_day_only_what_is_new(
    mail_app: Flask, smtp: SmtpServer, clock: ManualClock, workload: dict[str, str]
) -> None:
    give_addresses(mail_app, "ams")
    clock.advance(timedelta(hours=-3))  # 06:00 in Amsterdam: before TERUGKEER_DIGEST_HOUR (7)
    dispatcher(mail_app).run_once()
    assert smtp.inbox.messages == []

    clock.advance(timedelta(hours=3))
    dispatcher(mail_app).run_once()
    clock.advance(timedelta(days=1))  # Thursday 7 May: the due-soon task is due today
    screening_case(mail_app, "NZ-2026-DONDERDAG", "2026-05-07")
    dispatcher(mail_app).run_once()

    first, second = smtp.inbox.to(address("ams"))
    assert second["Subject"] == "Terugkeer: 1 te laat, 1 bijna verlopen, 1 nieuw"
    text = second.get_content().replace("\r\n", "\n")
    assert "NZ-2026-DONDERDAG" in text and "NZ-2026-NIEUW" not in text


def test_nothing_is_sent_without_an_smtp_server_and_the_log_says_so_once(
    database_url: str, clock: ManualClock, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    app = build_app(database_url, clock)
    seed_accounts(app)
    try:
        give_addresses(app, "ams")
        screening_case(app, "NZ-2026-GEEN", "2026-05-04")
        with caplog.at_level(logging.INFO, logger="web.notifications"):
            assert start_dispatcher(app) is None
        assert [r.getMessage() for r in caplog.records].count(
            "no SMTP server configured (TERUGKEER_SMTP_HOST): notification mails are not sent "
            "(docs/notifications.md)"
        ) == 1
        assert smtp.inbox.messages == []
        assert outbox_rows(app) == []
    finally:
        dispose(app)


def test_the_settings_page_says_when_no_mail_server_is_configured(sign_in, web_app: Flask) -> None:
    page = sign_in("ams").get("/instellingen/e-mail").get_data(as_text=True)
    assert "Er is nog geen mailserver ingesteld" in page
    refused = sign_in("ams").post(
        "/instellingen/e-mail", data={"email": "geen-adres", "language": "nl"}
    )
    assert refused.status_code == 422
    assert "Vul een e-mailadres in" in refused.get_data(as_text=True)
