"""A command's closing writes (engine/store/command_writes.py): on PostgreSQL one statement, on
SQLite one statement per change; the same rows and the same checks on both."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engine import ConflictError, Engine
from engine.db.connect import read_transaction, write_transaction
from engine.logcontext import request_id
from engine.store import command_writes, events, human_tasks, instances
from engine.store.command_writes import Save, TaskWrites, TimerWrites


def _started(engine: Engine) -> tuple[int, str, int]:
    """A sample case waiting at its first task: instance id, task id, revision."""
    case = engine.start("sample_case", {"prison_code": "PI-ZWL"}, "writes")
    (task,) = engine.tasks(business_key="writes")
    with read_transaction(engine.database) as conn:
        head = instances.head_with_state(conn, case.id)
    return case.id, task.id, head.revision


def _save(engine: Engine, instance_id: int, revision: int, **changes) -> Save:  # type: ignore[no-untyped-def]
    values = {
        "instance_id": instance_id,
        "expected_revision": revision,
        "state": '{"written": true}',
        "status": "running",
        "now": engine.clock.now(),
        "ended_at": None,
        "error_message": None,
        "error_element": None,
        "error_code": None,
        "error_params": None,
        "case_data": {"stay_days": 3},
        "version_id": engine.instance(instance_id).version_id,
    }
    return Save(**{**values, **changes})


def _new_task(engine: Engine, instance_id: int, task_id: str) -> dict:
    case = engine.instance(instance_id)
    return {
        "id": task_id,
        "instance_id": instance_id,
        "version_id": case.version_id,
        "business_key": case.business_key,
        "process_id": case.process_id,
        "bpmn_id": "notify_municipality",
        "name": "Gemeente informeren",
        "lane": "Gemeente",
        "party": "municipality",
        "organisation": "GM0363",
        "role": None,
        "form": "notify",
        "status": "ready",
        "created_at": engine.clock.now(),
        "due_at": engine.clock.now() + timedelta(days=3),
        "claimed_by": None,
        "claimed_at": None,
        "completed_by": None,
        "completed_at": None,
    }


def _event(kind: str, instance_id: int, at, detail=None) -> dict:  # type: ignore[no-untyped-def]
    return events.row(kind, actor="mmd-7", at=at, instance_id=instance_id, detail=detail)


def _write(engine: Engine, tasks: TaskWrites, timers: TimerWrites, save: Save, rows: list) -> int:
    with write_transaction(engine.database) as conn:
        return command_writes.write(conn, tasks, timers, save, rows)


def test_tasks_timers_state_and_events_are_written_together(engine: Engine) -> None:
    instance_id, task_id, revision = _started(engine)
    now = engine.clock.now()
    opened = _new_task(engine, instance_id, "00000000-0000-4000-8000-000000000001")
    rows = [
        _event("task_completed", instance_id, now, {"fields": ["stay_days", "entry_date"]}),
        _event("task_ready", instance_id, now),
    ]
    token = request_id.set("req-42")
    try:
        written = _write(
            engine,
            TaskWrites("mmd-7", completed=[task_id], opened=[opened]),
            TimerWrites(armed=[("t-1", "wait_a_day", now + timedelta(days=1))]),
            _save(engine, instance_id, revision),
            rows,
        )
    finally:
        request_id.reset(token)

    assert written == revision + 1
    completed = engine.task(task_id)
    assert (completed.status, completed.completed_by, completed.completed_at) == (
        "completed",
        "mmd-7",
        now,
    )
    assert dataclasses.asdict(engine.task(opened["id"])) == opened
    (timer,) = engine.timers(instance_id)
    assert (timer.id, timer.bpmn_id, timer.due_at, timer.status, timer.attempts) == (
        "t-1",
        "wait_a_day",
        now + timedelta(days=1),
        "waiting",
        0,
    )
    with read_transaction(engine.database) as conn:
        head = instances.head_with_state(conn, instance_id)
    assert (head.revision, head.state) == (revision + 1, '{"written": true}')
    assert engine.instance(instance_id).data == {"stay_days": 3}
    last = engine.events(instance_id)[-2:]
    assert [(e.kind, e.actor, e.at) for e in last] == [
        ("task_completed", "mmd-7", now),
        ("task_ready", "mmd-7", now),
    ]
    assert last[0].detail == {"fields": ["stay_days", "entry_date"], "request_id": "req-42"}
    assert last[1].detail == {"request_id": "req-42"}


def test_an_event_without_detail_is_stored_as_events_append_stores_it(engine: Engine) -> None:
    instance_id, _, revision = _started(engine)
    now = engine.clock.now()
    _write(
        engine,
        TaskWrites("mmd-7"),
        TimerWrites(),
        _save(engine, instance_id, revision),
        [_event("bare", instance_id, now)],
    )
    with write_transaction(engine.database) as conn:
        events.append(conn, [_event("appended", instance_id, now)])
    table = events.events
    query = sa.select(table.c.kind, table.c.detail.is_(None)).where(
        table.c.kind.in_(["bare", "appended"])
    )
    with read_transaction(engine.database) as conn:
        stored = dict(conn.execute(query).all())
    assert stored["bare"] == stored["appended"]
    assert [e.detail for e in engine.events(instance_id)[-2:]] == [None, None]


def test_fired_and_dropped_timers(engine: Engine) -> None:
    instance_id, _, revision = _started(engine)
    now = engine.clock.now()
    armed = [("t-1", "a", now + timedelta(days=1)), ("t-2", "b", now + timedelta(days=2))]
    revision = _write(
        engine, TaskWrites("x"), TimerWrites(armed=armed), _save(engine, instance_id, revision), []
    )
    later = now + timedelta(days=1)
    _write(
        engine,
        TaskWrites("x"),
        TimerWrites(fired=["t-1"], dropped=["t-2"]),
        _save(engine, instance_id, revision, now=later),
        [],
    )
    (timer,) = engine.timers(instance_id)
    assert (timer.id, timer.status, timer.fired_at) == ("t-1", "fired", later)


def test_a_rearmed_timer_starts_over(engine: Engine) -> None:
    instance_id, _, revision = _started(engine)
    now = engine.clock.now()
    armed = [("t-1", "a", now + timedelta(days=1))]
    revision = _write(
        engine, TaskWrites("x"), TimerWrites(armed=armed), _save(engine, instance_id, revision), []
    )
    with write_transaction(engine.database) as conn:
        conn.execute(
            sa.update(command_writes.timers.timers).values(
                attempts=3, status="failed", last_error="boom"
            )
        )
    again = [("t-1", "a", now + timedelta(days=5))]
    _write(
        engine, TaskWrites("x"), TimerWrites(armed=again), _save(engine, instance_id, revision), []
    )
    (timer,) = engine.timers(instance_id)
    assert (timer.due_at, timer.status, timer.attempts, timer.last_error) == (
        now + timedelta(days=5),
        "waiting",
        0,
        None,
    )


def _nothing_written(engine: Engine, instance_id: int, revision: int, task_id: str) -> None:
    with read_transaction(engine.database) as conn:
        assert instances.head_with_state(conn, instance_id).revision == revision
        assert human_tasks.get(conn, "00000000-0000-4000-8000-000000000002") is None
    assert engine.timers(instance_id) == []
    assert "lost" not in [e.kind for e in engine.events(instance_id)]


@pytest.mark.parametrize("taken_by", ["completed", "claimed"])
def test_a_task_taken_meanwhile_writes_nothing(engine: Engine, taken_by: str) -> None:
    instance_id, task_id, revision = _started(engine)
    now = engine.clock.now()
    with write_transaction(engine.database) as conn:
        if taken_by == "completed":
            human_tasks.complete(conn, task_id, now, "someone-else")
        else:
            human_tasks.set_claim(
                conn, task_id, expected_claimant=None, claimant="someone-else", at=now
            )
    with pytest.raises(ConflictError) as caught:
        _write(
            engine,
            TaskWrites(
                "mmd-7",
                completed=[task_id],
                opened=[_new_task(engine, instance_id, "00000000-0000-4000-8000-000000000002")],
            ),
            TimerWrites(armed=[("t-1", "a", now)]),
            _save(engine, instance_id, revision),
            [_event("lost", instance_id, now)],
        )
    assert caught.value.params == {"reason": "task_taken", "task_id": task_id}
    _nothing_written(engine, instance_id, revision, task_id)
    assert engine.task(task_id).completed_by in (None, "someone-else")


def test_an_instance_changed_meanwhile_writes_nothing(engine: Engine) -> None:
    instance_id, task_id, revision = _started(engine)
    now = engine.clock.now()
    with pytest.raises(ConflictError) as caught:
        _write(
            engine,
            TaskWrites(
                "mmd-7",
                completed=[task_id],
                opened=[_new_task(engine, instance_id, "00000000-0000-4000-8000-000000000002")],
            ),
            TimerWrites(armed=[("t-1", "a", now)]),
            _save(engine, instance_id, revision - 1),
            [_event("lost", instance_id, now)],
        )
    assert caught.value.params == {"reason": "instance_changed", "instance_id": instance_id}
    _nothing_written(engine, instance_id, revision, task_id)
    assert engine.task(task_id).status == "ready"
