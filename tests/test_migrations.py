"""Schema changes go through Alembic only: one head, and upgrade from empty works everywhere."""

from __future__ import annotations

import pytest
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


def test_instance_state_is_written_with_lz4_on_postgresql(make_engine) -> None:
    from tests.engine.conftest import MODELS, SAMPLE_FILES

    engine = make_engine(forms_dir=MODELS / "forms")
    if engine.database.dialect.name != "postgresql":
        pytest.skip("SQLite keeps text as it is: there is no compression to choose")
    engine.deploy(SAMPLE_FILES)
    case = engine.start("sample_case", {"prison_code": "PI-ZWL"}, "lz4")
    with engine.database.connect() as conn:
        supported = conn.execute(
            sa.text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
        ).scalar()
        method = conn.execute(
            sa.text("SELECT pg_column_compression(state) FROM process_instances WHERE id = :id"),
            {"id": case.id},
        ).scalar()
    assert method == ("lz4" if supported else "pglz")
