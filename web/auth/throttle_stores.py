"""Where the sign-in throttle keeps its counts, shared by every app process: the database (the
default, table ``sign_in_failures``) or Redis (TERUGKEER_THROTTLE_STORAGE=redis://...).

A store counts failures per key and keeps the moment until which the key is paused. Counts are
forgotten FORGET_AFTER after the last failure. Both stores count atomically, so processes
signing in at once do not lose failures.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

import redis
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from web.auth.tables import sign_in_failures
from web.extensions import db

FORGET_AFTER = timedelta(hours=24)
REDIS_PREFIX = "terugkeer:sign-in:"


class ThrottleStore(Protocol):
    def paused_until(self, keys: list[str]) -> datetime | None:
        """The latest moment until which one of ``keys`` is paused (None: none is)."""

    def add_failure(self, key: str, now: datetime) -> int:
        """Count one failure of ``key``; the number of failures counted now."""

    def pause(self, key: str, until: datetime) -> None:
        """Refuse ``key`` until ``until``."""

    def forget(self, key: str) -> None:
        """Forget the failures of ``key`` (after a successful sign-in)."""


class DatabaseStore:
    """Counts in the app's database, in the request's transaction (the view commits)."""

    def paused_until(self, keys: list[str]) -> datetime | None:
        query = select(sign_in_failures.c.locked_until).where(sign_in_failures.c.key.in_(keys))
        moments = [moment for moment in db.session.scalars(query) if moment is not None]
        return max(moments, default=None)

    def add_failure(self, key: str, now: datetime) -> int:
        table = sign_in_failures
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).values(key=key, failures=1, last_failure_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": case(
                    (table.c.last_failure_at < now - FORGET_AFTER, 1),
                    else_=table.c.failures + 1,
                ),
                "last_failure_at": now,
            },
        ).returning(table.c.failures)
        return int(db.session.scalar(statement) or 1)

    def pause(self, key: str, until: datetime) -> None:
        table = sign_in_failures
        db.session.execute(update(table).where(table.c.key == key).values(locked_until=until))

    def forget(self, key: str) -> None:
        db.session.execute(delete(sign_in_failures).where(sign_in_failures.c.key == key))


class RedisStore:
    """Counts in Redis: one hash per key, expiring FORGET_AFTER after its last failure."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def paused_until(self, keys: list[str]) -> datetime | None:
        with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hget(REDIS_PREFIX + key, "paused_until")
            found = [float(value) for value in pipe.execute() if value is not None]
        return datetime.fromtimestamp(max(found), UTC) if found else None

    def add_failure(self, key: str, now: datetime) -> int:
        name = REDIS_PREFIX + key
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hincrby(name, "failures", 1)
            pipe.expire(name, FORGET_AFTER)
            failures, _expiry = pipe.execute()
        return int(failures)

    def pause(self, key: str, until: datetime) -> None:
        name = REDIS_PREFIX + key
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(name, "paused_until", until.timestamp())
            pipe.expire(name, FORGET_AFTER)
            pipe.execute()

    def forget(self, key: str) -> None:
        self.client.delete(REDIS_PREFIX + key)


def store_for(setting: str) -> ThrottleStore:
    """The store TERUGKEER_THROTTLE_STORAGE names: "database" or a redis:// URL."""
    if setting == "database":
        return DatabaseStore()
    if setting.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(setting)
    raise ValueError(
        f"TERUGKEER_THROTTLE_STORAGE: {setting!r} is neither 'database' nor a redis:// URL"
    )
