"""Command observers: callables told, after each command, what kind it was, how long it took and
how it ended (and, for a fired timer, how late it fired). The engine stays free of any metrics
library; the caller wires observers to its counters (web/metrics/).

Each command is also logged on ``engine.commands`` (INFO): its kind, outcome, duration in ms and
the instance it ran on; never a data value (the request id comes from engine/logcontext.py)."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from engine.errors import EngineError
from engine.store.records import InstanceInfo

log = logging.getLogger(__name__)
command_log = logging.getLogger("engine.commands")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CommandReport:
    """One command: ``kind`` (start, claim, unclaim, complete, message, retry, redact,
    update_case_data, migrate, timer), its duration, and ``outcome``: "ok", "refused" (an engine
    error: not found, conflict, invalid data...) or "failed" (anything else). ``lateness`` is how
    long after its due time a timer fired (timers only)."""

    kind: str
    seconds: float
    outcome: str
    lateness: timedelta | None = None
    instance_id: int | None = None


CommandObserver = Callable[[CommandReport], None]


class CommandObservers:
    def __init__(self) -> None:
        self.observers: list[CommandObserver] = []

    def report(self, report: CommandReport) -> None:
        """Log the command, then tell every observer; an observer that fails is logged, never
        the command's problem."""
        if command_log.isEnabledFor(logging.INFO):
            command_log.info(
                "command %s %s",
                report.kind,
                report.outcome,
                extra={
                    "command": report.kind,
                    "outcome": report.outcome,
                    "duration_ms": round(report.seconds * 1000, 1),
                    "instance_id": report.instance_id,
                },
            )
        for observer in self.observers:
            try:
                observer(report)
            except Exception as error:
                log.warning("a command observer failed: %s", type(error).__name__)

    def timed(self, kind: str, call: Callable[[], Any]) -> Any:
        """Run ``call`` and report it as a command of ``kind``."""
        started = time.perf_counter()
        outcome = "failed"
        instance_id = None
        try:
            result = call()
            outcome = "ok"
            instance_id = instance_of(result)
            return result
        except EngineError:
            outcome = "refused"
            raise
        finally:
            self.report(
                CommandReport(kind, time.perf_counter() - started, outcome, None, instance_id)
            )


def instance_of(result: Any) -> int | None:
    """The instance a command's result is about: a task's instance, or the instance itself."""
    if isinstance(result, InstanceInfo):
        return result.id
    found = getattr(result, "instance_id", None)
    return found if isinstance(found, int) else None


def observed(kind: str) -> Callable[[F], F]:
    """Report each call of an Engine method as a command of ``kind`` to its observers."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            return self.observers.timed(kind, lambda: method(self, *args, **kwargs))

        return wrapper  # type: ignore[return-value]

    return decorate
