"""The sample case from start to end through the facade, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import (
    ConflictError,
    Engine,
    FormValidationError,
    MessageNotDeliverableError,
    NotFoundError,
)
from engine.deployment import SourceFile
from tests.engine.conftest import MODELS, SAMPLE_FILES


def only_ready(engine: Engine, key: str):
    tasks = engine.tasks(business_key=key)
    assert len(tasks) == 1, [t.bpmn_id for t in tasks]
    return tasks[0]


def test_sample_case_runs_to_the_end(engine: Engine, clock) -> None:
    case = engine.start(
        "sample_case", {"prison_code": "PI-ZWL", "municipality_code": "GM0363"}, "case-1"
    )
    assert case.status == "running"

    register = only_ready(engine, "case-1")
    assert (register.bpmn_id, register.party, register.organisation) == (
        "register",
        "prison",
        "PI-ZWL",
    )
    engine.complete(register.id, {"entry_date": "2026-05-04", "stay_days": 200}, "mmd-1")

    notify = only_ready(engine, "case-1")
    assert notify.bpmn_id == "notify_municipality"
    # 2 working days after Monday 4 May 2026, with 5 May a holiday: end of Thursday 7 May.
    assert notify.due_at == datetime(2026, 5, 7, 22, 0, tzinfo=UTC)
    engine.claim(notify.id, "mmd-1")
    engine.complete(notify.id, {"notified_on": "2026-05-05"}, "mmd-1")

    screen = only_ready(engine, "case-1")
    assert (screen.bpmn_id, screen.party, screen.organisation) == (
        "screen_housing",
        "municipality",
        "GM0363",
    )
    assert screen.role == "coordinator"
    engine.complete(screen.id, {"has_housing": True}, "coord-1")

    engine.send_message("release_date_set", "case-1", {"release_date": "2026-09-01"})
    notice = only_ready(engine, "case-1")
    assert notice.due_at == datetime(2026, 9, 1, 22, 0, tzinfo=UTC)
    done = engine.complete(notice.id, {"release_notice_sent": True}, "coord-1")

    assert done.status == "completed"
    final = engine.instance(case.id)
    assert final.data["stay_class"] == "long"
    assert final.data["housing_status"] == "arranged"
    assert engine.tasks(business_key="case-1") == []
    kinds = [e.kind for e in engine.events(case.id)]
    assert kinds[0] == "instance_started" and kinds[-1] == "instance_completed"
    assert kinds.count("task_completed") == 4
    assert "message_received" in kinds


def test_missed_deadline_fires_timer_and_escalates(engine: Engine, clock) -> None:
    engine.start("sample_case", {"prison_code": "PI-ZWL"}, "case-2")
    engine.complete(
        only_ready(engine, "case-2").id, {"entry_date": "2026-05-04", "stay_days": 10}, "mmd"
    )
    assert engine.fire_due_timers() == 0
    clock.set(datetime(2026, 5, 7, 21, 59, tzinfo=UTC))
    assert engine.fire_due_timers() == 0
    clock.set(datetime(2026, 5, 7, 22, 0, 1, tzinfo=UTC))
    assert engine.fire_due_timers() == 1
    escalation = only_ready(engine, "case-2")
    assert (escalation.bpmn_id, escalation.role) == ("escalate", "team_lead")
    assert (
        engine.tasks(business_key="case-2", status="cancelled")[0].bpmn_id == "notify_municipality"
    )
    assert engine.fire_due_timers() == 0


def test_state_survives_a_new_engine(engine: Engine, make_engine, clock) -> None:
    engine.start("sample_case", {"prison_code": "PI-ZWL"}, "case-3")
    engine.complete(
        only_ready(engine, "case-3").id, {"entry_date": "2026-05-04", "stay_days": 10}, "mmd"
    )
    other = make_engine(forms_dir=MODELS / "forms")
    task = only_ready(other, "case-3")
    other.complete(task.id, {"notified_on": "2026-05-05"}, "mmd")
    assert only_ready(engine, "case-3").bpmn_id == "screen_housing"
    engine.complete(only_ready(engine, "case-3").id, {"has_housing": False}, "coord")
    assert other.instance_by_key("case-3").data["housing_status"] == "not_arranged"


def test_invalid_form_data_changes_nothing(engine: Engine) -> None:
    engine.start("sample_case", {}, "case-4")
    task = only_ready(engine, "case-4")
    with pytest.raises(FormValidationError) as caught:
        engine.complete(task.id, {"entry_date": "4 mei", "stay_days": -1}, "mmd")
    assert set(caught.value.errors) == {"entry_date", "stay_days"}
    assert only_ready(engine, "case-4").id == task.id
    assert [e.kind for e in engine.events(engine.instance_by_key("case-4").id)].count(
        "task_completed"
    ) == 0


def test_unknown_things_are_refused(engine: Engine) -> None:
    with pytest.raises(NotFoundError):
        engine.complete("00000000-0000-0000-0000-000000000000", {}, "x")
    # Not a task id at all (a UUID on PostgreSQL since migration 0551): no task, no error
    for not_an_id in ("nope", "00000000-0000-0000-0000-00000000000g", "1" * 37):
        with pytest.raises(NotFoundError):
            engine.task(not_an_id)
        with pytest.raises(NotFoundError):
            engine.complete(not_an_id, {}, "x")
        with pytest.raises(NotFoundError):
            engine.claim(not_an_id, "x")
    with pytest.raises(NotFoundError):
        engine.start("no_such_process", {}, "k")
    engine.start("sample_case", {}, "case-5")
    with pytest.raises(MessageNotDeliverableError):
        engine.send_message("release_date_set", "case-5", {})
    with pytest.raises(MessageNotDeliverableError):
        engine.send_message("release_date_set", "nobody", {})
    with pytest.raises(ConflictError):
        engine.start("sample_case", {}, "case-5")


def test_claims(engine: Engine) -> None:
    engine.start("sample_case", {}, "case-6")
    task = only_ready(engine, "case-6")
    assert engine.claim(task.id, "ann").claimed_by == "ann"
    with pytest.raises(ConflictError):
        engine.claim(task.id, "bob")
    with pytest.raises(ConflictError):
        engine.complete(task.id, {"entry_date": "2026-05-04", "stay_days": 1}, "bob")
    with pytest.raises(ConflictError):
        engine.unclaim(task.id, "bob")
    assert engine.unclaim(task.id, "ann").claimed_by is None
    engine.complete(task.id, {"entry_date": "2026-05-04", "stay_days": 1}, "bob")
    with pytest.raises(ConflictError):
        engine.complete(task.id, {"entry_date": "2026-05-04", "stay_days": 1}, "bob")


def test_redeploying_same_files_keeps_version(engine: Engine) -> None:
    again = engine.deploy(SAMPLE_FILES)
    assert {v.version for v in again} == {1}
    assert not any(v.created for v in again)
    _ = timedelta


def _sample_with_name(name: str) -> list[SourceFile]:
    """The sample files with the process renamed: a different content hash."""
    bpmn = (MODELS / "sample.bpmn").read_bytes()
    changed = bpmn.replace(b'id="sample_case" name="', f'id="sample_case" name="{name} '.encode())
    assert changed != bpmn
    return [
        SourceFile("sample.bpmn", changed),
        SourceFile("stay_class.dmn", SAMPLE_FILES[1].read_bytes()),
    ]


def test_deploying_an_older_versions_files_puts_that_version_back(engine: Engine) -> None:
    (second,) = [
        v for v in engine.deploy(_sample_with_name("Tweede")) if v.process_id == "sample_case"
    ]
    assert (second.version, second.created, second.same_as) == (2, True, None)

    (third,) = [v for v in engine.deploy(SAMPLE_FILES) if v.process_id == "sample_case"]

    assert (third.version, third.created, third.same_as) == (3, True, 1)
    versions = {v.version: v for v in engine.versions("sample_case")}
    assert versions[3].content_hash == versions[1].content_hash
    assert dict(engine.version_files(third.id)) == dict(engine.version_files(versions[1].id))
    assert engine.start("sample_case", {}, "after-put-back").version_id == third.id
    (again,) = [v for v in engine.deploy(SAMPLE_FILES) if v.process_id == "sample_case"]
    assert (again.version, again.created) == (3, False)


def test_without_restore_older_an_older_versions_files_keep_the_newest(engine: Engine) -> None:
    engine.deploy(_sample_with_name("Tweede"))

    (kept,) = [
        v for v in engine.deploy(SAMPLE_FILES, restore_older=False) if v.process_id == "sample_case"
    ]

    assert (kept.version, kept.created) == (1, False)
    assert max(v.version for v in engine.versions("sample_case")) == 2


def test_versions_keep_their_files_forms_and_open_cases(engine: Engine) -> None:
    (version,) = [v for v in engine.versions() if v.process_id == "sample_case"]
    files = dict(engine.version_files(version.id))
    assert set(files) >= {"sample.bpmn", "stay_class.dmn", "register.schema.json"}
    assert files["sample.bpmn"] == (MODELS / "sample.bpmn").read_bytes()
    assert "register.schema.json" in engine.version_forms(version.id)
    case = engine.start("sample_case", {}, "open-1")
    assert engine.open_instance_counts() == {version.id: 1}
    assert engine.open_instances(version.id) == [case.id]
    with pytest.raises(NotFoundError):
        engine.version_files(9999)


def test_element_states_for_the_diagram(engine: Engine) -> None:
    case = engine.start("sample_case", {}, "diagram")
    engine.complete(
        only_ready(engine, "diagram").id, {"entry_date": "2026-05-04", "stay_days": 3}, "m"
    )
    states = engine.element_states(case.id)
    assert states["sample_case"]["register"] == "completed"
    assert states["sample_case"]["classify"] == "completed"
    assert states["sample_case"]["notify_municipality"] == "active"
    assert states["sample_case"]["notify_late"] == "waiting"
    assert "screening" not in states["sample_case"]


def test_each_instance_reads_every_case_page_by_page(engine: Engine) -> None:
    for n in range(5):
        engine.start("sample_case", {"prison_code": "PI-ZWL", "n": n}, f"each-{n}")
    found = list(engine.each_instance(page=2))
    assert [c.business_key for c in found] == [f"each-{n}" for n in range(5)]
    assert [c.data["n"] for c in found] == list(range(5))


def test_the_start_form_of_a_process_with_its_party_and_role(engine: Engine) -> None:
    engine.deploy([MODELS / "intake.bpmn"])  # its forms come from the forms folder

    form = engine.start_form("probation_intake")

    assert form is not None
    assert (form.form, form.party, form.organisation_key, form.role) == (
        "intake.schema.json",
        "probation",
        "probation_office_code",
        "probation_officer",
    )
    assert form.schema["required"] == ["naam", "aanleiding"]
    assert engine.start_form("sample_case") is None  # its start event has no form
    with pytest.raises(NotFoundError):
        engine.start_form("not_deployed")
