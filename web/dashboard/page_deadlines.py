"""The deadline page's content: the share of deadlines met per kind, per month, per prison and per
municipality (web/dashboard/definitions.py says what each kind measures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from web.dashboard.definitions import KINDS
from web.dashboard.queries import Compliance, Filters, compliance
from web.dashboard.report import Linker, Table, heading, number, share
from web.dashboard.tables import DEADLINE_KINDS


@dataclass
class DeadlinePage:
    months: Table
    prisons: Table
    municipalities: Table
    month_chart: dict[str, Any]
    prison_chart: dict[str, Any]
    municipality_chart: dict[str, Any]


def month_label(month: str) -> str:
    return format_date(date.fromisoformat(month + "-01"), "MMM yyyy")


def months_between(start: str, end: str) -> list[str]:
    found, year, number_ = [], int(start[:4]), int(start[5:7])
    while f"{year:04d}-{number_:02d}" <= end:
        found.append(f"{year:04d}-{number_:02d}")
        year, number_ = (year + 1, 1) if number_ == 12 else (year, number_ + 1)
    return found


def build(filters: Filters, link: Linker, names: dict[str, str]) -> DeadlinePage:
    by_month = {c.group: c for c in compliance(filters, "month")}
    months = months_between(filters.start, filters.end)
    by_prison = compliance(filters, "prison")
    by_municipality = compliance(filters, "municipality")
    return DeadlinePage(
        months=_table(
            "termijnen-per-maand",
            _("Per maand"),
            _("Maand"),
            [(m, month_label(m), by_month.get(m) or Compliance(m)) for m in months],
            lambda m, **a: link(maand=m, **a),
        ),
        prisons=_table(
            "termijnen-per-inrichting",
            _("Per penitentiaire inrichting"),
            _("Inrichting"),
            [(c.group, names.get(c.group, c.group), c) for c in by_prison],
            lambda p, **a: link(pi=p, **a),
        ),
        municipalities=_table(
            "termijnen-per-gemeente",
            _("Per gemeente"),
            _("Gemeente"),
            [(c.group, names.get(c.group, c.group), c) for c in by_municipality],
            lambda g, **a: link(gemeente=g, **a),
        ),
        month_chart=_chart(
            "line",
            [month_label(m) for m in months],
            [by_month.get(m) or Compliance(m) for m in months],
        ),
        prison_chart=_chart("bar", [names.get(c.group, c.group) for c in by_prison], by_prison),
        municipality_chart=_chart(
            "bar", [names.get(c.group, c.group) for c in by_municipality], by_municipality
        ),
    )


def _table(
    name: str,
    title: str,
    first: str,
    rows: list[tuple[str, str, Compliance]],
    row_link: Linker,
) -> Table:
    columns = [first]
    for _kind in DEADLINE_KINDS:
        columns += [_("op tijd"), _("te laat"), _("% op tijd")]
    table = Table(
        name,
        title,
        columns,
        groups=[("", 1), *((str(KINDS[k].label), 3) for k in DEADLINE_KINDS)],
        empty=_("Geen termijnen in deze periode en selectie."),
    )
    for code, label, found in rows:
        cells = [heading(label, code)]
        for kind in DEADLINE_KINDS:
            cells += [
                number(
                    found.met.get(kind, 0),
                    row_link(code, soort="termijn", termijn=kind, uitkomst="op-tijd"),
                ),
                number(
                    found.missed.get(kind, 0),
                    row_link(code, soort="termijn", termijn=kind, uitkomst="te-laat"),
                ),
                share(found.share(kind)),
            ]
        table.rows.append(cells)
    return table


def _chart(kind: str, labels: list[str], rows: list[Compliance]) -> dict[str, Any]:
    return {
        "type": kind,
        "unit": "%",
        "labels": labels,
        "series": [
            {
                "label": str(KINDS[k].label),
                "data": [
                    round(s * 100, 1) if (s := r.share(k)) is not None else None for r in rows
                ],
            }
            for k in DEADLINE_KINDS
        ],
    }
