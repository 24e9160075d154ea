"""What a mail says, as data: the sections of a user's digest and the open work on a released
case. Only case numbers, task names, due dates and links: never a name, BSN, care, debt or
criminal-justice detail (docs/notifications.md)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import Connection, or_, select

from engine import TaskInfo, WorkingDayCalendar
from engine.db.models import HumanTask
from web.cases.tables import cases
from web.deadlines import due_state, last_day
from web.model_texts import localized_task

tasks = HumanTask.__table__
TASK_COLUMNS = list(tasks.c)
MAX_LINES = 25
"""Lines listed per section; the count says how many there are in all."""
NEW_WITHOUT_EARLIER_DIGEST = timedelta(days=1)


@dataclass(frozen=True)
class Line:
    case_number: str
    task: str
    due: date | None
    link: str


@dataclass
class Section:
    name: str  # "overdue", "soon", "new"
    lines: list[Line] = field(default_factory=list)
    total: int = 0

    def add(self, line: Line) -> None:
        self.total += 1
        if len(self.lines) < MAX_LINES:
            self.lines.append(line)

    @property
    def more(self) -> int:
        return self.total - len(self.lines)


@dataclass
class Digest:
    overdue: Section
    soon: Section
    new: Section
    inbox_link: str

    @property
    def sections(self) -> list[Section]:
        return [self.overdue, self.soon, self.new]

    @property
    def empty(self) -> bool:
        return not any(section.total for section in self.sections)


def _line(task: TaskInfo) -> Line:
    """A task as a mail lists it, its name in the mail's language (the caller's locale)."""
    return Line(
        case_number=task.business_key,
        task=localized_task(task).name,
        due=last_day(task.due_at) if task.due_at is not None else None,
        link=url_for("tasks.show", task_id=task.id, _external=True),
    )


def open_tasks(
    conn: Connection, organisation: str, roles: Collection[str], username: str
) -> list[TaskInfo]:
    """The open tasks the user may pick up or holds: their organisation's, for their roles,
    claimed by nobody or by them (as the inbox's two tabs)."""
    query = (
        select(*TASK_COLUMNS)
        .where(
            tasks.c.organisation == organisation,
            tasks.c.status == "ready",
            tasks.c.role.in_(sorted(roles)),
            or_(tasks.c.claimed_by.is_(None), tasks.c.claimed_by == username),
        )
        .order_by(tasks.c.due_at.is_(None), tasks.c.due_at, tasks.c.created_at, tasks.c.id)
    )
    return [TaskInfo(**row._mapping) for row in conn.execute(query)]


def digest(
    open_work: list[TaskInfo],
    now: datetime,
    since: datetime | None,
    calendar: WorkingDayCalendar,
) -> Digest:
    """Each task in one section: overdue, else due within two working days, else new (made
    after ``since``: the previous digest, or a day ago)."""
    since = since or now - NEW_WITHOUT_EARLIER_DIGEST
    result = Digest(
        Section("overdue"),
        Section("soon"),
        Section("new"),
        url_for("inbox.index", _external=True),
    )
    for task in open_work:
        state = due_state(task.due_at, now, calendar)
        if state is not None and state.state == "overdue":
            result.overdue.add(_line(task))
        elif state is not None and state.state == "soon":
            result.soon.add(_line(task))
        elif task.created_at > since:
            result.new.add(_line(task))
    return result


@dataclass
class Release:
    case_number: str
    case_link: str
    lines: list[Line]


def release(conn: Connection, instance_id: int, organisation: str) -> Release | None:
    """The released case's number and link, and the open tasks of ``organisation`` on it."""
    query = (
        select(*TASK_COLUMNS)
        .where(
            tasks.c.instance_id == instance_id,
            tasks.c.organisation == organisation,
            tasks.c.status == "ready",
        )
        .order_by(tasks.c.due_at.is_(None), tasks.c.due_at, tasks.c.id)
    )
    open_work = [TaskInfo(**row._mapping) for row in conn.execute(query)]
    key = conn.execute(
        select(cases.c.business_key).where(cases.c.instance_id == instance_id)
    ).scalar()
    if key is None:
        return None
    return Release(
        case_number=key,
        case_link=url_for("cases.show", business_key=key, _external=True),
        lines=[_line(task) for task in open_work[:MAX_LINES]],
    )
