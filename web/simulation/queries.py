"""The simulator's reads: whether a simulation already ran (`terugkeer run` loads one only once)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, and_, event, func, insert, select

from engine.db.connect import write_transaction
from engine.db.models import Event, HumanTask, ProcessInstance
from web.cases.tables import cases
from web.models import Organisation

events = Event.__table__
human_tasks = HumanTask.__table__
instances = ProcessInstance.__table__

SIMULATED_KEY_PREFIX = "NZ-SIM-"
NOT_REAL_PREFIXES = (SIMULATED_KEY_PREFIX, "NZ-DEMO-")
"""Case numbers of the simulator and of the demo cases (web/demo.py); every other case is real."""
organisations = Organisation.__table__


def simulated_cases(database: Engine, prefix: str = SIMULATED_KEY_PREFIX) -> int:
    """How many simulated cases (case numbers starting with ``prefix``) the database holds."""
    query = select(func.count()).where(instances.c.business_key.like(f"{prefix}%"))
    with database.connect() as conn:
        return conn.execute(query).scalar_one()


def unprojected_cases(database: Engine, prefix: str = SIMULATED_KEY_PREFIX) -> int:
    """How many cases whose numbers start with ``prefix`` have no row in the cases projection (a
    simulation that projects its cases at the end and was stopped before it)."""
    joined = instances.outerjoin(cases, cases.c.instance_id == instances.c.id)
    query = (
        select(func.count())
        .select_from(joined)
        .where(instances.c.business_key.like(f"{prefix}%"), cases.c.instance_id.is_(None))
    )
    with database.connect() as conn:
        return conn.execute(query).scalar_one()


def register_missing_organisations(
    database: Engine, wanted: Iterable[tuple[str, str, str]]
) -> None:
    """Add the organisations (code, name, kind) that are not registered yet."""
    with write_transaction(database) as conn:
        known = set(conn.execute(select(organisations.c.code)).scalars())
        missing = [
            {"code": code, "name": name, "kind": kind}
            for code, name, kind in wanted
            if code not in known
        ]
        if missing:
            conn.execute(insert(organisations), missing)


class RealCasesError(Exception):
    """Unsafe commits asked for on a database that holds real cases."""

    def __init__(self, count: int) -> None:
        super().__init__(f"the database holds {count} cases that the simulator did not make")
        self.count = count


def real_cases(database: Engine) -> int:
    """How many cases are real: not made by the simulator or the demo (their case numbers)."""
    query = select(func.count()).where(
        and_(*(instances.c.business_key.not_like(f"{prefix}%") for prefix in NOT_REAL_PREFIXES))
    )
    with database.connect() as conn:
        return conn.execute(query).scalar_one()


def without_synchronous_commit(database: Engine) -> None:
    """Every connection of ``database`` commits without waiting for the disk: PostgreSQL's
    ``synchronous_commit = off`` (a crash of the server may lose the last commits, never
    corrupts), SQLite's ``synchronous = OFF`` (no sync at its write-ahead log's checkpoints: a
    power loss or a crash of the machine may corrupt the file). For simulation databases only."""
    if database.dialect.name not in ("postgresql", "sqlite"):
        return
    database.dispose()  # connections made before keep their setting: drop them

    @event.listens_for(database, "connect")
    def _asynchronous(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        if database.dialect.name == "sqlite":  # after the engine's own PRAGMAs (engine/db)
            dbapi_connection.execute("PRAGMA synchronous=OFF")
            return
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
        dbapi_connection.commit()
