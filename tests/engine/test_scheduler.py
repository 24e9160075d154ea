"""The scheduler cannot die: it rides out a database outage, retries a failing timer on its own
while the others fire, ends it as an incident, and writes heartbeats throughout."""

from __future__ import annotations

import logging
import os
import threading
from datetime import UTC, datetime, timedelta

import pytest

from engine import CaseChange, Engine, SystemClock, TimerRetry
from engine.db.connect import write_transaction
from engine.scheduler import TimerScheduler
from engine.store import instances
from tests.engine.conftest import MODELS
from tests.engine.test_timers import DEADLINE_PASSED, fired_count, start_waiting_cases, wait_until
from tests.support.tcp_proxy import TcpProxy, through_proxy

SHORT_TIMER = MODELS / "short_timer.bpmn"


def timer_fired(engine: Engine, instance_id: int) -> bool:
    return [t.status for t in engine.timers(instance_id)] == ["fired"]


def messages(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_scheduler_rides_out_a_database_outage(
    database_url: str, database_proxy: TcpProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="engine.scheduler")
    observer = Engine(database_url, forms_dir=MODELS / "forms")  # straight to the database
    observer.deploy([SHORT_TIMER])
    engine = Engine(
        through_proxy(database_url, database_proxy),
        clock=SystemClock(),
        forms_dir=MODELS / "forms",
    )
    scheduler = TimerScheduler(engine, recheck_seconds=1.0, heartbeat_seconds=0.2)
    scheduler.start()
    try:
        assert wait_until(lambda: observer.scheduler_heartbeats())
        cases = [engine.start("short_timer", {"wait_for": "PT1S"}, f"outage-{n}") for n in range(3)]
        database_proxy.cut()
        due = max(t.due_at for c in cases for t in observer.timers(c.id))
        # The outage lasts past the timers' due time and many failed rounds and beats.
        assert wait_until(
            lambda: database_proxy.refused >= 15 and datetime.now(UTC) > due + timedelta(seconds=1)
        )
        assert not any(timer_fired(observer, c.id) for c in cases)
        silent_since = max(b.beat_at for b in observer.scheduler_heartbeats())
        assert datetime.now(UTC) - silent_since > timedelta(seconds=1)  # no beats got through

        restored = datetime.now(UTC)
        database_proxy.restore()
        assert wait_until(lambda: all(timer_fired(observer, c.id) for c in cases), seconds=30)
        fired = [t.fired_at for c in cases for t in observer.timers(c.id)]
        assert all(at >= restored for at in fired)
        assert wait_until(
            lambda: any(b.beat_at > restored for b in observer.scheduler_heartbeats())
        )

        # Still alive and still woken by new timers.
        later = engine.start("short_timer", {"wait_for": "PT0.5S"}, "after-outage")
        assert wait_until(lambda: timer_fired(observer, later.id), seconds=30)
    finally:
        scheduler.shutdown()
        engine.database.dispose()
        observer.database.dispose()

    assert len(messages(caplog, "firing timers failed")) == 1  # once per outage, not per round
    assert len(messages(caplog, "works again")) == 1
    for case in cases:
        assert engine.instance(case.id).status == "running"
        assert [t.bpmn_id for t in engine.tasks(instance_id=case.id)] == ["after_timer"]


def test_a_failing_timer_is_retried_while_the_others_fire_then_becomes_an_incident(
    make_engine, clock
) -> None:
    broken = {"yes": True}

    def choking_projection(change: CaseChange) -> None:
        fired = any(e["kind"] == "timer_fired" for e in change.events)
        if broken["yes"] and fired and change.instance.business_key == "broken":
            raise RuntimeError("the projection cannot take this case")

    engine: Engine = make_engine(
        forms_dir=MODELS / "forms",
        projectors=[choking_projection],
        timer_retry=TimerRetry(
            limit=3, first_delay=timedelta(minutes=1), max_delay=timedelta(minutes=2)
        ),
    )
    engine.deploy([SHORT_TIMER])
    bad = engine.start("short_timer", {"wait_for": "PT1H"}, "broken")  # due first
    good = [engine.start("short_timer", {"wait_for": "PT1H"}, f"good-{n}") for n in range(3)]
    scheduler = TimerScheduler(engine, recheck_seconds=0.3, heartbeat_seconds=0.5)
    scheduler.start()
    try:
        clock.advance(timedelta(hours=2))
        assert wait_until(lambda: all(timer_fired(engine, c.id) for c in good))
        # The others fired in the round where the failing one (due first) failed once.
        (timer,) = engine.timers(bad.id)
        assert (timer.status, timer.attempts) == ("waiting", 1)
        assert timer.next_attempt_at == clock.now() + timedelta(minutes=1)
        assert "RuntimeError: the projection cannot take this case" in timer.last_error
        assert engine.instance(bad.id).status == "running"

        clock.advance(timedelta(minutes=1, seconds=1))
        assert wait_until(lambda: engine.timers(bad.id)[0].attempts == 2)
        assert engine.timers(bad.id)[0].next_attempt_at == clock.now() + timedelta(minutes=2)
        clock.advance(timedelta(minutes=2, seconds=1))
        assert wait_until(lambda: engine.instance(bad.id).status == "error")

        # The scheduler goes on for everyone else.
        later = engine.start("short_timer", {"wait_for": "PT1H"}, "later")
        clock.advance(timedelta(hours=2))
        assert wait_until(lambda: timer_fired(engine, later.id))
    finally:
        scheduler.shutdown()

    case = engine.instance(bad.id)
    assert case.error_element == "wait_a_moment"
    assert case.error_code == "timer_failed"
    assert case.error_params["attempts"] == 3
    assert "RuntimeError" in case.error_message
    (timer,) = engine.timers(bad.id)
    assert (timer.status, timer.attempts) == ("failed", 3)
    (error_event,) = [e for e in engine.events(bad.id) if e.kind == "instance_error"]
    assert (error_event.actor, error_event.bpmn_id) == ("scheduler", "wait_a_moment")

    broken["yes"] = False
    resumed = engine.retry(bad.id, user="beheerder")
    assert resumed.status == "running"
    assert [t.bpmn_id for t in engine.tasks(instance_id=bad.id)] == ["after_timer"]
    assert engine.timers(bad.id)[0].status == "fired"


def test_scheduler_writes_a_heartbeat_and_removes_it_when_it_stops(engine: Engine) -> None:
    scheduler = TimerScheduler(engine, recheck_seconds=0.5, heartbeat_seconds=0.2)
    scheduler.start()
    try:
        assert wait_until(lambda: engine.scheduler_heartbeats())
        (first,) = engine.scheduler_heartbeats()
        assert (first.id, first.pid) == (scheduler.id, os.getpid())
        assert first.host and first.started_at <= first.beat_at
        assert wait_until(lambda: engine.scheduler_heartbeats()[0].beat_at > first.beat_at)
    finally:
        scheduler.shutdown()
    assert engine.scheduler_heartbeats() == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_due_timers_of_a_case_held_by_a_command_are_skipped_not_waited_for(
    engine: Engine, clock
) -> None:
    """Claims skip what another transaction holds (FOR ... SKIP LOCKED): a scheduler never waits
    for a user's command or for another scheduler, and two claims take different timers."""
    held, *others = start_waiting_cases(engine, 3)
    clock.set(DEADLINE_PASSED)
    fired: list[int] = []
    with write_transaction(engine.database) as conn:
        instances.lock(conn, held)  # a user's command on that case, still running
        firing = threading.Thread(target=lambda: fired.append(engine.fire_due_timers()))
        firing.start()
        firing.join(timeout=60)
        assert not firing.is_alive(), "the scheduler waited for the held case"
        assert fired == [2]
        assert fired_count(engine, others) == 2 and fired_count(engine, [held]) == 0

        with write_transaction(engine.database) as other:
            first = instances.lock_due_timer(other, clock.now())
            assert first is None  # the only due timer's case is held
    assert engine.fire_due_timers() == 1
    assert fired_count(engine, [held]) == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_claims_take_different_timers(engine: Engine, clock) -> None:
    start_waiting_cases(engine, 2)
    clock.set(DEADLINE_PASSED)
    with (
        write_transaction(engine.database) as first,
        write_transaction(engine.database) as second,
    ):
        one = instances.lock_due_timer(first, clock.now())
        two = instances.lock_due_timer(second, clock.now())
        assert one is not None and two is not None
        assert one.timer_id != two.timer_id and one.id != two.id
