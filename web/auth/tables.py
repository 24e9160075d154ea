"""Tables of sign-in security: failed sign-ins per account and per address (the throttle's
database store, web/auth/throttle.py) and the security events (sign-ins refused by the
throttle, sessions ended). Schema changes go through migrations/ (0450)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from engine.db.models import Base, UTCDateTime

metadata = Base.metadata

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", UTCDateTime, nullable=False),
    Column("locked_until", UTCDateTime),
)

security_events = Table(
    "security_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("username", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("detail", String(255), nullable=False),
    Index("ix_security_events_at", "at"),
)
