"""Which classes of a case's data a user sees (web/privacy/classes.py): the one decision every
page, API payload, list, drill-down and export of case data asks.

- By role and organisation (the smaller of the two): who works cases sees what their part in the
  cooperation needs: the prison and the municipality everything, probation no care or debts,
  UWV no criminal-justice, care or debt data. Managers and process owners (their own or every
  organisation) see ``basic`` data only: pseudonymised cases, the case number without name,
  birth date or BSN, and no RISc outcome.
- A task needs more: who may work an open task of the case sees identity data and the task's
  class on that case.
- Care and debts only with the person's recorded consent (``Case.has_consent``).
- What a user may not see is left out with everything that reveals it: keys of the class, values
  naming it, tasks, timers and diagram highlights of its elements, timeline entries about them.

docs/ui.md has the table and the reasons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from engine import EventInfo, TaskInfo, TimerInfo
from web.access import CaseNotFound, can_work_task, task_for, user_organisation_kind, user_roles
from web.cases.diagram import version_forms
from web.cases.queries import Case
from web.engine_access import current_engine
from web.model_texts import localized_task
from web.privacy import classes as data_classes

ALL = frozenset(data_classes.CLASSES)
ROLE_CLASSES: dict[str, frozenset[str]] = {
    "caseworker": ALL,
    "coordinator": ALL,
    "probation_officer": frozenset({"basic", "identity", "criminal"}),
    "manager": frozenset({"basic"}),
    "process_owner": frozenset({"basic"}),
}
"""The classes a role's work needs; a user has the union of their roles'."""

KIND_CLASSES: dict[str, frozenset[str]] = {
    "prison": ALL,
    "municipality": ALL,
    "probation": frozenset({"basic", "identity", "criminal"}),
    "uwv": frozenset({"basic", "identity"}),
    "ministry": frozenset({"basic"}),
}
"""The classes an organisation's part in the cooperation needs."""

CONSENT_CLASSES = frozenset({"care", "debts"})


def role_classes(user: Any) -> frozenset[str]:
    """The classes ``user`` sees of the cases they may see, before consent and task needs."""
    by_roles = frozenset().union(
        *(ROLE_CLASSES.get(role, frozenset()) for role in user_roles(user))
    )
    return by_roles & KIND_CLASSES.get(user_organisation_kind(user) or "", frozenset())


def masks_names(user: Any) -> bool:
    """Whether lists show ``user`` cases pseudonymised (no name, birth date; no name search)."""
    return "identity" not in role_classes(user)


def list_classes(user: Any) -> frozenset[str]:
    """The classes a list of many cases may show or select by (a drill-down, an export): the
    role's, without care and debts (a list does not check each person's consent)."""
    return role_classes(user) - CONSENT_CLASSES


def pseudonymised(case: Case) -> Case:
    return replace(case, person_name=None, birth_date=None)


@dataclass(frozen=True)
class CaseView:
    """What one user sees of one case."""

    case: Case  # without name and birth date when pseudonymised
    classes: frozenset[str]
    workable: frozenset[str]  # ids of the case's open tasks this user may work
    forms: Mapping[str, Any]  # the version's forms (their x-class say the classes)

    @property
    def pseudonymised(self) -> bool:
        return "identity" not in self.classes

    def shows(self, data_class: str) -> bool:
        return data_class in self.classes

    @property
    def hidden_provisions(self) -> set[str]:
        """The provisions whose statuses this user may not see (care, debts)."""
        return {c for c in CONSENT_CLASSES if c not in self.classes}

    @property
    def hidden_classes(self) -> list[str]:
        """The classes left out for this user, in the order of CLASSES."""
        return [c for c in data_classes.CLASSES if c not in self.classes]

    @property
    def shown_special(self) -> list[str]:
        """The special classes shown (for the read audit)."""
        return sorted(self.classes & (data_classes.SPECIAL | {"identity"}))

    def shows_key(self, key: str, value: Any = None) -> bool:
        declared = data_classes.key_classes(self.forms)
        if data_classes.key_class(key, declared) not in self.classes:
            return False
        return not (data_classes.value_class(value) - self.classes)

    def data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The case data without the keys, list items and nested keys (``release_info``,
        ``monitor_6m``) this user may not see."""
        return self._filtered(data, data_classes.key_classes(self.forms))

    def _filtered(self, data: Mapping[str, Any], declared: Mapping[str, str]) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for key, value in data.items():
            if data_classes.key_class(key, declared) not in self.classes:
                continue
            if isinstance(value, Mapping):
                value = self._filtered(value, declared)
            elif isinstance(value, list):
                value = [
                    item for item in value if not data_classes.value_class(item) - self.classes
                ]
            elif data_classes.value_class(value) - self.classes:
                continue
            shown[key] = value
        return shown

    def shows_element(self, bpmn_id: str | None, form_name: str | None = None) -> bool:
        form = self.forms.get(form_name) if form_name else None
        return data_classes.element_class(bpmn_id, form) in self.classes

    def shows_task(self, task: TaskInfo) -> bool:
        return task.id in self.workable or self.shows_element(task.bpmn_id, task.form)

    def tasks(self, tasks: Iterable[TaskInfo]) -> list[TaskInfo]:
        return [task for task in tasks if self.shows_task(task)]

    def events(self, events: Iterable[EventInfo], tasks: Iterable[TaskInfo]) -> list[EventInfo]:
        """Audit events not about a task or element this user may not see."""
        by_id = {task.id: task for task in tasks}
        return [
            event
            for event in events
            if (
                self.shows_task(by_id[event.task_id])
                if event.task_id in by_id
                else self.shows_element(event.bpmn_id)
            )
        ]

    def timers(self, timers: Iterable[TimerInfo]) -> list[TimerInfo]:
        return [timer for timer in timers if self.shows_element(timer.bpmn_id)]

    def elements(self, ids: Iterable[str]) -> list[str]:
        """The element ids (diagram highlights) this user may see."""
        return [bpmn_id for bpmn_id in ids if self.shows_element(bpmn_id)]


def case_view(
    user: Any, case: Case, tasks: Iterable[TaskInfo] = (), forms: Mapping[str, Any] | None = None
) -> CaseView:
    """What ``user`` sees of ``case`` (which they may see: web/access.case_for). ``tasks``: the
    case's tasks (an open one the user may work adds its needs); ``forms``: the version's."""
    forms = forms or {}
    classes = set(role_classes(user))
    workable = frozenset(task.id for task in tasks if can_work_task(user, task))
    for task in tasks:
        if task.id in workable:
            form = forms.get(task.form) if task.form else None
            classes |= {"identity", data_classes.element_class(task.bpmn_id, form)}
    classes -= {c for c in CONSENT_CLASSES if not case.has_consent(c)}
    shown = case if "identity" in classes else pseudonymised(case)
    return CaseView(shown, frozenset(classes), workable, forms)


def task_view(user: Any, task_id: str) -> tuple[TaskInfo, CaseView]:
    """A task (its name in the user's language) and what ``user`` sees of its case; 404
    (CaseNotFound) when the user may not see the case, or the task reveals a class they may not
    see and is not theirs to work."""
    task, case = task_for(user, task_id)
    open_tasks = current_engine().tasks(instance_id=task.instance_id, limit=1000)
    view = case_view(user, case, [task, *open_tasks], version_forms(task.version_id))
    if not view.shows_task(task):
        raise CaseNotFound()
    return localized_task(task), view
