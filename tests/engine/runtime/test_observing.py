"""Command observers: each command reported with its kind, duration and outcome; a fired timer
with how late it fired; an observer that fails does not fail the command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from engine import Engine, ManualClock, NotFoundError
from engine.runtime.observing import CommandReport
from tests.engine.conftest import MODELS


def test_commands_and_timers_are_reported(
    make_engine: Callable[..., Engine], clock: ManualClock
) -> None:
    engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "short_timer.bpmn"])
    reports: list[CommandReport] = []

    def broken(_report: CommandReport) -> None:
        raise RuntimeError("the metrics backend is down")

    engine.add_command_observer(broken)
    engine.add_command_observer(reports.append)

    case = engine.start("short_timer", {"wait_for": "PT10S"}, "observed")
    with pytest.raises(NotFoundError):
        engine.claim("no-such-task", "mmd")
    clock.advance(timedelta(seconds=25))
    assert engine.fire_due_timers() == 1
    (task,) = engine.tasks(instance_id=case.id)
    engine.complete(task.id, {"notified_on": "2026-05-04"}, "mmd")

    assert [(r.kind, r.outcome) for r in reports] == [
        ("start", "ok"),
        ("claim", "refused"),
        ("timer", "ok"),
        ("complete", "ok"),
    ]
    assert all(r.seconds >= 0 for r in reports)
    assert reports[2].lateness == timedelta(seconds=15)
    assert all(r.lateness is None for r in reports if r.kind != "timer")
