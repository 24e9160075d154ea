"""Firing due timers (architecture principles 5 and 11).

Each timer is claimed together with its case in one statement that skips rows other
transactions hold, and fires in its own command: several schedulers share the backlog, and a
case that a user's command holds is fired at the next round. A timer whose command fails for a
reason outside the workflow (the workflow's own errors are incidents already) is tried again
later with backoff; after a limit its case becomes an incident. A failing timer never holds up
the others: it waits for its next attempt while they fire.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Row
from sqlalchemy.exc import DBAPIError

from engine.db.connect import write_transaction
from engine.errors import EngineError, Incident, IncidentCode, NotFoundError
from engine.runtime.command import Command
from engine.runtime.observing import CommandObservers, CommandReport
from engine.runtime.pipeline import Pipeline
from engine.store import instances, timers

log = logging.getLogger(__name__)

ACTOR = "scheduler"
MAX_ERROR_LENGTH = 1000


@dataclass(frozen=True)
class TimerRetry:
    """How often and how soon a timer whose command failed is tried again: after
    ``first_delay``, then twice as long each time up to ``max_delay``; the ``limit``-th failed
    attempt makes the case an incident."""

    limit: int = 5
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("a timer needs at least one attempt")
        if self.first_delay <= timedelta(0) or self.max_delay < self.first_delay:
            raise ValueError("retry delays must be positive, the maximum at least the first")

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt."""
        return min(self.max_delay, self.first_delay * 2 ** min(attempts - 1, 32))


def database_error(error: BaseException) -> DBAPIError | None:
    """The database's error behind ``error`` (the engine wraps some, e.g. in BusyError)."""
    for candidate in (error, error.__cause__):
        if isinstance(candidate, DBAPIError):
            return candidate
    return None


def is_disconnect(error: BaseException) -> bool:
    """Whether ``error`` says the database connection was lost: an outage, not the timer's."""
    cause = database_error(error)
    return cause is not None and cause.connection_invalidated


def describe(error: BaseException) -> str:
    """What went wrong, for the timer row and the incident; no SQL, no parameter values."""
    error = database_error(error) or error
    if isinstance(error, DBAPIError):
        cause = error.orig
        first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
        text = f"database error ({type(cause).__name__}): {first_line}"
    elif isinstance(error, EngineError):
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return text[:MAX_ERROR_LENGTH]


class TimerFiring:
    def __init__(
        self, pipeline: Pipeline, retry: TimerRetry, observers: CommandObservers | None = None
    ) -> None:
        self.pipeline = pipeline
        self.retry = retry
        self.observers = observers or CommandObservers()

    def fire_due(self, limit: int, key_prefix: str | None = None) -> int:
        """Fire up to ``limit`` due timers (of the cases whose business key starts with
        ``key_prefix`` when given); the number that fired. A database outage raises."""
        fired = 0
        for _ in range(limit):
            outcome = self._fire_next(key_prefix)
            if outcome is None:
                break
            fired += outcome
        return fired

    def _fire_next(self, key_prefix: str | None = None) -> bool | None:
        """Claim and fire the first free due timer (of the cases whose business key starts with
        ``key_prefix`` when given): whether it fired; None when none is free. Each claimed timer
        is reported to the observers (kind "timer", with its lateness)."""
        started = time.perf_counter()
        now = self.pipeline.clock.now()
        claimed: list[Row] = []
        outcome = self._try_next(now, claimed, key_prefix)
        if claimed:
            self.observers.report(
                CommandReport(
                    "timer",
                    time.perf_counter() - started,
                    "ok" if outcome else "failed",
                    max(now - claimed[0].timer_due_at, timedelta(0)),
                    claimed[0].id,
                )
            )
        return outcome

    def _try_next(
        self, now: datetime, claimed: list[Row], key_prefix: str | None = None
    ) -> bool | None:
        """Fire the first free timer due at ``now``; the locked timer row lands in ``claimed``."""

        def locate(conn: Connection) -> Row | None:
            head = instances.lock_due_timer(conn, now, key_prefix)
            if head is not None:
                claimed.append(head)
            return head

        try:
            _, command = self.pipeline.execute(
                locate, ACTOR, _returning_command, failures_are_incidents=False
            )
        except NotFoundError:
            if not claimed:
                return None
            self._failed(claimed[0], "the case of the timer does not exist", NotFoundError)
            return False
        except Exception as error:
            if not claimed or is_disconnect(error):
                raise
            self._failed(claimed[0], describe(error), type(error))
            return False
        timer = claimed[0]
        due = command.waiting_timers.get(timer.timer_id)
        if due is not None and due < command.now:
            self._failed(timer, "the timer was due but its event did not fire", None)
            return False
        return True

    def _failed(self, timer: Row, error: str, kind: type | None) -> None:
        attempts = timer.timer_attempts + 1
        what = kind.__name__ if kind else "not fired"
        if attempts < self.retry.limit:
            next_attempt = self.pipeline.clock.now() + self.retry.delay(attempts)
            with write_transaction(self.pipeline.database) as conn:
                timers.record_failure(
                    conn,
                    timer.timer_id,
                    attempts=attempts,
                    next_attempt_at=next_attempt,
                    error=error,
                )
            log.warning(
                "timer %s of instance %s failed (%s), attempt %d of %d; next attempt at %s",
                timer.timer_id,
                timer.id,
                what,
                attempts,
                self.retry.limit,
                next_attempt.isoformat(),
            )
            return

        def give_up(conn: Connection) -> None:
            timers.record_failure(
                conn, timer.timer_id, attempts=attempts, next_attempt_at=None, error=error
            )

        incident = Incident(
            code=IncidentCode.TIMER_FAILED,
            message=f"timer {timer.timer_bpmn_id} failed {attempts} times; last: {error}",
            element=timer.timer_bpmn_id,
            params={"attempts": attempts, "error": error},
        )
        try:
            self.pipeline.record_incident(timer.id, incident, actor=ACTOR, along=give_up)
        except Exception as failure:
            if is_disconnect(failure):
                raise
            # Whatever broke the timer may break the projectors too: record it without them.
            self.pipeline.record_incident(
                timer.id, incident, actor=ACTOR, project=False, along=give_up
            )
            log.warning(
                "the incident on instance %s was recorded without the projectors (%s)",
                timer.id,
                type(failure).__name__,
            )
        log.error(
            "timer %s of instance %s failed %d times (%s); the case is in error",
            timer.timer_id,
            timer.id,
            attempts,
            what,
        )


def _returning_command(command: Command) -> Command:
    """The claim was made by the locator; the pipeline's first refresh fires what is due."""
    return command
