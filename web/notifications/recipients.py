"""Who gets which mail: named queries on the users (web/models.py)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from web.cases.tables import cases
from web.models import Organisation, User

users = User.__table__
organisations = Organisation.__table__

RELEASE_ROLE = "coordinator"
"""Who is told of an immediate release: the coordinators (nazorg) of the case's municipality,
the people who take over what is still open (source F, Informatie-uitwisseling 3)."""


def _mailable():  # type: ignore[no-untyped-def]
    return (
        users.c.active.is_(True),
        users.c.email.is_not(None),
        users.c.email != "",
    )


def digest_recipients(conn: Connection) -> list[int]:
    """Active users with an address who keep the daily digest on."""
    query = select(users.c.id).where(*_mailable(), users.c.notify_digest.is_(True))
    return [row.id for row in conn.execute(query.order_by(users.c.id))]


def release_recipients(conn: Connection, instance_id: int) -> list[int]:
    """The coordinators of the case's municipality (the municipality of return in the cases
    projection) with an address who keep the immediate-release mail on."""
    municipality = conn.execute(
        select(cases.c.municipality_code).where(cases.c.instance_id == instance_id)
    ).scalar()
    if not municipality:
        return []
    query = (
        select(users.c.id, users.c.roles)
        .select_from(users.join(organisations, organisations.c.id == users.c.organisation_id))
        .where(
            organisations.c.code == municipality,
            organisations.c.kind == "municipality",
            *_mailable(),
            users.c.notify_release.is_(True),
        )
        .order_by(users.c.id)
    )
    return [row.id for row in conn.execute(query) if RELEASE_ROLE in row.roles.split(",")]
