"""Every CSV the app hands out is made here, in one of two variants, so that no cell can run as a
spreadsheet formula.

- ``EXCEL`` (the default download): what Excel with Dutch regional settings opens as columns and
  numbers: semicolon-separated, decimal comma, UTF-8 with a byte order mark (so Excel reads the
  accents). The callers give it labels in the user's language, no codes.
- ``RAW`` (``?format=raw``), for analysts: comma-separated, decimal point, stable codes and
  English column names; also with a byte order mark.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is opened
by spreadsheet programs as a formula (formula or CSV injection); such a cell gets a leading
apostrophe, which the programs show as text. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Variant:
    name: str
    delimiter: str
    decimal: str

    @property
    def raw(self) -> bool:
        return self.name == "raw"


EXCEL = Variant("excel", ";", ",")
RAW = Variant("raw", ",", ".")


def requested_variant(args: Mapping[str, str]) -> Variant:
    """``format=raw`` in the query asks for the analysts' variant; anything else is Excel's."""
    return RAW if args.get("format") == "raw" else EXCEL


def neutralised(cell: object) -> object:
    """``cell`` as a spreadsheet shows it as text: an apostrophe before a formula start."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def written(cell: object, variant: Variant) -> object:
    """A cell as the variant writes it: numbers with its decimal sign, text neutralised."""
    if isinstance(cell, bool) or cell is None:
        return "" if cell is None else str(cell).lower()
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        text = repr(cell)
        if "e" in text or "inf" in text or "nan" in text:
            text = f"{cell:f}".rstrip("0").rstrip(".")
        return text.replace(".", variant.decimal)
    return neutralised(cell)


def csv_text(rows: Iterable[Sequence[object]], variant: Variant = RAW) -> str:
    """The rows as CSV in ``variant``, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=variant.delimiter)
    for row in rows:
        writer.writerow([written(cell, variant) for cell in row])
    return out.getvalue()


def csv_response(
    rows: Iterable[Sequence[object]], filename: str, variant: Variant = EXCEL
) -> Response:
    """A CSV download in UTF-8 with a byte order mark, in ``variant``; the raw variant's file
    name ends in ``-raw.csv`` so the two can lie side by side."""
    if variant.raw and filename.endswith(".csv"):
        filename = filename[: -len(".csv")] + "-raw.csv"
    return Response(
        "\ufeff" + csv_text(rows, variant),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
