"""Every command on an instance runs through here, as one transaction (architecture principle 1):
lock the instance, load it, let the command change it, run the engine, save, update the
projections, write the audit events, commit. Any failure before commit changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError, OperationalError

from engine.clock import Clock, FixedClock, active_clock
from engine.db.connect import write_transaction
from engine.errors import (
    BusyError,
    CommandFailedError,
    ConflictError,
    EngineError,
    Incident,
    NotFoundError,
)
from engine.runtime.cache import WorkflowCache
from engine.runtime.command import Action, CaseChange, Command, EventSink, Locator, Projector
from engine.runtime.definitions import DefinitionCache
from engine.runtime.failures import internal_incident, standing_incident, stop_case
from engine.runtime.limits import CommandLimits
from engine.runtime.organisations import OrganisationDirectory, check_organisations
from engine.runtime.projecting import project_tasks, project_timers, task_base
from engine.runtime.projection import ready_user_tasks, task_row, waiting_timers
from engine.runtime.stepping import advance, to_json_value
from engine.script_limits import command_budget
from engine.store import command_writes, events, human_tasks, instances, timers
from engine.store.records import InstanceInfo

log = logging.getLogger(__name__)


class Pipeline:
    def __init__(
        self,
        database: Engine,
        clock: Clock,
        script_engine: Any,
        definitions: DefinitionCache,
        cache: WorkflowCache,
        limits: CommandLimits | None = None,
    ) -> None:
        self.database = database
        self.limits = limits or CommandLimits()
        self.clock = clock
        self.script_engine = script_engine
        self.definitions = definitions
        self.cache = cache
        self.timer_listeners: list[Callable[[datetime], None]] = []
        self.projectors: list[Projector] = []
        self.event_sinks: list[EventSink] = []
        self.organisations: OrganisationDirectory | None = None

    def start(
        self,
        choose_version: Callable[[Connection], int],
        process_id: str,
        business_key: str,
        data: dict,
        actor: str,
    ) -> InstanceInfo:
        """Create an instance and run it to its first wait, in one transaction."""
        with self._failures(_Attempt(None)), write_transaction(self.database) as conn:
            version_id = choose_version(conn)
            definition = self.definitions.get(conn, version_id)
            check_organisations(self.organisations, conn, definition.start_schema, data)
            workflow = BpmnWorkflow(
                definition.spec, definition.subprocess_specs, script_engine=self.script_engine
            )
            workflow.task_tree.data.update(data)
            now = self.clock.now()
            try:
                instance_id = instances.insert_instance(
                    conn,
                    version_id=version_id,
                    process_id=process_id,
                    business_key=business_key,
                    state="",
                    serializer_version=definition.codec.version,
                    now=now,
                )
            except IntegrityError as exc:
                raise ConflictError(
                    f"a case with business key {business_key!r} already exists",
                    reason="business_key_taken",
                    business_key=business_key,
                ) from exc
            command = Command(
                conn,
                workflow,
                definition,
                instance_id,
                process_id,
                business_key,
                "running",
                now,
                now,
                actor,
            )
            command.case_data = dict(data)
            command.saved_data = None
            command.record("instance_started")
            info, revision, _ = self._run(command, revision=0, action=None)
        self._committed(command, revision)
        return info

    def execute(
        self,
        target: int | Locator,
        actor: str,
        action: Action,
        *,
        failures_are_incidents: bool = True,
    ) -> tuple[InstanceInfo, Any]:
        """Run ``action`` on a locked, loaded instance; everything it does commits or nothing does.

        ``target`` is the instance id, or a function that finds and locks the instance's head row
        inside the transaction (the action sees that row as ``command.head``). Without
        ``failures_are_incidents`` a failure outside the workflow is raised but not recorded on
        the case: the caller decides (the scheduler retries a failing timer first).
        """
        attempt = _Attempt(None if callable(target) else target, failures_are_incidents)
        with self._failures(attempt):
            with write_transaction(self.database) as conn:
                head = target(conn) if callable(target) else instances.lock(conn, target)
                if head is not None:
                    attempt.instance_id = head.id
                    command, info, revision, result = self._execute_on(conn, head, actor, action)
            if head is None:
                # Raised after the transaction, which wrote nothing, committed: a rollback would
                # make psycopg drop its prepared statements (it does on every ROLLBACK), and a
                # scheduler's round that finds no due timer ends here.
                if callable(target):  # a lookup that found nothing: the kind says enough
                    raise NotFoundError("the case does not exist")
                raise NotFoundError(
                    f"instance {target} does not exist",
                    reason="instance_not_found",
                    instance_id=target,
                )
        self._committed(command, revision)
        return info, result

    def _execute_on(
        self, conn: Connection, head: Row, actor: str, action: Action
    ) -> tuple[Command, InstanceInfo, int, Any]:
        """Load the locked instance ``head`` and run ``action`` on it, in ``conn``'s
        transaction."""
        definition = self.definitions.get(conn, head.version_id)
        command = Command(
            conn,
            None,  # type: ignore[arg-type]
            definition,
            head.id,
            head.process_id,
            head.business_key,
            head.status,
            head.started_at,
            self.clock.now(),
            actor,
            error=standing_incident(head),
            head=head,
        )
        cached = self.cache.take(head.id, head.revision)
        if cached is not None:
            (
                command.workflow,
                command.open_tasks,
                command.waiting_timers,
                command.case_data,
                command.saved_data,
            ) = cached
        else:
            state, command.case_data = instances.stored(conn, head.id)
            command.saved_data = to_json_value(command.case_data)
            command.workflow = definition.codec.load_state(
                state, definition.spec, definition.subprocess_specs
            )
            command.workflow.script_engine = self.script_engine
            command.open_tasks = human_tasks.open_ids(conn, head.id)
            command.waiting_timers = timers.waiting_for_instance(conn, head.id)
        info, revision, result = self._run(command, head.revision, action)
        return command, info, revision, result

    @contextlib.contextmanager
    def _failures(self, attempt: _Attempt) -> Iterator[None]:
        """Turn what escapes a command's transaction (already rolled back) into engine errors."""
        try:
            yield
        except EngineError:
            raise
        except OperationalError as exc:
            raise BusyError(
                "the database did not answer in time; nothing was changed, try again"
            ) from exc
        except Exception as exc:
            incident = internal_incident(exc)
            log.exception("command on instance %s failed outside the workflow", attempt.instance_id)
            if attempt.instance_id is not None and attempt.record:
                self._record_failure(attempt.instance_id, incident)
            raise CommandFailedError(
                f"the command failed and was rolled back: {incident.message}",
                instance_id=attempt.instance_id,
                **incident.params,
            ) from exc

    def _record_failure(self, instance_id: int, incident: Incident) -> None:
        try:
            self.record_incident(instance_id, incident, actor="engine", project=False)
        except Exception:
            log.exception("could not record the failure on instance %s", instance_id)

    def record_incident(
        self,
        instance_id: int,
        incident: Incident,
        *,
        actor: str,
        project: bool = True,
        along: Callable[[Connection], None] | None = None,
    ) -> None:
        """Put the case in error in a transaction of its own (the command's was rolled back),
        with an ``instance_error`` event; the projectors see it when ``project``; ``along`` runs
        in the same transaction."""
        now = self.clock.now()
        with write_transaction(self.database) as conn:
            head = instances.lock(conn, instance_id)
            if head is None:
                return
            instances.mark_failed(conn, instance_id, incident, now)
            event = events.row(
                "instance_error",
                actor=actor,
                at=now,
                instance_id=instance_id,
                version_id=head.version_id,
                bpmn_id=incident.element,
                detail={"message": incident.message, "code": incident.code},
            )
            self.append_events(conn, [event])
            if along is not None:
                along(conn)
            if project:
                info = instances.info_by_id(conn, instance_id)
                change = CaseChange(conn, info, [event], before=info.data)  # type: ignore[union-attr]
                for projector in self.projectors:
                    projector(change)

    def append_events(self, conn: Connection, rows: list[dict]) -> None:
        """Write audit events and hand them to the event sinks, in the caller's transaction."""
        events.append(conn, rows)
        for sink in self.event_sinks:
            sink(conn, rows)

    def _committed(self, command: Command, revision: int) -> None:
        self.cache.put(
            command.instance_id,
            revision,
            (
                command.workflow,
                command.open_tasks,
                command.waiting_timers,
                command.case_data,
                command.saved_data or {},
            ),
        )
        if command.timers_armed:
            earliest = min(command.timers_armed)
            for listener in list(self.timer_listeners):
                listener(earliest)

    def _run(
        self, command: Command, revision: int, action: Action | None
    ) -> tuple[InstanceInfo, int, Any]:
        conn = command.conn
        open_before = command.open_tasks
        timers_before = command.waiting_timers
        result = None
        incident: Incident | None = None
        # One instant per command: every timer due at ``now`` fires in the first refresh, and
        # nothing becomes due between SpiffWorkflow's steps.
        with active_clock(FixedClock(command.now)), command_budget(self.limits.scripts) as budget:
            command.budget = budget
            command.step_limit = self.limits.engine_steps
            try:
                if action is not None:
                    result = action(command)
                workflow = command.workflow  # an action may replace it (migration)
                advance(workflow, command.before_run, command.absorb)
                ready = ready_user_tasks(workflow)
                base = task_base(command)
                new_rows = [
                    task_row(ready[tid], workflow, command.now, base)
                    for tid in ready.keys() - open_before
                ]
            except EngineError:
                raise  # bad input, refused before the workflow changed
            except Exception as exc:  # a model defect: the case goes in error at that step
                incident = stop_case(exc)
                workflow = command.workflow
                ready = {tid: None for tid in open_before - set(command.completed_task_ids)}
                new_rows = []
            waiting = waiting_timers(workflow)
        task_writes = project_tasks(command, open_before, set(ready), new_rows)
        timer_writes = project_timers(command, timers_before, waiting)
        command.open_tasks = set(ready)
        command.waiting_timers = {t.id: t.due_at for t in waiting.values()}
        status, ended_at, standing = self._outcome(command, incident)
        before, command.saved_data = command.saved_data, to_json_value(command.case_data)
        save = command_writes.Save(
            instance_id=command.instance_id,
            expected_revision=revision,
            state=command.definition.codec.dump_state(workflow),
            status=status,
            now=command.now,
            ended_at=ended_at,
            error_message=standing.message if standing else None,
            error_element=standing.element if standing else None,
            error_code=standing.code if standing else None,
            error_params=standing.params if standing else None,
            case_data=command.saved_data,
            version_id=command.definition.version_id,
        )
        new_revision = command_writes.write(conn, task_writes, timer_writes, save, command.events)
        for sink in self.event_sinks:
            sink(conn, command.events)
        info = InstanceInfo(
            id=command.instance_id,
            process_id=command.process_id,
            version_id=command.definition.version_id,
            business_key=command.business_key,
            status=status,
            started_at=command.started_at,
            updated_at=command.now,
            ended_at=ended_at,
            error_message=standing.message if standing else None,
            error_element=standing.element if standing else None,
            data=command.case_data,
            error_code=standing.code if standing else None,
            error_params=dict(standing.params) if standing else {},
        )
        change = CaseChange(
            conn,
            info,
            command.events,
            before=before if before is not None else {},
            opened=new_rows,
            closed=[*task_writes.completed, *task_writes.cancelled],
            closed_organisations=command.task_organisations,
            new=before is None,
        )
        for projector in self.projectors:
            projector(change)
        return info, new_revision, result

    @staticmethod
    def _outcome(
        command: Command, incident: Incident | None
    ) -> tuple[str, datetime | None, Incident | None]:
        if incident is not None:
            command.record(
                "instance_error",
                bpmn_id=incident.element,
                message=incident.message,
                code=incident.code,
                params=incident.params,
            )
            return "error", None, incident
        if command.status == "error" and command.workflow.get_tasks(state=TaskState.ERROR):
            return "error", None, command.error  # still failed: the error stands until a retry
        if command.workflow.completed:
            if command.status != "completed":
                command.record("instance_completed")
                return "completed", command.now, None
            ended = command.head.ended_at if command.head is not None else None
            return "completed", ended or command.now, None  # a completed case keeps its end
        return "running", None, None


@dataclass
class _Attempt:
    instance_id: int | None
    record: bool = True
