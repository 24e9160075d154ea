"""The dashboard projected outside the engine's commands (architecture principle 1): a worker
reads the audit events after its checkpoint and feeds them, case by case and in the order they
were committed, to the dashboard projector (web/dashboard/projection.py).

A command therefore never waits for the dashboard's roll-up rows and never fails because of
them; the figures follow within seconds (docs/dashboard.md, "Projections").

**The checkpoint** is a row of ``projection_checkpoints``: the highest event id taken in, and the
ids below it not seen yet. On PostgreSQL an id is drawn when the event is inserted but visible
only when its command commits, so a later id may be seen first; the earlier one is kept as a gap
and taken in when it appears (a command's events of one case always come after that case's
earlier ones: commands on a case hold its lock, a claim the task's row). A gap that stays empty for
``GAP_SECONDS`` belonged to a command that rolled back and is forgotten. Each run claims the row
``FOR UPDATE SKIP LOCKED``: with two schedulers, one projects and the other skips its turn
(SQLite has one writer at a time anyway). A run takes in a batch and moves the checkpoint in the
same transaction, so every event is projected exactly once. In that transaction too, the
projected events, the task rows and the fired timers of the cases that have finished move to
their archive row (engine/store/case_archive.py: one row per finished case instead of one per
event, task or timer).

**Failures**: a run that fails changes nothing; the checkpoint row records the failure (attempts,
since when, the error without values) for the incident console, it is logged once when it starts
failing and once when it works again, and it is retried with backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, func, insert, or_, select, update
from sqlalchemy import Engine as SQLEngine

from engine import CaseChange, InstanceInfo, WorkingDayCalendar
from engine.db.connect import read_transaction, write_transaction
from engine.db.models import Event
from engine.runtime.firing import describe
from engine.store import case_archive
from engine.store import instances as instance_store
from web.dashboard.projection import DashboardProjection
from web.dashboard.tables import projection_checkpoints

log = logging.getLogger(__name__)

events = Event.__table__
checkpoints = projection_checkpoints

NAME = "dashboard"
BATCH = 2000
GAP_SECONDS = 300.0
MAX_GAPS = 1000
MAX_BACKOFF_SECONDS = 60.0


@dataclass(frozen=True)
class FeedState:
    """How far the dashboard is: what the incident console and the readiness check show."""

    position: int
    newest: int
    updated_at: datetime | None
    attempts: int
    failing_since: datetime | None
    last_error: str | None

    @property
    def behind(self) -> int:
        """Events committed but not yet projected (about: gaps are not counted)."""
        return max(self.newest - self.position, 0)


class DashboardFeed:
    def __init__(
        self,
        database: SQLEngine,
        calendar: WorkingDayCalendar,
        *,
        batch: int = BATCH,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.projection = DashboardProjection(calendar)
        self.batch = batch
        self.wall = wall
        self._failing = False
        self._ensured = False

    @property
    def failing(self) -> bool:
        """Whether the last run failed."""
        return self._failing

    def run_once(self) -> int:
        """Project the next batch of events; how many were taken in (0: nothing new, or another
        worker holds the checkpoint). A failure is recorded and logged, never raised."""
        try:
            if not self._ensured:
                with write_transaction(self.database) as conn:
                    ensure_checkpoint(conn)
                self._ensured = True
            with write_transaction(self.database) as conn:
                taken = self._run(conn)
        except Exception as exc:
            self._record_failure(exc)
            return 0
        if self._failing:
            self._failing = False
            log.warning("the dashboard projection works again")
        return taken

    def catch_up(self, *, limit: int = 1_000_000) -> int:
        """Project until nothing is left (or a run fails); how many events were taken in."""
        total = 0
        while total < limit:
            taken = self.run_once()
            total += taken
            if taken < self.batch:
                break
        return total

    def state(self) -> FeedState:
        with read_transaction(self.database) as conn:
            row = conn.execute(select(checkpoints).where(checkpoints.c.name == NAME)).first()
            newest = conn.execute(select(func.max(events.c.id))).scalar() or 0
        if row is None:
            return FeedState(0, newest, None, 0, None, None)
        return FeedState(
            row.position, newest, row.updated_at, row.attempts, row.failing_since, row.last_error
        )

    def retry_delay(self) -> float:
        """Seconds to wait before the next run after ``attempts`` failures in a row."""
        attempts = self.state().attempts
        return min(MAX_BACKOFF_SECONDS, 2.0 ** min(attempts, 10)) if attempts else 0.0

    # One run ------------------------------------------------------------------------------------

    def _run(self, conn: Connection) -> int:
        checkpoint = claim_checkpoint(conn)
        if checkpoint is None:
            return 0
        gaps: dict[str, float] = dict(checkpoint.gaps or {})
        position = checkpoint.position
        condition = events.c.id > position
        if gaps:
            condition = or_(condition, events.c.id.in_(sorted(int(i) for i in gaps)))
        rows = conn.execute(
            select(events).where(condition).order_by(events.c.id).limit(self.batch)
        ).all()
        now = self.wall()
        seen = {row.id for row in rows}
        for ident in seen:
            gaps.pop(str(ident), None)
        newest = max(seen, default=position)
        missing = [i for i in range(position + 1, newest) if i not in seen]
        if len(missing) <= MAX_GAPS:  # more: ids that were never used (e.g. a sequence jump)
            for ident in missing:
                gaps.setdefault(str(ident), now)
        gaps = {i: t for i, t in gaps.items() if now - t <= GAP_SECONDS}
        if len(gaps) > MAX_GAPS:
            gaps = dict(sorted(gaps.items(), key=lambda item: int(item[0]))[-MAX_GAPS:])
        self._project(conn, rows)
        # Projected: the events, task rows and fired timers of the cases that have finished go
        # to their archive rows.
        cases = {row.instance_id for row in rows if row.instance_id is not None}
        unseen = [int(i) for i in gaps]
        case_archive.archive(conn, cases, up_to=max(newest, position), unseen=unseen)
        conn.execute(
            update(checkpoints)
            .where(checkpoints.c.name == NAME)
            .values(
                position=max(newest, position),
                gaps=gaps,
                updated_at=datetime.now(UTC),
                attempts=0,
                failing_since=None,
                last_error=None,
            )
        )
        return len(rows)

    def _project(self, conn: Connection, rows: Iterable[Row]) -> None:
        by_case: dict[int, list[dict]] = {}
        for row in rows:
            if row.instance_id is not None:
                by_case.setdefault(row.instance_id, []).append(dict(row._mapping))
        if not by_case:
            return
        infos = instance_store.infos_by_ids(conn, sorted(by_case))
        ready = [
            e["task_id"] for found in by_case.values() for e in found if e["kind"] == "task_ready"
        ]
        # One batch for the run: the rows of its cases read at once, what changed written at the
        # end, a statement per table and cube (web/dashboard/batch.py).
        with self.projection.batch(conn, sorted(infos), ready):
            for instance_id, found in by_case.items():
                info = infos.get(instance_id)
                if info is not None:
                    self._project_case(conn, info, found)

    def _project_case(self, conn: Connection, info: InstanceInfo, found: list[dict]) -> None:
        """A case's events in commit order: the events of one moment as one change, a claim on
        its own (claims are no commands on the case)."""
        batch: list[dict] = []

        def flush() -> None:
            if batch:
                current = replace(info, updated_at=batch[0]["at"])
                self.projection.project(CaseChange(conn, current, list(batch)))
                batch.clear()

        for event in found:
            if event["kind"] == "task_claimed":
                flush()
                self.projection.record_claims(conn, [event])
                continue
            if batch and batch[0]["at"] != event["at"]:
                flush()
            batch.append(event)
        flush()

    # Failures -----------------------------------------------------------------------------------

    def _record_failure(self, exc: BaseException) -> None:
        text = describe(exc)
        if not self._failing:
            self._failing = True
            log.error("the dashboard projection failed and will be retried: %s", text)
        try:
            with write_transaction(self.database) as conn:
                conn.execute(
                    update(checkpoints)
                    .where(checkpoints.c.name == NAME)
                    .values(
                        attempts=checkpoints.c.attempts + 1,
                        failing_since=func.coalesce(checkpoints.c.failing_since, datetime.now(UTC)),
                        last_error=text,
                    )
                )
        except Exception:
            log.debug("could not record the dashboard projection's failure", exc_info=True)


def claim_checkpoint(conn: Connection) -> Row | None:
    """The checkpoint row, locked for this run; None when another worker holds it."""
    locked = select(checkpoints).where(checkpoints.c.name == NAME).with_for_update(skip_locked=True)
    return conn.execute(locked).first()


def ensure_checkpoint(conn: Connection) -> None:
    """Create the checkpoint row at the start of the event log if there is none (a database the
    migration did not fill)."""
    if conn.execute(select(checkpoints.c.name).where(checkpoints.c.name == NAME)).first() is None:
        conn.execute(
            insert(checkpoints).values(
                name=NAME, position=0, gaps={}, updated_at=datetime.now(UTC), attempts=0
            )
        )


def set_position(conn: Connection, position: int) -> None:
    """Put the checkpoint at ``position`` (after a rebuild that took in every event to there)."""
    ensure_checkpoint(conn)
    conn.execute(
        update(checkpoints)
        .where(checkpoints.c.name == NAME)
        .values(position=position, gaps={}, updated_at=datetime.now(UTC))
    )


class FeedWorker:
    """Runs a feed in a background thread: every ``poll_seconds``, at once again while it finds
    full batches, and with backoff while it fails. For the scheduler process and ``terugkeer
    run``."""

    def __init__(self, feed: DashboardFeed, *, poll_seconds: float = 1.0) -> None:
        self.feed = feed
        self.poll = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="dashboard-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            taken = self.feed.run_once()
            if taken >= self.feed.batch:
                continue
            wait = self.poll
            if self.feed.failing:
                wait = max(wait, self._delay())
            self._stop.wait(wait)

    def _delay(self) -> float:
        try:
            return self.feed.retry_delay()
        except Exception:
            return MAX_BACKOFF_SECONDS
