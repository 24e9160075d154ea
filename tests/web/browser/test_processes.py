"""In Chromium, on the real nazorg models: a process owner opens the main process in the bpmn-js
modeler, renames a task and deploys; the new version is listed, new cases start on it and the
running case stays on the old one until it is migrated; an invalid edit is marked on its element
and deploys nothing; a form is edited with a live preview. Screenshots:
tests/artifacts/processes-*.png."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Dialog, Page, expect

from engine import InstanceInfo, ManualClock
from tests.web.browser.conftest import LiveServer, screenshot, serve, sign_in
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import build_real_app, dispose, seed_accounts
from web.engine_access import current_engine

ROOT = Path(__file__).resolve().parents[3]
PROCESSES = ROOT / "processes"
NEW_NAME = "Binnenkomst melden aan de gemeente"
NEW_NAME_EN = "Report the entry to the municipality"

pytestmark = pytest.mark.skipif(
    not (PROCESSES / "nazorg.bpmn").exists(), reason="the nazorg models are not in processes/"
)


@pytest.fixture
def owner_server(database_url: str, clock: ManualClock) -> Iterator[LiveServer]:
    app = build_real_app(database_url, clock, WTF_CSRF_ENABLED=True)
    seed_accounts(app)
    add_process_owner(app)
    try:
        yield from serve(app, clock)
    finally:
        dispose(app)


def start(app: Flask, key: str) -> InstanceInfo:
    data: dict[str, Any] = {
        "name": "Ricardo Pinas",
        "birth_date": "1988-11-30",
        "bsn": "111222333",
        "prison_code": "PI-ZWL",
        "entry_date": "2026-05-04",
        "expected_release_date": "2026-08-14",
        "municipality_code": "GM0363",
        "has_minor_children": False,
    }
    with app.app_context():
        return current_engine().start("nazorg_detentie", data, key, user="mmd")


def versions(app: Flask) -> list[int]:
    with app.app_context():
        return [info.id for info in current_engine().versions("nazorg_detentie")]


def find(page: Page, element_id: str) -> None:
    """Select an element through the modeler's search field (the model is larger than the box)."""
    field = page.get_by_label("Element zoeken op naam of id")
    field.fill(element_id)
    field.press("Enter")
    expect(page.locator("#prop-id")).to_have_text(element_id)


def test_a_process_owner_edits_deploys_and_migrates(
    owner_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    app = owner_server.app
    running = start(app, "NZ-2026-0001")
    page = new_page()
    sign_in(page, owner_server, OWNER)
    page.get_by_role("link", name="Processen").click()
    page.get_by_role("link", name="Nazorg bij detentie").click()
    page.get_by_role("link", name="Nieuwste versie bekijken en bewerken").click()
    expect(page.locator("#process-diagram")).to_have_attribute("data-ready", "true")
    expect(page.locator("#process-diagram .djs-element")).not_to_have_count(0)
    page.get_by_role("link", name="Dit model bewerken").click()
    expect(page.locator("#modeler-canvas")).to_have_attribute("data-ready", "true")

    find(page, "entry_notification")
    expect(page.locator("#prop-lane")).to_contain_text("partij Penitentiaire inrichting")
    expect(page.get_by_label("Formulier (JSON Schema)")).to_have_value(
        "entry_notification.schema.json"
    )
    name = page.get_by_label("Naam", exact=True)
    name.fill(NEW_NAME)
    name.press("Tab")
    expect(page.locator('[data-element-id="entry_notification"] .djs-label')).to_contain_text(
        "Binnenkomst melden"
    )
    english = page.get_by_label("Naam in het Engels")
    expect(english).to_have_value("Entry notification to the municipality")
    english.fill(NEW_NAME_EN)
    english.press("Tab")
    page.get_by_role("button", name="Opslaan en uitrollen").click()
    status = page.locator("#save-status")
    expect(status).to_contain_text("Versie 2 van Nazorg bij detentie is uitgerold.")
    v1, v2 = versions(app)

    page.get_by_role("link", name="Naar de versie").click()
    page.get_by_role("navigation", name="Kruimelpad").get_by_role(
        "link", name="Nazorg bij detentie"
    ).click()
    rows = page.locator("table.versions-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("nieuwste")
    expect(rows.nth(0)).to_contain_text("Pieter Bakker")
    expect(rows.nth(1).locator("td.numeric")).to_have_text("1")  # the running case stays
    screenshot(page, "processes-versions")

    fresh = start(app, "NZ-2026-0002")
    with app.app_context():
        engine = current_engine()
        assert engine.instance(fresh.id).version_id == v2
        assert engine.instance(running.id).version_id == v1
        assert engine.tasks(instance_id=fresh.id)[0].name == NEW_NAME
        assert engine.tasks(instance_id=running.id)[0].name == "Melding binnenkomst aan gemeente"
        # bpmn-js kept the English names it does not know (docs/modelling.md, Translations)
        saved = dict(engine.version_files(v2))["nazorg.bpmn"].decode("utf-8")
        assert 'terugkeer:name-en="Prepare the case and deadlines"' in saved
        english = engine.element_names(v2, "en")
        assert english["lane_prison"] == "Prison"
        assert english["entry_notification"] == NEW_NAME_EN

    # An invalid edit: a timer expression that does not compile.
    page.goto(f"{owner_server.url}/processen/nazorg_detentie/versies/2/bewerken/nazorg.bpmn")
    expect(page.locator("#modeler-canvas")).to_have_attribute("data-ready", "true")
    find(page, "entry_notification_deadline")
    expression = page.get_by_label("Expressie")
    expect(expression).to_have_value("working_day_deadline(entry_date, 2)")
    expression.fill("working_day_deadline(entry_date, ")
    expression.press("Tab")
    page.get_by_role("button", name="Opslaan en uitrollen").click()
    expect(status).to_contain_text("Het model is niet uitgerold")
    marked = page.locator('g.djs-element.tk-error[data-element-id="entry_notification_deadline"]')
    expect(marked).to_have_count(1)
    expect(page.locator(".problem-note")).to_contain_text("is geen geldige expressie")
    problems = page.locator("#problem-list")
    expect(problems).to_contain_text("De timerexpressie (timeDate) is geen geldige expressie")
    expect(problems).to_contain_text("bestand nazorg.bpmn")
    expect(problems).to_contain_text(re.compile(r"regel \d+"))
    expect(problems).to_contain_text("element entry_notification_deadline")
    screenshot(page, "processes-modeler-error")
    assert versions(app) == [v1, v2]  # nothing deployed

    # Migration: a dry run first, then the real run. Leaving the modeler with changes that were
    # not deployed asks first.
    dialogs: list[str] = []

    def leave(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave)
    page.goto(f"{owner_server.url}/processen/nazorg_detentie")
    assert dialogs == ["beforeunload"]
    page.get_by_role("link", name="Zaken migreren").click()
    page.get_by_role("button", name="Proefdraaien").click()
    report = page.locator("section", has=page.get_by_role("heading", name=re.compile("Proef")))
    expect(report.get_by_role("row", name=re.compile("NZ-2026-0001"))).to_contain_text("ja")
    with app.app_context():
        assert current_engine().instance(running.id).version_id == v1
    page.get_by_role("button", name="1 zaak migreren naar versie 2").click()
    expect(page.get_by_text("1 zaak is verplaatst naar versie 2.")).to_be_visible()
    with app.app_context():
        engine = current_engine()
        assert engine.instance(running.id).version_id == v2
        kinds = [event.kind for event in engine.events(running.id)]
        assert kinds.count("instance_migrated") == 1


def test_a_form_is_edited_with_a_live_preview(
    owner_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, owner_server, OWNER)
    page.goto(f"{owner_server.url}/processen/nazorg_detentie/versies/1")
    page.get_by_role("link", name="Bewerken entry_notification.schema.json").click()
    preview = page.locator("#form-preview")
    expect(preview.get_by_role("heading", name="Melding binnenkomst aan gemeente")).to_be_visible()

    source = page.get_by_label("JSON Schema (Draft 2020-12)")
    text = source.input_value()
    changed = text.replace(
        '"title": "Melding binnenkomst aan gemeente"', '"title": "Melding van binnenkomst"', 1
    )
    source.fill(changed + ",")
    expect(page.locator("#schema-status")).to_contain_text("Geen geldige JSON (regel")
    source.fill(changed.replace('"type": "object"', '"type": "objekt"', 1))
    expect(page.locator("#schema-status")).to_contain_text("Geen geldig JSON Schema")
    source.fill(changed)
    expect(preview.get_by_role("heading", name="Melding van binnenkomst")).to_be_visible()
    expect(page.locator("#schema-status")).to_have_text("")

    preview.get_by_role("button", name="Melding versturen").click()
    expect(preview.get_by_role("alert")).to_contain_text("Dit veld is verplicht.")
    page.evaluate("window.scrollTo(0, 600)")  # down the preview: the columns stay level
    source_box = page.locator(".form-editor > .source-panel").bounding_box()
    preview_box = page.locator(".form-editor > section:has(#form-preview)").bounding_box()
    assert source_box and preview_box
    assert abs(source_box["y"] - preview_box["y"]) < 1, (source_box, preview_box)
    screenshot(page, "processes-form-preview")

    page.get_by_role("button", name="Formulier uitrollen").click()
    expect(page.get_by_text("Nazorg bij detentie: versie 2 is uitgerold.")).to_be_visible()
    with owner_server.app.app_context():
        engine = current_engine()
        latest = engine.versions("nazorg_detentie")[-1]
        form = engine.version_forms(latest.id)["entry_notification.schema.json"]
        assert form["schema"]["title"] == "Melding van binnenkomst"


def test_an_element_is_added_in_the_modeler_with_the_keyboard_alone(
    owner_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, owner_server, OWNER)
    page.goto(f"{owner_server.url}/processen/nazorg_detentie/versies/1/bewerken/nazorg.bpmn")
    expect(page.locator(".djs-shape[data-element-id='entry_notification']")).to_be_visible()
    # bpmn-js's palette speaks the page's language.
    palette = page.locator(".djs-palette")
    expect(palette.get_by_role("button", name="Taak maken", exact=True)).to_have_count(1)
    expect(palette.get_by_role("button", name="Create task")).to_have_count(0)

    search = page.get_by_label("Element zoeken op naam of id")
    search.focus()
    page.keyboard.type("entry_notification")
    page.keyboard.press("Enter")
    expect(page.locator("#prop-id")).to_have_text("entry_notification")
    page.keyboard.press("Shift+Tab")  # "Toevoegen na gekozen element"
    page.keyboard.press("Shift+Tab")  # what to add: a user task is the first choice
    expect(page.get_by_label("Toevoegen na het gekozen element")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator("#save-status")).to_contain_text(
        "Gebruikerstaak toegevoegd na ‘Melding binnenkomst aan gemeente’"
    )
    name = page.get_by_label("Naam", exact=True)
    expect(name).to_be_focused()
    page.keyboard.type("Controle van de melding")
    page.keyboard.press("Tab")
    added = page.locator(".djs-shape[data-element-id^='Activity_']")
    expect(added).to_have_count(1)
    expect(added).to_contain_text("Controle van de")  # the label wraps in the drawing
    expect(name).to_have_value("Controle van de melding")
    expect(page.locator("#prop-type")).to_contain_text("UserTask")
