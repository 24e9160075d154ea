"""The inbox and the task page: mine and unassigned, due flags in working days, filters,
pagination, claim, unclaim and complete with errors kept at the fields."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from tests.web.support import start_case, task_ids, to_screening
from web.engine_access import current_engine
from web.inbox import views as inbox_views

Client = Callable[[str], FlaskClient]


def test_unassigned_tasks_of_my_organisation(web_app: Flask, sign_in: Client) -> None:
    start_case(web_app)
    page = sign_in("mmd").get("/taken").get_data(as_text=True)
    assert "Registreer binnenkomst" in page and "Jan Jansen" in page
    assert 'aria-current="page">Niet toegewezen <span class="count">1</span>' in page
    assert "Geen termijn" in page
    assert "Registreer binnenkomst" not in sign_in("ams").get("/taken").get_data(as_text=True)


def test_claim_then_it_is_mine_then_unclaim(web_app: Flask, sign_in: Client) -> None:
    start_case(web_app)
    client = sign_in("mmd")
    task_id = task_ids(client.get("/taken").get_data(as_text=True))[0]

    response = client.post(f"/taken/{task_id}/oppakken")
    assert response.status_code == 303 and response.headers["Location"] == f"/taken/{task_id}"
    assert "Opgepakt door u" in client.get(f"/taken/{task_id}").get_data(as_text=True)
    assert task_ids(client.get("/taken?weergave=mijn").get_data(as_text=True)) == [task_id]
    assert task_ids(client.get("/taken?weergave=vrij").get_data(as_text=True)) == []

    again = sign_in("mmd").post(f"/taken/{task_id}/oppakken")  # a second browser, same user
    assert again.status_code == 303 and again.headers["Location"] == "/taken"

    assert client.post(f"/taken/{task_id}/vrijgeven").status_code == 303
    assert "Niet toegewezen" in client.get(f"/taken/{task_id}").get_data(as_text=True)


def test_a_form_error_keeps_what_was_typed_and_changes_nothing(
    web_app: Flask, sign_in: Client
) -> None:
    instance = start_case(web_app)
    client = sign_in("mmd")
    task_id = task_ids(client.get("/taken").get_data(as_text=True))[0]

    response = client.post(
        f"/taken/{task_id}/afronden", data={"entry_date": "2026-05-04", "stay_days": "veertig"}
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="veertig"' in page and 'value="2026-05-04"' in page
    assert "Vul een geheel getal in" in page
    assert 'aria-describedby="veld-stay_days-error" aria-invalid="true"' in page
    assert '<a href="#veld-stay_days">' in page  # the error summary links to the field
    missing = client.post(f"/taken/{task_id}/afronden", data={"stay_days": "-3"})
    page = missing.get_data(as_text=True)
    assert "Dit veld is verplicht." in page and "Deze waarde is te laag: ten minste 0." in page
    with web_app.app_context():
        assert [t.id for t in current_engine().tasks(instance_id=instance.id)] == [task_id]


def test_complete_runs_on_to_the_next_task(web_app: Flask, sign_in: Client) -> None:
    instance = start_case(web_app)
    client = sign_in("mmd")
    task_id = task_ids(client.get("/taken").get_data(as_text=True))[0]

    response = client.post(
        f"/taken/{task_id}/afronden", data={"entry_date": "2026-05-04", "stay_days": "40"}
    )

    assert response.status_code == 303 and response.headers["Location"] == "/taken"
    page = client.get("/taken").get_data(as_text=True)
    assert "De taak ‘Registreer binnenkomst’ is afgerond." in page
    assert "Meld binnenkomst aan gemeente" in page
    with web_app.app_context():
        done = current_engine().tasks(instance_id=instance.id, status="completed")
        assert done[0].completed_by == "mmd"


def test_due_soon_and_overdue_in_working_days(
    web_app: Flask, sign_in: Client, clock: ManualClock
) -> None:
    to_screening(web_app)
    client = sign_in("ams")
    # Due 10 working days after Monday 4 May 2026: 5 May and Ascension Day (14 May) are off.
    page = client.get("/taken").get_data(as_text=True)
    assert "Screen huisvesting" in page
    assert '<span class="badge badge-ok">Nog 10 werkdagen</span>' in page
    assert 'datetime="2026-05-20"' in page

    clock.set(datetime(2026, 5, 19, 8, 0, tzinfo=UTC))
    page = client.get("/taken").get_data(as_text=True)
    assert '<span class="badge badge-soon">Nog 1 werkdag</span>' in page

    clock.set(datetime(2026, 5, 20, 8, 0, tzinfo=UTC))
    assert '<span class="badge badge-soon">Vandaag</span>' in client.get("/taken").get_data(
        as_text=True
    )

    clock.set(datetime(2026, 5, 26, 8, 0, tzinfo=UTC))  # Whit Monday 25 May is off too
    page = client.get("/taken").get_data(as_text=True)
    assert '<span class="badge badge-overdue">3 werkdagen te laat</span>' in page
    # How deadlines count, in the domain's words, not the library that knows the holidays.
    assert "Termijnen tellen in werkdagen: zonder weekenden en feestdagen." in page
    assert "holidays" not in page


def test_filters_by_step_provision_and_person(web_app: Flask, sign_in: Client) -> None:
    to_screening(web_app, "NZ-A", name="Anna de Wit")
    to_screening(web_app, "NZ-B", name="Bert Zwart")
    client = sign_in("ams")

    def names(query: str) -> set[str]:
        page = client.get("/taken?weergave=vrij&" + query).get_data(as_text=True)
        return {n for n in ("Anna de Wit", "Bert Zwart") if n in page}

    assert names("") == {"Anna de Wit", "Bert Zwart"}
    assert names("persoon=zwart") == {"Bert Zwart"}
    assert names("persoon=NZ-A") == {"Anna de Wit"}
    assert names("voorziening=housing") == {"Anna de Wit", "Bert Zwart"}
    assert names("voorziening=debts") == set()
    assert names("stap=screen_housing") == {"Anna de Wit", "Bert Zwart"}
    assert names("stap=register") == set()


def test_the_tab_counts_follow_the_filters(web_app: Flask, sign_in: Client) -> None:
    to_screening(web_app, "NZ-A", name="Anna de Wit")
    to_screening(web_app, "NZ-B", name="Bert Zwart")
    client = sign_in("ams")
    first = task_ids(client.get("/taken?weergave=vrij").get_data(as_text=True))[0]
    assert client.post(f"/taken/{first}/oppakken").status_code == 303

    def counts(query: str) -> tuple[int, int]:
        page = client.get("/taken?weergave=vrij&" + query).get_data(as_text=True)
        mine, free = re.findall(r'<span class="count">(\d+)</span>', page)
        return int(mine), int(free)

    assert counts("") == (1, 1)
    assert counts("stap=screen_housing") == (1, 1)
    assert counts("voorziening=housing") == (1, 1)
    assert counts("voorziening=debts") == (0, 0)
    assert counts("stap=register") == (0, 0)
    assert sum(counts("persoon=zwart")) == 1
    assert counts("persoon=nobody") == (0, 0)


def test_pagination(web_app: Flask, sign_in: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox_views, "PAGE_SIZE", 2)
    for number in range(5):
        start_case(web_app, f"NZ-{number}", name=f"Persoon {number}")
    client = sign_in("mmd")
    first = client.get("/taken?weergave=vrij").get_data(as_text=True)
    assert len(task_ids(first)) == 2 and 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get("/taken?weergave=vrij&pagina=3").get_data(as_text=True)
    assert len(task_ids(last)) == 1 and 'rel="prev"' in last and 'rel="next"' not in last


def test_other_organisations_cannot_see_or_work_a_task(web_app: Flask, sign_in: Client) -> None:
    to_screening(web_app)
    task_id = task_ids(sign_in("ams").get("/taken").get_data(as_text=True))[0]
    rotterdam = sign_in("rdam")
    assert rotterdam.get(f"/taken/{task_id}").status_code == 404
    assert rotterdam.post(f"/taken/{task_id}/oppakken").status_code == 404
    assert (
        rotterdam.post(f"/taken/{task_id}/afronden", data={"has_housing": "true"}).status_code
        == 404
    )

    prison = sign_in("mmd")  # a party to the case, but the task is the municipality's
    page = prison.get(f"/taken/{task_id}").get_data(as_text=True)
    assert "U kunt hem bekijken maar niet afronden" in page
    assert prison.post(f"/taken/{task_id}/oppakken").status_code == 403
    assert (
        prison.post(f"/taken/{task_id}/afronden", data={"has_housing": "true"}).status_code == 403
    )


def test_a_task_claimed_by_a_colleague_cannot_be_completed(web_app: Flask, sign_in: Client) -> None:
    to_screening(web_app)
    colleague = sign_in("ams2")
    task_id = task_ids(colleague.get("/taken").get_data(as_text=True))[0]
    colleague.post(f"/taken/{task_id}/oppakken")

    me = sign_in("ams")
    assert "Bas Kok werkt aan deze taak" in me.get(f"/taken/{task_id}").get_data(as_text=True)
    response = me.post(f"/taken/{task_id}/afronden", data={"has_housing": "true"})
    assert response.status_code == 303
    assert "intussen door iemand anders" in me.get(f"/taken/{task_id}").get_data(as_text=True)


def test_a_task_completed_by_a_colleague_meanwhile_cannot_be_claimed(
    web_app: Flask, sign_in: Client
) -> None:
    """Seen in the load test (bench/load.py): the claim came back 403 instead of saying why."""
    to_screening(web_app)
    me = sign_in("ams")
    task_id = task_ids(me.get("/taken").get_data(as_text=True))[0]
    assert "Oppakken" in me.get(f"/taken/{task_id}").get_data(as_text=True)
    colleague = sign_in("ams2")
    colleague.post(f"/taken/{task_id}/oppakken")
    assert (
        colleague.post(f"/taken/{task_id}/afronden", data={"has_housing": "true"}).status_code
        == 303
    )

    response = me.post(f"/taken/{task_id}/oppakken")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/taken")
    assert "intussen door iemand anders" in me.get("/taken").get_data(as_text=True)


def test_boolean_fields_are_yes_no_radios(web_app: Flask, sign_in: Client) -> None:
    to_screening(web_app)
    client = sign_in("ams")
    task_id = task_ids(client.get("/taken").get_data(as_text=True))[0]
    page = client.get(f"/taken/{task_id}").get_data(as_text=True)
    assert '<legend class="label">Heeft huisvesting na ontslag' in page
    assert 'type="radio" id="veld-has_housing-1" name="has_housing" value="true"' in page
    response = client.post(f"/taken/{task_id}/afronden", data={"has_housing": "true"})
    assert response.status_code == 303


def test_the_inbox_in_english(web_app: Flask, sign_in: Client) -> None:
    to_screening(web_app)
    client = sign_in("ams")
    client.post("/taal", data={"language": "en", "next": "/taken"})
    page = client.get("/taken").get_data(as_text=True)
    assert "My work" in page and "Unassigned" in page and "10 working days left" in page
    assert "Housing" in page  # the provision tag, a lazy label from web.cases.fields


def test_signed_in_users_start_in_their_inbox(sign_in: Client) -> None:
    response = sign_in("ams").get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/taken"
