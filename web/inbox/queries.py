"""Named queries for the inbox: the human-task projection joined with the cases projection, so a
page costs one query of the page's size (architecture principle 3)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, func, literal, or_, select, union_all

from engine import TaskInfo
from engine.db.models import HumanTask
from web.cases import fields
from web.cases.queries import person_matches
from web.cases.tables import cases
from web.extensions import db
from web.model_texts import element_name, localized_task

tasks = HumanTask.__table__
TASK_COLUMNS = [column for column in tasks.c]


@dataclass(frozen=True)
class InboxTask:
    task: TaskInfo
    person_name: str | None
    birth_date: date | None

    @property
    def provision(self) -> str | None:
        return fields.provision_of_step(self.task.bpmn_id)


def named_cases(rows: list[InboxTask]) -> list[tuple[int, str]]:
    """The cases (instance id, case number) whose person a list of tasks names, each once: what
    the read audit records for an inbox page (web/access.py ``record_views``)."""
    named = {
        row.task.instance_id: row.task.business_key
        for row in rows
        if row.person_name is not None or row.birth_date is not None
    }
    return list(named.items())


@dataclass(frozen=True)
class InboxFilter:
    step: str | None = None
    provision: str | None = None
    person: str | None = None


def _workable(organisation: str, roles: Collection[str]) -> ColumnElement[bool]:
    return and_(
        tasks.c.organisation == organisation,
        tasks.c.status == "ready",
        tasks.c.role.in_(sorted(roles)),
    )


def _filtered(query: Select, chosen: InboxFilter) -> Select:
    if chosen.step:
        query = query.where(tasks.c.bpmn_id == chosen.step)
    if chosen.provision in fields.PROVISIONS:
        prefix, suffix = fields.step_patterns(chosen.provision)
        step = tasks.c.bpmn_id
        query = query.where(or_(step.like(prefix, escape="\\"), step.like(suffix, escape="\\")))
    if chosen.person:
        query = query.where(person_matches(chosen.person))
    return query


def _each_role(roles: Collection[str], part: Callable[[str], Select], limit: int) -> Subquery:
    """The first ``limit`` rows of ``part`` for each role, together. Roles in one ``IN`` list
    would make PostgreSQL (before 17) read the roles' open tasks out of the indexes' order, or
    check the role on each entry, instead of walking each role's entries and stopping."""
    return union_all(
        *[select(part(role).limit(limit).subquery()) for role in sorted(roles)]
    ).subquery()


def _in_due_order(columns: Any) -> tuple[ColumnElement, ...]:
    return (columns.due_at.asc().nulls_last(), columns.created_at, columns.id)


def inbox_tasks(
    organisation: str,
    roles: Collection[str],
    *,
    claimed_by: str | None = None,
    unclaimed: bool = False,
    chosen: InboxFilter = InboxFilter(),
    limit: int = 25,
    offset: int = 0,
) -> list[InboxTask]:
    """Open tasks of ``organisation`` for ``roles``, earliest due first: the first
    ``offset + limit`` of each role in that order (an index walk that stops there), merged."""

    def of_role(role: str) -> Select:
        query = select(*TASK_COLUMNS, cases.c.person_name, cases.c.birth_date).select_from(
            tasks.outerjoin(cases, cases.c.instance_id == tasks.c.instance_id)
        )
        query = query.where(_workable(organisation, [role]))
        if claimed_by is not None:
            query = query.where(tasks.c.claimed_by == claimed_by)
        if unclaimed:
            query = query.where(tasks.c.claimed_by.is_(None))
        # due_at NULLS LAST, not "due_at IS NULL" first: the order of the inbox's indexes
        return _filtered(query, chosen).order_by(*_in_due_order(tasks.c))

    if not roles:
        return []
    merged = _each_role(roles, of_role, offset + limit)
    query = select(merged).order_by(*_in_due_order(merged.c)).limit(limit).offset(offset)
    result = []
    for row in db.session.execute(query):
        values = row._mapping
        found = TaskInfo(**{column.name: values[column.name] for column in TASK_COLUMNS})
        result.append(InboxTask(localized_task(found), values["person_name"], values["birth_date"]))
    return result


COUNT_CAP = 1000
"""The inbox counts open tasks up to this many and shows more as "1.000+": a count that is current
reads what it counts, so beyond the cap it would grow with the organisation (issue 15)."""


@dataclass(frozen=True)
class Count:
    """How many open tasks, counted now up to ``COUNT_CAP``; ``more``: there are more than
    ``number``."""

    number: int
    more: bool


def inbox_counts(
    organisation: str, roles: Collection[str], username: str, chosen: InboxFilter = InboxFilter()
) -> dict[str, Count]:
    """How many open tasks are mine and how many nobody has picked up (with the filters), up to
    the cap: each read through an index of only those tasks (the user's claimed ones; the
    unclaimed ones by organisation, role and step) and stopped after ``COUNT_CAP + 1``."""

    def counted(assigned: ColumnElement[bool]) -> Count:
        def of_role(role: str) -> Select:
            query = select(literal(1).label("one")).select_from(tasks)
            if chosen.person:
                query = query.join(cases, cases.c.instance_id == tasks.c.instance_id)
            return _filtered(query.where(_workable(organisation, [role]), assigned), chosen)

        if not roles:
            return Count(0, False)
        capped = select(_each_role(roles, of_role, COUNT_CAP + 1)).limit(COUNT_CAP + 1)
        found = db.session.execute(select(func.count()).select_from(capped.subquery()))
        number = int(found.scalar_one())
        return Count(min(number, COUNT_CAP), number > COUNT_CAP)

    return {
        "mine": counted(tasks.c.claimed_by == username),
        "unclaimed": counted(tasks.c.claimed_by.is_(None)),
    }


def _unclaimed_steps(organisation: str, role: str) -> list[tuple[str, str, int]]:
    """The steps (element id, name, version) with unclaimed open tasks of ``role`` here, read
    step by step: each step is one probe of ``ix_human_tasks_unclaimed_steps`` for the next
    element id after the last one (a recursive query), so the work follows the number of steps,
    not of tasks."""
    unclaimed = and_(
        tasks.c.organisation == organisation,
        tasks.c.status == "ready",
        tasks.c.role == role,
        tasks.c.claimed_by.is_(None),
    )

    def next_step(after: ColumnElement[bool] | None) -> ColumnElement:
        following = select(tasks.c.bpmn_id).where(unclaimed)
        if after is not None:
            following = following.where(after)
        return following.order_by(tasks.c.bpmn_id).limit(1).scalar_subquery()

    steps = select(next_step(None).label("bpmn_id")).cte("steps", recursive=True)
    following = next_step(tasks.c.bpmn_id > steps.c.bpmn_id).correlate(steps)
    steps = steps.union_all(select(following).where(steps.c.bpmn_id.is_not(None)))

    def first_task(column: ColumnElement) -> ColumnElement:
        # the step's first task in the index's order, so that both columns come from one task
        return (
            select(column)
            .where(unclaimed, tasks.c.bpmn_id == steps.c.bpmn_id)
            .order_by(*_in_due_order(tasks.c))
            .limit(1)
            .correlate(steps)
            .scalar_subquery()
        )

    query = select(steps.c.bpmn_id, first_task(tasks.c.name), first_task(tasks.c.version_id))
    rows = db.session.execute(query.where(steps.c.bpmn_id.is_not(None)))
    return [(bpmn_id, name, int(version)) for bpmn_id, name, version in rows]


def _my_steps(
    organisation: str, roles: Collection[str], username: str
) -> list[tuple[str, str, int]]:
    """The steps of the open tasks ``username`` holds here, through the index of claimed open
    tasks: the work follows what the user holds, not the organisation."""
    query = (
        select(tasks.c.bpmn_id, func.min(tasks.c.name), func.max(tasks.c.version_id))
        .where(_workable(organisation, roles), tasks.c.claimed_by == username)
        .group_by(tasks.c.bpmn_id)
    )
    return [(bpmn_id, name, int(version)) for bpmn_id, name, version in db.session.execute(query)]


def step_choices(organisation: str, roles: Collection[str], username: str) -> list[tuple[str, str]]:
    """The step filter's choices: the steps (element id, name in the user's language) with tasks
    here that nobody has picked up or that the user holds, by name."""
    found = [step for role in sorted(roles) for step in _unclaimed_steps(organisation, role)]
    found += _my_steps(organisation, roles, username)
    named = {bpmn_id: element_name(version, bpmn_id, name) for bpmn_id, name, version in found}
    return sorted(named.items(), key=lambda step: step[1].lower())
