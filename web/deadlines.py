"""How a deadline stands, in working days of the engine's calendar (inbox, task and case pages).

A due time from the engine is usually the end of a day in Europe/Amsterdam (the next midnight);
the day shown is the last day on which the work is on time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from engine import WorkingDayCalendar
from engine.clock import AMSTERDAM

SOON_WORKING_DAYS = 2
"""A deadline this many working days away, or fewer, is flagged as due soon."""


@dataclass(frozen=True)
class DueState:
    due_at: datetime
    last_day: date
    state: str  # "overdue", "soon" or "ok"
    working_days: int  # left (ok, soon) or late (overdue)
    label: str


def last_day(due_at: datetime) -> date:
    """The last day that is still on time: the Amsterdam date just before ``due_at``."""
    return (due_at.astimezone(AMSTERDAM) - timedelta(microseconds=1)).date()


def due_state(
    due_at: datetime | None, now: datetime, calendar: WorkingDayCalendar
) -> DueState | None:
    """Where a deadline stands at ``now``; None without a deadline."""
    if due_at is None:
        return None
    day = last_day(due_at)
    today = now.astimezone(AMSTERDAM).date()
    if now >= due_at:
        late = max(calendar.working_days_between(day, today), 0)
        if late:
            label = ngettext("%(num)d werkdag te laat", "%(num)d werkdagen te laat", late)
        else:
            label = _("Te laat")
        return DueState(due_at, day, "overdue", late, label)
    left = max(calendar.working_days_between(today, day), 0)
    if day == today:
        label = _("Vandaag")
    else:
        label = ngettext("Nog %(num)d werkdag", "Nog %(num)d werkdagen", left)
    state = "soon" if left <= SOON_WORKING_DAYS else "ok"
    return DueState(due_at, day, state, left, label)


def finished_state(due_at: datetime | None, finished_at: datetime | None) -> str | None:
    """For work that is done: "on_time" or "late" against its deadline (None without one)."""
    if due_at is None or finished_at is None:
        return None
    return "on_time" if finished_at < due_at else "late"


def working_days_note(calendar: WorkingDayCalendar) -> str:
    """How deadlines count, in the domain's words (under lists of deadlines)."""
    closures = len(calendar.closure_days)
    if closures == 0:
        return _("Termijnen tellen in werkdagen: zonder weekenden en feestdagen.")
    return ngettext(
        "Termijnen tellen in werkdagen: zonder weekenden, feestdagen en %(num)d sluitingsdag.",
        "Termijnen tellen in werkdagen: zonder weekenden, feestdagen en %(num)d sluitingsdagen.",
        closures,
    )
