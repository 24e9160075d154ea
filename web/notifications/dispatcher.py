"""Sends the outbox's mails, in the scheduler process, on APScheduler timers of its own (so a
slow or failing SMTP server never holds up the process timers).

Each round: enqueue today's digests (from TERUGKEER_DIGEST_HOUR on working days), turn new
immediate releases into one mail per coordinator, send what is due, and forget rows done more
than 30 days ago. A mail that fails is
retried with backoff (TERUGKEER_MAIL_RETRY_*) and given up after the retry limit; one user's
failure never stops the others; an unreachable server ends the round (the rest waits for the
next). Two schedulers never send one mail twice: each row is claimed first
(web/notifications/outbox.py).
"""

from __future__ import annotations

import atexit
import logging
import os
import smtplib
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from flask_babel import force_locale

from engine.clock import AMSTERDAM
from engine.db.connect import read_transaction, write_transaction
from web.access import working_roles
from web.engine_access import NOTIFICATIONS_KEY, current_engine, stop_scheduler
from web.extensions import db
from web.models import User
from web.notifications import content, outbox, recipients
from web.notifications.mails import digest_mail, mail_language, release_mail
from web.notifications.smtp import Mail, SmtpSettings, connection_error, send

log = logging.getLogger(__name__)

JOB_ID = "terugkeer-notifications"
RELEASE_MAIL_MAX_AGE = timedelta(days=2)
"""An immediate release older than this when first seen (mail was off) gets no mail anymore."""


@dataclass
class Round:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def no_smtp_message() -> str:
    return (
        "no SMTP server configured (TERUGKEER_SMTP_HOST): notification mails are not sent "
        "(docs/notifications.md)"
    )


class MailDispatcher:
    def __init__(self, app: Flask, smtp: SmtpSettings) -> None:
        self.app = app
        self.smtp = smtp
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        config = app.config
        self.interval = float(config.get("TERUGKEER_MAIL_CHECK_SECONDS", 60.0))
        self.digest_hour = int(config.get("TERUGKEER_DIGEST_HOUR", 7))
        self.retry_limit = int(config.get("TERUGKEER_MAIL_RETRY_LIMIT", 8))
        self.retry_first = timedelta(seconds=config.get("TERUGKEER_MAIL_RETRY_SECONDS", 60.0))
        self.retry_max = timedelta(seconds=config.get("TERUGKEER_MAIL_RETRY_MAX_SECONDS", 3600.0))
        self.base_url = str(config.get("TERUGKEER_BASE_URL") or "http://127.0.0.1:5000")
        self._scheduler = BackgroundScheduler(timezone=UTC)
        self._round_failing = False
        self._server_failing = False

    def start(self) -> None:
        self._scheduler.start()
        self._scheduler.add_job(
            self.run_safely,
            trigger=IntervalTrigger(seconds=self.interval, timezone=UTC),
            id=JOB_ID,
            next_run_time=datetime.now(UTC),
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
        log.info("notification mail via %s:%d", self.smtp.host, self.smtp.port)

    def shutdown(self) -> None:
        self._scheduler.shutdown(wait=True)

    def run_safely(self) -> None:
        """One round; whatever fails is logged (once while it keeps failing), never raised."""
        try:
            self.run_once()
        except Exception as error:
            if not self._round_failing:
                log.error(
                    "notification round failed (%s); trying every %.0f s",
                    _safe(error),
                    self.interval,
                )
            self._round_failing = True
        else:
            if self._round_failing:
                log.warning("notification rounds run again")
            self._round_failing = False

    def run_once(self) -> Round:
        done = Round()
        with self.app.app_context(), self.app.test_request_context(base_url=self.base_url):
            try:
                now = current_engine().clock.now()
                self._enqueue_digests(now)
                self._expand_releases(now)
                self._deliver(now, done)
                with write_transaction(db.engine) as conn:
                    outbox.forget_done(conn, now)
            finally:
                db.session.remove()
        return done

    def _enqueue_digests(self, now: datetime) -> None:
        local = now.astimezone(AMSTERDAM)
        if local.hour < self.digest_hour or not current_engine().calendar.is_working_day(
            local.date()
        ):
            return
        with write_transaction(db.engine) as conn:
            outbox.enqueue_digests(conn, recipients.digest_recipients(conn), local.date(), now)

    def _expand_releases(self, now: datetime) -> None:
        with read_transaction(db.engine) as conn:
            releases = outbox.pending_releases(conn)
        for release in releases:
            try:
                with write_transaction(db.engine) as conn:
                    if now - release.created_at > RELEASE_MAIL_MAX_AGE:
                        outbox.finish(conn, release.id, "skipped", now)
                        continue
                    users = recipients.release_recipients(conn, release.instance_id)
                    outbox.expand_release(conn, release.id, release.instance_id, users, now)
            except Exception as error:
                log.error("immediate release %d: no mails made (%s)", release.id, _safe(error))

    def _deliver(self, now: datetime, done: Round) -> None:
        with read_transaction(db.engine) as conn:
            due = outbox.due_mails(conn, now)
        for item in due:
            with write_transaction(db.engine) as conn:
                attempts = outbox.claim(conn, item.id, self.id, now)
            if attempts is None:
                continue  # another scheduler has it
            try:
                mail = self._compose(item, now)
                if mail is None:
                    self._finish(item.id, "skipped")
                    done.skipped += 1
                    continue
                send(self.smtp, mail)
            except Exception as error:
                done.failed += 1
                self._retry(item, attempts + 1, error)
                if connection_error(error):
                    break  # the server is down: the rest waits for the next round
                continue
            finally:
                db.session.remove()
            self._finish(item.id, "sent")
            done.sent += 1
            if self._server_failing:
                log.warning("sending notification mail works again")
                self._server_failing = False

    def _compose(self, item: Any, now: datetime) -> Mail | None:
        """The mail for an outbox row, or None when there is nothing to say or no one to say it
        to (the user left, has no address anymore, switched it off; an empty digest)."""
        user = db.session.get(User, item.user_id) if item.user_id is not None else None
        if user is None or not user.active or not user.email:
            return None
        code = user.organisation.code
        with force_locale(mail_language(user.language)), read_transaction(db.engine) as conn:
            if item.kind == "digest":
                if not user.notify_digest:
                    return None
                work = content.open_tasks(conn, code, working_roles(user), user.username)
                since = outbox.last_digest_sent(conn, user.id, item.day)
                summary = content.digest(work, now, since, current_engine().calendar)
                if summary.empty:
                    return None
                return digest_mail(user.email, user.language, user.display_name, summary)
            if not user.notify_release:
                return None
            released = content.release(conn, item.instance_id, code)
            if released is None:
                return None
            return release_mail(user.email, user.language, user.display_name, released)

    def _finish(self, row_id: int, status: str) -> None:
        with write_transaction(db.engine) as conn:
            outbox.finish(conn, row_id, status, current_engine().clock.now())

    def _retry(self, item: Any, attempts: int, error: Exception) -> None:
        now = current_engine().clock.now()
        at = None
        if attempts < self.retry_limit:
            at = now + min(self.retry_first * 2 ** (attempts - 1), self.retry_max)
        if at is None:
            log.error(
                "%s mail %d given up after %d attempts (%s)",
                item.kind,
                item.id,
                attempts,
                _safe(error),
            )
        elif connection_error(error):
            if not self._server_failing:
                log.error(
                    "SMTP server %s:%d unreachable (%s); mails wait and are retried",
                    self.smtp.host,
                    self.smtp.port,
                    _safe(error),
                )
            self._server_failing = True
        else:
            log.warning(
                "%s mail %d not sent (%s); retried at %s",
                item.kind,
                item.id,
                _safe(error),
                at.isoformat(),
            )
        with write_transaction(db.engine) as conn:
            outbox.retry_later(conn, item.id, attempts, at, _safe(error))


def _safe(error: Exception) -> str:
    """An error for the log and the outbox: its kind and an SMTP reply code, never its text (it
    may hold an address or a server's echo of the mail)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    return type(error).__name__


def start_dispatcher(app: Flask) -> MailDispatcher | None:
    """Send notification mails from this process until it exits (``stop_scheduler`` stops it
    with the timer scheduler); None, said once in the log, without an SMTP server."""
    smtp = SmtpSettings.from_config(app.config)
    if smtp is None:
        log.warning(no_smtp_message())
        return None
    dispatcher = MailDispatcher(app, smtp)
    dispatcher.start()
    app.extensions[NOTIFICATIONS_KEY] = dispatcher
    atexit.register(stop_scheduler, app)
    return dispatcher
