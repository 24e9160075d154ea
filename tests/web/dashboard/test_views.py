"""The dashboard pages over the hand-built log of test_figures.py: who may see them and what, the
CSV export of each table, and the drill-down to the cases behind a number (within access rights)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from tests.web.dashboard.eventlog import EventLog
from tests.web.dashboard.test_figures import write_log
from web.access import DashboardScope, dashboard_scope
from web.dashboard.filters import parse_regions
from web.models import User

PERIOD = {"van": "2026-05", "tot": "2026-07"}
RAW = {**PERIOD, "format": "raw"}


@pytest.fixture
def logged(web_app: Flask, clock: ManualClock) -> Flask:
    write_log(EventLog(web_app, process="sample_case"))
    clock.set(datetime(2026, 7, 1, 10, 0, tzinfo=UTC))
    return web_app


def rows_of(response, delimiter: str = ",") -> list[list[str]]:  # type: ignore[no-untyped-def]
    """A CSV download read back; the raw variant (codes) unless told the Excel delimiter."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_scopes_follow_the_managers_organisation(web_app: Flask) -> None:
    with web_app.app_context():
        scope = {
            name: dashboard_scope(User.by_username(name))
            for name in ("landelijk", "pi.lead", "ams.manager", "mmd", "ams", "beheer")
        }
        region = dashboard_scope(User.by_username("ams.manager"), {"GM0363": ("GM0599",)})
    assert scope["landelijk"] == DashboardScope(None, None) and scope["landelijk"].national
    assert scope["pi.lead"] == DashboardScope(("PI-ZWL",), None)
    assert scope["ams.manager"] == DashboardScope(None, ("GM0363",))
    assert scope["mmd"] is scope["ams"] is scope["beheer"] is None
    assert region == DashboardScope(None, ("GM0363", "GM0599"))
    assert parse_regions("GM0363:GM0362, GM0384;GM0599:") == {
        "GM0363": ("GM0362", "GM0384"),
        "GM0599": (),
    }


def test_only_managers_get_the_dashboard(
    logged: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    caseworker = sign_in("mmd")
    assert caseworker.get("/dashboard/").status_code == 403
    assert "/dashboard/" not in caseworker.get("/taken").get_data(as_text=True)
    manager = sign_in("landelijk")
    assert 'href="/dashboard/"' in manager.get("/taken").get_data(as_text=True)
    for path in ("/dashboard/", "/dashboard/termijnen", "/dashboard/monitor"):
        response = manager.get(path, query_string=PERIOD)
        assert response.status_code == 200, path
        assert "Heel Nederland" in response.get_data(as_text=True)


def test_csv_of_every_table(logged: Flask, sign_in: Callable[[str], FlaskClient]) -> None:
    client = sign_in("landelijk")
    months = rows_of(client.get("/dashboard/csv/termijnen-per-maand.csv", query_string=RAW))
    assert months[0][:5] == [  # the raw variant: English column names, codes, decimal point
        "Month",
        "Entry notification within 2 working days - on time",
        "Entry notification within 2 working days - late",
        "Entry notification within 2 working days - % on time",
        "Entry notification within 2 working days - % on time - n",
    ]
    may = next(row for row in months if row[0] == "2026-05")
    assert may[1:5] == ["1", "2", "33.3", "3"]
    steps = rows_of(client.get("/dashboard/csv/knelpunten-per-stap.csv", query_string=RAW))
    entry = next(row for row in steps if row[0] == "entry_notification")
    assert entry[1:7] == ["prison", "1", "1", "2", "1", "50.0"]
    monitor = rows_of(client.get("/dashboard/csv/monitor-per-voorziening.csv", query_string=RAW))
    housing = next(row for row in monitor if row[0] == "housing")
    assert housing[1:5] == ["50.0", "2", "1", "2"]  # at entry: half of the two measured
    split = rows_of(
        client.get(
            "/dashboard/csv/stap-entry_notification-per-organisatie.csv",
            query_string={**RAW, "stap": "entry_notification"},
        )
    )
    assert [row[0] for row in split[1:]] == ["PI-AMS", "PI-ZWL"]
    for name in ("termijnen-per-gemeente", "monitor-statussen", "knelpunten-per-partij"):
        assert len(rows_of(client.get(f"/dashboard/csv/{name}.csv", query_string=RAW))) > 1
    assert client.get("/dashboard/csv/onbekend.csv").status_code == 404


def test_a_prison_manager_sees_their_prison_only(
    logged: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    client = sign_in("pi.lead")
    page = client.get("/dashboard/termijnen", query_string=PERIOD).get_data(as_text=True)
    assert "PI Zwolle" in page and 'name="pi"' not in page  # one prison: no prison filter
    prisons = rows_of(
        client.get(
            "/dashboard/csv/termijnen-per-inrichting.csv",
            query_string={**RAW, "pi": "PI-AMS"},  # outside the scope: ignored
        )
    )
    assert [row[0] for row in prisons[1:]] == ["PI-ZWL", "total"]
    steps = rows_of(client.get("/dashboard/csv/knelpunten-per-stap.csv", query_string=RAW))
    entry = next(row for row in steps if row[0] == "entry_notification")
    assert entry[2:5] == ["0", "0", "2"]  # C (PI-AMS) is not theirs


def test_a_coordination_point_sees_its_region(
    logged: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    client = sign_in("ams.manager")
    alone = rows_of(client.get("/dashboard/csv/termijnen-per-gemeente.csv", query_string=RAW))
    assert [row[0] for row in alone[1:]] == ["GM0363", "total"]
    logged.config["TERUGKEER_REGIONS"] = "GM0363:GM0599"
    region = rows_of(client.get("/dashboard/csv/termijnen-per-gemeente.csv", query_string=RAW))
    assert [row[0] for row in region[1:]] == ["GM0363", "GM0599", "total"]


def test_drill_down_to_the_cases_behind_a_number(
    logged: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    national = sign_in("landelijk")
    missed = national.get(
        "/dashboard/zaken",
        query_string={**PERIOD, "soort": "termijn", "termijn": "entry", "uitkomst": "te-laat"},
    ).get_data(as_text=True)
    assert ">B</a>" in missed and ">C</a>" in missed and ">A</a>" not in missed
    open_now = national.get(
        "/dashboard/zaken",
        query_string={
            **PERIOD,
            "soort": "stap",
            "stap": "entry_notification",
            "toestand": "te-laat",
        },
    ).get_data(as_text=True)
    assert ">C</a>" in open_now and ">B</a>" not in open_now
    without = national.get(
        "/dashboard/zaken",
        query_string={
            **PERIOD,
            "soort": "monitor",
            "voorziening": "work_income",
            "moment": "release",
            "status": "zonder",
        },
    ).get_data(as_text=True)
    assert ">A</a>" in without and ">B</a>" in without

    prison = sign_in("pi.lead")
    theirs = prison.get(
        "/dashboard/zaken",
        query_string={**PERIOD, "soort": "termijn", "termijn": "entry", "uitkomst": "te-laat"},
    ).get_data(as_text=True)
    assert ">B</a>" in theirs and ">C</a>" not in theirs
    assert prison.get("/dashboard/zaken", query_string={"soort": "raar"}).status_code == 404
