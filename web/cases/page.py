"""What the case page shows, assembled from the projections, the timers and the audit events:
the board of the five provisions, the deadlines, the timeline and the case data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import EventInfo, TaskInfo, TimerInfo, WorkingDayCalendar
from web.cases import fields
from web.deadlines import due_state, finished_state, last_day

EVENT_LABELS = {
    "instance_started": _l("Zaak gestart: melding binnenkomst"),
    "task_ready": _l("Taak klaargezet"),
    "task_claimed": _l("Taak opgepakt"),
    "task_unclaimed": _l("Taak vrijgegeven"),
    "task_completed": _l("Taak afgerond"),
    "task_cancelled": _l("Taak vervallen"),
    "timer_fired": _l("Termijn verstreken"),
    "message_received": _l("Bericht ontvangen"),
    "instance_error": _l("Fout in het proces"),
    "instance_retried": _l("Opnieuw gestart na een fout"),
    "instance_completed": _l("Zaak afgerond"),
}
SYSTEM_ACTORS = {"system": _l("Systeem"), "scheduler": _l("Systeem (termijnbewaking)")}


@dataclass(frozen=True)
class BoardRow:
    provision: str
    label: str
    cells: list[tuple[str, str | None]]  # (moment, status) in fields.MOMENTS order
    shielded: bool


@dataclass(frozen=True)
class Deadline:
    name: str
    kind: str  # "task" or "timer"
    holder: str | None
    last_day: date | None
    state: str  # overdue, soon, ok, none (open, no deadline), on_time, late, fired
    label: str
    task_id: str | None = None
    count: int = 1


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    label: str
    subject: str | None
    actor: str
    username: str = ""  # the actor as recorded (the JSON API shows both)
    task_id: str | None = None
    step: str | None = None  # the element id


def board(statuses: Mapping[tuple[str, str], str], shielded: set[str]) -> list[BoardRow]:
    rows = []
    for provision in fields.PROVISIONS:
        hidden = provision in shielded
        cells = [(m, None if hidden else statuses.get((m, provision))) for m in fields.MOMENTS]
        rows.append(BoardRow(provision, str(fields.PROVISION_LABELS[provision]), cells, hidden))
    return rows


def status_label(status: str | None) -> str:
    if status is None:
        return _("Nog niet vastgelegd")
    label = fields.STATUS_LABELS.get(status)
    return str(label) if label else status


def deadlines(
    tasks: list[TaskInfo],
    timers: list[TimerInfo],
    element_names: Mapping[str, str],
    now: datetime,
    calendar: WorkingDayCalendar,
) -> list[Deadline]:
    """Open tasks, finished tasks that had a due date, and the process's timers, by date."""
    found = []
    for task in tasks:
        holder = task.organisation
        if task.status == "ready":
            state = due_state(task.due_at, now, calendar)
            day, kind, label = (
                (state.last_day, state.state, state.label)
                if state
                else (None, "none", _("Geen termijn"))
            )
            found.append(Deadline(task.name, "task", holder, day, kind, label, task.id))
        elif task.status == "completed" and task.due_at is not None:
            finished = finished_state(task.due_at, task.completed_at) or "on_time"
            label = _("Op tijd afgerond") if finished == "on_time" else _("Te laat afgerond")
            day = last_day(task.due_at)
            found.append(Deadline(task.name, "task", holder, day, finished, label))
    open_dues = {task.due_at for task in tasks if task.status == "ready" and task.due_at}
    for timer in timers:
        if timer.status == "waiting" and timer.due_at in open_dues:
            continue  # the deadline of an open task (a boundary timer): shown with the task
        name = element_names.get(timer.bpmn_id, timer.bpmn_id)
        state = due_state(timer.due_at, now, calendar) if timer.status == "waiting" else None
        if state is not None:
            found.append(Deadline(name, "timer", None, state.last_day, state.state, state.label))
        else:
            day = last_day(timer.due_at)
            found.append(Deadline(name, "timer", None, day, "fired", _("Verstreken")))
    return _grouped(
        sorted(found, key=lambda d: (d.last_day is None, d.last_day or date.max, d.name))
    )


def _grouped(deadlines: list[Deadline]) -> list[Deadline]:
    """Identical timer rows (e.g. one per basic provision) as one row with a count."""
    result: list[Deadline] = []
    for item in deadlines:
        previous = result[-1] if result else None
        if (
            previous is not None
            and item.kind == previous.kind == "timer"
            and (item.name, item.last_day, item.state)
            == (previous.name, previous.last_day, previous.state)
        ):
            result[-1] = replace(previous, count=previous.count + 1)
        else:
            result.append(item)
    return result


def timeline(
    events: list[EventInfo],
    tasks: list[TaskInfo],
    timers: list[TimerInfo],
    element_names: Mapping[str, str],
    actor_names: Mapping[str, str],
) -> list[TimelineEntry]:
    """The audit events of a case in Dutch, newest first."""
    task_names = {t.id: t.name for t in tasks}
    timer_elements = {t.id: t.bpmn_id for t in timers}
    entries = []
    for event in events:
        subject = None
        if event.task_id in task_names:
            subject = task_names[event.task_id]
        elif event.task_id in timer_elements:
            bpmn_id = timer_elements[event.task_id]
            subject = element_names.get(bpmn_id, bpmn_id)
        elif event.bpmn_id:
            subject = element_names.get(event.bpmn_id, event.bpmn_id)
        if event.kind == "message_received" and event.detail:
            subject = subject or str(event.detail.get("message", ""))
        label = EVENT_LABELS.get(event.kind)
        actor = SYSTEM_ACTORS.get(event.actor) or actor_names.get(event.actor, event.actor)
        entries.append(
            TimelineEntry(
                event.at,
                event.kind,
                str(label or event.kind),
                subject,
                str(actor),
                event.actor,
                event.task_id,
                event.bpmn_id,
            )
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def field_labels(forms: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Titles of the fields of every form of a version, and the labels of their choices."""
    titles: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    for form in forms.values():
        schema = form.get("schema") or {}
        ui = form.get("ui") or {}
        for name, prop in (schema.get("properties") or {}).items():
            if not isinstance(prop, Mapping):
                continue
            sub_ui = ui.get(name) if isinstance(ui.get(name), Mapping) else {}
            title = sub_ui.get("ui:title") or prop.get("title")
            if title:
                titles.setdefault(name, str(title))
            items = prop.get("items") if isinstance(prop.get("items"), Mapping) else {}
            options = prop.get("oneOf") or items.get("oneOf") or []
            named = {
                str(o["const"]): str(o.get("title", o["const"])) for o in options if "const" in o
            }
            enum_names = sub_ui.get("ui:enumNames") or []
            for i, value in enumerate(prop.get("enum") or items.get("enum") or []):
                if i < len(enum_names):
                    named[str(value)] = str(enum_names[i])
            if named:
                choices.setdefault(name, {}).update(named)
    return titles, choices


def details(
    data: Mapping[str, Any], forms: Mapping[str, Any]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The case data that people entered in task forms, by provision ("Algemeen" first), with
    the forms' titles as labels. ``data`` is what the user may see (web/privacy); the process's
    own variables (no form asks for them) and the keys other sections show are left out."""
    titles, choices = field_labels(forms)
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, value in entered_data(data, titles).items():
        group = fields.provision_of_step(key) or ""
        label = titles[key]
        groups.setdefault(group, []).append((label, value_text(value, choices.get(key, {}))))
    ordered = [("", str(_l("Algemeen")))] + [
        (p, str(fields.PROVISION_LABELS[p])) for p in fields.PROVISIONS
    ]
    return [(label, groups[key]) for key, label in ordered if groups.get(key)]


def entered_data(data: Mapping[str, Any], titles: Mapping[str, str]) -> dict[str, Any]:
    """The case data that ``details`` shows, as is: the keys a form asks for (``titles``, from
    ``field_labels``) that hold a value, without other sections' keys."""
    return {
        key: value
        for key, value in sorted(data.items())
        if key not in fields.SHOWN_ELSEWHERE
        and not isinstance(value, Mapping)
        and value not in (None, "", [])
        and key in titles
    }


def value_text(value: Any, choices: Mapping[str, str]) -> str:
    """A case-data value in words: Ja/Nee, a choice's label, a date as "4 mei 2026"."""
    if value is True:
        return _("Ja")
    if value is False:
        return _("Nee")
    if isinstance(value, list):
        return ", ".join(value_text(v, choices) for v in value)
    text = str(value)
    if text in choices:
        return choices[text]
    parsed = fields.as_date(text) if len(text) == 10 else None
    return format_date(parsed, "d MMMM yyyy") if parsed else text
