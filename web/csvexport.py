"""Every CSV the app hands out is made here, so that no cell can run as a spreadsheet formula.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is opened
by spreadsheet programs as a formula (formula or CSV injection); such a cell gets a leading
apostrophe, which the programs show as text. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: object) -> object:
    """``cell`` as a spreadsheet shows it as text: an apostrophe before a formula start."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows as CSV (comma-separated, every cell neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralised(cell) for cell in row])
    return out.getvalue()


def csv_response(rows: Iterable[Sequence[object]], filename: str) -> Response:
    """A CSV download in UTF-8 with a byte order mark (so Excel reads the accents)."""
    return Response(
        "\ufeff" + csv_text(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
