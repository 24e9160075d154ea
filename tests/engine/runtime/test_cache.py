"""The in-process workflow cache (engine/runtime/cache.py) never serves a state another writer
has replaced, nor one a failed command left half-changed."""

from __future__ import annotations

import pytest

from engine import Engine, FormValidationError
from tests.engine.conftest import MODELS


def open_task(engine: Engine, key: str, bpmn_id: str) -> str:
    return next(t.id for t in engine.tasks(business_key=key) if t.bpmn_id == bpmn_id)


def test_another_engine_advancing_the_case_is_not_overlooked(engine: Engine, make_engine) -> None:
    engine.start("sample_case", {"prison_code": "PI-ZWL", "municipality_code": "GM0363"}, "c1")
    register = open_task(engine, "c1", "register")
    engine.complete(register, {"entry_date": "2026-05-04", "stay_days": 200}, "a")
    # ``engine`` now holds the case in its cache; another process moves the case on.
    other = make_engine(forms_dir=MODELS / "forms")
    notify = open_task(other, "c1", "notify_municipality")
    other.complete(notify, {"notified_on": "2026-05-05"}, "b")
    screen = open_task(engine, "c1", "screen_housing")

    info = engine.complete(screen, {"has_housing": True}, "a")

    # A stale workflow would still hold notify_municipality open (and lose its data).
    assert info.data["notified_on"] == "2026-05-05" and info.data["has_housing"] is True
    open_ids = {t.bpmn_id for t in engine.tasks(business_key="c1")}
    assert "notify_municipality" not in open_ids and "screen_housing" not in open_ids
    completed = [t.bpmn_id for t in engine.tasks(business_key="c1", status="completed")]
    assert sorted(completed) == ["notify_municipality", "register", "screen_housing"]


def test_a_failed_command_leaves_no_half_changed_workflow(engine: Engine) -> None:
    engine.start("sample_case", {"prison_code": "PI-ZWL", "municipality_code": "GM0363"}, "c2")
    register = open_task(engine, "c2", "register")
    with pytest.raises(FormValidationError):
        engine.complete(register, {"entry_date": "not a date", "stay_days": 200}, "a")

    info = engine.complete(register, {"entry_date": "2026-05-04", "stay_days": 200}, "a")

    assert info.data["stay_days"] == 200
    assert [t.bpmn_id for t in engine.tasks(business_key="c2", status="completed")] == ["register"]
