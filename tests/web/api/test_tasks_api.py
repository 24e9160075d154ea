"""The tasks endpoints: the organisation's open tasks (mine, unassigned, due flags, filters,
pages), a task with its form, claim, unclaim and complete with 403, 404, 409 and 422 as on the
task page; SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask

from engine import ManualClock
from tests.web.api.conftest import ApiClient, assert_problem
from tests.web.support import start_case, to_screening
from web.cases.tables import case_views
from web.engine_access import current_engine
from web.extensions import db

Api = Callable[[str], ApiClient]


def first_task(client: ApiClient, query: str = "") -> dict:
    items = client.get(f"/api/v1/tasks{query}").get_json()["items"]
    assert items, "no task"
    return items[0]


def test_open_tasks_of_my_organisation(web_app: Flask, api: Api) -> None:
    start_case(web_app)

    body = api("mmd").get("/api/v1/tasks").get_json()

    assert [t["name"] for t in body["items"]] == ["Registreer binnenkomst"]
    task = body["items"][0]
    assert task["case_number"] == "NZ-TEST-1" and task["person_name"] == "Jan Jansen"
    assert (task["organisation"], task["role"], task["status"]) == ("PI-ZWL", "caseworker", "ready")
    assert task["due"] is None and task["overdue"] is False and task["due_soon"] is False
    assert body["counts"] == {
        "mine": 0,
        "unassigned": 1,
        "mine_more": False,
        "unassigned_more": False,
    }
    assert api("ams").get("/api/v1/tasks").get_json()["items"] == []


def test_mine_and_unassigned(web_app: Flask, api: Api) -> None:
    to_screening(web_app, "NZ-A", name="Anna de Wit")
    to_screening(web_app, "NZ-B", name="Bert Zwart")
    client = api("ams")
    task = first_task(client)
    assert client.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200

    mine = client.get("/api/v1/tasks?assignment=mine").get_json()
    free = client.get("/api/v1/tasks?assignment=unassigned").get_json()

    assert [t["id"] for t in mine["items"]] == [task["id"]]
    assert mine["items"][0]["claimed_by"] == "ams"
    assert len(free["items"]) == 1 and free["items"][0]["id"] != task["id"]
    assert (
        mine["counts"]
        == free["counts"]
        == {"mine": 1, "unassigned": 1, "mine_more": False, "unassigned_more": False}
    )
    assert len(client.get("/api/v1/tasks").get_json()["items"]) == 2
    assert api("ams2").get("/api/v1/tasks?assignment=mine").get_json()["items"] == []


def test_due_soon_and_overdue_in_working_days(web_app: Flask, api: Api, clock: ManualClock) -> None:
    to_screening(web_app)
    client = api("ams")
    # Due 10 working days after Monday 4 May 2026: 5 May and Ascension Day (14 May) are off.
    task = first_task(client)
    assert task["due"]["state"] == "ok" and task["due"]["working_days"] == 10
    assert (
        task["due"]["last_day"] == "2026-05-20" and task["due"]["label"] == "10 working days left"
    )

    clock.set(datetime(2026, 5, 19, 8, 0, tzinfo=UTC))
    task = first_task(client)
    assert task["due_soon"] is True and task["overdue"] is False
    assert task["due"]["working_days"] == 1

    clock.set(datetime(2026, 5, 26, 8, 0, tzinfo=UTC))  # Whit Monday 25 May is off too
    task = first_task(client)
    assert task["overdue"] is True and task["due_soon"] is False
    assert (task["due"]["state"], task["due"]["working_days"]) == ("overdue", 3)


def test_filters_and_pages(web_app: Flask, api: Api) -> None:
    to_screening(web_app, "NZ-A", name="Anna de Wit")
    to_screening(web_app, "NZ-B", name="Bert Zwart")
    client = api("ams")

    def names(query: str) -> set[str]:
        items = client.get(f"/api/v1/tasks?{query}").get_json()["items"]
        return {t["person_name"] for t in items}

    assert names("") == {"Anna de Wit", "Bert Zwart"}
    assert names("person=zwart") == {"Bert Zwart"}
    assert names("person=NZ-A") == {"Anna de Wit"}
    assert names("provision=housing") == {"Anna de Wit", "Bert Zwart"}
    assert names("provision=debts") == set()
    assert names("step=screen_housing") == {"Anna de Wit", "Bert Zwart"}
    assert names("step=register") == set()
    first = client.get("/api/v1/tasks?per_page=1").get_json()
    second = client.get("/api/v1/tasks?per_page=1&page=2").get_json()
    assert first["has_next"] is True and second["has_next"] is False
    assert first["items"][0]["id"] != second["items"][0]["id"]
    errors = assert_problem(client.get("/api/v1/tasks?assignment=all&provision=x"), 422)["errors"]
    assert set(errors) == {"assignment", "provision"}


def test_a_task_with_its_form_and_permissions(web_app: Flask, api: Api) -> None:
    to_screening(web_app)
    task_id = first_task(api("ams"))["id"]

    task = api("ams").get(f"/api/v1/tasks/{task_id}").get_json()
    seen_by_prison = api("mmd").get(f"/api/v1/tasks/{task_id}").get_json()

    assert task["form"]["schema"]["required"] == ["has_housing"]
    assert task["permissions"] == {"claim": True, "unclaim": False, "complete": True}
    assert task["provision"] == "housing" and task["step"] == "screen_housing"
    assert seen_by_prison["permissions"] == {"claim": False, "unclaim": False, "complete": False}


def test_claim_unclaim_and_complete(web_app: Flask, api: Api) -> None:
    instance = start_case(web_app)
    client = api("mmd")
    task_id = first_task(client)["id"]

    claimed = client.post(f"/api/v1/tasks/{task_id}/claim")
    again = client.post(f"/api/v1/tasks/{task_id}/claim")  # one's own claim: nothing changes
    released = client.post(f"/api/v1/tasks/{task_id}/unclaim")
    idle = client.post(f"/api/v1/tasks/{task_id}/unclaim")  # nobody holds it: nothing changes

    assert claimed.status_code == 200 and claimed.get_json()["claimed_by"] == "mmd"
    assert again.status_code == 200 and again.get_json()["claimed_by"] == "mmd"
    assert released.status_code == 200 and released.get_json()["claimed_by"] is None
    assert idle.status_code == 200 and idle.get_json()["claimed_by"] is None

    done = client.post(
        f"/api/v1/tasks/{task_id}/complete", json={"entry_date": "2026-05-04", "stay_days": 40}
    )

    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["status"] == "completed" and done.get_json()["completed_by"] == "mmd"
    assert [t["name"] for t in client.get("/api/v1/tasks").get_json()["items"]] == [
        "Meld binnenkomst aan gemeente"
    ]
    with web_app.app_context():
        assert current_engine().instance(instance.id).data["stay_days"] == 40


def test_another_municipality_gets_404_for_the_task(web_app: Flask, api: Api) -> None:
    to_screening(web_app)
    task_id = first_task(api("ams"))["id"]
    rotterdam = api("rdam")

    for response in (
        rotterdam.get(f"/api/v1/tasks/{task_id}"),
        rotterdam.post(f"/api/v1/tasks/{task_id}/claim"),
        rotterdam.post(f"/api/v1/tasks/{task_id}/unclaim"),
        rotterdam.post(f"/api/v1/tasks/{task_id}/complete", json={"has_housing": True}),
        rotterdam.get("/api/v1/tasks/00000000-0000-0000-0000-000000000000"),
    ):
        assert_problem(response, 404)


def test_a_party_to_the_case_without_the_tasks_role_gets_403(web_app: Flask, api: Api) -> None:
    to_screening(web_app)
    task_id = first_task(api("ams"))["id"]

    for username in ("mmd", "ams.manager"):  # the prison; the municipality's manager
        client = api(username)
        assert_problem(client.post(f"/api/v1/tasks/{task_id}/claim"), 403)
        assert_problem(client.post(f"/api/v1/tasks/{task_id}/unclaim"), 403)
        response = client.post(f"/api/v1/tasks/{task_id}/complete", json={"has_housing": True})
        assert_problem(response, 403)


def test_a_task_claimed_by_a_colleague_is_a_conflict(web_app: Flask, api: Api) -> None:
    to_screening(web_app)
    colleague, me = api("ams2"), api("ams")
    task_id = first_task(me)["id"]
    assert colleague.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200

    claim = me.post(f"/api/v1/tasks/{task_id}/claim")
    unclaim = me.post(f"/api/v1/tasks/{task_id}/unclaim")
    complete = me.post(f"/api/v1/tasks/{task_id}/complete", json={"has_housing": True})

    claimed = assert_problem(claim, 409)
    assert claimed["reason"] == "task_claimed"
    assert claimed["detail"] == "This task is already claimed by ams2."
    assert assert_problem(unclaim, 409)["code"] == "conflict"
    assert assert_problem(complete, 409)["detail"] == "Someone else has claimed this task."


def test_a_completed_task_is_a_conflict(web_app: Flask, api: Api) -> None:
    to_screening(web_app)
    client = api("ams")
    task_id = first_task(client)["id"]
    done = client.post(f"/api/v1/tasks/{task_id}/complete", json={"has_housing": True})
    assert done.status_code == 200

    for response in (
        client.post(f"/api/v1/tasks/{task_id}/claim"),
        client.post(f"/api/v1/tasks/{task_id}/unclaim"),
        client.post(f"/api/v1/tasks/{task_id}/complete", json={"has_housing": True}),
    ):
        problem = assert_problem(response, 409)
        assert (problem["code"], problem["reason"]) == ("conflict", "task_closed")
        assert problem["detail"] == "This task is no longer open: it was completed or cancelled."
    dutch = client.post(f"/api/v1/tasks/{task_id}/claim", headers={"Accept-Language": "nl"})
    assert assert_problem(dutch, 409)["detail"] == (
        "Deze taak is niet meer open: ze is al afgerond of vervallen."
    )
    assert client.get(f"/api/v1/tasks/{task_id}").get_json()["status"] == "completed"


def test_invalid_form_data_is_422_per_field_and_changes_nothing(web_app: Flask, api: Api) -> None:
    instance = start_case(web_app)
    client = api("mmd")
    task_id = first_task(client)["id"]

    wrong = client.post(f"/api/v1/tasks/{task_id}/complete", json={"stay_days": -3})
    foreign = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"entry_date": "2026-05-04", "stay_days": 4, "municipality_code": "GM0599"},
    )
    not_an_object = client.post(f"/api/v1/tasks/{task_id}/complete", json=["stay_days"])
    not_json = client.post(f"/api/v1/tasks/{task_id}/complete", data="stay_days=4")

    problem = assert_problem(wrong, 422)
    assert problem["code"] == "form_invalid"
    assert problem["errors"]["entry_date"] == ["This field is required."]
    assert problem["errors"]["stay_days"] == ["This value is too low: at least 0."]
    assert sorted(problem["field_errors"], key=lambda e: e["field"]) == [
        {
            "field": "entry_date",
            "label": "Datum binnenkomst",  # this test model gives no English title
            "code": "required",
            "params": {"field": "entry_date"},
            "message": "This field is required.",
        },
        {
            "field": "stay_days",
            "label": "Verwachte verblijfsduur (dagen)",
            "code": "minimum",
            "params": {"field": "stay_days", "limit": 0},
            "message": "This value is too low: at least 0.",
        },
    ]
    dutch = api("mmd").post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"stay_days": -3},
        headers={"Accept-Language": "nl"},
    )
    assert assert_problem(dutch, 422)["errors"] == {
        "entry_date": ["Dit veld is verplicht."],
        "stay_days": ["Deze waarde is te laag: ten minste 0."],
    }
    (unknown,) = assert_problem(foreign, 422)["field_errors"]
    assert (unknown["field"], unknown["code"], unknown["message"]) == (
        "municipality_code",  # the form does not ask for it
        "not_allowed",
        "This field is not part of this form.",
    )
    assert "_schema" in assert_problem(not_an_object, 422)["errors"]
    assert_problem(not_json, 415)
    with web_app.app_context():
        engine = current_engine()
        assert [t.id for t in engine.tasks(instance_id=instance.id)] == [task_id]
        assert engine.instance(instance.id).data["municipality_code"] == "GM0363"


def test_a_task_path_that_cannot_exist_is_404(api: Api) -> None:
    client = api("ams")
    for task_id in ("x" * 37, "abc%00def", "%E2%80%AE"):
        assert_problem(client.get(f"/api/v1/tasks/{task_id}"), 404)


def test_the_task_list_records_a_view_of_each_case_it_names(web_app: Flask, api: Api) -> None:
    start_case(web_app)
    start_case(web_app, "NZ-TEST-2", name="Anna de Wit")
    assert api("ams").get("/api/v1/tasks").get_json()["items"] == []  # names nobody: no record

    names = [t["person_name"] for t in api("mmd").get("/api/v1/tasks").get_json()["items"]]

    assert sorted(names) == ["Anna de Wit", "Jan Jansen"]
    with web_app.app_context():
        recorded = db.session.execute(
            sa.select(
                case_views.c.business_key,
                case_views.c.username,
                case_views.c.channel,
                case_views.c.subject,
            )
        ).all()
    assert sorted(recorded) == [
        ("NZ-TEST-1", "mmd", "api", "inbox"),
        ("NZ-TEST-2", "mmd", "api", "inbox"),
    ]
