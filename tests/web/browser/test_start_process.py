"""In Chromium: a process owner uploads a Camunda Modeler intake whose start event carries the
start form (camunda:formData, lane Gemeente, role manager); a municipal manager starts a case of
it from *Zaak starten* and gets its first task, while a coordinator is not offered it.
Screenshots: tests/artifacts/start-camunda-*.png."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer, screenshot, sign_in
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import MODELS
from web.engine_access import current_engine

INTAKE = MODELS / "camunda_aanmelding.bpmn"


def test_a_municipal_manager_starts_an_uploaded_camunda_intake(
    live_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    add_process_owner(live_server.app)
    owner = new_page()
    sign_in(owner, live_server, OWNER)
    owner.goto(live_server.url + "/processen/uploaden")
    owner.locator("#files").set_input_files(str(INTAKE))
    owner.get_by_role("button", name="Controleren en uitrollen").click()
    expect(owner.get_by_text("Aanmelding huisvesting: versie 1 is uitgerold.")).to_be_visible()

    coordinator = new_page()
    sign_in(coordinator, live_server, "ams")
    coordinator.goto(live_server.url + "/zaken/starten")
    expect(coordinator.get_by_role("heading", name="Zaak starten")).to_be_visible()
    expect(coordinator.get_by_role("link", name="Aanmelding huisvesting")).to_have_count(0)

    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, "ams.manager")
    page.goto(live_server.url + "/zaken/starten")
    page.get_by_role("link", name="Aanmelding huisvesting").click()
    expect(page.get_by_role("heading", name="Aanmelding huisvesting starten")).to_be_visible()
    page.get_by_role("button", name="Zaak starten").click()
    expect(page.locator(".error-summary, [role=alert]").first).to_contain_text("Naam cliënt")
    screenshot(page, "start-camunda-refused")

    page.get_by_label("Naam cliënt").fill("Eva Jansen")
    page.get_by_label("Tijdelijk onderdak").check()
    page.get_by_label("Datum vrijlating").fill("2026-06-01")
    screenshot(page, "start-camunda-form")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "start-camunda-form-narrow")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.get_by_role("button", name="Zaak starten").click()
    page.wait_for_url("**/zaken/*")
    key = page.url.rsplit("/", 1)[-1]

    with live_server.app.app_context():
        (task,) = current_engine().tasks(business_key=key)
    assert (task.bpmn_id, task.organisation, task.role) == ("Task_beoordelen", "GM0363", "manager")
    page.goto(live_server.url + "/taken")
    screenshot(page, "start-camunda-tasks")
    expect(page.get_by_role("link", name="Aanmelding beoordelen")).to_be_visible()
