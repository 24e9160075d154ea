"""One clock for the engine, its timers, deadlines and tests.

SpiffWorkflow's timer event definitions read ``datetime.now(timezone.utc)`` directly. We point
that module's ``datetime`` at a subclass whose ``now()`` asks the clock that is active in the
current context, so timers follow the same clock as everything else (architecture principle 4).
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still: one command sees one instant."""

    def __init__(self, moment: datetime) -> None:
        self._moment = moment

    def now(self) -> datetime:
        return self._moment


class ManualClock:
    """A clock that tests and simulations move by hand. Thread-safe."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs timezone-aware times")
        with self._lock:
            self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now


_active: contextvars.ContextVar[Clock | None] = contextvars.ContextVar(
    "terugkeer_clock", default=None
)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        clock = _active.get()
        if clock is None:
            return datetime.now(tz)
        moment = clock.now()
        return moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)


@contextlib.contextmanager
def active_clock(clock: Clock) -> Iterator[None]:
    """Make SpiffWorkflow's timers read ``clock`` for the duration of the block."""
    token = _active.set(clock)
    try:
        yield
    finally:
        _active.reset(token)


def _install() -> None:
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _ClockedDatetime


_install()
