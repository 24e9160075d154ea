"""Creating organisations and users (the CLI now; the admin pages and demo data later)."""

from __future__ import annotations

from collections.abc import Iterable

from web.extensions import db
from web.models import ORGANISATION_KINDS, Organisation, User

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A user or organisation could not be created; the message says why."""


def ensure_organisation(
    code: str, name: str | None = None, kind: str | None = None
) -> Organisation:
    """The organisation with ``code``; created when missing and ``name`` and ``kind`` are given."""
    organisation = Organisation.by_code(code)
    if organisation is not None:
        return organisation
    if not name or not kind:
        raise AccountError(
            f"organisation {code!r} does not exist; give its name and kind to create it"
        )
    if kind not in ORGANISATION_KINDS:
        raise AccountError(f"kind {kind!r} is not one of {', '.join(ORGANISATION_KINDS)}")
    organisation = Organisation(code=code, name=name, kind=kind)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def create_user(
    username: str,
    *,
    organisation: Organisation,
    roles: Iterable[str],
    password: str,
    display_name: str | None = None,
    password_hash: str | None = None,
) -> User:
    """A new active user; the caller commits. ``password_hash``: the password's hash, made
    beforehand with ``web.models.hash_password``."""
    username = username.strip()
    if not username:
        raise AccountError("a username may not be empty")
    if User.by_username(username) is not None:
        raise AccountError(f"user {username!r} already exists")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    roles = list(roles)
    if not roles:
        raise AccountError("a user needs at least one role")
    user = User(username=username, display_name=display_name or username, active=True)
    user.organisation = organisation
    try:
        user.role_list = roles
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    user.set_password(password, hashed=password_hash)
    db.session.add(user)
    db.session.flush()
    return user
