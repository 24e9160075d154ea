"""Schema changes go through Alembic only: one head, and upgrade from empty works everywhere."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.db.connect import open_database
from engine.db.migrate import heads, upgrade
from engine.db.models import Base, Event
from engine.store.compaction import is_packed, unpack


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


def finished_with_whole_tree(make_engine, monkeypatch, data: dict) -> tuple:
    """A finished sample case stored as before issue 14: with its whole task tree."""
    from engine.runtime.codec import WorkflowCodec
    from tests.engine.conftest import MODELS, SAMPLE_FILES

    engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy(SAMPLE_FILES)
    monkeypatch.setattr(WorkflowCodec, "dump_state", WorkflowCodec._dump_tree)  # the old codec
    case = engine.start("sample_case", data, "old")
    for step in (
        {"entry_date": "2026-05-04", "stay_days": 200},
        {"notified_on": "2026-05-05"},
        {"has_housing": True},
    ):
        engine.complete(engine.tasks(instance_id=case.id)[0].id, step, "mmd")
    engine.send_message("release_date_set", "old", {"release_date": "2026-09-01"})
    last = engine.tasks(instance_id=case.id)[0]
    assert engine.complete(last.id, {"release_notice_sent": True}, "mmd").status == "completed"
    monkeypatch.undo()
    return engine, case


def test_finished_cases_saved_before_compaction_are_compacted(make_engine, monkeypatch) -> None:
    """0480_compact_finished: a finished case stored with its whole task tree (as before issue
    14) is compacted; its diagram states and case data stay as they were."""
    import json

    from alembic import command

    from engine.db.migrate import alembic_config

    engine, case = finished_with_whole_tree(
        make_engine, monkeypatch, {"prison_code": "PI-ZWL", "name": "Oud Dossier"}
    )
    url = engine.database.url.render_as_string(hide_password=False)
    table = sa.table("process_instances", sa.column("id"), sa.column("state"))

    def stored() -> dict:
        with engine.database.connect() as conn:
            query = sa.select(table.c.state).where(table.c.id == case.id)
            return json.loads(conn.execute(query).scalar_one())

    assert "compacted" not in stored() and "Oud Dossier" in json.dumps(stored())
    states, data = engine.element_states(case.id), engine.instance(case.id).data

    command.downgrade(alembic_config(url), "0460_notifications")
    upgrade(url)

    assert stored()["compacted"] is True and "Oud Dossier" not in json.dumps(stored())
    assert engine.element_states(case.id) == states
    assert engine.instance(case.id).data == data


def test_finished_cases_lose_state_timestamps_and_have_their_projected_events_archived(
    make_engine, monkeypatch
) -> None:
    """0490_smaller_finished: a finished case's events up to the dashboard's checkpoint move to
    its archive row, those after it stay live; the case's audit trail reads the same; its state
    is compacted without timestamps. The downgrade puts the events back."""
    import json
    from datetime import UTC, datetime

    from alembic import command

    from engine.db.migrate import alembic_config

    engine, case = finished_with_whole_tree(make_engine, monkeypatch, {"prison_code": "PI-ZWL"})
    url = engine.database.url.render_as_string(hide_password=False)
    audit = engine.events(case.id)
    states_before = engine.element_states(case.id)
    command.downgrade(alembic_config(url), "0480_compact_finished")
    projected = audit[-3].id  # the feed has seen all but the last two events
    checkpoints = sa.table(
        "projection_checkpoints",
        *(sa.column(n) for n in ("name", "position", "gaps", "updated_at", "attempts")),
    )
    events = sa.table("events", sa.column("id"), sa.column("instance_id"))
    archives = sa.table("case_archives", sa.column("instance_id"))  # since 0620
    states = sa.table("process_instances", sa.column("id"), sa.column("state"))
    with engine.database.begin() as conn:
        conn.execute(sa.delete(checkpoints))
        conn.execute(
            sa.insert(checkpoints).values(
                name="dashboard",
                position=projected,
                gaps="{}",
                updated_at=datetime.now(UTC),
                attempts=0,
            )
        )

    def live() -> list[int]:
        with engine.database.connect() as conn:
            query = sa.select(events.c.id).where(events.c.instance_id == case.id)
            return sorted(conn.execute(query).scalars())

    def timestamps() -> set:
        with engine.database.connect() as conn:
            query = sa.select(states.c.state).where(states.c.id == case.id)
            state = unpack(json.loads(conn.execute(query).scalar_one()))  # packed from 0541
        processes = [state, *state["subprocesses"].values()]
        return {t["last_state_change"] for p in processes for t in p["tasks"].values()}

    assert timestamps() != {0.0}

    upgrade(url)

    assert live() == [e.id for e in audit[-2:]]
    with engine.database.connect() as conn:
        assert conn.execute(sa.select(archives.c.instance_id)).scalars().all() == [case.id]
    assert engine.events(case.id) == audit
    assert timestamps() == {0.0}
    assert engine.element_states(case.id) == states_before

    command.downgrade(alembic_config(url), "0480_compact_finished")

    assert live() == [e.id for e in audit]
    upgrade(url)
    assert engine.events(case.id) == audit


def test_finished_states_are_packed_and_unpacked_again(make_engine, monkeypatch) -> None:
    """0541_packed_finished: a finished case's compact state written before is packed; the case
    reads the same (diagram states, case data, audit trail) and the downgrade unpacks it."""
    import json

    from alembic import command

    from engine.db.migrate import alembic_config

    engine, case = finished_with_whole_tree(make_engine, monkeypatch, {"prison_code": "PI-ZWL"})
    url = engine.database.url.render_as_string(hide_password=False)
    table = sa.table("process_instances", sa.column("id"), sa.column("state"))

    def stored() -> str:
        with engine.database.connect() as conn:
            query = sa.select(table.c.state).where(table.c.id == case.id)
            return conn.execute(query).scalar_one()

    states, data = engine.element_states(case.id), engine.instance(case.id)
    audit = engine.events(case.id)
    command.downgrade(alembic_config(url), "0480_compact_finished")
    upgrade(url)  # the whole tree compacted (0490) and packed (0541)
    packed = stored()
    assert is_packed(json.loads(packed))
    assert engine.element_states(case.id) == states

    command.downgrade(alembic_config(url), "0540_leaner_finished_indexes")

    compact = json.loads(stored())
    assert compact["compacted"] is True and not is_packed(compact)
    assert unpack(json.loads(packed)) == compact
    assert len(packed) * 5 < len(stored())
    assert engine.element_states(case.id) == states

    upgrade(url)

    assert stored() == packed
    assert engine.element_states(case.id) == states
    assert engine.instance(case.id) == data and engine.events(case.id) == audit


def test_event_ids_are_never_handed_out_again_after_the_upgrade(make_engine, monkeypatch) -> None:
    """0590_event_ids_never_reused: on SQLite the events table is rebuilt with AUTOINCREMENT and
    its sequence starts after the highest id used so far, also one only the archives hold; the
    rows stay. The downgrade rebuilds it without AUTOINCREMENT (PostgreSQL: no change)."""
    import json
    import zlib

    from alembic import command

    from engine.db.migrate import alembic_config
    from engine.store import events

    engine, case = finished_with_whole_tree(make_engine, monkeypatch, {"prison_code": "PI-ZWL"})
    url = engine.database.url.render_as_string(hide_password=False)
    sqlite = engine.database.dialect.name == "sqlite"
    table = sa.table("events", sa.column("id"))
    archives = sa.table("event_archives", sa.column("instance_id"), sa.column("events"))

    def ddl() -> str:
        with engine.database.connect() as conn:
            query = sa.text("SELECT sql FROM sqlite_master WHERE name = 'events'")
            return conn.execute(query).scalar_one()

    def ids() -> list[int]:
        with engine.database.connect() as conn:
            return sorted(conn.execute(sa.select(table.c.id)).scalars())

    def archived_at_0570() -> list[list]:
        with engine.database.connect() as conn:
            stored = conn.execute(sa.select(archives.c.events)).scalars().all()
        return [event for blob in stored for event in json.loads(zlib.decompress(blob))]

    audit = engine.events(case.id)  # live: the feed has not run
    command.downgrade(alembic_config(url), "0570_inbox_claimed_index")
    if sqlite:
        assert "AUTOINCREMENT" not in ddl()
    checkpoints = sa.table(
        "projection_checkpoints",
        *(sa.column(n) for n in ("name", "position", "gaps", "updated_at", "attempts")),
    )
    archived = [  # the format of event_archives (0490 to 0620)
        [e.id, e.version_id, e.at.isoformat(), e.actor, e.kind, e.task_id, e.bpmn_id, e.detail]
        for e in audit
    ]
    with engine.database.begin() as conn:  # the newest events archived; the feed saw even more
        conn.execute(sa.delete(table).where(table.c.id.in_([e.id for e in audit])))
        conn.execute(
            sa.insert(archives).values(
                instance_id=case.id, events=zlib.compress(json.dumps(archived).encode())
            )
        )
        conn.execute(sa.delete(checkpoints))
        conn.execute(
            sa.insert(checkpoints).values(
                name="dashboard",
                position=audit[-1].id + 3,
                gaps="{}",
                updated_at=audit[-1].at,
                attempts=0,
            )
        )
    live = ids()
    assert max(live) < audit[-1].id

    upgrade(url)

    if sqlite:
        assert "AUTOINCREMENT" in ddl()
    assert ids() == live and engine.events(case.id) == audit
    with engine.database.begin() as conn:
        new = conn.execute(
            sa.insert(Event.__table__).values(**events.row("deployed", actor="po", at=audit[0].at))
        ).inserted_primary_key[0]
    assert new > audit[-1].id
    if sqlite:  # and after the feed's checkpoint (PostgreSQL's sequence never got that far)
        assert new > audit[-1].id + 3

    command.downgrade(alembic_config(url), "0570_inbox_claimed_index")

    if sqlite:
        assert "AUTOINCREMENT" not in ddl()
    assert ids() == [*live, new] and archived_at_0570() == json.loads(json.dumps(archived))
    upgrade(url)
    assert engine.events(case.id) == audit


def test_the_monitor_rows_get_their_cases_release_date(database_url: str, clock) -> None:
    """0600_provision_release_dates: the rows of the monitor's moments of a released case carry
    its release date, the current status's rows ("now") and an unreleased case's none; the
    downgrade drops the column and its index."""
    from datetime import date

    from alembic import command

    from engine.db.migrate import alembic_config
    from tests.web.support import build_app, dispose, seed_accounts, start_case
    from web.cases.tables import provision_statuses

    app = build_app(database_url, clock)
    seed_accounts(app)
    try:
        out = start_case(
            app,
            "NZ-OUT",
            release_date="2026-06-01",
            monitor_entry={"housing": "arranged"},
            monitor_release={"housing": "not_arranged"},
            debts_action_needed=False,
        )
        inside = start_case(app, "NZ-IN", monitor_entry={"care": "not_needed"})
    finally:
        dispose(app)
    database = open_database(database_url)

    def rows() -> dict:
        table = provision_statuses
        query = sa.select(
            table.c.instance_id, table.c.moment, table.c.provision, table.c.release_date
        )
        with database.connect() as conn:
            return {(r[0], r[1], r[2]): r[3] for r in conn.execute(query)}

    def columns_and_indexes() -> tuple[set[str], set[str]]:
        with database.connect() as conn:
            inspector = sa.inspect(conn)
            columns = {c["name"] for c in inspector.get_columns("provision_statuses")}
            indexes = {i["name"] for i in inspector.get_indexes("provision_statuses")}
        return columns, indexes

    url = database.url.render_as_string(hide_password=False)
    try:
        kept = rows()
        command.downgrade(alembic_config(url), "0590_event_ids_never_reused")
        columns, indexes = columns_and_indexes()
        assert "release_date" not in columns
        assert "ix_provision_statuses_released" not in indexes
        upgrade(url)
        june = date(2026, 6, 1)
        assert (
            rows()
            == kept
            == {
                (out.id, "entry", "housing"): june,
                (out.id, "release", "housing"): june,
                (out.id, "now", "debts"): None,
                (inside.id, "entry", "care"): None,
            }
        )
        assert "ix_provision_statuses_released" in columns_and_indexes()[1]
    finally:
        database.dispose()
