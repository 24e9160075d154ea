"""Tasks in the JSON API: the inbox of the user's organisation, one task with its form, and
claim, unclaim and complete, with the same rules as the task page (web/access.py)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden

from engine import ConflictError, FieldError, FieldErrorCode, FormValidationError, TaskInfo
from web.access import (
    CaseNotFound,
    can_claim,
    can_complete,
    can_unclaim,
    can_work_task,
    record_case_view,
    record_views,
    working_roles,
)
from web.api.core import (
    api_user,
    bp,
    forbidden,
    load_body,
    load_query,
    not_found,
    page_of,
    path_key,
    respond,
    window,
)
from web.api.resources import TaskDetailOut, TaskListOut, TaskOut, task_out
from web.api.schemas import FormData, TaskQuery
from web.cases.diagram import version_forms
from web.cases.page import field_labels
from web.cases.queries import Case
from web.engine_access import current_engine
from web.errors import form_problem
from web.inbox.queries import InboxFilter, inbox_counts, inbox_tasks, named_cases
from web.model_texts import localized_forms, task_form
from web.models import User
from web.privacy import CaseView, task_view
from web.tasks.formschema import writable_fields

TASK_ID_LENGTH = 36


def visible_task(user: User, task_id: str) -> tuple[TaskInfo, CaseView]:
    """The task and what ``user`` sees of its case (web/privacy); else 404, as for no such
    task."""
    key = path_key(task_id, TASK_ID_LENGTH)
    try:
        if key is None:
            raise CaseNotFound()
        task, view = task_view(user, key)
    except CaseNotFound:
        raise not_found(_("Er is geen taak met deze id die u mag zien.")) from None
    return task, view


def claimed_by_other(task: TaskInfo) -> ConflictError:
    return ConflictError(
        f"task {task.id} is claimed by someone else", reason="task_claimed", task_id=task.id
    )


def not_yours() -> Forbidden:
    return forbidden(_("Deze taak is voor een andere organisatie of rol."))


def _out(task: TaskInfo, case: Case) -> dict[str, Any]:
    engine = current_engine()
    return task_out(task, case.person_name, engine.clock.now(), engine.calendar)


def _open(task: TaskInfo) -> None:
    if task.status != "ready":
        raise ConflictError(
            f"task {task.id} is no longer open ({task.status})",
            reason="task_closed",
            task_id=task.id,
            status=task.status,
        )


@bp.get("/tasks")
def list_tasks() -> Response:
    """Open tasks of the user's organisation for the user's roles, earliest due first."""
    user = api_user()
    query = load_query(TaskQuery())
    organisation = user.organisation.code
    roles = working_roles(user)
    chosen = InboxFilter(
        step=query.get("step"),
        provision=query.get("provision"),
        person=(query.get("person") or "").strip() or None,
    )
    assignment = query.get("assignment")
    limit, offset = window(query)
    rows = inbox_tasks(
        organisation,
        roles,
        claimed_by=user.username if assignment == "mine" else None,
        unclaimed=assignment == "unassigned",
        chosen=chosen,
        limit=limit,
        offset=offset,
    )
    engine = current_engine()
    now = engine.clock.now()
    items = [task_out(row.task, row.person_name, now, engine.calendar) for row in rows]
    listed = named_cases(rows[: query["per_page"]])
    record_views(user, listed, channel="api", categories=["identity"], subject="inbox")
    counts = inbox_counts(organisation, roles, user.username, chosen)
    result = page_of(items, query)
    mine, unassigned = counts["mine"], counts["unclaimed"]
    result["counts"] = {
        "mine": mine.number,
        "unassigned": unassigned.number,
        "mine_more": mine.more,
        "unassigned_more": unassigned.more,
    }
    return respond(TaskListOut(), result)


@bp.get("/tasks/<task_id>")
def get_task(task_id: str) -> Response:
    """A task with its form (JSON Schema and UI schema) and what the user may do with it."""
    user = api_user()
    task, view = visible_task(user, task_id)
    case = view.case
    record_case_view(user, case, channel="api", categories=view.shown_special, subject="task")
    detail = _out(task, case)
    detail["form"] = task_form(task)
    detail["permissions"] = {
        "claim": can_claim(user, task),
        "unclaim": can_unclaim(user, task),
        "complete": can_complete(user, task),
    }
    return respond(TaskDetailOut(), detail)


@bp.post("/tasks/<task_id>/claim")
def claim_task(task_id: str) -> Response:
    user = api_user()
    task, view = visible_task(user, task_id)
    case = view.case
    _open(task)
    if not can_work_task(user, task):
        raise not_yours()
    if task.claimed_by != user.username:  # claiming one's own task again changes nothing
        task = current_engine().claim(task.id, user.username)
    return respond(TaskOut(), _out(task, case))


@bp.post("/tasks/<task_id>/unclaim")
def unclaim_task(task_id: str) -> Response:
    user = api_user()
    task, view = visible_task(user, task_id)
    case = view.case
    _open(task)
    if not (can_work_task(user, task) or can_unclaim(user, task)):
        raise not_yours()
    if task.claimed_by is not None:  # an unclaimed task stays as it is
        if not can_unclaim(user, task):
            raise claimed_by_other(task)
        task = current_engine().unclaim(task.id, user.username)
    return respond(TaskOut(), _out(task, case))


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id: str) -> Response:
    """Complete with the form data (the body); the task's JSON Schema validates it."""
    user = api_user()
    task, view = visible_task(user, task_id)
    case = view.case
    _open(task)
    if not can_work_task(user, task):
        raise not_yours()
    if not can_complete(user, task):
        raise claimed_by_other(task)
    data = load_body(FormData())
    engine = current_engine()
    form = engine.form(task.id) if task.form else None
    allowed = writable_fields(form["schema"], form.get("ui")) if form else set()
    unknown = sorted(set(data) - allowed)
    try:
        if unknown:
            not_allowed = FieldErrorCode.NOT_ALLOWED
            raise FormValidationError(
                {name: [FieldError(not_allowed, {"field": name})] for name in unknown}
            )
        engine.complete(task.id, data, user.username)
    except FormValidationError as exc:  # worded with the form's labels in the asked language
        titles, _choices = field_labels(localized_forms(version_forms(task.version_id)))
        return form_problem(exc, titles)
    return respond(TaskOut(), _out(engine.task(task.id), case))
