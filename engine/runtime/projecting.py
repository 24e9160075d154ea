"""What a command changes in the task and timer projections (architecture principle 3): written
with its save, in its transaction (engine/store/command_writes.py)."""

from __future__ import annotations

from datetime import datetime

from engine.runtime.command import Command
from engine.runtime.projection import timer_has_fired
from engine.store.command_writes import TaskWrites, TimerWrites


def task_base(command: Command) -> dict:
    """The columns every new task row of ``command`` shares."""
    return {
        "instance_id": command.instance_id,
        "version_id": command.definition.version_id,
        "business_key": command.business_key,
        "process_id": command.process_id,
        "claimed_by": None,
        "claimed_at": None,
        "completed_by": None,
        "completed_at": None,
    }


def project_tasks(
    command: Command, open_before: set[str], ready: set[str], new_rows: list[dict]
) -> TaskWrites:
    """What the task projection must change: close the completed task, cancel the ones that went
    away, insert the new ready ones (written with the instance's save, engine/store/
    command_writes.py); their events are recorded here."""
    completed = [tid for tid in command.completed_task_ids if tid in open_before]
    cancelled = sorted(open_before - ready - set(completed))
    for tid in cancelled:
        command.record("task_cancelled", task_id=tid)
    for row in new_rows:
        command.record("task_ready", task_id=row["id"], bpmn_id=row["bpmn_id"])
    return TaskWrites(command.actor, completed, cancelled, new_rows)


def project_timers(command: Command, before: dict[str, datetime], after: dict) -> TimerWrites:
    """What the timer projection must change: mark fired timers, drop the ones that went away,
    write the waiting ones' due times (written with the instance's save); their events are
    recorded here."""
    gone = [tid for tid in before if tid not in after]
    fired = [tid for tid in gone if timer_has_fired(command.workflow, tid)]
    for tid in fired:
        command.record("timer_fired", task_id=tid, due_at=before[tid].isoformat())
    changed = [(t.id, t.bpmn_id, t.due_at) for t in after.values() if before.get(t.id) != t.due_at]
    command.timers_armed.extend(due for _, _, due in changed)
    return TimerWrites(fired, [tid for tid in gone if tid not in fired], changed)
