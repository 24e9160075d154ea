"""Every CSV is made by web/csvexport.py: no cell can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask

from web.csvexport import csv_response, csv_text


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


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
def test_a_formula_start_is_shown_as_text(cell: str) -> None:
    [[value]] = read(csv_text([[cell]]))
    assert value == "'" + cell


@pytest.mark.parametrize("cell", ["Gemeente Amsterdam", "NZ-2026-1", "a=b", "50.0", "", "'al"])
def test_ordinary_text_is_unchanged(cell: str) -> None:
    assert read(csv_text([[cell]])) == [[cell]]


def test_numbers_stay_numbers() -> None:
    assert read(csv_text([[-3, 2.5, 0, None]])) == [["-3", "2.5", "0", ""]]


def test_a_csv_download_has_a_name_and_a_byte_order_mark() -> None:
    with Flask(__name__).test_request_context():
        response = csv_response([["Naam", "Stand"], ["=1+1", -1]], "stand.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="stand.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    assert read(text) == [["Naam", "Stand"], ["'=1+1", "-1"]]
