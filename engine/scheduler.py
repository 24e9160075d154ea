"""Wakes up when the earliest timer is due and fires what is due (architecture principle 5).

The timer table is the truth; APScheduler only decides when to wake. Several schedulers may
run against one database: each timer is claimed in the instance's transaction, so it fires
once. After downtime, the first wake-up fires everything that became due meanwhile.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from engine.facade import Engine

log = logging.getLogger(__name__)

JOB_ID = "terugkeer-fire-due-timers"


class TimerScheduler:
    def __init__(self, engine: Engine, *, recheck_seconds: float = 5.0, batch: int = 100) -> None:
        """``recheck_seconds`` bounds how long a timer written by another process may wait
        unnoticed; timers written through ``engine`` wake the scheduler at once."""
        self.engine = engine
        self.recheck = timedelta(seconds=recheck_seconds)
        self.batch = batch
        self._scheduler = BackgroundScheduler(timezone=UTC)
        self._lock = threading.Lock()
        self._written: datetime | None = None  # earliest due time armed since the last tick began

    def start(self) -> None:
        self._scheduler.start()
        self.engine.add_timer_listener(self._on_timer_written)
        self.wake()

    def shutdown(self) -> None:
        self.engine.remove_timer_listener(self._on_timer_written)
        self._scheduler.shutdown(wait=True)

    def wake(self) -> None:
        """Fire what is due now and plan the next wake-up."""
        with self._lock:
            self._plan(datetime.now(UTC))

    def _on_timer_written(self, due_at: datetime) -> None:
        with self._lock:
            if self._written is None or due_at < self._written:
                self._written = due_at
            when = self._real_time(due_at)
            job = self._scheduler.get_job(JOB_ID)
            if job is None or job.next_run_time is None or when < job.next_run_time:
                self._plan(when)

    def _plan(self, when: datetime) -> None:
        """Wake at ``when``; the caller holds the lock."""
        self._scheduler.add_job(
            self._tick,
            trigger=DateTrigger(run_date=when, timezone=UTC),
            id=JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )

    def _tick(self) -> None:
        with self._lock:
            self._written = None
        try:
            while self.engine.fire_due_timers(limit=self.batch) == self.batch:
                pass
        except Exception:
            log.exception("firing due timers failed; trying again at the next wake-up")
        when = self._next_wake()
        with self._lock:
            # A timer armed after this tick read the table would otherwise be planned over.
            if self._written is not None:
                when = min(when, self._real_time(self._written))
            self._plan(when)

    def _next_wake(self) -> datetime:
        latest = datetime.now(UTC) + self.recheck
        due = self.engine.next_timer_due()
        return latest if due is None else min(latest, self._real_time(due))

    def _real_time(self, due: datetime) -> datetime:
        """Due times follow the engine's clock; wait in real time for the same distance."""
        wait = max(due - self.engine.clock.now(), timedelta(0))
        return datetime.now(UTC) + wait + timedelta(milliseconds=5)


def run_scheduler(engine: Engine, *, recheck_seconds: float = 5.0) -> None:
    """Run a scheduler in the foreground until SIGINT or SIGTERM."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    scheduler = TimerScheduler(engine, recheck_seconds=recheck_seconds)
    scheduler.start()
    log.info("scheduler started")
    stop.wait()
    scheduler.shutdown()
