"""The deadlines the dashboard measures, defined on the nazorg models' tasks and case data
(docs/dashboard.md; domain.md, Deadlines; source F, Informatie-uitwisseling 3).

Each kind names the user tasks that fulfil it and how its last day on time follows from the case
data, in working days of the engine's calendar (Dutch holidays, 5 May every year, configured
closure days): the same rules the models' deadline timers use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from engine import WorkingDayCalendar
from web.cases import fields


@dataclass(frozen=True)
class DeadlineKind:
    code: str
    label: Any  # a lazy string
    rule: Any
    tasks: frozenset[str]
    last_day: Callable[[Mapping[str, Any], WorkingDayCalendar], date | None]

    @property
    def required(self) -> int:
        """How many of its tasks must be completed on time."""
        return len(self.tasks)


def _entry(data: Mapping[str, Any], calendar: WorkingDayCalendar) -> date | None:
    entry = fields.as_date(data.get(fields.ENTRY_DATE))
    return calendar.add_working_days(entry, 2) if entry else None


def _screening(data: Mapping[str, Any], calendar: WorkingDayCalendar) -> date | None:
    entry = fields.as_date(data.get(fields.ENTRY_DATE))
    return calendar.add_working_days(entry, 10) if entry else None


def _handover(data: Mapping[str, Any], calendar: WorkingDayCalendar) -> date | None:
    started = fields.as_date(data.get("handover_triggered_on"))
    return calendar.add_working_days(started, 2) if started else None


def _release_notice(data: Mapping[str, Any], calendar: WorkingDayCalendar) -> date | None:
    return fields.release_date(data)


SCREENING_TASKS = frozenset(
    {f"{provision}_screening" for provision in fields.PROVISIONS} | {"municipal_information"}
)

KINDS: dict[str, DeadlineKind] = {
    kind.code: kind
    for kind in (
        DeadlineKind(
            "entry",
            _l("Melding binnenkomst binnen 2 werkdagen"),
            _l(
                "Taak 'Melding binnenkomst aan gemeente' afgerond uiterlijk 2 werkdagen na de "
                "datum van binnenkomst."
            ),
            frozenset({"entry_notification"}),
            _entry,
        ),
        DeadlineKind(
            "screening",
            _l("Screening binnen 10 werkdagen"),
            _l(
                "De screening van alle vijf basisvoorzieningen en de informatie van de gemeente "
                "afgerond uiterlijk 10 werkdagen na de datum van binnenkomst."
            ),
            SCREENING_TASKS,
            _screening,
        ),
        DeadlineKind(
            "handover",
            _l("Overdracht 8 weken voor ontslag"),
            _l(
                "Lang verblijf: de overdracht van informatie, die 8 weken voor de ontslagdatum "
                "start (of meteen als dat al voorbij is), afgerond uiterlijk 2 werkdagen na die "
                "start."
            ),
            frozenset({"handover_information"}),
            _handover,
        ),
        DeadlineKind(
            "release_notice",
            _l("Ontslagbericht op de dag van ontslag"),
            _l("Het ontslagbericht aan de gemeente verstuurd op de dag van ontslag."),
            frozenset({"release_notice"}),
            _release_notice,
        ),
    )
}

KIND_OF_TASK: dict[str, str] = {task: kind.code for kind in KINDS.values() for task in kind.tasks}
