"""Audit events round trip: what a command writes is what the timeline reads."""

from __future__ import annotations

from engine import Engine


def test_events_name_who_what_when_and_version(engine: Engine, clock) -> None:
    case = engine.start("sample_case", {"prison_code": "PI-ZWL"}, "audit")
    task = engine.tasks(business_key="audit")[0]
    engine.claim(task.id, "mmd-7")
    engine.complete(task.id, {"entry_date": "2026-05-04", "stay_days": 3}, "mmd-7")

    events = engine.events(case.id)
    assert [e.kind for e in events] == [
        "instance_started",
        "task_ready",
        "task_claimed",
        "task_completed",
        "task_ready",
    ]
    completed = events[3]
    assert (completed.actor, completed.task_id, completed.bpmn_id) == ("mmd-7", task.id, "register")
    assert completed.at == clock.now()
    assert completed.version_id == case.version_id
    assert completed.detail == {"fields": ["entry_date", "stay_days"]}  # names, never values
