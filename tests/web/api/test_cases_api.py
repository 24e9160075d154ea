"""The cases endpoints: list, register a detention, a case with its provisions and deadlines,
its events; access as on the pages (404 for another municipality's case); SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.web.api.conftest import ApiClient, assert_problem
from tests.web.support import start_case, to_screening
from web.api import cases as api_cases
from web.cases.tables import case_views
from web.extensions import db

Api = Callable[[str], ApiClient]

ENTRY: dict[str, Any] = {
    "name": "Karel Appel",
    "birth_date": "1985-03-12",
    "bsn": "1112 22.333",
    "entry_date": "2026-05-01",
    "expected_release_date": "2026-09-30",
    "municipality_code": "GM0363",
    "probation_office_code": "RN-OOST",
    "has_minor_children": False,
    "remarks": "Spreekt Nederlands en Engels.",
}


def test_list_of_my_organisations_cases(web_app: Flask, api: Api) -> None:
    start_case(web_app, "NZ-A", name="Anna de Wit")
    start_case(web_app, "NZ-B", name="Bert Zwart", municipality_code="GM0599")

    mine = api("ams").get("/api/v1/cases")

    assert mine.status_code == 200
    body = mine.get_json()
    assert [c["case_number"] for c in body["items"]] == ["NZ-A"]
    assert body["items"][0]["person_name"] == "Anna de Wit"
    assert "bsn" not in body["items"][0]  # not in lists
    assert (body["page"], body["per_page"], body["has_next"]) == (1, 25, False)
    prison = api("mmd").get("/api/v1/cases").get_json()["items"]
    assert {c["case_number"] for c in prison} == {"NZ-A", "NZ-B"}
    national = api("landelijk").get("/api/v1/cases").get_json()["items"]
    assert {c["case_number"] for c in national} == {"NZ-A", "NZ-B"}


def test_list_pages_and_filters(web_app: Flask, api: Api) -> None:
    for number, name in enumerate(("Anna de Wit", "Bert Zwart", "Cor Rood")):
        start_case(web_app, f"NZ-{number}", name=name)
    client = api("ams")

    first = client.get("/api/v1/cases?per_page=2").get_json()
    second = client.get("/api/v1/cases?per_page=2&page=2").get_json()

    assert len(first["items"]) == 2 and first["has_next"] is True
    assert len(second["items"]) == 1 and second["has_next"] is False
    found = client.get("/api/v1/cases?person=zwart").get_json()["items"]
    assert [c["person_name"] for c in found] == ["Bert Zwart"]
    assert client.get("/api/v1/cases?status=completed").get_json()["items"] == []
    errors = assert_problem(client.get("/api/v1/cases?per_page=0&status=open"), 422)["errors"]
    assert set(errors) == {"per_page", "status"}


def test_listing_cases_needs_a_case_role(api: Api) -> None:
    assert_problem(api("ams.admin").get("/api/v1/cases"), 403)


def test_another_municipality_gets_404_for_the_case(web_app: Flask, api: Api) -> None:
    start_case(web_app)  # held by PI-ZWL and GM0363
    other = api("rdam")

    refused = [
        other.get("/api/v1/cases/NZ-TEST-1"),
        other.get("/api/v1/cases/NZ-TEST-1/events"),
        other.post("/api/v1/cases/NZ-TEST-1/messages", json={"name": "x"}),
    ]
    unknown = other.get("/api/v1/cases/NZ-DOES-NOT-EXIST")

    for response in refused + [unknown]:
        assert_problem(response, 404)
    assert {r.get_json()["detail"] for r in refused} == {unknown.get_json()["detail"]}
    assert all(r.get_json()["instance"] != "" for r in refused)
    assert other.get("/api/v1/cases").get_json()["items"] == []
    with web_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(case_views)) == 0


def test_register_a_detention(web_app: Flask, api: Api) -> None:
    client = api("mmd")

    response = client.post("/api/v1/cases", json=ENTRY)

    assert response.status_code == 201, response.get_data(as_text=True)
    case = response.get_json()
    key = case["case_number"]
    assert key.startswith("NZ-2026-") and response.headers["Location"] == f"/api/v1/cases/{key}"
    assert case["prison_code"] == "PI-ZWL" and case["municipality_code"] == "GM0363"
    assert case["person_name"] == "Karel Appel" and case["status"] == "running"
    detail = client.get(response.headers["Location"]).get_json()
    assert detail["bsn"] == "111222333"  # spaces and dots taken out, as on the page
    assert detail["has_minor_children"] is False
    assert detail["expected_release_date"] == "2026-09-30"
    assert [t["step"] for t in detail["tasks"]] == ["register"]
    assert key in {c["case_number"] for c in api("ams").get("/api/v1/cases").get_json()["items"]}


@pytest.mark.parametrize("username", ["reclassering", "ams", "pi.lead", "landelijk"])
def test_only_a_prison_caseworker_registers_a_detention(api: Api, username: str) -> None:
    assert_problem(api(username).post("/api/v1/cases", json=ENTRY), 403)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"bsn": "111222334"}, "bsn", "eleven test"),
        ({"bsn": "12345"}, "bsn", "eleven test"),
        ({"entry_date": "2026-05-05"}, "entry_date", "future"),
        ({"birth_date": "2010-01-01"}, "birth_date", "younger than 18"),
        ({"expected_release_date": "2026-04-30"}, "expected_release_date", "before"),
        ({"municipality_code": "GM9999"}, "municipality_code", "Not a known municipality"),
        ({"probation_office_code": "GM0363"}, "probation_office_code", "probation"),
        ({"name": "   "}, "name", "Enter the name"),
        ({"name": "Jan\u0000"}, "name", "cannot be stored"),
        ({"has_minor_children": "misschien"}, "has_minor_children", "true or false"),
        ({"shoe_size": 44}, "shoe_size", "Unknown field"),
    ],
)
def test_register_refuses_invalid_input(
    api: Api, change: dict[str, Any], field: str, message: str
) -> None:
    body = assert_problem(api("mmd").post("/api/v1/cases", json={**ENTRY, **change}), 422)
    assert message in " ".join(body["errors"][field])
    assert body["code"] == "invalid_input"


def test_register_reports_every_missing_field_at_once(api: Api) -> None:
    body = assert_problem(api("mmd").post("/api/v1/cases", json={}), 422)
    assert set(body["errors"]) == {
        "name",
        "birth_date",
        "bsn",
        "entry_date",
        "municipality_code",
        "has_minor_children",
    }


def test_register_in_dutch_when_asked(api: Api) -> None:
    response = api("mmd").post(
        "/api/v1/cases", json={**ENTRY, "bsn": "111222334"}, headers={"Accept-Language": "nl"}
    )
    body = assert_problem(response, 422)
    assert body["title"] == "Gegevens niet verwerkbaar"
    assert body["errors"]["bsn"] == ["Dit is geen geldig BSN: negen cijfers die de elfproef halen."]


def test_the_api_answers_in_dutch_unless_asked_for_english(api: Api) -> None:
    client = api("mmd")
    dutch = client.post("/api/v1/cases", json={}, headers={"Accept-Language": ""})
    english = client.post("/api/v1/cases", json={}, headers={"Accept-Language": "en-GB,en"})

    assert assert_problem(dutch, 422)["errors"]["name"] == ["Dit veld is verplicht."]
    assert assert_problem(english, 422)["errors"]["name"] == ["This field is required."]
    assert dutch.get_json()["title"] == "Gegevens niet verwerkbaar"
    assert english.get_json()["title"] == "Unprocessable content"


def test_register_needs_a_json_object(api: Api) -> None:
    client = api("mmd")
    assert_problem(client.post("/api/v1/cases", data="name=Jan"), 415)
    assert_problem(
        client.post("/api/v1/cases", data="{", headers={"Content-Type": "application/json"}), 400
    )
    assert assert_problem(client.post("/api/v1/cases", json=[1, 2]), 422)["errors"]["_schema"]


def test_case_detail_with_board_deadlines_and_tasks(web_app: Flask, api: Api) -> None:
    to_screening(web_app, monitor_entry={"housing": "not_arranged"})

    case = api("ams").get("/api/v1/cases/NZ-TEST-1").get_json()

    assert case["case_number"] == "NZ-TEST-1" and case["person_name"] == "Jan Jansen"
    assert case["bsn"] == "111222333" and case["stay_class"] == "short"
    board = {row["provision"]: row for row in case["provisions"]}
    assert list(board) == ["identity_document", "housing", "work_income", "debts", "care"]
    assert board["housing"]["statuses"]["entry"] == "not_arranged"
    assert set(board["housing"]["statuses"]) == {"entry", "now", "release", "6m"}
    assert board["care"]["shielded"] is True and board["housing"]["shielded"] is False
    deadlines = {d["name"]: d for d in case["deadlines"]}
    assert deadlines["Screen huisvesting"]["state"] == "ok"
    assert deadlines["Screen huisvesting"]["last_day"] == "2026-05-20"
    assert deadlines["Screen huisvesting"]["organisation"] == "GM0363"
    assert [t["step"] for t in case["tasks"] if t["status"] == "ready"] == ["screen_housing"]
    assert case["data"]["stay_days"] == 40  # entered in the register form
    assert case["hidden_categories"] == ["care", "debts"]
    assert case["pseudonymised"] is False


def test_special_data_only_for_the_roles_that_need_it_and_with_consent(
    web_app: Flask, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    titles = {"care_needs": {"title": "Zorgbehoefte"}, "debts_amount": {"title": "Schulden"}}
    forms = {"extra": {"schema": {"properties": titles}, "ui": None}}
    monkeypatch.setattr(api_cases, "version_forms", lambda _version_id: forms)
    details = {"care_needs": "Ambulante GGZ-behandeling", "debts_amount": 12500}
    start_case(web_app, "NZ-ZONDER", **details)
    start_case(web_app, "NZ-MET", care_consent_given="yes", debts_wants_assistance="yes", **details)
    coordinator, manager = api("ams"), api("ams.manager")

    without = coordinator.get("/api/v1/cases/NZ-ZONDER").get_json()
    with_consent = coordinator.get("/api/v1/cases/NZ-MET").get_json()
    managed = manager.get("/api/v1/cases/NZ-MET").get_json()

    assert "care_needs" not in without["data"] and without["hidden_categories"] == ["care", "debts"]
    assert with_consent["data"] == details and with_consent["hidden_categories"] == []
    assert managed["data"] == {} and managed["bsn"] is None
    assert managed["hidden_categories"] == ["identity", "care", "debts", "criminal"]
    assert managed["pseudonymised"] and managed["person_name"] is None
    assert managed["birth_date"] is None
    with web_app.app_context():
        rows = db.session.execute(
            sa.select(case_views).where(case_views.c.business_key == "NZ-MET")
        ).all()
    assert [(r.username, r.channel, r.categories) for r in rows] == [
        ("ams", "api", "care,criminal,debts,identity"),
        ("ams.manager", "api", ""),
    ]


def test_case_events_are_the_timeline(web_app: Flask, api: Api) -> None:
    to_screening(web_app)

    events = api("ams").get("/api/v1/cases/NZ-TEST-1/events").get_json()["items"]

    kinds = [e["kind"] for e in events]
    assert "instance_started" in kinds and kinds.count("task_completed") == 2
    started = next(e for e in events if e["kind"] == "instance_started")
    assert (started["actor"], started["actor_name"]) == ("mmd", "Mira de Boer")
    completed = [e for e in events if e["kind"] == "task_completed"]
    assert {e["subject"] for e in completed} == {
        "Registreer binnenkomst",
        "Meld binnenkomst aan gemeente",
    }
    assert all(e["task_id"] and e["step"] for e in completed)
    assert events == sorted(events, key=lambda e: e["at"], reverse=True)


def test_a_body_over_one_mebibyte_is_refused(api: Api) -> None:
    body = {**ENTRY, "remarks": "x" * (1024 * 1024)}
    assert_problem(api("mmd").post("/api/v1/cases", json=body), 413)


def test_unknown_api_paths_and_methods_are_problems_too(api: Api) -> None:
    client = api("mmd")
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert_problem(client.client.delete("/api/v1/cases"), 405)
