"""Shared fixtures. Database tests run on SQLite and on PostgreSQL (TEST_POSTGRES_URL or
DATABASE_URL); the PostgreSQL run is skipped, saying why, only when no server answers."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine import Engine, ManualClock
from engine.db.connect import open_database
from engine.db.migrate import heads, upgrade
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/terugkeer_test"


def postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES
    return url if url.startswith("postgresql") else DEFAULT_POSTGRES


def _ensure_postgres_database(url: str) -> str | None:
    """Create the test database if needed; the reason it cannot be used, or None."""
    target = sa.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    except sa.exc.OperationalError as exc:
        return f"PostgreSQL at {target.host}:{target.port} is not reachable: {exc.orig}"
    finally:
        admin.dispose()
    return None


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:  # fold the write-ahead log into the file we copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def _postgres_ready() -> Iterator[str]:
    """A database of this test run's own, so that concurrent runs never truncate each other's."""
    base = sa.make_url(postgres_url().replace("postgresql://", "postgresql+psycopg://", 1))
    own = base.set(database=f"{base.database}_{os.getpid()}")
    url = own.render_as_string(hide_password=False).replace(
        "postgresql+psycopg://", "postgresql://", 1
    )
    problem = _ensure_postgres_database(url)
    if problem:
        pytest.skip(problem)
    upgrade(url)
    yield url
    _drop_postgres_database(url)


def _drop_postgres_database(url: str) -> None:
    target = sa.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(url: str) -> None:
    database = open_database(url)
    with database.begin() as conn:
        names = [n for n in sa.inspect(conn).get_table_names() if n != "alembic_version"]
        conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        # A test may have moved the recorded revision (readiness "behind on migrations").
        conn.execute(sa.text("DELETE FROM alembic_version"))
        for head in heads():
            conn.execute(sa.text("INSERT INTO alembic_version VALUES (:head)"), {"head": head})
    database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "terugkeer.sqlite"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("_postgres_ready")
    _truncate_all(url)
    return url


@pytest.fixture
def clock() -> ManualClock:
    # Monday 4 May 2026, 09:00 in Amsterdam: the week of Liberation Day.
    return ManualClock(datetime(2026, 5, 4, 7, 0, tzinfo=UTC))


@pytest.fixture
def make_engine(database_url: str, clock: ManualClock) -> Iterator[Callable[..., Engine]]:
    made: list[Engine] = []

    def factory(**options) -> Engine:  # type: ignore[no-untyped-def]
        options.setdefault("clock", clock)
        engine = Engine(database_url, **options)
        made.append(engine)
        return engine

    yield factory
    for engine in made:
        engine.database.dispose()


@pytest.fixture
def database_proxy(database_url: str) -> Iterator[TcpProxy]:
    """A TCP proxy in front of the test's PostgreSQL server that the test can cut and restore
    (tests.support.tcp_proxy.through_proxy gives the URL through it)."""
    url = sa.make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        pytest.skip("a database outage needs a database server (SQLite is a file)")
    with tcp_proxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        yield proxy
