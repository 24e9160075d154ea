"""Connections: SQLite gets WAL and writer locks taken at BEGIN; PostgreSQL locks rows, and its
command transactions wait for a lock and run a statement only for a limited time."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator

from sqlalchemy import Connection, Engine, create_engine, event

WRITE_OPTION = "terugkeer_write"
READ_OPTION = "terugkeer_read"
_prepared: weakref.WeakSet[Engine] = weakref.WeakSet()
_write_limits: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def open_database(url: str) -> Engine:
    """An SQLAlchemy engine for ``url`` with the settings the engine relies on."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    options: dict = {}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        options["pool_recycle"] = 1800
    engine = create_engine(url, **options)
    prepare(engine)
    return engine


def prepare(engine: Engine) -> None:
    """Install the SQLite connection settings on an engine made elsewhere (Flask-SQLAlchemy)."""
    if engine.dialect.name != "sqlite" or engine in _prepared:
        return
    _prepared.add(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy emit BEGIN itself so that writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get(READ_OPTION):
            return  # each read statement is its own transaction
        # Straight to the driver: this runs once per command and SQLAlchemy's path is slower.
        connection.connection.driver_connection.execute(  # type: ignore[union-attr]
            "BEGIN IMMEDIATE" if options.get(WRITE_OPTION) else "BEGIN"
        )


def limit_write_transactions(
    engine: Engine, lock_timeout_ms: int, statement_timeout_ms: int
) -> None:
    """On PostgreSQL, every write transaction (a command) waits at most ``lock_timeout_ms`` for a
    lock and runs each statement at most ``statement_timeout_ms`` (0: no limit), set with SET
    LOCAL so that it ends with the transaction. A command past either limit fails and rolls back
    (the caller gets a BusyError) and releases its locks, instead of waiting without end.

    The limits go out with the transaction's BEGIN in one round trip: such an engine's write
    connections run in the driver's autocommit mode (as reads do), so the driver sends no BEGIN
    of its own, and ``write_transaction`` sends ``BEGIN; SET LOCAL ...; SET LOCAL ...`` as one
    simple query; COMMIT and ROLLBACK go through the driver as before."""
    if engine.dialect.name != "postgresql":
        return
    settings = (
        "BEGIN ISOLATION LEVEL READ COMMITTED; "
        f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}; "
        f"SET LOCAL statement_timeout = {int(statement_timeout_ms)}"
    )
    first = engine not in _write_limits
    _write_limits[engine] = settings
    if not first:
        return

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            # Straight to the driver, which is in autocommit mode: it adds no BEGIN itself.
            connection.connection.driver_connection.execute(_write_limits[engine])  # type: ignore[union-attr]


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """The one place where commands commit or roll back."""
    with engine.connect() as connection:
        options: dict = {WRITE_OPTION: True}
        if engine in _write_limits:
            # The BEGIN is sent with the limits (limit_write_transactions), not by the driver.
            options["isolation_level"] = "AUTOCOMMIT"
        connection = connection.execution_options(**options)
        with connection.begin():
            yield connection


@contextlib.contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """Reads, without BEGIN and COMMIT: every statement sees what was committed when it started
    (as under PostgreSQL's READ COMMITTED), which saves two round trips per read. What must be
    read consistently is read in one statement."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection = connection.execution_options(**{READ_OPTION: True})
        else:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        with connection.begin():
            yield connection
