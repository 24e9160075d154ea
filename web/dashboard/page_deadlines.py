"""The deadline page's content: the share of deadlines met per kind, per month, per prison and per
municipality, each table with a total over the period and the selection, measured against the
norm (TERUGKEER_DEADLINE_NORM_PERCENT; web/dashboard/definitions.py says what each kind
measures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from web.dashboard.definitions import KINDS, DeadlineKind
from web.dashboard.queries import Compliance, Filters, compliance
from web.dashboard.report import (
    SMALL_N,
    Cell,
    Linker,
    Table,
    format_decimal,
    heading,
    number,
    share,
)
from web.dashboard.tables import DEADLINE_KINDS


@dataclass
class DeadlinePage:
    months: Table
    prisons: Table
    municipalities: Table
    month_chart: dict[str, Any]
    prison_chart: dict[str, Any]
    municipality_chart: dict[str, Any]
    total: Compliance
    norm: float  # a share, 0..1


def month_label(month: str) -> str:
    return format_date(date.fromisoformat(month + "-01"), "MMM yyyy")


def months_between(start: str, end: str) -> list[str]:
    found, year, number_ = [], int(start[:4]), int(start[5:7])
    while f"{year:04d}-{number_:02d}" <= end:
        found.append(f"{year:04d}-{number_:02d}")
        year, number_ = (year + 1, 1) if number_ == 12 else (year, number_ + 1)
    return found


def deadline_norm() -> float:
    """The norm as a share: TERUGKEER_DEADLINE_NORM_PERCENT (default 90) / 100."""
    return float(current_app.config.get("TERUGKEER_DEADLINE_NORM_PERCENT", 90)) / 100


def norm_label(norm: float) -> str:
    return _("Norm: %(percent)s%% op tijd", percent=format_decimal(round(norm * 100, 1)))


def summed(rows: list[Compliance]) -> Compliance:
    """The total of several groups: met and missed added per kind."""
    total = Compliance("total")
    for row in rows:
        for kind in DEADLINE_KINDS:
            total.met[kind] = total.met.get(kind, 0) + row.met.get(kind, 0)
            total.missed[kind] = total.missed.get(kind, 0) + row.missed.get(kind, 0)
    return total


def build(filters: Filters, link: Linker, names: dict[str, str]) -> DeadlinePage:
    by_month = {c.group: c for c in compliance(filters, "month")}
    months = months_between(filters.start, filters.end)
    by_prison = compliance(filters, "prison")
    by_municipality = compliance(filters, "municipality")
    total = summed(list(by_month.values()))
    norm = deadline_norm()
    return DeadlinePage(
        months=_table(
            "termijnen-per-maand",
            _("Per maand"),
            _("Maand"),
            [(m, month_label(m), by_month.get(m) or Compliance(m)) for m in months],
            lambda m, **a: link(maand=m, **a),
            total,
            norm,
        ),
        prisons=_table(
            "termijnen-per-inrichting",
            _("Per penitentiaire inrichting"),
            _("Inrichting"),
            [(c.group, names.get(c.group, c.group), c) for c in by_prison],
            lambda p, **a: link(pi=p, **a),
            total,
            norm,
        ),
        municipalities=_table(
            "termijnen-per-gemeente",
            _("Per gemeente"),
            _("Gemeente"),
            [(c.group, names.get(c.group, c.group), c) for c in by_municipality],
            lambda g, **a: link(gemeente=g, **a),
            total,
            norm,
        ),
        month_chart=_chart(
            "line",
            [month_label(m) for m in months],
            [by_month.get(m) or Compliance(m) for m in months],
            norm,
        ),
        prison_chart=_chart(
            "bar", [names.get(c.group, c.group) for c in by_prison], by_prison, norm
        ),
        municipality_chart=_chart(
            "bar", [names.get(c.group, c.group) for c in by_municipality], by_municipality, norm
        ),
        total=total,
        norm=norm,
    )


def totals(page: DeadlinePage) -> list[tuple[DeadlineKind, Cell]]:
    """Per kind of deadline its definition and the share met over the period, against the norm."""
    return [
        (KINDS[k], share(page.total.share(k), page.total.total(k), page.norm))
        for k in DEADLINE_KINDS
    ]


def _cells(found: Compliance, norm: float, row_link: Linker | None, code: str) -> list[Cell]:
    cells = []
    for kind in DEADLINE_KINDS:
        met = found.met.get(kind, 0)
        missed = found.missed.get(kind, 0)
        cells += [
            number(
                met,
                row_link(code, soort="termijn", termijn=kind, uitkomst="op-tijd")
                if row_link and met  # a zero links nowhere (report.number)
                else None,
            ),
            number(
                missed,
                row_link(code, soort="termijn", termijn=kind, uitkomst="te-laat")
                if row_link and missed
                else None,
            ),
            share(found.share(kind), found.total(kind), norm),
        ]
    return cells


def _table(
    name: str,
    title: str,
    first: str,
    rows: list[tuple[str, str, Compliance]],
    row_link: Linker,
    total: Compliance,
    norm: float,
) -> Table:
    columns = [first]
    for _kind in DEADLINE_KINDS:
        columns += [_("op tijd"), _("te laat"), _("% op tijd")]
    table = Table(
        name,
        title,
        columns,
        groups=[("", 1), *((str(KINDS[k].label), 3) for k in DEADLINE_KINDS)],
        note=_(
            "%(norm)s; daaronder in rood. n: het aantal besliste termijnen waarvan het "
            "percentage is berekend; onder %(small)s staat 'kleine aantallen' en geen rood of "
            "groen, omdat een percentage dan weinig zegt.",
            norm=norm_label(norm),
            small=SMALL_N,
        ),
        empty=_("Geen termijnen in deze periode en selectie."),
    )
    for code, label, found in rows:
        table.rows.append([heading(label, code), *_cells(found, norm, row_link, code)])
    if rows:
        table.total = [heading(_("Totaal"), "total"), *_cells(total, norm, None, "")]
    return table


def _chart(kind: str, labels: list[str], rows: list[Compliance], norm: float) -> dict[str, Any]:
    return {
        "type": kind,
        "unit": "%",
        "target": round(norm * 100, 1),
        "targetLabel": norm_label(norm),
        "smallN": SMALL_N,
        "smallLabel": _("kleine aantallen"),
        "labels": labels,
        "series": [
            {
                "label": str(KINDS[k].label),
                "data": [
                    round(s * 100, 1) if (s := r.share(k)) is not None else None for r in rows
                ],
                "n": [r.total(k) for r in rows],
            }
            for k in DEADLINE_KINDS
        ],
    }
