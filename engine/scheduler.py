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

    def start(self) -> None:
        self._scheduler.start()
        self.engine.add_timer_listener(self._on_timer_written)
        self.wake()

    def shutdown(self) -> None:
        self.engine.remove_timer_listener(self._on_timer_written)
        self._scheduler.shutdown(wait=True)

    def wake(self) -> None:
        """Fire what is due now and plan the next wake-up."""
        self._plan(datetime.now(UTC))

    def _on_timer_written(self, due_at: datetime) -> None:
        job = self._scheduler.get_job(JOB_ID)
        if job is None or job.next_run_time is None or due_at < job.next_run_time:
            self._plan(max(due_at, datetime.now(UTC)))

    def _plan(self, when: datetime) -> None:
        with self._lock:
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
        try:
            while self.engine.fire_due_timers(limit=self.batch) == self.batch:
                pass
        except Exception:
            log.exception("firing due timers failed; trying again at the next wake-up")
        self._plan(self._next_wake())

    def _next_wake(self) -> datetime:
        real_now = datetime.now(UTC)
        latest = real_now + self.recheck
        due = self.engine.next_timer_due()
        if due is None:
            return latest
        # Due times follow the engine's clock; wait in real time for the same distance.
        wait = due - self.engine.clock.now()
        return min(latest, real_now + max(wait, timedelta(0)) + timedelta(milliseconds=5))


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
