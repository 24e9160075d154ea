"""Named queries for the inbox: the human-task projection joined with the cases projection, so a
page costs one query of the page's size (architecture principle 3)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

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
    """Open tasks of ``organisation`` for ``roles``, earliest due first."""
    query = select(*TASK_COLUMNS, cases.c.person_name, cases.c.birth_date).select_from(
        tasks.outerjoin(cases, cases.c.instance_id == tasks.c.instance_id)
    )
    query = query.where(_workable(organisation, roles))
    if claimed_by is not None:
        query = query.where(tasks.c.claimed_by == claimed_by)
    if unclaimed:
        query = query.where(tasks.c.claimed_by.is_(None))
    # due_at NULLS LAST, not "due_at IS NULL" first: PostgreSQL then walks the inbox index in
    # its order and reads a page, instead of sorting every open task of the organisation
    query = _filtered(query, chosen).order_by(
        tasks.c.due_at.asc().nulls_last(), tasks.c.created_at, tasks.c.id
    )
    result = []
    for row in db.session.execute(query.limit(limit).offset(offset)):
        values = row._mapping
        task = localized_task(TaskInfo(**{column.name: values[column] for column in TASK_COLUMNS}))
        result.append(InboxTask(task, values[cases.c.person_name], values[cases.c.birth_date]))
    return result


@dataclass(frozen=True)
class StepCount:
    """The open tasks of one step here: how many are the user's and how many nobody's."""

    bpmn_id: str
    name: str
    version_id: int
    mine: int
    unclaimed: int


def organisation_steps(organisation: str, roles: Collection[str]) -> list[StepCount]:
    """Per step with open tasks here, how many nobody has picked up (``mine`` 0): one pass over
    the organisation's open tasks (an index-only scan on PostgreSQL) gives the unclaimed tab's
    counts and the step filter's choices."""
    query = (
        select(
            tasks.c.bpmn_id,
            func.min(tasks.c.name),
            func.max(tasks.c.version_id),
            func.count().filter(tasks.c.claimed_by.is_(None)),
        )
        .where(_workable(organisation, roles))
        .group_by(tasks.c.bpmn_id)
    )
    return [
        StepCount(bpmn_id, name, version, 0, int(free or 0))
        for bpmn_id, name, version, free in db.session.execute(query)
    ]


def my_steps(organisation: str, roles: Collection[str], username: str) -> list[StepCount]:
    """Per step, the open tasks here that ``username`` holds (``unclaimed`` 0): read through the
    index of claimed open tasks, so the count follows what the user holds, not the
    organisation."""
    query = (
        select(
            tasks.c.bpmn_id,
            func.min(tasks.c.name),
            func.max(tasks.c.version_id),
            func.count(),
        )
        .where(_workable(organisation, roles), tasks.c.claimed_by == username)
        .group_by(tasks.c.bpmn_id)
    )
    return [
        StepCount(bpmn_id, name, version, int(mine or 0), 0)
        for bpmn_id, name, version, mine in db.session.execute(query)
    ]


def combined_steps(shared: list[StepCount], mine: list[StepCount]) -> list[StepCount]:
    """The organisation's steps (``organisation_steps``) with the user's own counts added, and
    the steps only the user has tasks of."""
    own = {step.bpmn_id: step for step in mine}
    steps = [
        StepCount(s.bpmn_id, s.name, s.version_id, own.pop(s.bpmn_id).mine, s.unclaimed)
        if s.bpmn_id in own
        else s
        for s in shared
    ]
    return steps + list(own.values())


def step_counts(organisation: str, roles: Collection[str], username: str) -> list[StepCount]:
    """Per step with open tasks here, the user's and the unclaimed ones, counted now."""
    return combined_steps(
        organisation_steps(organisation, roles), my_steps(organisation, roles, username)
    )


def _chosen_step(chosen: InboxFilter, bpmn_id: str) -> bool:
    if chosen.step and bpmn_id != chosen.step:
        return False
    if chosen.provision in fields.PROVISIONS:
        return fields.is_step_of(bpmn_id, chosen.provision)
    return True


def inbox_counts(
    organisation: str,
    roles: Collection[str],
    username: str,
    chosen: InboxFilter = InboxFilter(),
    steps: list[StepCount] | None = None,
) -> dict[str, int]:
    """How many open tasks are mine and how many nobody has picked up (with the filters); from
    ``steps`` (step_counts) when given and no person is searched for."""
    if chosen.person:
        mine = func.count().filter(tasks.c.claimed_by == username)
        free = func.count().filter(tasks.c.claimed_by.is_(None))
        query = (
            select(mine, free)
            .select_from(tasks.outerjoin(cases, cases.c.instance_id == tasks.c.instance_id))
            .where(_workable(organisation, roles))
        )
        row = db.session.execute(_filtered(query, chosen)).one()
        return {"mine": int(row[0] or 0), "unclaimed": int(row[1] or 0)}
    if steps is None:
        steps = step_counts(organisation, roles, username)
    counted = [step for step in steps if _chosen_step(chosen, step.bpmn_id)]
    return {
        "mine": sum(step.mine for step in counted),
        "unclaimed": sum(step.unclaimed for step in counted),
    }


def open_steps(steps: list[StepCount]) -> list[tuple[str, str]]:
    """The steps (element id, name in the user's language) that have open tasks here: the choices
    of the step filter."""
    named = [(s.bpmn_id, element_name(s.version_id, s.bpmn_id, s.name)) for s in steps]
    return sorted(named, key=lambda step: step[1].lower())
