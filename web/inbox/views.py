"""The inbox: "Mijn taken" and "Niet toegewezen" of the user's organisation, earliest due first,
with due-date flags in working days, filters and pagination."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from web.access import record_views, working_roles
from web.cases import fields
from web.deadlines import due_state, working_days_note
from web.engine_access import current_engine
from web.inbox.queries import (
    Count,
    InboxFilter,
    inbox_counts,
    inbox_tasks,
    named_cases,
    step_choices,
)
from web.inbox.remembered import remember

bp = Blueprint("inbox", __name__, template_folder="templates")

PAGE_SIZE = 25
TABS = ("mijn", "vrij")


def _page() -> int:
    value = request.args.get("pagina", "1")
    return max(int(value), 1) if value.isdigit() else 1


def _filter() -> InboxFilter:
    def arg(name: str) -> str | None:
        value = request.args.get(name, "").strip()
        return value[:100] or None

    provision = arg("voorziening")
    return InboxFilter(
        step=arg("stap"),
        provision=provision if provision in fields.PROVISIONS else None,
        person=arg("persoon"),
    )


def shown(count: Count) -> str:
    """A tab's count as the user's language writes it; beyond the cap "1.000+"."""
    number = format_decimal(count.number)
    return _("%(number)s+", number=number) if count.more else number


@bp.get("/taken")
@login_required
def index() -> str:
    organisation = current_user.organisation.code
    roles = working_roles(current_user)
    chosen = _filter()
    remember(request.args)
    counts = inbox_counts(organisation, roles, current_user.username, chosen)
    tab = request.args.get("weergave")
    if tab not in TABS:
        tab = "vrij" if counts["mine"].number == 0 and counts["unclaimed"].number > 0 else "mijn"
    page = _page()
    rows = inbox_tasks(
        organisation,
        roles,
        claimed_by=current_user.username if tab == "mijn" else None,
        unclaimed=tab == "vrij",
        chosen=chosen,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    engine = current_engine()
    now = engine.clock.now()
    items = [(row, due_state(row.task.due_at, now, engine.calendar)) for row in rows[:PAGE_SIZE]]
    record_views(
        current_user, named_cases(rows[:PAGE_SIZE]), categories=["identity"], subject="inbox"
    )
    return render_template(
        "inbox/index.html",
        tab=tab,
        counts={name: shown(count) for name, count in counts.items()},
        items=items,
        chosen=chosen,
        steps=step_choices(organisation, roles, current_user.username),
        provisions=[(p, fields.PROVISION_LABELS[p]) for p in fields.PROVISIONS],
        provision_labels=fields.PROVISION_LABELS,
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        working_days_note=working_days_note(engine.calendar),
    )
