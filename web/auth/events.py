"""Security events: what happened to sign-ins and sessions, kept for the administrators
(table ``security_events``). Written in the request's transaction; the view commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from web.auth.tables import security_events
from web.extensions import db

EVENT_KINDS = ("sign_in_paused",)


def record_security_event(
    kind: str, *, username: str, address: str, detail: str, at: datetime
) -> None:
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown security event {kind!r}")
    db.session.execute(
        insert(security_events).values(
            at=at, kind=kind, username=username, address=address[:64], detail=detail[:255]
        )
    )
