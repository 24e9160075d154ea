"""Alembic environment. The URL comes from the caller's config (engine.db.migrate) or from
DATABASE_URL; the metadata covers the engine's tables and the web app's."""

from __future__ import annotations

import contextlib
import os

from alembic import context

from engine.db.connect import open_database
from engine.db.models import Base

with contextlib.suppress(ImportError):  # the web app's tables share the engine's metadata
    import web.models  # noqa: F401

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or os.environ.get(
        "DATABASE_URL", "sqlite:///instance/terugkeer.sqlite"
    )


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = open_database(_url())
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
