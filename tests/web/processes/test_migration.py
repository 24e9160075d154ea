"""Migrating running cases: they stay on their version until a process owner moves them; a dry
run says which can move and why not; the real run moves those that can, one audit event each."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from engine import InstanceInfo
from engine.deployment import SourceFile
from tests.web.api.conftest import make_token
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import MODELS, SAMPLE_FILES, start_case
from web.engine_access import current_engine

PAGE = "/processen/sample_case/migratie"


def second_version(app: Flask) -> tuple[InstanceInfo, InstanceInfo]:
    """Case A waits at the registration, case B at the notification with its deadline timer
    waiting; then version 2 renames the timer's id, so B's waiting step does not exist there,
    while A has not reached it yet."""
    waiting = start_case(app, "NZ-A")
    moved_on = start_case(app, "NZ-B")
    renamed = (MODELS / "sample.bpmn").read_text().replace("notify_late", "notify_overdue")
    with app.app_context():
        engine = current_engine()
        register = engine.tasks(instance_id=moved_on.id)[0]
        engine.complete(register.id, {"entry_date": "2026-05-04", "stay_days": 40}, "mmd")
        files = [SourceFile("sample.bpmn", renamed.encode()), SAMPLE_FILES[1]]
        engine.deploy(files, user=OWNER)
    return waiting, moved_on


def version_of(app: Flask, instance: InstanceInfo) -> int:
    with app.app_context():
        engine = current_engine()
        version_id = engine.instance(instance.id).version_id
        return next(v.version for v in engine.versions("sample_case") if v.id == version_id)


def test_the_page_lists_the_open_cases_of_an_older_version(
    web_app: Flask, owner: FlaskClient
) -> None:
    second_version(web_app)
    page = owner.get(PAGE).get_data(as_text=True)
    assert '<option value="1" selected>versie 1 (2 lopende zaken)</option>' in page
    assert "versie 2 (nieuwste)</option>" in page
    assert "NZ-A" in page and "NZ-B" in page
    assert "Registreer binnenkomst" in page and "Meld binnenkomst aan gemeente" in page
    assert "Alle 2 lopende zaken van versie 1" in page


def test_a_dry_run_says_which_cases_can_move_and_why_not_and_changes_nothing(
    web_app: Flask, owner: FlaskClient
) -> None:
    waiting, moved_on = second_version(web_app)
    response = owner.post(PAGE + "/proef", data={"van": 1, "naar": 2, "scope": "all"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Proefdraaiing" in page
    assert "1 zaak kan mee" in page and "1 zaak niet" in page
    assert (
        "De wachtende stap ‘2 werkdagen verstreken’ (notify_late) bestaat niet in de nieuwe "
        "versie." in page
    )
    assert "1 zaak migreren naar versie 2" in page
    assert f'name="case" value="{waiting.id}"' in page
    assert (version_of(web_app, waiting), version_of(web_app, moved_on)) == (1, 1)

    only_b = owner.post(
        PAGE + "/proef", data={"van": 1, "naar": 2, "scope": "selection", "case": moved_on.id}
    ).get_data(as_text=True)
    assert "NZ-B" in only_b[only_b.index("Proefdraaiing") : only_b.index("Lopende zaken op")]
    assert "NZ-A" not in only_b[only_b.index("Proefdraaiing") : only_b.index("Lopende zaken op")]
    assert "migreren naar versie" not in only_b  # nothing that can move


def test_migrating_moves_the_cases_that_can_and_records_it(
    web_app: Flask, owner: FlaskClient
) -> None:
    waiting, moved_on = second_version(web_app)
    response = owner.post(PAGE, data={"van": 1, "naar": 2, "case": [waiting.id, moved_on.id]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 zaak is verplaatst naar versie 2. 1 zaak kon niet mee." in page
    assert "Resultaat" in page
    assert (version_of(web_app, waiting), version_of(web_app, moved_on)) == (2, 1)
    open_list = page[page.index("Lopende zaken op versie 1") :]
    assert "NZ-B" in open_list and "NZ-A" not in open_list
    with web_app.app_context():
        engine = current_engine()
        (event,) = [e for e in engine.events(waiting.id) if e.kind == "instance_migrated"]
        assert event.actor == OWNER
        assert not [e for e in engine.events(moved_on.id) if e.kind == "instance_migrated"]
        # The moved case goes on in its new version.
        register = engine.tasks(instance_id=waiting.id)[0]
        engine.complete(register.id, {"entry_date": "2026-05-04", "stay_days": 40}, "mmd")
        assert engine.tasks(instance_id=waiting.id)[0].bpmn_id == "notify_municipality"


def test_the_api_runs_a_dry_run_and_a_migration(web_app: Flask) -> None:
    waiting, moved_on = second_version(web_app)
    add_process_owner(web_app)
    headers = {"Authorization": f"Bearer {make_token(web_app, OWNER)}"}
    client = web_app.test_client()
    with web_app.app_context():
        target = current_engine().versions("sample_case")[-1].id
    body = {"instance_ids": [waiting.id, moved_on.id], "to_version_id": target}
    dry = client.post("/api/v1/processes/migrations", json=body, headers=headers).get_json()
    assert dry["dry_run"] is True
    assert [(r["case_number"], r["can_move"], r["moved"]) for r in dry["results"]] == [
        ("NZ-A", True, False),
        ("NZ-B", False, False),
    ]
    assert dry["results"][1]["reasons"] == [
        "waiting step 'notify_late' does not exist in the new version"
    ]
    real = client.post(
        "/api/v1/processes/migrations", json={**body, "dry_run": False}, headers=headers
    ).get_json()
    assert [r["moved"] for r in real["results"]] == [True, False]
    assert (version_of(web_app, waiting), version_of(web_app, moved_on)) == (2, 1)
    invalid = client.post(
        "/api/v1/processes/migrations", json={"instance_ids": []}, headers=headers
    )
    assert invalid.status_code == 422
    assert invalid.mimetype == "application/problem+json"
