"""What the simulator learns from its own commands instead of asking the database after each one
(issue 14): the tasks they opened, and a lower bound for the next due timer.

``OpenedTasks`` is a projector of the simulator's engine (web/engine_access.build_engine): it
sees, inside each command's transaction, the task rows the command inserted (``CaseChange.opened``).
A worker's engine runs only its own cases' commands, so these are exactly the tasks it has to plan.
A command that rolled back after its projectors ran would leave a task that does not exist; the
simulator then finds it gone when it claims it (counted as skipped), as with a cancelled task.

``TimerBound`` keeps a moment before which none of the worker's cases has a timer due: the engine
tells its timer listeners the earliest timer each command armed, and the simulator asks the
database for the next due timer only when the bound says one may be due before its next action.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from engine import CaseChange, TaskInfo

_TASK_FIELDS = tuple(item.name for item in fields(TaskInfo))


class OpenedTasks:
    def __init__(self) -> None:
        self._found: list[TaskInfo] = []

    def __call__(self, change: CaseChange) -> None:
        for row in change.opened:
            self._found.append(TaskInfo(**{name: row.get(name) for name in _TASK_FIELDS}))

    def take(self) -> list[TaskInfo]:
        """The tasks opened since the last call."""
        found, self._found = self._found, []
        return found


class TimerBound:
    """No timer of the worker's cases is due before ``bound`` (None: no timer at all); ``known``
    is False until the database was asked (then and after timers fired: retries move timers)."""

    def __init__(self) -> None:
        self.bound: datetime | None = None
        self.known = False

    def armed(self, due: datetime) -> None:
        """A timer listener: a command armed a timer due at ``due``."""
        if self.known and (self.bound is None or due < self.bound):
            self.bound = due

    def may_be_due_before(self, moment: datetime) -> bool:
        return not self.known or (self.bound is not None and self.bound < moment)

    def learned(self, due: datetime | None) -> None:
        """The database said when the next timer is due."""
        self.bound = due
        self.known = True

    def forget(self) -> None:
        self.known = False
