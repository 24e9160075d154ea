"""Named queries on the notification outbox (web/notifications/tables.py).

Every mail is a row with a unique key (``digest:<user>:<day>``, ``release:<instance>:<time>``,
``release-mail:<release row>:<user>``): enqueuing twice, from two schedulers, makes one row. A
row is sent by whoever claims it: a conditional UPDATE that only one transaction can win (a lease
of a few minutes, so a scheduler that dies while sending leaves it for another), the same on
SQLite and PostgreSQL. The SMTP conversation happens after the claim committed, never inside an
engine command or a claim's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from web.notifications.tables import outbox

IMMEDIATE_RELEASE_MESSAGE = "directe_invrijheidstelling"
"""The name of the nazorg model's message for an immediate release (processes/nazorg.bpmn)."""

CLAIM_LEASE = timedelta(minutes=5)
KEEP_DONE = timedelta(days=30)
"""How long a row that is done (sent, skipped, expanded, failed) is kept: support questions."""


def insert_new(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``, leaving out any whose key exists already (inserted by another process)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(outbox).on_conflict_do_nothing(index_elements=["key"]), rows)


def row(kind: str, key: str, now: datetime, **values: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "key": key[:200],
        "user_id": values.get("user_id"),
        "instance_id": values.get("instance_id"),
        "day": values.get("day"),
        "created_at": now,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
    }


def record_releases(conn: Connection, events: list[dict[str, Any]]) -> None:
    """The engine's event sink: an immediate release received by a case becomes an outbox row,
    in the command's own transaction (so it exists exactly when the release does). Its mails
    are made and sent later by the scheduler."""
    rows = [
        row(
            "release",
            f"release:{event['instance_id']}:{event['at'].isoformat()}",
            event["at"],
            instance_id=event["instance_id"],
        )
        for event in events
        if event["kind"] == "message_received"
        and event.get("instance_id") is not None
        and (event.get("detail") or {}).get("message") == IMMEDIATE_RELEASE_MESSAGE
    ]
    insert_new(conn, rows)


def enqueue_digests(conn: Connection, user_ids: Iterable[int], day: date, now: datetime) -> None:
    insert_new(
        conn,
        [
            row("digest", f"digest:{uid}:{day.isoformat()}", now, user_id=uid, day=day)
            for uid in user_ids
        ],
    )


def pending_releases(conn: Connection, limit: int = 100) -> list[Any]:
    query = (
        select(outbox.c.id, outbox.c.instance_id, outbox.c.created_at)
        .where(outbox.c.kind == "release", outbox.c.status == "pending")
        .order_by(outbox.c.id)
        .limit(limit)
    )
    return list(conn.execute(query))


def expand_release(
    conn: Connection, release_id: int, instance_id: int, user_ids: Iterable[int], now: datetime
) -> None:
    """The mails about release ``release_id``, one per user; the release row is then done."""
    insert_new(
        conn,
        [
            row(
                "release_mail",
                f"release-mail:{release_id}:{uid}",
                now,
                user_id=uid,
                instance_id=instance_id,
            )
            for uid in user_ids
        ],
    )
    finish(conn, release_id, "expanded", now)


def due_mails(conn: Connection, now: datetime, limit: int = 100) -> list[Any]:
    """Mails to send now, oldest first: pending, due, and not held by another sender."""
    query = (
        select(outbox.c.id, outbox.c.kind, outbox.c.user_id, outbox.c.instance_id, outbox.c.day)
        .where(
            outbox.c.kind.in_(("digest", "release_mail")),
            outbox.c.status == "pending",
            outbox.c.next_attempt_at <= now,
            or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
        )
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )
    return list(conn.execute(query))


def claim(conn: Connection, row_id: int, sender: str, now: datetime) -> int | None:
    """Take row ``row_id`` for sending; its attempts so far, or None when another sender holds
    it or it is done."""
    result = conn.execute(
        update(outbox)
        .where(
            outbox.c.id == row_id,
            outbox.c.status == "pending",
            or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
        )
        .values(claimed_by=sender[:100], claimed_until=now + CLAIM_LEASE)
    )
    if result.rowcount != 1:
        return None
    return conn.execute(select(outbox.c.attempts).where(outbox.c.id == row_id)).scalar_one()


def finish(conn: Connection, row_id: int, status: str, now: datetime) -> None:
    """``sent``, ``skipped`` or ``expanded``: nothing more to do for this row."""
    conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id)
        .values(
            status=status,
            sent_at=now if status == "sent" else None,
            claimed_by=None,
            claimed_until=None,
        )
    )


def retry_later(
    conn: Connection, row_id: int, attempts: int, at: datetime | None, error: str
) -> None:
    """A failed attempt: try again ``at``, or give up (``failed``) when ``at`` is None."""
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_error": error[:255],
        "claimed_by": None,
        "claimed_until": None,
    }
    if at is None:
        values["status"] = "failed"
    else:
        values["next_attempt_at"] = at
    conn.execute(update(outbox).where(outbox.c.id == row_id).values(**values))


def last_digest_sent(conn: Connection, user_id: int, before: date) -> datetime | None:
    """When the user's latest digest before ``before`` went out (None: never)."""
    query = select(func.max(outbox.c.sent_at)).where(
        and_(
            outbox.c.kind == "digest",
            outbox.c.user_id == user_id,
            outbox.c.status == "sent",
            outbox.c.day < before,
        )
    )
    return conn.execute(query).scalar()


def forget_done(conn: Connection, now: datetime) -> int:
    """Delete the rows done longer than ``KEEP_DONE`` ago (by when they were made); how many."""
    result = conn.execute(
        delete(outbox).where(outbox.c.status != "pending", outbox.c.created_at < now - KEEP_DONE)
    )
    return result.rowcount


def statuses(conn: Connection) -> list[Any]:
    """Every row's kind, key, status and attempts, oldest first (for tests and support)."""
    query = select(
        outbox.c.kind, outbox.c.key, outbox.c.user_id, outbox.c.status, outbox.c.attempts
    ).order_by(outbox.c.id)
    return list(conn.execute(query))
