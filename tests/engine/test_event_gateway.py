"""An event-based gateway waits for a message and a timer at once; whichever comes first wins."""

from __future__ import annotations

from datetime import UTC, datetime

from engine import Engine
from tests.engine.conftest import MODELS


def gateway_engine(make_engine) -> Engine:  # type: ignore[no-untyped-def]
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "event_gateway.bpmn"])
    return engine


def test_message_through_the_gateway(make_engine) -> None:
    engine = gateway_engine(make_engine)
    case = engine.start("event_gateway", {"release_date": "2026-06-01"}, "eg-1")
    (timer,) = engine.timers(case.id)
    assert timer.due_at == datetime(2026, 6, 1, 22, 0, tzinfo=UTC)
    engine.send_message("release_moved", "eg-1", {"release_date": "2026-07-01"})
    assert [t.bpmn_id for t in engine.tasks(business_key="eg-1")] == ["handle_move"]
    assert engine.instance(case.id).data["release_date"] == "2026-07-01"
    assert [t.status for t in engine.timers(case.id)] == []  # the timer branch was withdrawn


def test_timer_through_the_gateway(make_engine, clock) -> None:
    engine = gateway_engine(make_engine)
    case = engine.start("event_gateway", {"release_date": "2026-06-01"}, "eg-2")
    clock.set(datetime(2026, 6, 1, 22, 0, 1, tzinfo=UTC))
    assert engine.fire_due_timers() == 1
    assert [t.bpmn_id for t in engine.tasks(business_key="eg-2")] == ["handle_release"]
    assert [e.kind for e in engine.events(case.id)].count("timer_fired") == 1
