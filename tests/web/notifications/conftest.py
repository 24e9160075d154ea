"""A local SMTP server (aiosmtpd) the notification tests start and stop, and an app that mails
through it."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from engine import ManualClock
from tests.web.support import build_app, dispose, seed_accounts
from web.extensions import db
from web.models import User


class Inbox:
    """Collects what the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()  # addresses the server says do not exist

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """An SMTP server on a fixed port that can be stopped and started again (an outage)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def mail_settings(server: SmtpServer, **overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "TERUGKEER_SMTP_HOST": "127.0.0.1",
        "TERUGKEER_SMTP_PORT": server.port,
        "TERUGKEER_SMTP_FROM": "Terugkeer <terugkeer@example.nl>",
        "TERUGKEER_BASE_URL": "https://terugkeer.example.nl",
    }
    settings.update(overrides)
    return settings


def address(username: str) -> str:
    return f"{username}@example.nl"


def give_addresses(app: Flask, *usernames: str, **changes: Any) -> None:
    """Give each user an address (username@example.nl) and the ``changes`` (e.g. language)."""
    with app.app_context():
        for username in usernames:
            user = User.by_username(username)
            assert user is not None
            user.email = address(username)
            for name, value in changes.items():
                setattr(user, name, value)
        db.session.commit()


@pytest.fixture
def mail_app(database_url: str, clock: ManualClock, smtp: SmtpServer) -> Iterator[Flask]:
    """The sample-model app, mailing through ``smtp``; the test accounts, without addresses."""
    app = build_app(database_url, clock, **mail_settings(smtp))
    seed_accounts(app)
    yield app
    dispose(app)
