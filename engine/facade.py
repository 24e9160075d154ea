"""The one class callers use: deploy models, start cases, work tasks, send messages, fire timers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine as SQLEngine

from engine.calendar import WorkingDayCalendar
from engine.catalogue import ModelCatalogue
from engine.clock import Clock, SystemClock
from engine.db.connect import (
    limit_write_transactions,
    open_database,
    prepare,
    read_transaction,
)
from engine.errors import (
    FieldError,
    FieldErrorCode,
    FormValidationError,
    NotFoundError,
)
from engine.logcontext import keep_case_data_out_of_logs
from engine.runtime.actions import (
    change_failed_data,
    complete_task,
    redact_completed,
    retry_failed,
)
from engine.runtime.cache import WorkflowCache
from engine.runtime.claims import set_claim
from engine.runtime.command import EventSink, Projector
from engine.runtime.definitions import DefinitionCache
from engine.runtime.firing import TimerFiring, TimerRetry
from engine.runtime.forms import FormValidators
from engine.runtime.limits import CommandLimits
from engine.runtime.messaging import send_to_case
from engine.runtime.migration import MigrationCheck, migrate_instances, migration_report
from engine.runtime.observing import CommandObserver, CommandObservers, observed
from engine.runtime.organisations import OrganisationDirectory
from engine.runtime.pipeline import Pipeline
from engine.runtime.projection import element_states
from engine.scripting import RestrictedScriptEngine
from engine.store import events, heartbeats, human_tasks, instances, timers, versions
from engine.store.records import (
    EventInfo,
    HeartbeatInfo,
    InstanceInfo,
    TaskInfo,
    TimerInfo,
)
from engine.translations import localize_form


class Engine(ModelCatalogue):
    """Terugkeer's process engine. Every command is one transaction (engine/runtime/pipeline.py)."""

    def __init__(
        self,
        database: str | SQLEngine,
        *,
        clock: Clock | None = None,
        calendar: WorkingDayCalendar | None = None,
        forms_dir: str | Path | None = None,
        cache_size: int = 512,
        projectors: Iterable[Projector] = (),
        event_sinks: Iterable[EventSink] = (),
        organisations: OrganisationDirectory | None = None,
        limits: CommandLimits | None = None,
        timer_retry: TimerRetry | None = None,
    ) -> None:
        """``projectors`` see each command's case (data and status) and ``event_sinks`` every
        audit event (commands, claims, deployments), both inside the writing transaction.
        ``organisations`` answers whether a code is an active organisation of a kind: start data
        and completed tasks that name another are refused (engine/runtime/organisations.py).
        ``limits`` bound every command (scripts, engine steps, database waits);
        ``timer_retry`` says how a timer whose command fails is tried again."""
        self.limits = limits or CommandLimits()
        if isinstance(database, str):
            database = open_database(database)
        else:
            prepare(database)
        limit_write_transactions(
            database, self.limits.lock_timeout_ms, self.limits.statement_timeout_ms
        )
        self.database = database
        self.clock = clock or SystemClock()
        self.calendar = calendar or WorkingDayCalendar()
        self.forms_dir = Path(forms_dir) if forms_dir else None
        self.script_engine = RestrictedScriptEngine(self.calendar, self.clock, self.limits.scripts)
        self._definitions = DefinitionCache()
        self._forms = FormValidators()
        self._pipeline = Pipeline(
            database,
            self.clock,
            self.script_engine,
            self._definitions,
            WorkflowCache(cache_size),
            self.limits,
        )
        self._pipeline.projectors.extend(projectors)
        self._pipeline.event_sinks.extend(event_sinks)
        self._pipeline.organisations = organisations
        self.observers = CommandObservers()
        keep_case_data_out_of_logs()
        self._firing = TimerFiring(self._pipeline, timer_retry or TimerRetry(), self.observers)

    def add_command_observer(self, observer: CommandObserver) -> None:
        """Call ``observer(report)`` after each command (engine/runtime/observing.py): for
        metrics. It runs in the command's thread, after the transaction ended."""
        self.observers.observers.append(observer)

    # Instances

    @observed("start")
    def start(
        self,
        process_id: str,
        data: dict[str, Any],
        business_key: str,
        *,
        user: str = "system",
        version: int | None = None,
    ) -> InstanceInfo:
        """Start a case on the latest (or the given) version of a process."""

        def choose_version(conn: Connection) -> int:
            found = versions.pick(conn, process_id, version)
            if found is None:
                wanted = f"version {version} of " if version is not None else ""
                raise NotFoundError(
                    f"{wanted}process {process_id!r} is not deployed",
                    reason="process_not_deployed",
                    process_id=process_id,
                )
            return found

        return self._pipeline.start(choose_version, process_id, business_key, dict(data), user)

    def instance(self, instance_id: int) -> InstanceInfo:
        """A case with its case data (completed tasks' data folded together)."""
        with read_transaction(self.database) as conn:
            found = instances.info_by_id(conn, instance_id)
        if found is None:
            raise NotFoundError(
                f"instance {instance_id} does not exist",
                reason="instance_not_found",
                instance_id=instance_id,
            )
        return found

    def each_instance(self, *, page: int = 500) -> Iterator[InstanceInfo]:
        """Every case with its case data, oldest first, read a page at a time (for rebuilding
        projections)."""
        after = 0
        while True:
            with read_transaction(self.database) as conn:
                found = instances.info_page(conn, after, page)
            yield from found
            if len(found) < page:
                return
            after = found[-1].id

    def element_states(self, instance_id: int) -> dict[str, dict[str, str]]:
        """Per process id, the state of each BPMN element a case has reached: "completed",
        "active" (ready or started), "waiting" or "error"; for highlighting a diagram."""
        with read_transaction(self.database) as conn:
            head = instances.head_with_state(conn, instance_id)
            if head is None:
                raise NotFoundError(
                    f"instance {instance_id} does not exist",
                    reason="instance_not_found",
                    instance_id=instance_id,
                )
            definition = self._definitions.get(conn, head.version_id)
        workflow = definition.codec.load_state(
            head.state, definition.spec, definition.subprocess_specs
        )
        return element_states(workflow)

    def instance_by_key(self, business_key: str) -> InstanceInfo:
        with read_transaction(self.database) as conn:
            found = instances.latest_info_by_key(conn, business_key)
        if found is None:
            raise NotFoundError(
                f"no case with business key {business_key!r}",
                reason="case_not_found",
                business_key=business_key,
            )
        return found

    @observed("retry")
    def retry(
        self, instance_id: int, *, data: dict[str, Any] | None = None, user: str = "system"
    ) -> InstanceInfo:
        """Continue an instance in error, optionally with corrected data for the failed task."""
        info, _ = self._pipeline.execute(instance_id, user, retry_failed(instance_id, data))
        return info

    @observed("redact")
    def redact(
        self, instance_id: int, values: dict[str, Any], *, user: str = "system"
    ) -> InstanceInfo:
        """Overwrite ``values`` in a completed case's data everywhere the engine keeps it (for
        retention: pseudonymising closed cases); an ``instance_redacted`` event names the keys.
        ConflictError for a case that is not completed."""
        info, _ = self._pipeline.execute(instance_id, user, redact_completed(instance_id, values))
        return info

    def incidents(self, process_id: str | None = None, *, limit: int = 500) -> list[InstanceInfo]:
        """The cases in error (without case data), ordered by process, version and element."""
        with read_transaction(self.database) as conn:
            return instances.in_error(conn, process_id, limit)

    def incident_count(self) -> int:
        """How many cases are in error."""
        with read_transaction(self.database) as conn:
            return instances.count_in_error(conn)

    @observed("update_case_data")
    def update_case_data(
        self, instance_id: int, changes: dict[str, Any], *, user: str, reason: str
    ) -> InstanceInfo:
        """Correct the data of a case in error before a retry; audited with the reason."""
        if not reason.strip():
            raise FormValidationError(
                {"reason": [FieldError(FieldErrorCode.REASON_REQUIRED, {"field": "reason"})]}
            )
        if not changes:
            raise FormValidationError(
                {"changes": [FieldError(FieldErrorCode.NOTHING_TO_CHANGE, {"field": "changes"})]}
            )
        action = change_failed_data(instance_id, dict(changes), reason.strip())
        info, _ = self._pipeline.execute(instance_id, user, action)
        return info

    # Migration

    def migration_report(
        self, instance_ids: Iterable[int], to_version_id: int
    ) -> list[MigrationCheck]:
        """Which instances could move to another version of their process, and why not (dry run)."""
        with read_transaction(self.database) as conn:
            return migration_report(conn, self._definitions, list(instance_ids), to_version_id)

    @observed("migrate")
    def migrate(
        self, instance_ids: Iterable[int], to_version_id: int, *, user: str
    ) -> list[MigrationCheck]:
        """Move each instance that can move; one transaction and one audit event per instance."""
        return migrate_instances(
            self._pipeline, self._definitions, self.script_engine, instance_ids, to_version_id, user
        )

    # Human tasks

    def tasks(
        self,
        *,
        instance_id: int | None = None,
        business_key: str | None = None,
        organisations: list[str] | None = None,
        party: str | None = None,
        status: str | None = "ready",
        claimed_by: str | None = None,
        unclaimed: bool = False,
        bpmn_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[TaskInfo]:
        """Human tasks from the projection, earliest due first."""
        with read_transaction(self.database) as conn:
            return human_tasks.search(
                conn,
                instance_id=instance_id,
                business_key=business_key,
                organisations=organisations,
                party=party,
                status=status,
                claimed_by=claimed_by,
                unclaimed=unclaimed,
                bpmn_id=bpmn_id,
                limit=limit,
                offset=offset,
            )

    def task(self, task_id: str) -> TaskInfo:
        with read_transaction(self.database) as conn:
            found = human_tasks.get(conn, task_id)
        if found is None:
            raise NotFoundError(
                f"task {task_id} does not exist", reason="task_not_found", task_id=task_id
            )
        return found

    def form(self, task_id: str, language: str | None = None) -> dict[str, Any] | None:
        """The task's form: {"schema": ..., "ui": ...}, or None for a task without a form. With
        ``language``, its texts in that language where the form gives them, else Dutch."""
        task = self.task(task_id)
        if task.form is None:
            return None
        with read_transaction(self.database) as conn:
            definition = self._definitions.get(conn, task.version_id)
        return localize_form(definition.forms.get(task.form), language)

    @observed("claim")
    def claim(self, task_id: str, user: str) -> TaskInfo:
        return set_claim(
            self.database,
            self._pipeline,
            task_id,
            user,
            now=self.clock.now(),
            expected=None,
            claimant=user,
        )

    @observed("unclaim")
    def unclaim(self, task_id: str, user: str) -> TaskInfo:
        return set_claim(
            self.database,
            self._pipeline,
            task_id,
            user,
            now=self.clock.now(),
            expected=user,
            claimant=None,
        )

    @observed("complete")
    def complete(self, task_id: str, data: dict[str, Any], user: str) -> InstanceInfo:
        """Validate ``data`` against the task's form (organisation fields included), complete the
        task, run on to the next wait."""
        locate, action = complete_task(
            task_id, data, user, self._forms, self._pipeline.organisations
        )
        info, _ = self._pipeline.execute(locate, user, action)
        return info

    # Messages and timers

    @observed("message")
    def send_message(
        self,
        name: str,
        business_key: str,
        payload: dict[str, Any] | None = None,
        *,
        user: str = "system",
    ) -> InstanceInfo:
        """Deliver a message to the case with ``business_key`` that waits for it (principle 7)."""
        return send_to_case(self._pipeline, name, business_key, dict(payload or {}), user)

    def fire_due_timers(self, *, limit: int = 100, key_prefix: str | None = None) -> int:
        """Fire up to ``limit`` due timers, each once even with several schedulers; how many
        fired. A timer that fails is tried again later (engine/runtime/firing.py). With
        ``key_prefix`` only timers of cases whose business key starts with it (a simulation
        worker fires its own cases' timers)."""
        return self._firing.fire_due(limit, key_prefix)

    def add_timer_listener(self, listener: Callable[[datetime], None]) -> None:
        """Call ``listener(due_at)`` after a command of this engine armed a timer."""
        self._pipeline.timer_listeners.append(listener)

    def remove_timer_listener(self, listener: Callable[[datetime], None]) -> None:
        if listener in self._pipeline.timer_listeners:
            self._pipeline.timer_listeners.remove(listener)

    def next_timer_due(self, *, key_prefix: str | None = None) -> datetime | None:
        """When the next timer is due (or due to be tried again), of the cases whose business
        key starts with ``key_prefix`` when given."""
        with read_transaction(self.database) as conn:
            return timers.next_due(conn, key_prefix)

    def scheduler_heartbeats(self) -> list[HeartbeatInfo]:
        """The running schedulers' last beats, latest first (for readiness checks)."""
        with read_transaction(self.database) as conn:
            return heartbeats.all_beats(conn)

    def timers(self, instance_id: int) -> list[TimerInfo]:
        with read_transaction(self.database) as conn:
            return timers.for_instance(conn, instance_id)

    def events(self, instance_id: int) -> list[EventInfo]:
        with read_transaction(self.database) as conn:
            return events.for_instance(conn, instance_id)
