"""Projectors see every command inside its transaction; a failing one changes nothing."""

from __future__ import annotations

import pytest

from engine import CaseChange, CommandFailedError, Engine
from tests.engine.conftest import MODELS, SAMPLE_FILES


def test_projectors_see_case_data_and_events(make_engine) -> None:
    seen: list[tuple[str, str, dict, list[str]]] = []

    def projector(change: CaseChange) -> None:
        kinds = [e["kind"] for e in change.events]
        seen.append(
            (change.instance.business_key, change.instance.status, change.instance.data, kinds)
        )

    engine: Engine = make_engine(forms_dir=MODELS / "forms", projectors=[projector])
    engine.deploy(SAMPLE_FILES)
    engine.start("sample_case", {"prison_code": "PI-ZWL"}, "p-1")
    task = engine.tasks(business_key="p-1")[0]
    engine.complete(task.id, {"entry_date": "2026-05-04", "stay_days": 200}, "mmd")

    assert seen[0][0:2] == ("p-1", "running")
    assert seen[0][3] == ["instance_started", "task_ready"]
    assert seen[1][2]["stay_class"] == "long"  # the DMN's output is case data
    assert seen[1][2]["prison_code"] == "PI-ZWL"
    assert engine.instance_by_key("p-1").data["stay_days"] == 200


def test_a_failing_projector_rolls_the_command_back_and_is_recorded(make_engine) -> None:
    def projector(change: CaseChange) -> None:
        if change.instance.data.get("stay_days") == 13:
            raise RuntimeError("projection store unavailable")

    engine: Engine = make_engine(forms_dir=MODELS / "forms", projectors=[projector])
    engine.deploy(SAMPLE_FILES)
    engine.start("sample_case", {}, "p-2")
    task = engine.tasks(business_key="p-2")[0]
    with pytest.raises(CommandFailedError) as raised:
        engine.complete(task.id, {"entry_date": "2026-05-04", "stay_days": 13}, "mmd")
    assert raised.value.code == "command_failed"
    assert engine.tasks(business_key="p-2")[0].id == task.id
    failed = engine.instance_by_key("p-2")
    assert "stay_days" not in failed.data
    assert (failed.status, failed.error_code) == ("error", "command_failed")
    assert "projection store unavailable" in failed.error_message
    engine.complete(task.id, {"entry_date": "2026-05-04", "stay_days": 14}, "mmd")
    resumed = engine.instance_by_key("p-2")
    assert (resumed.status, resumed.error_code) == ("running", None)
    assert resumed.data["stay_class"] == "short"


def test_case_data_keeps_what_the_other_branch_changed(make_engine) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "parallel.bpmn"])
    case = engine.start("parallel_case", {"notified_on": "2026-05-01"}, "par")
    tasks = {t.bpmn_id: t for t in engine.tasks(business_key="par")}
    engine.complete(tasks["branch_a"].id, {"notified_on": "2026-05-06"}, "a")
    # Branch B still carries the copy of notified_on it started with; it must not win.
    engine.complete(tasks["branch_b"].id, {"divisor": 3}, "b")
    data = engine.instance(case.id).data
    assert (data["notified_on"], data["divisor"]) == ("2026-05-06", 3)


def test_event_sinks_see_every_event_including_claims_and_deployments(make_engine) -> None:
    seen: list[str] = []

    def sink(conn, rows) -> None:  # type: ignore[no-untyped-def]
        seen.extend(row["kind"] for row in rows)

    engine: Engine = make_engine(forms_dir=MODELS / "forms", event_sinks=[sink])
    engine.deploy(SAMPLE_FILES)
    engine.start("sample_case", {}, "s-1")
    task = engine.tasks(business_key="s-1")[0]
    engine.claim(task.id, "ann")
    engine.unclaim(task.id, "ann")
    assert seen == [
        "version_deployed",
        "version_deployed",
        "instance_started",
        "task_ready",
        "task_claimed",
        "task_unclaimed",
    ]
