"""A finished case is stored compact: still a workflow every reader loads, with the same diagram
states, a fraction of the size, and none of the case's data (the case data column keeps it)."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime

from engine.runtime.codec import CODECS
from engine.runtime.projection import element_states
from engine.store.compaction import compact_state, is_compacted, is_packed, pack, unpack
from tests.processes.harness import PROVISIONS, Case, entry_data, entry_notification, specs
from tests.processes.nazorg_steps import (
    detention_work,
    release_day,
    six_months,
    suspend_insurance,
)
from tests.processes.test_paths_release import (
    test_immediate_release_during_screening_hands_open_work_to_the_municipality as immediate,
)

NAME = "Compact Gesloten"


def finished_short_stay() -> Case:
    case = Case(entry_data(expected_release_date="2026-08-28", name=NAME))
    case.complete("entry_notification", entry_notification())
    detention_work(case)
    case.set_time(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    release_day(case, {"debts": "in_progress"})
    case.set_time(datetime(2027, 2, 27, 23, 0, 1, tzinfo=UTC))
    six_months(case)
    assert case.done
    return case


def test_a_finished_case_is_written_compact_with_the_same_diagram_states() -> None:
    codec = CODECS["spiff"]
    case = finished_short_stay()
    full = codec.full_state(case.workflow)

    compact = codec.dump_state(case.workflow)

    assert is_compacted(json.loads(compact)) and not is_compacted(json.loads(full))
    assert len(zlib.compress(compact.encode())) * 3 < len(zlib.compress(full.encode()))
    restored = codec.load_state(compact, *specs())
    assert restored.completed
    assert element_states(restored) == element_states(codec.load_state(full, *specs()))
    assert set(element_states(restored)) == {
        "nazorg_detentie",
        *(f"provision_{p}" for p in PROVISIONS),
    }
    assert NAME in full and NAME not in compact
    assert codec.dump_state(restored) == compact  # compacting again changes nothing


def test_a_finished_case_is_stored_packed_and_unpacks_to_its_compact_state() -> None:
    """The stored form of a compact state: each task its spec and state, nothing that follows
    from the tree's shape; unpacked it is the compact state, loaded the same workflow."""
    codec = CODECS["spiff"]
    case = finished_short_stay()
    stored = json.loads(codec.dump_state(case.workflow))
    compact = compact_state(json.loads(codec.full_state(case.workflow)))

    assert is_packed(stored) and is_compacted(stored)
    assert unpack(stored) == compact and pack(compact) == stored
    assert pack(stored) is stored and unpack(compact) is compact
    assert len(json.dumps(stored)) * 5 < len(json.dumps(compact))
    restored = codec.load_state(json.dumps(stored), *specs())
    assert element_states(restored) == element_states(
        codec.load_state(json.dumps(compact), *specs())
    )
    running = json.loads(codec.full_state(Case(entry_data()).workflow))
    assert pack(running) is running  # only a compact state is packed


def test_work_cancelled_by_an_immediate_release_keeps_its_completed_steps() -> None:
    """Call activities interrupted by the release: their completed steps still show."""
    codec = CODECS["spiff"]
    captured: list = []
    original = Case.complete

    def complete(self, bpmn_id, data):  # type: ignore[no-untyped-def]
        original(self, bpmn_id, data)
        captured[:] = [self]

    Case.complete = complete  # type: ignore[method-assign]
    try:
        immediate()
    finally:
        Case.complete = original  # type: ignore[method-assign]
    case = captured[0]
    case.set_time(datetime(2026, 11, 9, 23, 0, 1, tzinfo=UTC))
    six_months(case)
    assert case.done
    full = codec.load_state(codec.full_state(case.workflow), *specs())
    restored = codec.load_state(codec.dump_state(case.workflow), *specs())
    assert element_states(restored) == element_states(full)
    assert element_states(restored)["provision_housing"]["housing_screening"] == "completed"


def test_the_running_workflow_is_not_compacted() -> None:
    codec = CODECS["spiff"]
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.complete("entry_notification", entry_notification())
    suspend_insurance(case)
    state = json.loads(codec.dump_state(case.workflow))
    assert not is_compacted(state)
    assert state == json.loads(codec.full_state(case.workflow))
    assert compact_state(compact_state(state)) == compact_state(state)


def test_a_compacted_case_keeps_its_diagram_refuses_migration_and_can_be_redacted(
    make_engine,
) -> None:  # type: ignore[no-untyped-def]
    """Through the facade on both databases: what reads a finished case's state still works."""
    import sqlalchemy as sa

    from tests.engine.conftest import MODELS
    from tests.engine.runtime.test_migration import SAMPLE, sample_version

    engine = make_engine(forms_dir=MODELS / "forms")
    (v1, _) = engine.deploy(sample_version(SAMPLE))
    case = engine.start("sample_case", {"prison_code": "PI-ZWL", "name": NAME}, "done")
    for step in (
        {"entry_date": "2026-05-04", "stay_days": 200},
        {"notified_on": "2026-05-05"},
        {"has_housing": True},
    ):
        engine.complete(engine.tasks(instance_id=case.id)[0].id, step, "mmd")
    engine.send_message("release_date_set", "done", {"release_date": "2026-09-01"})
    last = engine.tasks(instance_id=case.id)[0]
    assert engine.complete(last.id, {"release_notice_sent": True}, "mmd").status == "completed"
    table = sa.table("process_instances", sa.column("id"), sa.column("state"))
    with engine.database.connect() as conn:
        state = conn.execute(sa.select(table.c.state).where(table.c.id == case.id)).scalar_one()
    assert is_packed(json.loads(state)) and NAME not in state

    states = engine.element_states(case.id)  # the case page's diagram
    assert states["sample_case"]["notify_municipality"] == "completed"
    assert set(states["sample_case"].values()) == {"completed"}

    renamed = SAMPLE.replace('name="Screen huisvesting"', 'name="Screening huisvesting"')
    v2 = next(v for v in engine.deploy(sample_version(renamed)) if v.process_id == "sample_case")
    (check,) = engine.migration_report([case.id], v2.id)
    assert check.reasons == ["the case is completed"]
    (moved,) = engine.migrate([case.id], v2.id, user="eigenaar")
    assert not moved.moved and engine.instance(case.id).version_id == v1.id

    redacted = engine.redact(case.id, {"name": "XXXX"}, user="retention")
    assert redacted.data["name"] == "XXXX" and engine.instance(case.id).data["name"] == "XXXX"
    assert engine.element_states(case.id) == states
    assert [e.kind for e in engine.events(case.id)][-1] == "instance_redacted"
