"""Authorization: the one place that decides who may see and do what. Pages and the JSON API
both ask here; nothing else compares roles or organisation codes.

- A user sees the cases their organisation holds (a party in the case data, or an open task on
  it); a manager or process owner of a ministry organisation sees every organisation's cases.
- A user works a task when it is open, lies with their organisation, and needs one of their
  roles (``TASK_ROLE_HOLDERS`` says which user roles stand in for a task role such as team_lead).
- Which data of a visible case a user sees (care, debts, criminal-justice data, names) is
  decided by web/privacy/policy.py.
- A case a user may not see does not exist for them: 404, the same as an unknown case number.
- The management dashboard: managers only, scoped to their prison, their municipality (or its
  region), or the whole country for a ministry organisation (``dashboard_scope``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import abort
from werkzeug.exceptions import NotFound

from engine import NotFoundError, StartForm, TaskInfo
from web.cases.queries import Case, case_by_instance, case_by_key, insert_case_views
from web.engine_access import current_engine

CASE_ROLES = frozenset({"caseworker", "coordinator", "probation_officer"})
"""Roles that work on cases."""

OVERSIGHT_ROLES = frozenset({"manager", "process_owner"})
"""Roles that follow cases without working them (dashboards, models)."""

NATIONAL_KINDS = frozenset({"ministry"})
"""Organisations whose managers and process owners see every organisation's cases."""

TASK_ROLE_HOLDERS: dict[str, frozenset[str]] = {
    "team_lead": frozenset({"manager"}),
}
"""Task roles that no user holds by name, and the user roles that work them."""

REGISTERING_KINDS = frozenset({"prison"})
"""A new detention is registered (melding binnenkomst) by a caseworker of a prison."""


class CaseNotFound(NotFound):
    """404 for a case or task that does not exist or that this user may not see."""


def _roles(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    return frozenset(user.role_list)


def user_roles(user: Any) -> frozenset[str]:
    """The roles of an active, signed-in user; none otherwise."""
    return _roles(user)


def user_organisation_kind(user: Any) -> str | None:
    return _organisation_kind(user)


def _organisation_code(user: Any) -> str | None:
    organisation = getattr(user, "organisation", None) if _roles(user) else None
    return organisation.code if organisation is not None else None


def _organisation_kind(user: Any) -> str | None:
    organisation = getattr(user, "organisation", None) if _roles(user) else None
    return organisation.kind if organisation is not None else None


def is_national(user: Any) -> bool:
    return _organisation_kind(user) in NATIONAL_KINDS and bool(_roles(user) & OVERSIGHT_ROLES)


def visible_organisations(user: Any) -> list[str] | None:
    """The organisation codes whose cases ``user`` sees; None means every organisation."""
    roles = _roles(user)
    if is_national(user):
        return None
    code = _organisation_code(user)
    if code is None or not roles & (CASE_ROLES | OVERSIGHT_ROLES):
        return []
    return [code]


def can_see_case(user: Any, case: Case) -> bool:
    visible = visible_organisations(user)
    return visible is None or bool(case.organisations & set(visible))


def case_for(user: Any, business_key: str) -> Case:
    """The case with this case number, if ``user`` may see it; else 404 (never says which)."""
    case = case_by_key(business_key)
    if case is None or not can_see_case(user, case):
        raise CaseNotFound()
    return case


def task_for(user: Any, task_id: str) -> tuple[TaskInfo, Case]:
    """A task and its case, if ``user`` may see the case; else 404 (never says which)."""
    try:
        task = current_engine().task(task_id)
    except NotFoundError:
        raise CaseNotFound() from None
    case = case_by_instance(task.instance_id)
    if case is None or not can_see_case(user, case):
        raise CaseNotFound()
    return task, case


def working_roles(user: Any) -> set[str]:
    """The task roles ``user`` may work: their own roles and those they stand in for."""
    roles = _roles(user)
    return set(roles) | {task_role for task_role, by in TASK_ROLE_HOLDERS.items() if by & roles}


def can_work_task(user: Any, task: TaskInfo) -> bool:
    """Open, at the user's organisation, and needing a role the user works."""
    if task.status != "ready" or task.organisation is None:
        return False
    if task.organisation != _organisation_code(user):
        return False
    if task.role is None:
        return bool(_roles(user) & CASE_ROLES)
    return task.role in working_roles(user)


def can_claim(user: Any, task: TaskInfo) -> bool:
    return can_work_task(user, task) and task.claimed_by is None


def can_unclaim(user: Any, task: TaskInfo) -> bool:
    return task.status == "ready" and task.claimed_by == getattr(user, "username", None)


def can_complete(user: Any, task: TaskInfo) -> bool:
    return can_work_task(user, task) and task.claimed_by in (None, user.username)


def record_case_view(
    user: Any,
    case: Case,
    *,
    channel: str = "web",
    categories: Iterable[str] = (),
    subject: str = "case",
) -> None:
    """Write who saw which case, when, through which channel (web, api), what (``subject``: the
    case, a task, the timeline) and which classes of data were shown (committed)."""
    record_views(
        user,
        [(case.instance_id, case.business_key)],
        channel=channel,
        categories=categories,
        subject=subject,
    )


def record_views(
    user: Any,
    viewed: Iterable[tuple[int, str]],
    *,
    channel: str = "web",
    categories: Iterable[str] = (),
    subject: str = "case",
) -> None:
    """``record_case_view`` for every case of a list (instance id, case number): a drill-down,
    an export."""
    insert_case_views(
        viewed=list(viewed),
        user_id=user.id,
        username=user.username,
        organisation=_organisation_code(user) or "",
        channel=channel,
        categories=list(categories),
        at=current_engine().clock.now(),
        subject=subject,
    )


def can_start(user: Any, form: StartForm) -> bool:
    """Whether ``user`` may start a case with a process's start form: at an organisation of the
    start lane's party and with the start form's role (any case role when it names none)."""
    if form.party is not None and _organisation_kind(user) != form.party:
        return False
    if form.role is None:
        return bool(_roles(user) & CASE_ROLES)
    return form.role in working_roles(user)


def can_register_entry(user: Any) -> bool:
    return _organisation_kind(user) in REGISTERING_KINDS and "caseworker" in _roles(user)


PROCESS_OWNER_ROLES = frozenset({"process_owner"})
"""Who sees process definitions and deploys models and forms or migrates cases (issue 5)."""


def can_manage_processes(user: Any) -> bool:
    """Process owners open the process pages; which processes they manage: below."""
    return bool(_roles(user) & PROCESS_OWNER_ROLES)


def is_regional_process(process_id: str, organisation_code: str) -> bool:
    """A process of one organisation has an id that starts with that organisation's code and
    an underscore, in any case: ``gm0363_buddytraject``. Every other process is national."""
    return process_id.lower().startswith(organisation_code.lower() + "_")


def can_manage_process(user: Any, process_id: str) -> bool:
    """See, deploy and migrate ``process_id``: any process for a process owner of a ministry
    organisation (the national process-owner role); only their own organisation's regional
    processes for a process owner anywhere else."""
    if not can_manage_processes(user):
        return False
    if _organisation_kind(user) in NATIONAL_KINDS:
        return True
    code = _organisation_code(user)
    return code is not None and is_regional_process(process_id, code)


def can_send_message(user: Any, case: Case) -> bool:
    """Messages about a detention's release (a changed release date, an immediate release) come
    from the prison that holds the case: one of its caseworkers."""
    return (
        can_see_case(user, case)
        and can_register_entry(user)
        and case.prison_code is not None
        and case.prison_code == _organisation_code(user)
    )


def is_admin(user: Any) -> bool:
    return "admin" in _roles(user)


def admin_scope(user: Any) -> list[str] | None:
    """Organisation codes whose users ``user`` manages; None: all (an admin of a ministry)."""
    if not is_admin(user):
        return []
    if _organisation_kind(user) in NATIONAL_KINDS:
        return None
    code = _organisation_code(user)
    return [code] if code else []


def manages_organisations(user: Any) -> bool:
    """Creating and renaming organisations is for an admin of a ministry organisation."""
    return is_admin(user) and admin_scope(user) is None


def require(allowed: bool) -> None:
    """Abort with 403 unless ``allowed`` (for pages whose existence is no secret)."""
    if not allowed:
        abort(403)


DASHBOARD_ROLES = frozenset({"manager"})
"""Roles that see the management dashboard (web/dashboard/)."""


@dataclass(frozen=True)
class DashboardScope:
    """Whose cases a manager's dashboard counts: the cases of these prisons and of people
    returning to these municipalities (None: every one)."""

    prisons: tuple[str, ...] | None
    municipalities: tuple[str, ...] | None

    @property
    def national(self) -> bool:
        return self.prisons is None and self.municipalities is None


def dashboard_scope(
    user: Any, regions: Mapping[str, Iterable[str]] | None = None
) -> DashboardScope | None:
    """The dashboard ``user`` may see, or None. A manager of a ministry organisation sees the
    whole country; of a prison, that prison's cases; of a municipality, the cases returning to it
    or, for a regional coordination point, to every municipality of its region (``regions``:
    municipality code -> the other municipalities it serves; setting TERUGKEER_REGIONS)."""
    if not _roles(user) & DASHBOARD_ROLES:
        return None
    kind, code = _organisation_kind(user), _organisation_code(user)
    if kind in NATIONAL_KINDS:
        return DashboardScope(None, None)
    if code is None:
        return None
    if kind == "prison":
        return DashboardScope((code,), None)
    if kind == "municipality":
        served = [code, *((regions or {}).get(code) or ())]
        return DashboardScope(None, tuple(dict.fromkeys(served)))
    return None


def can_see_dashboard(user: Any) -> bool:
    return dashboard_scope(user) is not None
