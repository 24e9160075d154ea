"""The dashboard's tables: one structure for the page (an accessible HTML table with links to the
cases behind each number) and for the CSV export of the same table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _


@dataclass(frozen=True)
class Cell:
    text: str
    value: Any = None  # for the CSV; None: the text
    link: str | None = None
    numeric: bool = False
    state: str | None = None  # "below" the target, "above" it (a class for colour and a word)

    @property
    def raw(self) -> Any:
        return self.text if self.value is None else self.value


@dataclass
class Table:
    name: str  # the CSV's file name
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    groups: list[tuple[str, int]] = field(default_factory=list)  # headers over columns
    note: str | None = None
    empty: str | None = None

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


def number(value: int | float | None, link: str | None = None) -> Cell:
    if value is None:
        return Cell("–", "", None, True)
    return Cell(format_decimal(value), value, link if value else None, True)


def share(value: float | None, target: float | None = None) -> Cell:
    """A share as a percentage with one decimal; marked against a target if one is given."""
    if value is None:
        return Cell("–", "", None, True)
    percent = round(value * 100, 1)
    state = None
    if target is not None:
        state = "above" if value >= target else "below"
    return Cell(f"{format_decimal(percent, format='#,##0.0')}%", percent, None, True, state)


def hours(value: float | None) -> Cell:
    """A duration in hours, shown in minutes, hours or days."""
    if value is None:
        return Cell("–", "", None, True)
    return Cell(duration_text(value), round(value, 2), None, True)


def duration_text(value: float) -> str:
    if value < 1:
        return _("%(n)s min", n=format_decimal(round(value * 60)))
    if value < 48:
        return _("%(n)s uur", n=format_decimal(round(value, 1), format="#,##0.0"))
    return _("%(n)s dagen", n=format_decimal(round(value / 24, 1), format="#,##0.0"))


Linker = Callable[..., str | None]
