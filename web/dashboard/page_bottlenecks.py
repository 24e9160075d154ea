"""The bottleneck page's content: per BPMN element the work open and overdue now, and the waiting,
work and lead times of the period; the heatmap data for the diagram; one element split by the
organisation that holds its tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.cases.diagram import Described
from web.dashboard.queries import ElementStats, Filters, element_stats, organisation_stats
from web.dashboard.report import Linker, Table, heading, hours, number, share
from web.dashboard.tables import BUCKETS, DURATIONS
from web.models import organisation_names as names_of

PARTY_LABELS = {
    "prison": _l("Penitentiaire inrichting"),
    "municipality": _l("Gemeente"),
    "probation": _l("Reclassering"),
    "uwv": _l("UWV WERKbedrijf"),
    "": _l("Geen partij"),
}


@dataclass
class BottleneckPage:
    elements: list[ElementStats]
    table: Table
    parties: Table
    heat: dict[str, dict[str, Any]]
    split: Table | None = None
    split_chart: dict[str, Any] | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)


def party_label(party: str) -> str:
    return str(PARTY_LABELS.get(party, party))


def build(
    filters: Filters,
    process_id: str,
    on: date,
    described: Described | None,
    element: str | None,
    link: Linker,
    organisation_names: dict[str, str],
) -> BottleneckPage:
    names = described.names if described else {}
    elements = element_stats(filters, process_id, on)
    ranked = sorted(
        elements,
        key=lambda s: (-s.overdue_now, -s.open_now, -(s.p("lead", 0.9) or 0), s.bpmn_id),
    )
    page = BottleneckPage(
        elements=ranked,
        table=_element_table(ranked, names, link),
        parties=_party_table(elements),
        heat=heat(elements, names, described),
        choices=sorted(
            ((s.bpmn_id, names.get(s.bpmn_id, s.bpmn_id)) for s in elements),
            key=lambda c: c[1].lower(),
        ),
    )
    if element:
        split = organisation_stats(filters, process_id, element, on)
        title = names.get(element, element)
        missing = {s.organisation for s in split} - set(organisation_names)
        if missing:  # holders outside the filter lists: probation, UWV
            organisation_names = {**organisation_names, **names_of(missing)}
        page.split = _split_table(split, element, title, link, organisation_names)
        page.split_chart = {
            "labels": [organisation_names.get(s.organisation, s.organisation) for s in split],
            "series": [
                {"label": _("Nu open"), "data": [s.open_now for s in split]},
                {"label": _("Nu te laat"), "data": [s.overdue_now for s in split]},
            ],
        }
    return page


TIME_GROUPS = [(_l("Wachttijd"), 2), (_l("Werktijd"), 2), (_l("Doorlooptijd"), 2)]


def _time_cells(stats: ElementStats) -> list:
    return [hours(stats.p(d, f)) for d in ("wait", "work", "lead") for f in (0.5, 0.9)]


def _time_columns() -> list[str]:
    return [_("mediaan"), _("90%")] * 3


def _element_table(ranked: list[ElementStats], names: dict[str, str], link: Linker) -> Table:
    table = Table(
        "knelpunten-per-stap",
        _("Knelpunten per stap"),
        [
            _("Stap"),
            _("Partij"),
            _("open"),
            _("te laat"),
            _("afgerond"),
            _("te laat afgerond"),
            _("% te laat"),
            *_time_columns(),
        ],
        groups=[("", 2), (_("Nu"), 2), (_("In de periode"), 3), *TIME_GROUPS],
        note=_(
            "Tijden in de periode: mediaan en 90e percentiel, gelezen uit histogrammen met "
            "verdubbelende klassen (benadering). Wachttijd: van klaarzetten tot oppakken; "
            "werktijd: van oppakken tot afronden; doorlooptijd: van klaarzetten tot afronden."
        ),
        empty=_("Geen taken in deze periode en selectie."),
    )
    for stats in ranked:
        step = stats.bpmn_id
        table.rows.append(
            [
                heading(names.get(step, step), step),
                heading(party_label(stats.party), stats.party),
                number(stats.open_now, link(soort="stap", stap=step, toestand="open")),
                number(stats.overdue_now, link(soort="stap", stap=step, toestand="te-laat")),
                number(stats.completed, link(soort="stap", stap=step, toestand="afgerond")),
                number(stats.late, link(soort="stap", stap=step, toestand="afgerond-te-laat")),
                share(stats.late_share, stats.completed),
                *_time_cells(stats),
            ]
        )
    return table


def _party_table(elements: list[ElementStats]) -> Table:
    parties: dict[str, ElementStats] = {}
    for stats in elements:
        total = parties.setdefault(stats.party, ElementStats("", stats.party))
        total.open_now += stats.open_now
        total.overdue_now += stats.overdue_now
        total.completed += stats.completed
        total.claimed += stats.claimed
        total.late += stats.late
        for duration in DURATIONS:
            merged = total.buckets.setdefault(duration, [0] * BUCKETS)
            for index, count in enumerate(stats.buckets.get(duration, [0] * BUCKETS)):
                merged[index] += count
    table = Table(
        "knelpunten-per-partij",
        _("Per partij"),
        [_("Partij"), _("open"), _("te laat"), _("afgerond"), _("% te laat"), *_time_columns()],
        groups=[("", 1), (_("Nu"), 2), (_("In de periode"), 2), *TIME_GROUPS],
        empty=_("Geen taken in deze periode en selectie."),
    )
    for party, stats in sorted(parties.items(), key=lambda p: (-p[1].overdue_now, p[0])):
        table.rows.append(
            [
                heading(party_label(party), party),
                number(stats.open_now),
                number(stats.overdue_now),
                number(stats.completed),
                share(stats.late_share, stats.completed),
                *_time_cells(stats),
            ]
        )
    return table


def _split_table(
    split: list[ElementStats], element: str, title: str, link: Linker, names: dict[str, str]
) -> Table:
    table = Table(
        f"stap-{element}-per-organisatie",
        _("%(step)s: per organisatie", step=title),
        [
            _("Organisatie"),
            _("open"),
            _("te laat"),
            _("afgerond"),
            _("te laat afgerond"),
            *_time_columns(),
        ],
        groups=[("", 1), (_("Nu"), 2), (_("In de periode"), 2), *TIME_GROUPS],
        empty=_("Geen taken van deze stap in deze periode en selectie."),
    )
    for stats in split:
        org = stats.organisation
        table.rows.append(
            [
                heading(names.get(org, org or _("(geen)")), org),
                number(stats.open_now, link(soort="stap", stap=element, toestand="open", org=org)),
                number(
                    stats.overdue_now, link(soort="stap", stap=element, toestand="te-laat", org=org)
                ),
                number(
                    stats.completed, link(soort="stap", stap=element, toestand="afgerond", org=org)
                ),
                number(
                    stats.late,
                    link(soort="stap", stap=element, toestand="afgerond-te-laat", org=org),
                ),
                *_time_cells(stats),
            ]
        )
    return table


def heat(
    elements: list[ElementStats], names: dict[str, str], described: Described | None
) -> dict[str, dict[str, Any]]:
    """Per element id what the diagram shows: counts now, late completions and median times.
    A call activity shows the sum of its called process's elements (and their longest median)."""
    found = {s.bpmn_id: _heat_entry(s, names) for s in elements}
    for call, process in (described.calls if described else {}).items():
        inside = [found[e] for e in (described.members.get(process) or ()) if e in found]
        if not inside:
            continue
        entry = {"name": names.get(call, call)}
        for key in ("open", "overdue", "completed", "late"):
            entry[key] = sum(e[key] for e in inside)
        for key in ("lead50", "lead90", "wait50", "wait90", "work50", "work90"):
            values = [e[key] for e in inside if e[key] is not None]
            entry[key] = max(values) if values else None
        found[call] = entry
    return found


def _heat_entry(stats: ElementStats, names: dict[str, str]) -> dict[str, Any]:
    def rounded(value: float | None) -> float | None:
        return round(value, 2) if value is not None else None

    return {
        "name": names.get(stats.bpmn_id, stats.bpmn_id),
        "party": stats.party,
        "open": stats.open_now,
        "overdue": stats.overdue_now,
        "completed": stats.completed,
        "late": stats.late,
        **{
            f"{d}{int(f * 100)}": rounded(stats.p(d, f))
            for d in ("lead", "wait", "work")
            for f in (0.5, 0.9)
        },
    }
