"""What the JSON API returns: marshmallow schemas that serialise every response (and describe it
in the OpenAPI document), and the functions that turn the app's records into them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, fields

from engine import TaskInfo, WorkingDayCalendar
from web.cases import fields as case_fields
from web.deadlines import due_state
from web.model_texts import element_name


class OrganisationOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)


class PermissionsOut(Schema):
    register_entry = fields.Boolean(required=True, metadata={"description": "POST /cases"})
    see_cases = fields.Boolean(required=True, metadata={"description": "GET /cases"})


class TokenOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "The secret's first signs."})
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(allow_none=True)


class MeOut(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    organisation = fields.Nested(OrganisationOut, required=True)
    roles = fields.List(fields.String(), required=True)
    permissions = fields.Nested(PermissionsOut, required=True)
    token = fields.Nested(TokenOut, required=True, metadata={"description": "The token in use."})


class CaseOut(Schema):
    case_number = fields.String(required=True, attribute="business_key")
    process_id = fields.String(required=True)
    person_name = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["running", "completed", "error"]})
    stay_class = fields.String(allow_none=True, metadata={"description": "very_short, short, long"})
    entry_date = fields.Date(allow_none=True)
    expected_release_date = fields.Date(allow_none=True)
    release_date = fields.Date(allow_none=True)
    prison_code = fields.String(allow_none=True)
    municipality_code = fields.String(allow_none=True)
    probation_office_code = fields.String(allow_none=True)
    uwv_office_code = fields.String(allow_none=True)
    started_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class PageOut(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    has_next = fields.Boolean(required=True, metadata={"description": "Another page follows."})


class CaseListOut(PageOut):
    items = fields.List(fields.Nested(CaseOut), required=True)


class MomentStatusesOut(Schema):
    entry = fields.String(allow_none=True)
    now = fields.String(allow_none=True)
    release = fields.String(allow_none=True)
    six_months = fields.String(allow_none=True, data_key="6m")


class ProvisionOut(Schema):
    provision = fields.String(required=True)
    label = fields.String(required=True)
    shielded = fields.Boolean(
        required=True, metadata={"description": "Special data this user may not see: no statuses."}
    )
    statuses = fields.Nested(MomentStatusesOut, required=True)


class DeadlineOut(Schema):
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["task", "timer"]})
    organisation = fields.String(allow_none=True, attribute="holder")
    last_day = fields.Date(allow_none=True, metadata={"description": "Last day on time."})
    state = fields.String(
        required=True,
        metadata={"description": "overdue, soon, ok, none (no deadline), on_time, late, fired"},
    )
    label = fields.String(required=True)
    task_id = fields.String(allow_none=True)
    count = fields.Integer(required=True)


class CaseTaskOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    step = fields.String(required=True, attribute="bpmn_id")
    status = fields.String(required=True)
    organisation = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    claimed_by = fields.String(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)


class CaseDetailOut(CaseOut):
    bsn = fields.String(
        allow_none=True, metadata={"description": "Only for roles that work cases."}
    )
    has_minor_children = fields.Boolean(allow_none=True)
    release_info = fields.Dict(allow_none=True)
    provisions = fields.List(fields.Nested(ProvisionOut), required=True)
    deadlines = fields.List(fields.Nested(DeadlineOut), required=True)
    tasks = fields.List(fields.Nested(CaseTaskOut), required=True)
    data = fields.Dict(
        required=True,
        metadata={"description": "What people entered in task forms; no hidden special data."},
    )
    hidden_categories = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Classes of data left out for this user: identity, care, debts, "
            "criminal (docs/ui.md)."
        },
    )
    pseudonymised = fields.Boolean(
        required=True, metadata={"description": "No name, birth date or BSN for this user."}
    )


class EventOut(Schema):
    at = fields.DateTime(required=True)
    kind = fields.String(required=True)
    label = fields.String(required=True)
    subject = fields.String(allow_none=True, metadata={"description": "Task, timer or message."})
    actor = fields.String(required=True, attribute="username")
    actor_name = fields.String(required=True, attribute="actor")
    task_id = fields.String(allow_none=True)
    step = fields.String(allow_none=True)


class EventListOut(Schema):
    items = fields.List(fields.Nested(EventOut), required=True)


class DueOut(Schema):
    state = fields.String(required=True, metadata={"enum": ["overdue", "soon", "ok"]})
    last_day = fields.Date(required=True, metadata={"description": "Last day on time."})
    working_days = fields.Integer(required=True, metadata={"description": "Left, or late."})
    label = fields.String(required=True)


class TaskOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    step = fields.String(required=True)
    case_number = fields.String(required=True)
    person_name = fields.String(allow_none=True)
    process_id = fields.String(required=True)
    party = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    provision = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["ready", "completed", "cancelled"]})
    created_at = fields.DateTime(required=True)
    due_at = fields.DateTime(allow_none=True)
    claimed_by = fields.String(allow_none=True)
    claimed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    due = fields.Nested(DueOut, allow_none=True, metadata={"description": "Open tasks only."})
    overdue = fields.Boolean(required=True)
    due_soon = fields.Boolean(required=True)


class TaskCountsOut(Schema):
    """Open tasks counted now up to 1,000 (web/inbox/queries.py ``COUNT_CAP``)."""

    mine = fields.Integer(required=True)
    unassigned = fields.Integer(required=True)
    mine_more = fields.Boolean(
        required=True, metadata={"description": "There are more than ``mine`` (1,000)."}
    )
    unassigned_more = fields.Boolean(
        required=True, metadata={"description": "There are more than ``unassigned`` (1,000)."}
    )


class TaskListOut(PageOut):
    items = fields.List(fields.Nested(TaskOut), required=True)
    counts = fields.Nested(TaskCountsOut, required=True)


class FormOut(Schema):
    schema = fields.Dict(required=True, metadata={"description": "JSON Schema of the form data."})
    ui = fields.Dict(
        allow_none=True, metadata={"description": "UI schema (react-jsonschema-form)."}
    )


class TaskPermissionsOut(Schema):
    claim = fields.Boolean(required=True)
    unclaim = fields.Boolean(required=True)
    complete = fields.Boolean(required=True)


class TaskDetailOut(TaskOut):
    form = fields.Nested(FormOut, allow_none=True)
    permissions = fields.Nested(TaskPermissionsOut, required=True)


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String(required=True, metadata={"description": "The request's path."})
    code = fields.String(metadata={"description": "A stable code for programs."})
    reason = fields.String(
        metadata={
            "description": "For an engine's refusal: the case within the code, e.g. "
            "`task_claimed` for a `conflict`; `detail` words it with the values."
        }
    )


class ValidationProblemOut(ProblemOut):
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": 'Field (dotted path; "_schema": the body) -> messages.'},
    )
    field_errors = fields.List(
        fields.Nested(lambda: FieldErrorOut()),
        metadata={"description": "For code form_invalid: each problem with the engine's code."},
    )


class FieldErrorOut(Schema):
    """One problem with a task form's data (docs/engine.md, "Form validation errors")."""

    field = fields.String(required=True, metadata={"description": "The field's dotted path."})
    label = fields.String(required=True, metadata={"description": "Its title, in the language."})
    code = fields.String(required=True, metadata={"example": "after_date"})
    params = fields.Dict(required=True, metadata={"description": "Never change with language."})
    message = fields.String(required=True)


def task_out(
    task: TaskInfo, person_name: str | None, now: datetime, calendar: WorkingDayCalendar
) -> dict[str, Any]:
    """A task with its deadline in working days (open tasks), as TaskOut serialises it."""
    state = due_state(task.due_at, now, calendar) if task.status == "ready" else None
    return {
        **{name: getattr(task, name) for name in TASK_ATTRIBUTES},
        "name": element_name(task.version_id, task.bpmn_id, task.name),
        "step": task.bpmn_id,
        "case_number": task.business_key,
        "person_name": person_name,
        "provision": case_fields.provision_of_step(task.bpmn_id),
        "due": state,
        "overdue": state is not None and state.state == "overdue",
        "due_soon": state is not None and state.state == "soon",
    }


TASK_ATTRIBUTES = (
    "id",
    "name",
    "process_id",
    "party",
    "organisation",
    "role",
    "status",
    "created_at",
    "due_at",
    "claimed_by",
    "claimed_at",
    "completed_by",
    "completed_at",
)
