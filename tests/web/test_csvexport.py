"""Every CSV is made by web/csvexport.py: no cell can run as a spreadsheet formula, in either
variant (Excel with Dutch regional settings: semicolons and decimal comma; raw: commas and
decimal point)."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask

from web.csvexport import EXCEL, RAW, csv_response, csv_text, requested_variant


def read(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("https://evil.example","klik")',
        "+31 6 12345678",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "=cmd|' /C calc'!A0",
    ],
)
@pytest.mark.parametrize("variant", [RAW, EXCEL])
def test_a_formula_start_is_shown_as_text(cell: str, variant) -> None:  # type: ignore[no-untyped-def]
    [[value]] = read(csv_text([[cell]], variant), variant.delimiter)
    assert value == "'" + cell


@pytest.mark.parametrize("cell", ["Gemeente Amsterdam", "NZ-2026-1", "a=b", "50.0", "", "'al"])
def test_ordinary_text_is_unchanged(cell: str) -> None:
    assert read(csv_text([[cell]])) == [[cell]]
    assert read(csv_text([[cell]], EXCEL), ";") == [[cell]]


def test_numbers_stay_numbers() -> None:
    assert read(csv_text([[-3, 2.5, 0, None]])) == [["-3", "2.5", "0", ""]]


def test_for_excel_numbers_have_a_decimal_comma_and_cells_a_semicolon() -> None:
    text = csv_text(
        [["Gemeente", "Aandeel"], ["Den Haag; Rijswijk", 33.3], ["Zwolle", -0.5]], EXCEL
    )
    assert text.splitlines()[1] == '"Den Haag; Rijswijk";33,3'
    rows = read(text, ";")
    assert rows == [["Gemeente", "Aandeel"], ["Den Haag; Rijswijk", "33,3"], ["Zwolle", "-0,5"]]
    assert float(rows[1][1].replace(",", ".")) == 33.3


def test_format_raw_asks_for_the_analysts_variant() -> None:
    assert requested_variant({"format": "raw"}) is RAW
    assert requested_variant({}) is EXCEL and requested_variant({"format": "x"}) is EXCEL


def test_a_csv_download_has_a_name_and_a_byte_order_mark() -> None:
    with Flask(__name__).test_request_context():
        response = csv_response([["Naam", "Stand"], ["=1+1", -1.5]], "stand.csv")
        raw = csv_response([["Naam", "Stand"], ["=1+1", -1.5]], "stand.csv", RAW)
    assert response.mimetype == raw.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="stand.csv"'
    assert raw.headers["Content-Disposition"] == 'attachment; filename="stand-raw.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff") and raw.get_data(as_text=True).startswith("\ufeff")
    assert read(text, ";") == [["Naam", "Stand"], ["'=1+1", "-1,5"]]
    assert read(raw.get_data(as_text=True)) == [["Naam", "Stand"], ["'=1+1", "-1.5"]]
