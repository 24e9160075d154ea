"""Command observers: callables told, after each command, what kind it was, how long it took and
how it ended (and, for a fired timer, how late it fired). The engine stays free of any metrics
library; the caller wires observers to its counters (web/metrics/)."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from engine.errors import EngineError

log = logging.getLogger(__name__)

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


CommandObserver = Callable[[CommandReport], None]


class CommandObservers:
    def __init__(self) -> None:
        self.observers: list[CommandObserver] = []

    def report(self, report: CommandReport) -> None:
        """Tell every observer; an observer that fails is logged, never the command's problem."""
        for observer in self.observers:
            try:
                observer(report)
            except Exception as error:
                log.warning("a command observer failed: %s", type(error).__name__)

    def timed(self, kind: str, call: Callable[[], Any]) -> Any:
        """Run ``call`` and report it as a command of ``kind``."""
        started = time.perf_counter()
        outcome = "failed"
        try:
            result = call()
            outcome = "ok"
            return result
        except EngineError:
            outcome = "refused"
            raise
        finally:
            if self.observers:
                self.report(CommandReport(kind, time.perf_counter() - started, outcome))


def observed(kind: str) -> Callable[[F], F]:
    """Report each call of an Engine method as a command of ``kind`` to its observers."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            return self.observers.timed(kind, lambda: method(self, *args, **kwargs))

        return wrapper  # type: ignore[return-value]

    return decorate
