"""Wakes up when the earliest timer is due and fires what is due (architecture principles 5, 11).

The timer table is the truth; APScheduler only decides when to wake. Several schedulers may
run against one database and share the backlog: each timer is claimed with its case in the
case's transaction, skipping what another scheduler holds, so it fires once. After downtime,
the first wake-up fires everything that became due meanwhile.

Nothing stops a scheduler. A round that fails (the database is unreachable) is retried with
backoff up to the recheck interval, logged once when it starts failing and once when it works
again; the next wake-up is always planned. A failing timer is retried on its own
(engine/runtime/firing.py). Each scheduler writes a heartbeat row every few seconds, which
``Engine.scheduler_heartbeats()`` reads.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from engine.db.connect import write_transaction
from engine.facade import Engine
from engine.runtime.firing import database_error, describe
from engine.store import heartbeats

log = logging.getLogger(__name__)

JOB_ID = "terugkeer-fire-due-timers"
HEARTBEAT_JOB_ID = "terugkeer-scheduler-heartbeat"
FIRST_RETRY_SECONDS = 0.25
BUSY_PAUSE_SECONDS = 0.5
FORGET_SILENT_AFTER = timedelta(days=1)


class TimerScheduler:
    def __init__(
        self,
        engine: Engine,
        *,
        recheck_seconds: float = 5.0,
        heartbeat_seconds: float = 10.0,
        batch: int = 100,
    ) -> None:
        """``recheck_seconds`` bounds how long a timer written by another process may wait
        unnoticed, and the backoff while the database is unreachable; timers written through
        ``engine`` wake the scheduler at once."""
        self.engine = engine
        self.recheck = timedelta(seconds=recheck_seconds)
        self.heartbeat = timedelta(seconds=heartbeat_seconds)
        self.batch = batch
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.started_at = datetime.now(UTC)
        self._scheduler = BackgroundScheduler(timezone=UTC)
        self._lock = threading.Lock()
        self._written: datetime | None = None  # earliest due time armed since the last tick began
        self._failed_rounds = 0
        self._failing_since = 0.0
        self._forgot_silent = False
        self._stopping = False

    def start(self) -> None:
        self._scheduler.start()
        self._scheduler.add_job(
            self._beat,
            trigger=IntervalTrigger(seconds=self.heartbeat.total_seconds(), timezone=UTC),
            id=HEARTBEAT_JOB_ID,
            next_run_time=datetime.now(UTC),
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
        self.engine.add_timer_listener(self._on_timer_written)
        self.wake()

    def shutdown(self) -> None:
        self.engine.remove_timer_listener(self._on_timer_written)
        with self._lock:
            # A tick still running must not plan: APScheduler's shutdown holds the job store
            # lock while it waits for that tick.
            self._stopping = True
        # Jobs removed while the scheduler still runs: shutdown() marks it stopped before it takes
        # the job store lock, and a wake-up being processed then fails to remove itself.
        self._scheduler.remove_all_jobs()
        self._scheduler.shutdown(wait=True)
        try:
            with write_transaction(self.engine.database) as conn:
                heartbeats.forget(conn, self.id)
        except Exception as error:
            log.warning("could not remove this scheduler's heartbeat: %s", _safe(error))

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
        if self._stopping:
            return
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
        when = datetime.now(UTC) + self.recheck
        try:
            while self.engine.fire_due_timers(limit=self.batch) > 0:
                pass
            when = self._next_wake()
            self._worked()
        except Exception as error:
            when = self._failed(error)
        finally:
            with self._lock:
                # A timer armed after this tick read the table would otherwise be planned over.
                if self._written is not None:
                    when = min(when, self._real_time(self._written))
                self._plan(when)

    def _next_wake(self) -> datetime:
        now = datetime.now(UTC)
        latest = now + self.recheck
        due = self.engine.next_timer_due()
        if due is None:
            return latest
        if due < self.engine.clock.now():
            # Due, yet this round found it held by another transaction (another scheduler, a
            # user's command on the case): look again shortly rather than spin.
            return min(latest, now + timedelta(seconds=BUSY_PAUSE_SECONDS))
        return min(latest, self._real_time(due))

    def _failed(self, error: Exception) -> datetime:
        """Log the first failed round of a run of them; the next try, backing off."""
        self._failed_rounds += 1
        if self._failed_rounds == 1:
            self._failing_since = time.monotonic()
            log.error(
                "firing timers failed (%s); retrying with backoff up to every %.1f s, "
                "logged again when it recovers",
                _safe(error),
                self.recheck.total_seconds(),
                # Not the database and not a case's error (those stay with their timer).
                exc_info=database_error(error) is None,
            )
        wait = FIRST_RETRY_SECONDS * 2 ** min(self._failed_rounds - 1, 16)
        return datetime.now(UTC) + min(self.recheck, timedelta(seconds=wait))

    def _worked(self) -> None:
        if self._failed_rounds:
            log.warning(
                "firing timers works again after %d failed rounds in %.1f s",
                self._failed_rounds,
                time.monotonic() - self._failing_since,
            )
        self._failed_rounds = 0

    def _beat(self) -> None:
        now = datetime.now(UTC)
        try:
            with write_transaction(self.engine.database) as conn:
                heartbeats.beat(
                    conn,
                    self.id,
                    host=socket.gethostname(),
                    pid=os.getpid(),
                    started_at=self.started_at,
                    at=now,
                )
                if not self._forgot_silent:
                    heartbeats.forget_older(conn, now - FORGET_SILENT_AFTER)
            self._forgot_silent = True
        except Exception as error:
            # The tick logs an outage once; a missing beat is what readiness checks see.
            log.debug("heartbeat not written: %s", _safe(error))

    def _real_time(self, due: datetime) -> datetime:
        """Due times follow the engine's clock; wait in real time for the same distance."""
        wait = max(due - self.engine.clock.now(), timedelta(0))
        return datetime.now(UTC) + wait + timedelta(milliseconds=5)


def _safe(error: Exception) -> str:
    """An error for the log: what the database said, or only the kind of error (an exception's
    text may carry case data)."""
    return describe(error) if database_error(error) is not None else type(error).__name__


def run_scheduler(scheduler: TimerScheduler) -> None:
    """Run ``scheduler`` in the foreground until SIGINT or SIGTERM."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    scheduler.start()
    log.info("scheduler %s started", scheduler.id)
    stop.wait()
    scheduler.shutdown()
