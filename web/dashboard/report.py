"""The dashboard's tables: one structure for the page (an accessible HTML table with links to the
cases behind each number) and for the CSV export of the same table (web/csvexport.py): labels
and numbers for Excel, codes for the raw variant. Every percentage carries the number it is a
share of (n), shown beside it and exported as a column of its own; under SMALL_N the page warns."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from babel import numbers
from flask_babel import get_locale
from flask_babel import gettext as _

SMALL_N = 5
"""Percentages of fewer than this many are shown with a warning ("kleine aantallen")."""


@dataclass(frozen=True)
class Cell:
    text: str
    value: Any = None  # for the CSV; None: the text
    link: str | None = None
    numeric: bool = False
    state: str | None = None  # "below" the target, "above" it (a class for colour and a word)
    n: int | None = None  # a percentage's base
    unit: str | None = None  # named in the CSV's column name (the page shows it in the text)

    @property
    def raw(self) -> Any:
        """For the raw CSV: the code or number."""
        return self.text if self.value is None else self.value

    @property
    def shown(self) -> Any:
        """For the Excel CSV: the label as on the page, or the number."""
        return self.raw if self.numeric else self.text

    @property
    def small(self) -> bool:
        """A percentage of fewer than SMALL_N: shown with a warning."""
        return self.n is not None and 0 < self.n < SMALL_N


@dataclass
class Table:
    name: str  # the CSV's file name
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    groups: list[tuple[str, int]] = field(default_factory=list)  # headers over columns
    note: str | None = None
    empty: str | None = None
    total: list[Cell] | None = None  # a last row over all rows

    def csv_rows(self, raw: bool) -> list[list[Any]]:
        """Header and rows (the total last) as exported: after every percentage column its n."""
        body = [*self.rows, *([self.total] if self.total else [])]
        shares = {i for row in body for i, cell in enumerate(row) if cell.n is not None}
        units = {i: cell.unit for row in body for i, cell in enumerate(row) if cell.unit}
        header: list[Any] = []
        for index, name in enumerate(self.csv_header()):
            if index in units:
                name = f"{name} ({units[index]})"
            header += [name, f"{name} - n"] if index in shares else [name]
        found = [header]
        for row in body:
            cells: list[Any] = []
            for index, cell in enumerate(row):
                cells.append(cell.raw if raw else cell.shown)
                if index in shares:
                    cells.append(cell.n if cell.n is not None else "")
            found.append(cells)
        return found

    def csv_header(self) -> list[str]:
        """Column names, with the group's name in front where columns are grouped."""
        if not self.groups:
            return list(self.columns)
        names, index = [], 0
        for label, span in self.groups:
            for column in self.columns[index : index + span]:
                names.append(f"{label} - {column}" if label else column)
            index += span
        return names + self.columns[index:]


def heading(text: str, value: Any = None, link: str | None = None) -> Cell:
    return Cell(text, value, link)


@functools.lru_cache(maxsize=8192, typed=True)
def _formatted(value: int | float, format: str | None, locale: Any) -> str:
    return numbers.format_decimal(value, format=format, locale=locale)


def format_decimal(value: int | float, format: str | None = None) -> str:
    """``value`` as the user's language writes numbers (Flask-Babel's ``format_decimal``),
    remembered: a deadlines page at national scale shows about 1,400 numbers, mostly the same
    small counts and shares, and Babel took about a third of the page's time to format them."""
    return _formatted(value, format, get_locale())


def number(value: int | float | None, link: str | None = None) -> Cell:
    if value is None:
        return Cell("–", "", None, True)
    return Cell(format_decimal(value), value, link if value else None, True)


def share(value: float | None, n: int, target: float | None = None) -> Cell:
    """A share of ``n`` as a percentage with one decimal; marked against a target if one is
    given (not for small numbers, where a share says little)."""
    if value is None or not n:
        return Cell("–", "", None, True, n=n)
    percent = round(value * 100, 1)
    state = None
    if target is not None and n >= SMALL_N:
        state = "above" if value >= target else "below"
    return Cell(f"{format_decimal(percent, format='#,##0.0')}%", percent, None, True, state, n)


def hours(value: float | None) -> Cell:
    """A duration in hours, shown in minutes, hours or days."""
    if value is None:
        return Cell("–", "", None, True, unit=_("uren"))
    return Cell(duration_text(value), round(value, 2), None, True, unit=_("uren"))


def duration_text(value: float) -> str:
    if value < 1:
        return _("%(n)s min", n=format_decimal(round(value * 60)))
    if value < 48:
        return _("%(n)s uur", n=format_decimal(round(value, 1), format="#,##0.0"))
    return _("%(n)s dagen", n=format_decimal(round(value / 24, 1), format="#,##0.0"))


Linker = Callable[..., str | None]
