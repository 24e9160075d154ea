"""What a task needs from its case, shown beside its form: the person's situation as registered
and what the parties already reported for the task's basic provision (the answers of the case's
completed tasks), with the organisations' names. Everything through the user's view of the case
(web/privacy): a key, task or value the user may not see is not shown."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from engine import TaskInfo
from web.cases import fields
from web.cases.page import field_labels, value_text
from web.privacy import CaseView
from web.tasks.formschema import properties

# Facts the registration (melding binnenkomst) records that a task form must not ask again: a
# form that asks one the case holds shows it as recorded and sends it along.
RECORDED_AT_REGISTRATION = frozenset(
    {fields.NAME, fields.BIRTH_DATE, fields.BSN, fields.HAS_MINOR_CHILDREN}
)


@dataclass(frozen=True)
class Report:
    """The answers of one completed task of the case."""

    task_name: str
    organisation: str | None  # the name of the organisation that completed it
    completed_at: datetime | None
    items: list[tuple[str, str]]  # (field title, value in words)


@dataclass(frozen=True)
class Situation:
    """The person's situation as registered, for every task of the case."""

    remarks: list[tuple[str, str]]  # (what, text): the registration's and the notice's remarks
    has_minor_children: bool | None
    shows_identity: bool
    stay_class: str | None
    entry_date: date | None
    expected_release_date: date | None
    parties: list[tuple[str, str]]  # (role of the party, organisation name)


def recorded_facts(form_schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The registration's facts that this form asks and the case already holds (not None)."""
    asked = properties(form_schema)
    return {
        key: data[key]
        for key in RECORDED_AT_REGISTRATION
        if key in asked and data.get(key) is not None
    }


def situation(
    view: CaseView,
    data: Mapping[str, Any],
    forms: Mapping[str, Any],
    org_names: Mapping[str, str],
) -> Situation:
    """``data``: the case data as ``view`` shows it (CaseView.data); ``forms``: the version's
    forms in the user's language. The remarks are the registration's *Bijzonderheden* and the
    free texts of the entry notification (fields.SITUATION_KEYS), which concern every
    provision."""
    case = view.case
    parties = [
        (_("Inrichting"), case.prison_code),
        (_("Gemeente van terugkeer"), case.municipality_code),
        (_("Reclassering"), case.probation_office_code),
    ]
    titles, _choices = field_labels(forms)
    remarks = [
        (titles.get(key) or _("Bijzonderheden bij de registratie"), text)
        for key in fields.SITUATION_KEYS
        if (text := fields.text(data, key))
    ]
    return Situation(
        remarks=remarks,
        has_minor_children=data.get(fields.HAS_MINOR_CHILDREN),
        shows_identity=view.shows("identity"),
        stay_class=case.stay_class,
        entry_date=case.entry_date,
        expected_release_date=case.expected_release_date,
        parties=[(role, org_names.get(code, code)) for role, code in parties if code],
    )


def reports(
    view: CaseView,
    task: TaskInfo,
    tasks: Iterable[TaskInfo],
    data: Mapping[str, Any],
    forms: Mapping[str, Any],
    org_names: Mapping[str, str],
) -> list[Report]:
    """What the case's completed tasks recorded that concerns ``task``: for a task of a basic
    provision, the answers about that provision (the screening, the agreement, the situation at
    entry); for another task, the answers that concern no single provision. Oldest first.
    ``data``: the case data as ``view`` shows it; ``tasks`` and ``forms`` in the user's
    language."""
    provision = fields.provision_of_step(task.bpmn_id)
    titles, choices = field_labels(forms)
    done = sorted(
        (t for t in tasks if t.status == "completed" and t.form and t.id != task.id),
        key=lambda t: t.completed_at or datetime.min,
    )
    found = []
    for other in done:
        if not view.shows_task(other):
            continue
        form = forms.get(other.form or "") or {}
        keys = _ordered_keys(form)
        same = fields.provision_of_step(other.bpmn_id) == provision
        items = [
            (titles.get(key, key), value_text(data[key], choices.get(key, {})))
            for key in keys
            if (same or (provision is not None and fields.provision_of_step(key) == provision))
            and key not in fields.SITUATION_KEYS
            and data.get(key) not in (None, "", [])
            and not isinstance(data.get(key), Mapping)
        ]
        if items:
            name = org_names.get(other.organisation or "", other.organisation)
            found.append(Report(other.name, name, other.completed_at, items))
    return found


def _ordered_keys(form: Mapping[str, Any]) -> list[str]:
    schema = form.get("schema") or {}
    ui = form.get("ui") or {}
    names = list(properties(schema))
    order = [n for n in ui.get("ui:order") or [] if n in names]
    return order + [n for n in names if n not in order]
