"""The "Processen" pages: processes with their versions (who, when, content hash, running
cases), a version's diagrams, files and forms, and downloads."""

from __future__ import annotations

import io
import zipfile

from flask import Flask
from flask.testing import FlaskClient

from tests.web.support import MODELS, start_case
from web.engine_access import current_engine


def test_the_overview_lists_every_process_with_its_newest_version(
    web_app: Flask, owner: FlaskClient
) -> None:
    start_case(web_app)
    page = owner.get("/processen").get_data(as_text=True)
    assert "Voorbeeldzaak" in page and "sample_case" in page
    assert "Screening" in page and "sample_screening" in page
    assert "Bestanden uploaden" in page


def test_a_process_page_lists_its_versions_with_who_when_hash_and_running_cases(
    web_app: Flask, owner: FlaskClient
) -> None:
    start_case(web_app)
    with web_app.app_context():
        (version,) = current_engine().versions("sample_case")
    page = owner.get("/processen/sample_case").get_data(as_text=True)
    assert version.content_hash[:12] in page
    assert f'title="{version.content_hash}"' in page
    assert "4 mei 2026 09:00" in page  # deployed at 07:00 UTC, shown in Amsterdam time
    assert "system" in page
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert '<td class="numeric">1</td>' in row  # one running case
    assert owner.get("/processen/no_such_process").status_code == 404


def test_a_version_page_shows_the_diagram_files_and_forms(owner: FlaskClient) -> None:
    page = owner.get("/processen/sample_case/versies/1").get_data(as_text=True)
    assert 'id="process-diagram"' in page
    assert "/processen/sample_case/versies/1/bestanden/sample.bpmn" in page
    assert "/processen/sample_case/versies/1/bewerken/sample.bpmn" in page
    assert "/processen/sample_case/versies/1/formulieren/notify.schema.json" in page
    assert "Meld binnenkomst aan gemeente" in page  # the task that uses notify.schema.json
    assert "bpmn-viewer.production.min.js" in page
    assert owner.get("/processen/sample_case/versies/9").status_code == 404


def test_files_download_one_by_one_and_as_a_zip(web_app: Flask, owner: FlaskClient) -> None:
    with web_app.app_context():
        (version,) = current_engine().versions("sample_case")
        files = dict(current_engine().version_files(version.id))
    single = owner.get("/processen/sample_case/versies/1/bestanden/sample.bpmn")
    assert single.status_code == 200
    assert single.data == files["sample.bpmn"]
    assert "attachment" in single.headers["Content-Disposition"]
    assert single.mimetype == "application/xml"
    archive = owner.get("/processen/sample_case/versies/1/bestanden.zip")
    assert archive.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zipped:
        assert {name: zipped.read(name) for name in zipped.namelist()} == files
    assert owner.get("/processen/sample_case/versies/1/bestanden/other.bpmn").status_code == 404


def test_the_modeler_page_offers_what_the_engine_reads(owner: FlaskClient) -> None:
    response = owner.get("/processen/sample_case/versies/1/bewerken/sample.bpmn")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "bpmn-modeler.production.min.js" in page
    assert "js/process-properties.js" in page
    for form in ("notify.schema.json", "register.schema.json", "release.schema.json"):
        assert f'<option value="{form}">' in page
    assert '<option value="team_lead">' in page
    assert '<option value="stay_class">' in page  # the DMN decision
    assert '<option value="sample_screening">' in page  # a process to call
    assert '<option value="release_date_set">' in page  # a message name
    assert "working_day_deadline(d, n)" in page  # the helpers, documented inline
    assert "<script>" not in page and "style=" not in page  # CSP: files only
    assert owner.get("/processen/sample_case/versies/1/bewerken/stay_class.dmn").status_code == 404


def test_the_pages_speak_english_when_chosen(owner: FlaskClient) -> None:
    owner.post("/taal", data={"language": "en", "next": "/"})
    modeler = owner.get("/processen/sample_case/versies/1/bewerken/sample.bpmn")
    assert "Save and deploy" in modeler.get_data(as_text=True)
    refused = owner.post(
        "/processen/sample_case/versies/1/bewerken/sample.bpmn",
        json={"xml": (MODELS / "sample.bpmn").read_text().replace("stay_class", "nothing")},
    ).get_json()
    assert refused["detail"] == "The model was not deployed: solve the marked problems."
    assert any(p["message"].startswith("Unknown decision table") for p in refused["problems"])
