"""Drill-downs and their CSV through the privacy policy (web/dashboard/page_cases.py): a manager
sees the cases behind a number pseudonymised, cannot select cases by care, debts or a care task,
and every case listed is recorded as viewed; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from tests.web.dashboard.eventlog import EventLog, end_of
from tests.web.dashboard.test_figures import person
from tests.web.dashboard.test_views import PERIOD, rows_of
from web.cases.tables import case_views
from web.extensions import db

MARKER_NAME = "Zegwaard-Merkelbach"


@pytest.fixture
def logged(web_app: Flask, clock: ManualClock) -> Flask:
    log = EventLog(web_app, process="sample_case")
    data = person("PI-ZWL", "GM0363", "2026-05-04", name=MARKER_NAME, birth_date="1979-02-03")
    case = log.case("NZ-MARK", "2026-05-04 09:00", **data)
    case.command(
        "2026-05-04 09:00",
        ready={
            "entry_notification": ("PI-ZWL", end_of("2026-05-07")),
            "care_screening": ("PI-ZWL", end_of("2026-05-20")),
        },
        monitor_entry={"care": "not_arranged", "housing": "arranged"},
        care_consent_given="yes",
    )
    clock.set(datetime(2026, 7, 1, 10, 0, tzinfo=UTC))
    return web_app


LATE_ENTRY = {**PERIOD, "soort": "stap", "stap": "entry_notification", "toestand": "te-laat"}
CARE_STEP = {**PERIOD, "soort": "stap", "stap": "care_screening", "toestand": "open"}
CARE_MONITOR = {**PERIOD, "soort": "monitor", "voorziening": "care", "moment": "entry"}


@pytest.mark.parametrize("manager", ["landelijk", "pi.lead"])
def test_a_managers_drill_down_and_csv_show_no_name_and_no_hidden_class(
    logged: Flask, sign_in: Callable[[str], FlaskClient], manager: str
) -> None:
    client = sign_in(manager)
    page = client.get("/dashboard/zaken", query_string=LATE_ENTRY)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and ">NZ-MARK</a>" in html
    assert MARKER_NAME not in html and "1979" not in html and "gepseudonimiseerd" in html

    exported = rows_of(client.get("/dashboard/zaken.csv", query_string=LATE_ENTRY), ";")
    assert exported[0][:2] == ["Zaak", "Persoon"]
    assert exported[1][:4] == ["NZ-MARK", "", "PI Zwolle", "Gemeente Amsterdam"]
    assert MARKER_NAME not in str(exported)

    for hidden in (CARE_STEP, CARE_MONITOR):
        assert client.get("/dashboard/zaken", query_string=hidden).status_code == 403
        assert client.get("/dashboard/zaken.csv", query_string=hidden).status_code == 403
    monitor = client.get("/dashboard/monitor", query_string=PERIOD).get_data(as_text=True)
    assert "voorziening=care" not in monitor
    bottlenecks = client.get("/dashboard/", query_string=PERIOD).get_data(as_text=True)
    assert "stap=care_screening" not in bottlenecks and "stap=entry_notification" in bottlenecks

    with logged.app_context():
        subjects = db.session.execute(
            sa.select(case_views.c.username, case_views.c.subject).where(
                case_views.c.business_key == "NZ-MARK"
            )
        ).all()
    assert sorted(subjects) == [(manager, "drilldown"), (manager, "export")]
