"""Editing a form in the browser: JSON and JSON Schema (Draft 2020-12) checks, a preview from
the caseworkers' own form renderer, and deployment as new versions of the processes using it."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient

from tests.web.support import MODELS
from web.engine_access import current_engine

FORMS = MODELS / "forms"
PREVIEW = "/processen/formulieren/voorbeeld"
NOTIFY = "/processen/sample_case/versies/1/formulieren/notify.schema.json"


def schema(name: str = "notify.schema.json") -> dict:
    return json.loads((FORMS / name).read_text())


def test_the_form_page_shows_the_source_and_the_form_as_caseworkers_see_it(
    owner: FlaskClient,
) -> None:
    page = owner.get(NOTIFY).get_data(as_text=True)
    assert "Melding binnenkomst" in page
    assert "&#34;notified_on&#34;" in page or "&quot;notified_on&quot;" in page
    assert 'id="form-preview"' in page
    assert '<label class="label" for="veld-notified_on">Gemeld op' in page  # the task renderer
    assert "Meld binnenkomst aan gemeente" in page  # the tasks using the form
    assert owner.get("/processen/sample_case/versies/1/formulieren/none.json").status_code == 404


def test_the_preview_reports_json_errors_with_line_and_column(owner: FlaskClient) -> None:
    answer = owner.post(PREVIEW, json={"schema": '{\n  "type": "object",\n  "title": }'}).get_json()
    assert answer["html"] is None
    (problem,) = answer["problems"]
    assert (problem["part"], problem["line"], problem["column"]) == ("schema", 3, 12)
    assert problem["message"].startswith("Geen geldige JSON")

    bad_ui = owner.post(PREVIEW, json={"schema": "{}", "ui": "[1, 2"}).get_json()
    assert [p["part"] for p in bad_ui["problems"]] == ["ui"]
    array = owner.post(PREVIEW, json={"schema": "[]"}).get_json()
    assert "één JSON-object" in array["problems"][0]["message"]


def test_the_preview_checks_the_schema_against_draft_2020_12(owner: FlaskClient) -> None:
    broken = schema()
    broken["properties"]["notified_on"]["type"] = "datum"
    broken["required"] = "notified_on"
    answer = owner.post(PREVIEW, json={"schema": json.dumps(broken)}).get_json()
    paths = sorted(p["path"] for p in answer["problems"])
    assert paths == ["/properties/notified_on/type", "/required"]
    assert all(p["message"].startswith("Geen geldig JSON Schema") for p in answer["problems"])
    assert answer["html"] is None


def test_the_preview_renders_and_checks_a_submission(owner: FlaskClient) -> None:
    text = json.dumps(schema())
    shown = owner.post(PREVIEW, json={"schema": text, "ui": None}).get_json()
    assert shown["problems"] == []
    assert "Gemeld op" in shown["html"] and "Taak afronden" in shown["html"]
    empty = owner.post(PREVIEW, json={"schema": text, "values": ""}).get_json()
    assert "Dit veld is verplicht." in empty["html"]
    filled = owner.post(PREVIEW, json={"schema": text, "values": "notified_on=2026-05-05"})
    assert "Deze invoer is geldig" in filled.get_json()["html"]
    ui = json.dumps({"ui:submitButtonOptions": {"submitText": "Melding versturen"}})
    labelled = owner.post(PREVIEW, json={"schema": text, "ui": ui}).get_json()
    assert "Melding versturen" in labelled["html"]


def test_deploying_a_form_makes_new_versions_of_the_processes_that_use_it(
    web_app: Flask, owner: FlaskClient
) -> None:
    changed = schema("screen_housing.schema.json")
    changed["title"] = "Screening huisvesting (nieuw)"
    path = "/processen/sample_case/versies/1/formulieren/screen_housing.schema.json"
    response = owner.post(path, data={"schema": json.dumps(changed, indent=2)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/processen/sample_case"
    page = owner.get("/processen/sample_case").get_data(as_text=True)
    assert "Voorbeeldzaak: versie 2 is uitgerold." in page
    assert "Screening: versie 2 is uitgerold." in page
    with web_app.app_context():
        engine = current_engine()
        for process_id in ("sample_case", "sample_screening"):
            latest = engine.versions(process_id)[-1]
            assert latest.version == 2
            forms = engine.version_forms(latest.id)
            assert forms["screen_housing.schema.json"]["schema"]["title"].endswith("(nieuw)")


def test_a_form_used_by_one_process_only_versions_that_process(
    web_app: Flask, owner: FlaskClient
) -> None:
    changed = schema()
    changed["properties"]["notified_on"]["title"] = "Datum melding"
    owner.post(NOTIFY, data={"schema": json.dumps(changed)})
    with web_app.app_context():
        engine = current_engine()
        assert [v.version for v in engine.versions("sample_case")] == [1, 2]
        assert [v.version for v in engine.versions("sample_screening")] == [1]


def test_a_broken_form_is_not_deployed_and_the_text_is_kept(
    web_app: Flask, owner: FlaskClient
) -> None:
    text = '{"type": "object", "required": 5}'
    response = owner.post(NOTIFY, data={"schema": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Niet uitgerold: het formulier klopt niet" in page
    assert "<code>/required</code>" in page
    assert "&#34;required&#34;: 5" in page or "&quot;required&quot;: 5" in page
    with web_app.app_context():
        assert [v.version for v in current_engine().versions("sample_case")] == [1]


def test_pasting_the_old_form_back_deploys_it_again_and_says_so(
    web_app: Flask, owner: FlaskClient
) -> None:
    """The way back from a form edit: the old form pasted again is a new version with the old
    content (before, the answer was "Geen wijziging" and the edited version stayed the newest)."""
    original = (FORMS / "screen_housing.schema.json").read_text()
    changed = schema("screen_housing.schema.json")
    changed["title"] = "Screening huisvesting (nieuw)"
    assert (
        owner.post(
            "/processen/sample_case/versies/1/formulieren/screen_housing.schema.json",
            data={"schema": json.dumps(changed, indent=2)},
        ).status_code
        == 303
    )

    response = owner.post(
        "/processen/sample_case/versies/2/formulieren/screen_housing.schema.json",
        data={"schema": original},
    )

    assert response.status_code == 303
    page = owner.get("/processen/sample_case").get_data(as_text=True)
    assert "Voorbeeldzaak: versie 3 is uitgerold, met dezelfde inhoud als versie 1." in page
    with web_app.app_context():
        first, second, third = current_engine().versions("sample_case")
    assert third.content_hash == first.content_hash != second.content_hash


def test_a_form_saved_in_the_editor_keeps_its_english(web_app: Flask, owner: FlaskClient) -> None:
    changed = schema()
    changed["x-title-en"] = "Notify the municipality"
    changed["properties"]["notified_on"]["x-title-en"] = "Notified on"
    text = json.dumps(changed, indent=2, ensure_ascii=False)
    assert owner.post(NOTIFY, data={"schema": text}).status_code == 303
    with web_app.app_context():
        engine = current_engine()
        latest = engine.versions("sample_case")[-1]
        stored = dict(engine.version_files(latest.id))["notify.schema.json"]
        assert stored.decode("utf-8") == text  # as written, the English keys included
        english = engine.version_forms(latest.id, "en")["notify.schema.json"]["schema"]
        assert english["title"] == "Notify the municipality"
        assert english["properties"]["notified_on"]["title"] == "Notified on"
    page = owner.get(NOTIFY.replace("/1/", "/2/")).get_data(as_text=True)
    assert "x-title-en" in page and "Notified on" in page  # the editor shows them again
