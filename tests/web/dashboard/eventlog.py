"""A hand-built event log for the dashboard's projections: cases, their tasks and the engine's
events written as the engine would (a ``human_tasks`` row for each ready task, audit event rows),
fed to the projectors in the order web/engine_access.py registers them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import insert, select, update

from engine import CaseChange, InstanceInfo, WorkingDayCalendar
from engine.clock import AMSTERDAM
from engine.db.connect import write_transaction
from engine.db.models import HumanTask, ProcessInstance, ProcessVersion
from engine.store import events
from web.cases.projection import project_case
from web.dashboard.projection import DashboardProjection
from web.extensions import db

PROCESS = "nazorg_detentie"
PARTIES = {"PI": "prison", "GM": "municipality", "RN": "probation"}
_ids = itertools.count(1)


def at(text: str) -> datetime:
    """An Amsterdam wall-clock time, "YYYY-MM-DD HH:MM", as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=AMSTERDAM)


def end_of(day: str) -> datetime:
    """The due moment of a deadline on ``day``: the next midnight in Amsterdam."""
    from datetime import date, time, timedelta

    return datetime.combine(date.fromisoformat(day) + timedelta(days=1), time(0), AMSTERDAM)


@dataclass
class Case:
    log: EventLog
    instance_id: int
    key: str
    data: dict[str, Any]
    started_at: datetime
    tasks: dict[str, str] = field(default_factory=dict)  # bpmn id -> task id

    def command(
        self,
        when: str,
        *,
        ready: dict[str, tuple[str, datetime | None]] | None = None,
        complete: list[str] = (),  # type: ignore[assignment]
        cancel: list[str] = (),  # type: ignore[assignment]
        timer: bool = False,
        **data: Any,
    ) -> None:
        """One engine command at ``when``: tasks completed, cancelled, made ready
        (bpmn id -> (organisation, due)), a timer fired, case data changed."""
        moment = at(when)
        self.data.update(data)
        rows = []
        with write_transaction(self.log.database) as conn:
            for bpmn_id in complete:
                task_id = self.tasks[bpmn_id]
                conn.execute(
                    update(HumanTask.__table__)
                    .where(HumanTask.__table__.c.id == task_id)
                    .values(status="completed", completed_at=moment, completed_by="worker")
                )
                rows.append(self._event("task_completed", moment, task_id, bpmn_id))
            for bpmn_id in cancel:
                task_id = self.tasks[bpmn_id]
                conn.execute(
                    update(HumanTask.__table__)
                    .where(HumanTask.__table__.c.id == task_id)
                    .values(status="cancelled", completed_at=moment)
                )
                rows.append(self._event("task_cancelled", moment, task_id, None))
            for bpmn_id, (organisation, due) in (ready or {}).items():
                task_id = f"00000000-0000-0000-0000-{next(_ids):012d}"
                self.tasks[bpmn_id] = task_id
                conn.execute(
                    insert(HumanTask.__table__).values(
                        **self._task(task_id, bpmn_id, organisation, due, moment)
                    )
                )
                rows.append(self._event("task_ready", moment, task_id, bpmn_id))
            if timer:
                rows.append(self._event("timer_fired", moment, f"timer-{next(_ids)}", None))
            events.append(conn, rows)
            for sink in self.log.sinks:
                sink(conn, rows)
            info = InstanceInfo(
                id=self.instance_id,
                process_id=self.log.process,
                version_id=self.log.version_id,
                business_key=self.key,
                status="running",
                started_at=self.started_at,
                updated_at=moment,
                ended_at=None,
                data=dict(self.data),
            )
            change = CaseChange(conn, info, rows)
            for projector in self.log.projectors:
                projector(change)

    def claim(self, bpmn_id: str, when: str, user: str = "worker") -> None:
        moment = at(when)
        task_id = self.tasks[bpmn_id]
        with write_transaction(self.log.database) as conn:
            conn.execute(
                update(HumanTask.__table__)
                .where(HumanTask.__table__.c.id == task_id)
                .values(claimed_by=user, claimed_at=moment)
            )
            row = events.row(
                "task_claimed",
                actor=user,
                at=moment,
                instance_id=self.instance_id,
                version_id=self.log.version_id,
                task_id=task_id,
                bpmn_id=bpmn_id,
            )
            events.append(conn, [row])
            for sink in self.log.sinks:
                sink(conn, [row])

    def _event(self, kind: str, moment: datetime, task_id: str, bpmn_id: str | None) -> dict:
        return events.row(
            kind,
            actor="worker",
            at=moment,
            instance_id=self.instance_id,
            version_id=self.log.version_id,
            task_id=task_id,
            bpmn_id=bpmn_id,
        )

    def _task(
        self, task_id: str, bpmn_id: str, organisation: str, due: datetime | None, moment: datetime
    ) -> dict:
        return {
            "id": task_id,
            "instance_id": self.instance_id,
            "version_id": self.log.version_id,
            "business_key": self.key,
            "bpmn_id": bpmn_id,
            "name": bpmn_id,
            "process_id": self.log.process,
            "lane": None,
            "party": PARTIES[organisation[:2]],
            "organisation": organisation,
            "role": None,
            "form": None,
            "status": "ready",
            "created_at": moment,
            "due_at": due,
        }


class EventLog:
    """Cases written straight into a migrated database of an app (for its queries)."""

    def __init__(
        self, app: Flask, calendar: WorkingDayCalendar | None = None, process: str = PROCESS
    ) -> None:
        self.process = process
        with app.app_context():
            self.database = db.engine
            self.version_id = db.session.scalar(select(ProcessVersion.id).limit(1))
        dashboard = DashboardProjection(calendar or WorkingDayCalendar())
        self.projectors = [dashboard.project, project_case]
        self.sinks = [dashboard.record_claims]

    def case(self, key: str, when: str, **data: Any) -> Case:
        moment = at(when)
        with write_transaction(self.database) as conn:
            instance_id = conn.execute(
                insert(ProcessInstance.__table__).values(
                    version_id=self.version_id,
                    process_id=self.process,
                    business_key=key,
                    status="running",
                    revision=0,
                    state="",
                    serializer_version="1",
                    case_data={},
                    started_at=moment,
                    updated_at=moment,
                )
            ).inserted_primary_key[0]
        return Case(self, instance_id, key, dict(data), moment)
