"""What a command costs with the app's wiring (web/engine_access.build_engine): at most 10 SQL
statements per complete() through the whole nazorg short stay, and the cases projection it keeps
by differences equals one written from the case data alone. SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from bench.scenarios import NAZORG
from engine import ManualClock
from engine.db.connect import write_transaction
from web.cases.projection import rebuild_all
from web.cases.tables import case_organisations, provision_statuses
from web.engine_access import build_engine
from web.simulation.queries import register_missing_organisations

ORGANISATIONS = [
    ("PI-ZWL", "PI Zwolle", "prison"),
    ("GM0363", "Amsterdam", "municipality"),
    ("UWV-RDM", "UWV Rotterdam", "uwv"),
]


def case_rows(database: sa.Engine) -> tuple[set, set]:
    with database.connect() as conn:
        organisations = set(conn.execute(sa.select(case_organisations)).all())
        statuses = set(conn.execute(sa.select(provision_statuses)).all())
    return organisations, statuses


def test_complete_costs_at_most_ten_statements(database_url: str) -> None:
    clock = ManualClock(NAZORG.start)
    engine = build_engine(
        database_url, {"TERUGKEER_CLOCK": clock, "TERUGKEER_FORMS_DIR": str(NAZORG.forms)}
    )
    try:
        register_missing_organisations(engine.database, ORGANISATIONS)
        engine.deploy(NAZORG.files)
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        engine.start(NAZORG.process_id, dict(NAZORG.data), "NZ-COST")
        sa.event.listen(engine.database, "before_cursor_execute", count)
        per_complete = {}
        for step in NAZORG.steps:
            if step.kind == "complete":
                (task,) = engine.tasks(business_key="NZ-COST", bpmn_id=step.target)
                statements.clear()
                engine.complete(task.id, step.data, "worker")
                per_complete[step.target] = len(statements)
            elif step.kind == "time":
                clock.set(step.at)
                engine.fire_due_timers()
        sa.event.remove(engine.database, "before_cursor_execute", count)
        assert engine.instance_by_key("NZ-COST").status == "completed"
        assert len(per_complete) == 33
        assert max(per_complete.values()) <= 10, per_complete

        kept = case_rows(engine.database)
        assert kept[0] and kept[1]
        with write_transaction(engine.database) as conn:
            conn.execute(sa.delete(case_organisations))
            conn.execute(sa.delete(provision_statuses))
            rebuild_all(conn, engine.each_instance())
        assert case_rows(engine.database) == kept
    finally:
        engine.database.dispose()
