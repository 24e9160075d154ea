"""Sending one mail over SMTP, with the TERUGKEER_SMTP_* settings (config.py)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    starttls: bool
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings | None:
        """The settings, or None when no SMTP host is configured (then nothing is sent)."""
        host = (config.get("TERUGKEER_SMTP_HOST") or "").strip()
        if not host:
            return None
        return cls(
            host=host,
            port=int(config.get("TERUGKEER_SMTP_PORT") or 25),
            user=config.get("TERUGKEER_SMTP_USER") or "",
            password=config.get("TERUGKEER_SMTP_PASSWORD") or "",
            starttls=bool(config.get("TERUGKEER_SMTP_STARTTLS")),
            sender=config.get("TERUGKEER_SMTP_FROM") or "Terugkeer <noreply@localhost>",
            timeout=float(config.get("TERUGKEER_SMTP_TIMEOUT_SECONDS") or 10.0),
        )


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    language: str


def connection_error(error: Exception) -> bool:
    """Whether ``error`` says the server cannot be reached (rather than that it refused one
    mail): then the other mails wait for the next round too."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return False
    return isinstance(error, OSError | smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError)


def send(settings: SmtpSettings, mail: Mail) -> None:
    """Send ``mail``; raises what smtplib raises when the server is down or refuses it."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="terugkeer")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    message["Content-Language"] = mail.language  # after set_content, which clears Content-*
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as server:
        if settings.starttls:
            server.starttls(context=ssl.create_default_context())
        if settings.user:
            server.login(settings.user, settings.password)
        server.send_message(message)
