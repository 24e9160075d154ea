"""Personal API tokens: made and revoked by their user (the token page, ``terugkeer
create-token``), stored as the SHA-256 of the secret, shown once. Times come from the engine's
clock, like everything else that is recorded."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from engine.db.connect import write_transaction
from web.engine_access import current_engine
from web.extensions import db
from web.models import ApiToken, User

SECRET_PREFIX = "tk_"
PREFIX_LENGTH = 10
"""How much of the secret is kept in clear, so that a user can tell their tokens apart."""

VALIDITY_DAYS = (30, 90, 365)
DEFAULT_VALIDITY_DAYS = 90
MAX_ACTIVE_TOKENS = 10
"""A user holds at most this many tokens that are neither revoked nor expired."""

tokens = ApiToken.__table__

TOUCH_INTERVAL = timedelta(minutes=15)
"""``last_used_at`` is written at most this often per token (not on every request)."""


class TokenError(ValueError):
    """A token could not be made; the message says why."""


def now() -> datetime:
    return current_engine().clock.now()


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def active_tokens(user: User, at: datetime) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    query = (
        select(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > at,
        )
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def create_token(user: User, name: str, days: int = DEFAULT_VALIDITY_DAYS) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its secret (shown once, never stored); the caller commits."""
    name = " ".join(name.split())
    if not name:
        raise TokenError("a token needs a name")
    if days not in VALIDITY_DAYS:
        raise TokenError(f"a token is valid for {', '.join(map(str, VALIDITY_DAYS))} days")
    at = now()
    if len(active_tokens(user, at)) >= MAX_ACTIVE_TOKENS:
        raise TokenError(f"a user has at most {MAX_ACTIVE_TOKENS} active tokens")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=secret_hash(secret),
        created_at=at,
        expires_at=at + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def token_for_secret(secret: str, at: datetime) -> ApiToken | None:
    """The working token with this secret (not revoked, not expired, of an active user)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == secret_hash(secret)))
    if token is None or token.revoked_at is not None or token.expires_at <= at:
        return None
    return token if token.user.is_active else None


def user_token(user: User, token_id: int) -> ApiToken | None:
    """One of ``user``'s own tokens (another user's token does not exist for them)."""
    query = select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    return db.session.scalar(query)


def revoke_token(token: ApiToken, at: datetime) -> None:
    """Stop the token from working (kept for the record); the caller commits."""
    if token.revoked_at is None:
        token.revoked_at = at


def record_use(token: ApiToken, at: datetime) -> None:
    """Note when the token was last used, at most every TOUCH_INTERVAL, committed at once in
    a transaction of its own (like the record of a case view, web/cases/queries.py)."""
    if token.last_used_at is not None and at - token.last_used_at < TOUCH_INTERVAL:
        return
    with write_transaction(db.engine) as conn:
        conn.execute(update(tokens).where(tokens.c.id == token.id).values(last_used_at=at))
