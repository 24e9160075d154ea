"""The outcome monitor in the style of the WODC monitor: per basic provision the share of people
who have it at entry, at release and six months after, against the national ambition of 80% at
release; per prison, municipality and stay class. People are counted by the month of release."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.cases import fields
from web.dashboard.queries import Filters, Outcome, Shares, outcomes, shares
from web.dashboard.report import SMALL_N, Linker, Table, heading, number, share
from web.dashboard.tables import MONITOR_MOMENTS, PROVISIONS, STATUSES

TARGET = 0.8
"""The national ambition: at least 80% have the necessary basic provisions at release."""

MOMENT_LABELS = {
    "entry": _l("bij binnenkomst"),
    "release": _l("bij ontslag"),
    "6m": _l("6 maanden na ontslag"),
}


@dataclass
class MonitorPage:
    provisions: Table
    statuses: Table
    stay_classes: Table
    prisons: Table
    municipalities: Table
    chart: dict[str, Any]
    people: int


def build(filters: Filters, link: Linker, names: dict[str, str]) -> MonitorPage:
    total = (outcomes(filters) or [Outcome("*")])[0]
    by_class = shares(filters, "stay_class")
    by_prison = shares(filters, "prison")
    by_municipality = shares(filters, "municipality")
    labels = {p: str(fields.PROVISION_LABELS[p]) for p in PROVISIONS}
    return MonitorPage(
        provisions=_provision_table(total, labels, link),
        statuses=_status_table(total, labels, link),
        stay_classes=_release_table(
            "monitor-per-verblijfsduur",
            _("Bij ontslag, per verblijfsduur"),
            _("Verblijfsduur"),
            [
                (o.group, str(fields.STAY_CLASS_LABELS.get(o.group, o.group or _("onbekend"))), o)
                for o in by_class
            ],
            labels,
            lambda c, **a: link(klasse=c or "-", **a),
        ),
        prisons=_release_table(
            "monitor-per-inrichting",
            _("Bij ontslag, per penitentiaire inrichting"),
            _("Inrichting"),
            [(o.group, names.get(o.group, o.group), o) for o in by_prison],
            labels,
            lambda p, **a: link(pi=p, **a),
        ),
        municipalities=_release_table(
            "monitor-per-gemeente",
            _("Bij ontslag, per gemeente"),
            _("Gemeente"),
            [(o.group, names.get(o.group, o.group), o) for o in by_municipality],
            labels,
            lambda g, **a: link(gemeente=g, **a),
        ),
        chart={
            "type": "bar",
            "unit": "%",
            "target": TARGET * 100,
            "targetLabel": _("Ambitie: 80% bij ontslag"),
            "smallN": SMALL_N,
            "smallLabel": _("kleine aantallen"),
            "labels": [labels[p] for p in PROVISIONS],
            "series": [
                {
                    "label": str(MOMENT_LABELS[m]).capitalize(),
                    "data": [_percent(total.share(p, m)) for p in PROVISIONS],
                    "n": [total.measured(p, m) for p in PROVISIONS],
                }
                for m in MONITOR_MOMENTS
            ],
        },
        people=max(
            (
                total.measured(p, "release") + total.count(p, "release", "unknown")
                for p in PROVISIONS
            ),
            default=0,
        ),
    )


def _percent(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _provision_table(total: Outcome, labels: dict[str, str], link: Linker) -> Table:
    table = Table(
        "monitor-per-voorziening",
        _("Aandeel met de basisvoorziening"),
        [_("Basisvoorziening")] + [_("%"), _("zonder"), _("gemeten")] * len(MONITOR_MOMENTS),
        groups=[("", 1), *((str(MOMENT_LABELS[m]).capitalize(), 3) for m in MONITOR_MOMENTS)],
        note=_(
            "Heeft de voorziening: geregeld of niet nodig. Gemeten: met een bekende status; "
            "'onbekend' telt niet mee. Mensen geteld in de maand van ontslag."
        ),
    )
    for provision in PROVISIONS:
        cells = [heading(labels[provision], provision)]
        for moment in MONITOR_MOMENTS:
            without = total.measured(provision, moment) - total.having(provision, moment)
            target = TARGET if moment == "release" else None
            cells += [
                share(total.share(provision, moment), total.measured(provision, moment), target),
                number(
                    without,
                    link(soort="monitor", voorziening=provision, moment=moment, status="zonder"),
                ),
                number(total.measured(provision, moment)),
            ]
        table.rows.append(cells)
    return table


def _status_table(total: Outcome, labels: dict[str, str], link: Linker) -> Table:
    table = Table(
        "monitor-statussen",
        _("Statussen per voorziening en moment"),
        [_("Basisvoorziening"), _("Moment"), *(str(fields.STATUS_LABELS[s]) for s in STATUSES)],
    )
    for provision in PROVISIONS:
        for moment in MONITOR_MOMENTS:
            table.rows.append(
                [
                    heading(labels[provision], provision),
                    heading(str(MOMENT_LABELS[moment]), moment),
                    *(
                        number(
                            total.count(provision, moment, status),
                            link(
                                soort="monitor", voorziening=provision, moment=moment, status=status
                            ),
                        )
                        for status in STATUSES
                    ),
                ]
            )
    return table


def _release_table(
    name: str,
    title: str,
    first: str,
    rows: list[tuple[str, str, Shares]],
    labels: dict[str, str],
    row_link: Linker,
) -> Table:
    table = Table(
        name,
        title,
        [first, *(labels[p] for p in PROVISIONS), _("gemeten")],
        note=_(
            "Aandeel met de voorziening bij ontslag; onder de ambitie (80%) in rood, behalve bij "
            "kleine aantallen (n onder 5), waar een percentage weinig zegt."
        ),
        empty=_("Geen ontslagen in deze periode en selectie."),
    )
    for code, label, found in rows:
        measured = max(found.measured.values(), default=0)
        table.rows.append(
            [
                heading(label, code),
                *(share(found.share(p), found.measured.get(p, 0), TARGET) for p in PROVISIONS),
                number(
                    measured, row_link(code, soort="monitor", moment="release", status="gemeten")
                ),
            ]
        )
    return table
