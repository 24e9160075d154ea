"""Schema changes go through Alembic only: one head, and upgrade from empty works everywhere."""

from __future__ import annotations

import sqlalchemy as sa

from engine.db.connect import open_database
from engine.db.migrate import heads, upgrade
from engine.db.models import Base


def test_there_is_a_single_head() -> None:
    assert len(heads()) == 1


def test_upgrade_from_empty_creates_every_table(database_url: str) -> None:
    # The fixture's database was built by the same upgrade; check it matches the models.
    database = open_database(database_url)
    with database.connect() as conn:
        inspector = sa.inspect(conn)
        tables = set(inspector.get_table_names())
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    database.dispose()
    assert set(Base.metadata.tables) <= tables
    assert version == heads()[0]


def test_upgrade_is_idempotent(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)


def test_models_and_migrations_agree(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    database = open_database(database_url)
    with database.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    database.dispose()
    assert diff == []
