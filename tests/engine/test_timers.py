"""Timers fire once, on time, after downtime too, with one scheduler or two."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from engine import Engine, SystemClock
from engine.scheduler import TimerScheduler
from tests.engine.conftest import MODELS

DEADLINE_PASSED = datetime(2026, 5, 7, 22, 0, 1, tzinfo=UTC)


def start_waiting_cases(engine: Engine, count: int) -> list[int]:
    ids = []
    for n in range(count):
        case = engine.start("sample_case", {"prison_code": "PI-ZWL"}, f"timer-{n}")
        task = engine.tasks(business_key=f"timer-{n}")[0]
        engine.complete(task.id, {"entry_date": "2026-05-04", "stay_days": 30}, "mmd")
        ids.append(case.id)
    return ids


def wait_until(condition, seconds: float = 15.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def fired_count(engine: Engine, ids: list[int]) -> int:
    return sum(1 for i in ids for e in engine.events(i) if e.kind == "timer_fired")


def test_two_schedulers_fire_each_due_timer_once(engine: Engine, make_engine, clock) -> None:
    ids = start_waiting_cases(engine, 12)
    clock.set(DEADLINE_PASSED)
    schedulers = [make_engine(forms_dir=MODELS / "forms") for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run(index: int) -> None:
        barrier.wait()
        results.append(schedulers[index].fire_due_timers())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sum(results) == 12
    assert fired_count(engine, ids) == 12
    assert {t.status for i in ids for t in engine.timers(i)} == {"fired"}
    assert len(engine.tasks(bpmn_id="escalate", limit=100)) == 12


def test_scheduler_started_after_due_time_fires_what_is_overdue(engine: Engine, clock) -> None:
    ids = start_waiting_cases(engine, 3)
    clock.set(DEADLINE_PASSED + timedelta(days=3))  # the scheduler was down for days
    scheduler = TimerScheduler(engine, recheck_seconds=0.5)
    scheduler.start()
    try:
        assert wait_until(lambda: fired_count(engine, ids) == 3)
    finally:
        scheduler.shutdown()
    assert len(engine.tasks(bpmn_id="escalate")) == 3


def test_timer_fires_within_seconds_of_its_due_time(make_engine) -> None:
    engine = make_engine(clock=SystemClock(), forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "short_timer.bpmn"])
    scheduler = TimerScheduler(engine, recheck_seconds=30)
    scheduler.start()
    try:
        case = engine.start("short_timer", {"wait_for": "PT1S"}, "soon")
        (timer,) = engine.timers(case.id)
        assert wait_until(lambda: engine.tasks(business_key="soon"), seconds=10)
    finally:
        scheduler.shutdown()
    fired = [e for e in engine.events(case.id) if e.kind == "timer_fired"]
    assert len(fired) == 1
    lateness = fired[0].at - timer.due_at
    # Woken by the timer itself (recheck is 30 s), so it fires right after it is due.
    assert timedelta(0) <= lateness < timedelta(seconds=2), lateness


def test_a_timer_armed_while_the_scheduler_plans_is_not_planned_over(
    make_engine, monkeypatch
) -> None:
    """A tick reads the next due time, a command arms an earlier timer and wakes the scheduler,
    then the tick plans its (stale) next wake-up: the earlier timer must still be planned."""
    engine = make_engine(clock=SystemClock(), forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "short_timer.bpmn"])
    scheduler = TimerScheduler(engine, recheck_seconds=3600)
    engine.add_timer_listener(scheduler._on_timer_written)
    read_table = engine.next_timer_due

    def stale_read():  # type: ignore[no-untyped-def]
        seen = read_table()
        engine.start("short_timer", {"wait_for": "PT5S"}, "armed-meanwhile")
        return seen

    monkeypatch.setattr(engine, "next_timer_due", stale_read)
    scheduler._scheduler.start(paused=True)
    try:
        scheduler._tick()
        planned = scheduler._scheduler.get_job("terugkeer-fire-due-timers").next_run_time
    finally:
        scheduler._scheduler.shutdown(wait=False)
    (timer,) = engine.timers(engine.instance_by_key("armed-meanwhile").id)
    assert planned - timer.due_at < timedelta(seconds=1), (planned, timer.due_at)


@pytest.mark.parametrize("advance", [timedelta(hours=1), timedelta(days=2)])
def test_nothing_fires_before_due(engine: Engine, clock, advance) -> None:
    ids = start_waiting_cases(engine, 1)
    clock.advance(advance)
    assert engine.fire_due_timers() == 0
    assert fired_count(engine, ids) == 0
