"""The notification outbox (migration 0460). One row per mail to send, or per immediate release
still to be turned into mails; the unique ``key`` makes every mail exist once, however many
schedulers enqueue it."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table

from engine.db.models import Base, UTCDateTime

outbox = Table(
    "notification_outbox",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    # "digest" (a user's day), "release" (an immediate release, not yet addressed),
    # "release_mail" (the mail about it to one user).
    Column("kind", String(16), nullable=False),
    Column("key", String(200), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("instance_id", Integer, ForeignKey("process_instances.id")),
    Column("day", Date),
    Column("created_at", UTCDateTime, nullable=False),
    # "pending", "sent", "skipped" (nothing to say, or no address), "expanded" (a release whose
    # mails exist), "failed" (gave up after the retry limit).
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claimed_by", String(100)),
    Column("claimed_until", UTCDateTime),
    Column("sent_at", UTCDateTime),
    Column("last_error", String(255)),
    Index("ix_notification_outbox_due", "status", "next_attempt_at"),
)
