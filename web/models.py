"""Users and the organisations they work for. Tables change only through migrations/."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Connection, ForeignKey, String, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from web.auth import tables as auth_tables  # noqa: F401  (same metadata; env.py imports us)
from web.cases import tables as case_tables  # noqa: F401  (same metadata; env.py imports us)
from web.dashboard import tables as dashboard_tables  # noqa: F401  (same metadata)
from web.extensions import db
from web.notifications import tables as notification_tables  # noqa: F401  (same metadata)

ORGANISATION_KINDS = ("prison", "municipality", "probation", "uwv", "ministry")
ROLES = ("caseworker", "coordinator", "probation_officer", "process_owner", "manager", "admin")

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2 hash of ``password`` with the app's parameters. Safe in any thread: argon2
    releases the GIL, so hashing in a background thread runs beside the main one."""
    return _hasher.hash(password)


def _now() -> datetime:
    return datetime.now(UTC)


class Organisation(db.Model):
    """A prison (e.g. PI-ZWL), a municipality (GM0363), a probation office, UWV or the ministry."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('prison', 'municipality', 'probation', 'uwv', 'ministry')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    @classmethod
    def by_code(cls, code: str) -> Organisation | None:
        return db.session.scalar(select(cls).where(cls.code == code))

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"


class User(UserMixin, db.Model):
    """Someone who signs in. Belongs to one organisation; roles are a comma-separated list.

    ``session_generation`` is part of the id kept in the session cookie (``get_id``): raising
    it ends every session of the user. A new password, other roles, another organisation or
    deactivation raise it; so does signing out (web/auth/sessions.py).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    roles: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # E-mail notifications (web/notifications/): the address, the language of the mails (None:
    # Dutch) and what the user wants to receive.
    email: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(8))
    notify_digest: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notify_release: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    organisation: Mapped[Organisation] = relationship(back_populates="users")

    def get_id(self) -> str:
        """What the session cookie holds: the user's id and session generation."""
        return f"{self.id}:{self.session_generation or 0}"

    def end_sessions(self) -> None:
        """Make every session of this user invalid (the caller commits)."""
        self.session_generation = (self.session_generation or 0) + 1

    @validates("active", "roles", "organisation_id", "organisation")
    def _end_sessions_on_change(self, key: str, value: object) -> object:
        if getattr(self, key) != value:
            self.end_sessions()
        return value

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def role_list(self) -> list[str]:
        return [role for role in self.roles.split(",") if role]

    @role_list.setter
    def role_list(self, roles: list[str]) -> None:
        unknown = sorted(set(roles) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLES)}")
        self.roles = ",".join(dict.fromkeys(roles))

    def has_role(self, role: str) -> bool:
        return role in self.role_list

    def set_password(self, password: str, *, hashed: str | None = None) -> None:
        """A new password; every session of the user ends. ``hashed``: the password's
        ``hash_password``, made beforehand (the demo data hashes in a background thread); a
        hash with other parameters than the app's is refused."""
        if hashed is not None and _hasher.check_needs_rehash(hashed):
            raise ValueError("the password hash does not have the app's parameters")
        self.password_hash = hashed or _hasher.hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches; upgrades the stored hash when its parameters aged."""
        try:
            _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher.check_needs_rehash(self.password_hash):
            self.password_hash = _hasher.hash(password)  # the same password: sessions stay
        return True

    @classmethod
    def by_username(cls, username: str) -> User | None:
        return db.session.scalar(select(cls).where(cls.username == username))

    def __repr__(self) -> str:
        return f"<User {self.username}>"


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader (registered in create_app): the user of ``"id:generation"``
    when that is still the user's session generation; else None (the session has ended)."""
    user_id, _, generation = session_id.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_generation != int(generation):
        return None
    return user


def display_names(usernames: set[str]) -> dict[str, str]:
    """Username -> display name, for the given usernames (unknown ones map to themselves)."""
    found = {name: name for name in usernames}
    if usernames:
        query = select(User.username, User.display_name).where(User.username.in_(usernames))
        found.update({row.username: row.display_name for row in db.session.execute(query)})
    return found


def organisation_names(codes: set[str]) -> dict[str, str]:
    """Organisation code -> name, for the given codes (unknown ones map to themselves)."""
    found = {code: code for code in codes}
    if codes:
        query = select(Organisation.code, Organisation.name).where(Organisation.code.in_(codes))
        found.update({row.code: row.name for row in db.session.execute(query)})
    return found


def organisation_options(kind: str) -> list[tuple[str, str]]:
    """(code, "name (code)") of every organisation of ``kind``, by name: choice lists."""
    query = select(Organisation.code, Organisation.name).where(Organisation.kind == kind)
    rows = db.session.execute(query.order_by(Organisation.name)).all()
    return [(row.code, f"{row.name} ({row.code})") for row in rows]


class ApiToken(db.Model):
    """A personal token for the JSON API (web/api/tokens.py). Only the SHA-256 of the secret is
    stored; the secret is shown once, when the token is made. A request with the token acts as
    its user, with that user's access (web/access.py)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix} of user {self.user_id}>"


def is_organisation(conn: Connection, kind: str, code: str) -> bool:
    """The engine's organisation directory (engine/runtime/organisations.py): whether ``code``
    is an organisation of ``kind``, read on the engine's connection inside its command."""
    table = Organisation.__table__
    query = select(table.c.id).where(table.c.code == code, table.c.kind == kind)
    return conn.execute(query).first() is not None
