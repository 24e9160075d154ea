"""Schema migrations with Alembic, usable without Flask (tests, CLI, benchmarks)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

# In a checkout the repository's migrations/; in an installed package terugkeer_data/migrations
# (copied there at build time, setup.py).
_BASE = Path(__file__).resolve().parents[2]
MIGRATIONS = next(
    (p for p in (_BASE / "migrations", _BASE / "terugkeer_data" / "migrations") if p.is_dir()),
    _BASE / "migrations",
)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def at_head(conn: Connection) -> bool:
    """Whether the database ``conn`` reaches has every migration applied (and no other)."""
    if not inspect(conn).has_table("alembic_version"):
        return False
    found = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    return found == _head_set()


@cache
def _head_set() -> frozenset[str]:
    """The migrations' heads, read from the scripts once per process."""
    return frozenset(heads())
