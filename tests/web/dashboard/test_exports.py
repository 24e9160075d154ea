"""What a manager opens and reads (issue 13, item 7), over the hand-built log of test_figures.py:
the CSV for Dutch Excel read back with Python's csv module in the Dutch dialect (semicolons,
decimal comma) gives the figures the page shows; the raw variant for analysts; the Termijnen page
with its totals and the norm; no percentage without its n, and "kleine aantallen" under 5."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.web.dashboard.test_views import PERIOD, logged, rows_of  # noqa: F401 (fixture)
from web.dashboard.report import share


class DutchExcel(csv.Dialect):
    """What Excel with Dutch regional settings reads: semicolon-separated, double quotes."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


def dutch_number(cell: str) -> float:
    """A number as Dutch Excel reads it: decimal comma, no thousands sign."""
    assert "." not in cell, cell
    return float(cell.replace(",", "."))


def read_dutch(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # UTF-8 with a byte order mark
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), dialect=DutchExcel()))


def page_text(client: FlaskClient, path: str, **args: str) -> str:
    response = client.get(path, query_string={**PERIOD, **args})
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def shown_row(page: str, table_id: str, heading: str) -> list[str]:
    """The cells of one row of a table on the page, as text (tags and spaces squeezed)."""
    table = page[page.index(f'aria-labelledby="table-{table_id}"') :]
    table = table[: table.index("</table>")]
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0] == heading:
            return cells
    raise AssertionError(f"no row {heading!r} in {table_id}")


def test_the_excel_csv_reads_back_in_the_dutch_dialect_as_the_page_shows_and_raw_has_codes(
    logged: Flask,  # noqa: F811
    sign_in: Callable[[str], FlaskClient],
) -> None:
    client = sign_in("landelijk")
    rows = read_dutch(client.get("/dashboard/csv/termijnen-per-maand.csv", query_string=PERIOD))
    header = rows[0]
    assert header[:5] == [
        "Maand",
        "Melding binnenkomst binnen 2 werkdagen - op tijd",
        "Melding binnenkomst binnen 2 werkdagen - te laat",
        "Melding binnenkomst binnen 2 werkdagen - % op tijd",
        "Melding binnenkomst binnen 2 werkdagen - % op tijd - n",
    ]
    assert all(len(row) == len(header) for row in rows)  # one cell per column, no spill
    may = next(row for row in rows if row[0] == "mei 2026")  # Dutch values, not "2026-05"
    assert [dutch_number(c) for c in may[1:5]] == [1, 2, 33.3, 3]
    shown = shown_row(page_text(client, "/dashboard/termijnen"), "termijnen-per-maand", "mei 2026")
    assert shown[3].startswith("33,3%")
    assert dutch_number(shown[3].split("%")[0]) == dutch_number(may[3])
    total = rows[-1]
    assert total[0] == "Totaal"
    assert [dutch_number(c) for c in total[1:5]] == [1, 2, 33.3, 3]

    steps = read_dutch(client.get("/dashboard/csv/knelpunten-per-stap.csv", query_string=PERIOD))
    entry = next(row for row in steps if row[0] == "entry_notification")  # the test model
    assert entry[1] == "Penitentiaire inrichting"  # the party's name, not "prison"
    assert steps[0][6:8] == ["In de periode - % te laat", "In de periode - % te laat - n"]
    assert dutch_number(entry[6]) == 50.0 and entry[7] == "2"  # % late of 2 completed
    wait = steps[0].index("Wachttijd - mediaan (uren)")
    assert dutch_number(entry[wait]) == 1.0  # claimed an hour after it became ready
    page = page_text(client, "/dashboard/")
    shown_step = shown_row(page, "knelpunten-per-stap", "entry_notification")
    assert shown_step[6] == "50,0% n = 2 kleine aantallen"  # on the page n goes with the %
    assert shown_step[wait - 1] == "1,0 uur"  # no n column on the page
    monitor = read_dutch(
        client.get("/dashboard/csv/monitor-per-voorziening.csv", query_string=PERIOD)
    )
    housing = next(row for row in monitor if row[0] == "Huisvesting")
    assert dutch_number(housing[1]) == 50.0
    statuses = read_dutch(client.get("/dashboard/csv/monitor-statussen.csv", query_string=PERIOD))
    assert {row[1] for row in statuses[1:]} == {
        "bij binnenkomst",
        "bij ontslag",
        "6 maanden na ontslag",
    }

    # The raw variant for analysts: codes, commas, decimal points.
    response = client.get(
        "/dashboard/csv/termijnen-per-maand.csv", query_string={**PERIOD, "format": "raw"}
    )
    assert (
        'filename="termijnen-per-maand-2026-05-2026-07-raw.csv"'
        in response.headers["Content-Disposition"]
    )
    rows = rows_of(response)
    assert rows[0][0] == "Month"
    assert next(row for row in rows if row[0] == "2026-05")[3] == "33.3"
    assert rows[-1][0] == "total"
    drill = {**PERIOD, "soort": "termijn", "termijn": "entry", "uitkomst": "te-laat"}
    raw_cases = rows_of(client.get("/dashboard/zaken.csv", query_string={**drill, "format": "raw"}))
    excel_cases = read_dutch(client.get("/dashboard/zaken.csv", query_string=drill))
    assert raw_cases[0][:4] == ["Case", "Person", "Prison", "Municipality"]
    assert excel_cases[0][:4] == ["Zaak", "Persoon", "Inrichting", "Gemeente"]
    raw_b = next(row for row in raw_cases if row[0] == "B")
    excel_b = next(row for row in excel_cases if row[0] == "B")
    assert raw_b[2:] == ["PI-ZWL", "GM0599", "2026-05-07"]  # last day on time
    assert excel_b[2:] == ["PI Zwolle", "Gemeente Rotterdam", "07-05-2026"]


def test_totals_the_norm_and_the_n_of_every_percentage_with_a_warning_under_five(
    logged: Flask,  # noqa: F811
    sign_in: Callable[[str], FlaskClient],
) -> None:
    client = sign_in("landelijk")
    page = page_text(client, "/dashboard/termijnen")
    assert "Norm: 90% op tijd" in page
    assert '"target": 90.0' in page and '"targetLabel": "Norm: 90% op tijd"' in page
    for table in ("termijnen-per-maand", "termijnen-per-inrichting", "termijnen-per-gemeente"):
        total = shown_row(page, table, "Totaal")
        # entry: 1 met, 2 missed; screening 1/0; handover 1/0; release notice 1/1 (May, June)
        assert total[1:4] == ["1", "2", "33,3% n = 3 kleine aantallen"]
        assert total[4:7] == ["1", "0", "100,0% n = 1 kleine aantallen"]
        assert total[10:13] == ["1", "1", "50,0% n = 2 kleine aantallen"]
    zwolle = shown_row(page, "termijnen-per-inrichting", "PI Zwolle")
    assert zwolle[3] == "50,0% n = 2 kleine aantallen"
    empty_month = shown_row(page, "termijnen-per-maand", "jul 2026")
    assert empty_month[3] == "–"  # no percentage without a base, and no warning
    assert "Totaal in de periode" in page

    # Five or more: no warning, and held against the norm; the norm is a setting.
    with logged.test_request_context():
        small, enough = share(0.5, 4, 0.9), share(0.8, 5, 0.9)
        without = share(None, 0, 0.9)
    assert small.small and small.state is None  # too few to call below the norm
    assert not enough.small and enough.state == "below" and enough.n == 5
    assert without.text == "–" and not without.small
    logged.config["TERUGKEER_DEADLINE_NORM_PERCENT"] = 30
    assert "Norm: 30% op tijd" in page_text(client, "/dashboard/termijnen")

    # The monitor: the n of each share, a warning under five, no red or green on so few.
    page = page_text(client, "/dashboard/monitor")
    housing = shown_row(page, "monitor-per-voorziening", "Huisvesting")
    assert housing[1] == "50,0% n = 2 kleine aantallen"
    zwolle = shown_row(page, "monitor-per-inrichting", "PI Zwolle")
    assert all(cell.endswith("kleine aantallen") for cell in zwolle[1:-1] if "%" in cell)
    assert "share-below" not in page  # none is called below the ambition on so few


def test_in_english_the_excel_csv_has_english_labels_and_dutch_number_format(
    logged: Flask,  # noqa: F811
    sign_in: Callable[[str], FlaskClient],
) -> None:
    client = sign_in("landelijk")
    client.post("/taal", data={"language": "en", "next": "/dashboard/termijnen"})
    rows = read_dutch(client.get("/dashboard/csv/termijnen-per-maand.csv", query_string=PERIOD))
    assert rows[0][0] == "Month"
    may = next(row for row in rows if row[0] == "May 2026")
    assert dutch_number(may[3]) == 33.3
    page = page_text(client, "/dashboard/termijnen")
    assert "Norm: 90% on time" in page
    total = shown_row(page, "termijnen-per-maand", "Total")
    assert total[3] == "33.3% n = 3 small numbers"
    bottlenecks = page_text(client, "/dashboard/")
    for words in ("Colour by:", "Legend:", "To the busiest steps", "CSV for Excel"):
        assert words in bottlenecks
