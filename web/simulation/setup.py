"""Before and after a simulation run: the checks and organisations the workers need, and the
cases projection and dashboard written once the run is done."""

from __future__ import annotations

from typing import Any

from engine import NotFoundError
from engine.db.connect import write_transaction
from web.demo import ORGANISATIONS
from web.simulation.queries import RealCasesError, real_cases, register_missing_organisations


def project_cases(database: str, settings: dict[str, Any], prefix: str) -> int:
    """Write the cases projection's rows (web/cases/projection.py) of every case whose number
    starts with ``prefix``, in one transaction; how many cases."""
    from web.cases.projection import rebuild_all
    from web.engine_access import build_engine

    engine = build_engine(database, dict(settings))
    try:
        found = [info for info in engine.each_instance() if info.business_key.startswith(prefix)]
        with write_transaction(engine.database) as conn:
            return rebuild_all(conn, found)
    finally:
        engine.database.dispose()


def catch_up_dashboard(database: str, settings: dict[str, Any]) -> None:
    """Project the events the dashboard's feed has not seen yet."""
    from web.engine_access import build_engine, dashboard_feed

    engine = build_engine(database, dict(settings))
    try:
        dashboard_feed(engine).catch_up()
    finally:
        engine.database.dispose()


def prepare(
    database: str,
    settings: dict[str, Any],
    process_id: str,
    profile: dict[str, Any],
    *,
    unsafe_commit: bool,
) -> None:
    """Checks and set-up before any worker starts: the process is deployed, the database holds
    no real case when commits are to be unsafe, the profile's organisations are registered."""
    from web.engine_access import build_engine

    engine = build_engine(database, dict(settings))
    try:
        if unsafe_commit:
            found = real_cases(engine.database)
            if found:
                raise RealCasesError(found)
        if not engine.versions(process_id):
            raise NotFoundError(f"process {process_id!r} is not deployed")
        # The engine hands cases only to registered organisations (web/models.is_organisation).
        register_missing_organisations(engine.database, profile_organisations(profile))
    finally:
        engine.database.dispose()


def profile_organisations(profile: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(code, name, kind) of the organisations the profile sends cases to; the demo's names
    where it has them (web/demo.py), else the code."""
    names = {code: name for code, name, _kind in ORGANISATIONS}
    orgs = profile["organisations"]
    wanted = [(code, "prison") for code in orgs["prisons"]]
    wanted += [(code, "municipality") for code in orgs["municipalities"]]
    wanted += [(orgs["probation"], "probation"), (orgs["uwv"], "uwv")]
    return [(code, names.get(code, code), kind) for code, kind in wanted]
