"""Running cases stay on their version until migrated; a dry run says who can move and why not."""

from __future__ import annotations

from datetime import UTC, datetime

from engine import Engine
from engine.deployment import SourceFile
from tests.engine.conftest import MODELS

SAMPLE = (MODELS / "sample.bpmn").read_text()
DMN = SourceFile("stay_class.dmn", (MODELS / "stay_class.dmn").read_bytes())


def sample_version(text: str) -> list[SourceFile]:
    return [SourceFile("sample.bpmn", text.encode()), DMN]


def advance_to_screening(engine: Engine, key: str) -> None:
    engine.complete(
        engine.tasks(business_key=key)[0].id, {"entry_date": "2026-05-04", "stay_days": 9}, "m"
    )
    engine.complete(engine.tasks(business_key=key)[0].id, {"notified_on": "2026-05-05"}, "m")


def test_new_version_for_new_cases_and_migration_for_old_ones(make_engine) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    (v1, _) = engine.deploy(sample_version(SAMPLE))
    old = engine.start("sample_case", {}, "old")
    advance_to_screening(engine, "old")

    renamed = SAMPLE.replace(
        'name="Screen huisvesting"', 'name="Screening huisvesting en schulden"'
    )
    v2 = next(v for v in engine.deploy(sample_version(renamed)) if v.process_id == "sample_case")
    assert (v1.version, v2.version) == (1, 2)
    new = engine.start("sample_case", {}, "new")
    assert engine.instance(new.id).version_id == v2.id
    assert engine.instance(old.id).version_id == v1.id

    (check,) = engine.migration_report([old.id], v2.id)
    assert check.can_move and not check.moved
    assert engine.instance(old.id).version_id == v1.id  # a dry run changes nothing

    (done,) = engine.migrate([old.id], v2.id, user="eigenaar")
    assert done.moved
    assert engine.instance(old.id).version_id == v2.id
    task = engine.tasks(business_key="old")[0]
    assert (task.name, task.version_id) == ("Screening huisvesting en schulden", v2.id)
    engine.complete(task.id, {"has_housing": True}, "c")
    migrated = [e for e in engine.events(old.id) if e.kind == "instance_migrated"]
    assert migrated[0].actor == "eigenaar"
    assert migrated[0].detail == {"from_version_id": v1.id, "to_version_id": v2.id}


def test_a_case_whose_steps_were_removed_cannot_move(make_engine, clock) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy(sample_version(SAMPLE))
    late = engine.start("sample_case", {}, "late")
    engine.complete(
        engine.tasks(business_key="late")[0].id, {"entry_date": "2026-05-04", "stay_days": 9}, "m"
    )
    clock.set(datetime(2026, 5, 8, 0, 0, tzinfo=UTC))
    engine.fire_due_timers()  # escalation path taken
    on_time = engine.start("sample_case", {}, "on-time")

    without_escalation = SAMPLE.replace(
        '<spiffworkflow:property name="role" value="team_lead" />', ""
    ).replace('name="Melding te laat: meld alsnog"', 'name="Te laat"')
    without_escalation = (
        without_escalation.replace('id="escalate"', 'id="escalate_v3"')
        .replace('targetRef="escalate"', 'targetRef="escalate_v3"')
        .replace('sourceRef="escalate"', 'sourceRef="escalate_v3"')
        .replace(">escalate<", ">escalate_v3<")
    )
    v3 = next(
        v
        for v in engine.deploy(sample_version(without_escalation))
        if v.process_id == "sample_case"
    )

    report = {c.business_key: c for c in engine.migration_report([late.id, on_time.id], v3.id)}
    assert report["on-time"].can_move
    assert not report["late"].can_move
    assert any("'escalate'" in reason for reason in report["late"].reasons)

    results = {c.business_key: c for c in engine.migrate([late.id, on_time.id], v3.id, user="po")}
    assert results["on-time"].moved and not results["late"].moved
    assert engine.instance(late.id).version_id != v3.id


def test_retry_after_migrating_to_a_fixed_version(make_engine) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    text = (MODELS / "incident.bpmn").read_text()
    engine.deploy([SourceFile("incident.bpmn", text.encode())])
    case = engine.start("incident_case", {}, "fix")
    assert (
        engine.complete(engine.tasks(business_key="fix")[0].id, {"divisor": 0}, "m").status
        == "error"
    )

    fixed = text.replace("ratio = 10 / divisor", "ratio = 10 / divisor if divisor else 0")
    (v2,) = engine.deploy([SourceFile("incident.bpmn", fixed.encode())])
    engine.migrate([case.id], v2.id, user="po")
    resumed = engine.retry(case.id, user="po")
    assert resumed.status == "running"
    assert engine.instance(case.id).data["ratio"] == 0
    assert engine.tasks(business_key="fix")[0].bpmn_id == "review"


def test_a_boundary_timer_added_ahead_of_the_case_is_armed_after_migration(make_engine) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy(sample_version(SAMPLE))
    case = engine.start("sample_case", {}, "ahead")  # still at register; the timer comes later
    renamed_timer = SAMPLE.replace('id="notify_late"', 'id="notify_late_v2"').replace(
        'sourceRef="notify_late"', 'sourceRef="notify_late_v2"'
    )
    v2 = next(
        v for v in engine.deploy(sample_version(renamed_timer)) if v.process_id == "sample_case"
    )
    (moved,) = engine.migrate([case.id], v2.id, user="po")
    assert moved.moved
    register = engine.tasks(business_key="ahead")[0]
    engine.complete(register.id, {"entry_date": "2026-05-04", "stay_days": 9}, "m")
    assert [t.bpmn_id for t in engine.timers(case.id)] == ["notify_late_v2"]
