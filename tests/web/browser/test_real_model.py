"""In Chromium, on the real nazorg models in processes/ and forms/: the entry notification's
form, its errors, the municipality's inbox and the case page with the highlighted diagram.
Screenshots: tests/artifacts/*-real.png."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer, screenshot, sign_in

ROOT = Path(__file__).resolve().parents[3]
PROCESSES = ROOT / "processes"

pytestmark = pytest.mark.skipif(
    not (PROCESSES / "nazorg.bpmn").exists(), reason="the nazorg models are not in processes/"
)


def test_entry_notification_on_the_real_model(
    real_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, real_server, "mmd")
    page.get_by_role("link", name="Nieuwe melding").click()
    page.get_by_label("Naam").fill("Ricardo Pinas")
    page.get_by_label("Geboortedatum").fill("1988-11-30")
    page.get_by_label("BSN").fill("111222333")
    page.get_by_label("Ja", exact=True).check()
    page.get_by_label("Datum binnenkomst").fill("2026-05-04")
    page.get_by_label("Verwachte ontslagdatum").fill("2026-08-14")
    page.get_by_label("Gemeente van herkomst").select_option("GM0363")
    page.get_by_role("button", name="Melding registreren").click()
    expect(page.get_by_text("Melding binnenkomst geregistreerd")).to_be_visible()

    diagram = page.locator("#case-diagram")
    expect(diagram).to_have_attribute("data-ready", "true")
    expect(diagram.locator(".djs-element.tk-active")).not_to_have_count(0)
    expect(page.get_by_role("cell", name="Melding binnenkomst aan gemeente")).to_be_visible()
    screenshot(page, "case-real")

    page.get_by_role("link", name="Mijn werk").click()
    page.get_by_role("link", name="Melding binnenkomst aan gemeente").click()
    expect(
        page.get_by_role("heading", name="Melding binnenkomst aan gemeente").first
    ).to_be_visible()
    screenshot(page, "task-form-real")

    # Registered as a parent: the notice shows that and asks the children's information, in
    # the same round as the other missing answers.
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("alert")).to_contain_text("Dit veld is verplicht.")
    expect(page.get_by_role("alert")).to_contain_text("Informatie over minderjarige kinderen")
    screenshot(page, "task-form-real-error")

    page.get_by_label("Ingeschreven in de BRP (GBA) voor de detentie").check()
    page.get_by_label("Informatie over minderjarige kinderen").fill("Twee kinderen, 4 en 7 jaar.")
    for provision in ("Identiteitsbewijs", "Huisvesting", "Werk en inkomen", "Schulden", "Zorg"):
        page.get_by_label(f"{provision} bij binnenkomst").select_option("not_arranged")
    elsewhere = page.get_by_role("group", name=re.compile("Wil zich in een andere gemeente"))
    elsewhere.get_by_label("Nee").check()
    page.get_by_label("Gemeld op").fill("2026-05-05")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_text("is afgerond")).to_be_visible()

    municipality = new_page()
    sign_in(municipality, real_server, "ams")
    expect(municipality.get_by_role("row").filter(has_text="Ricardo Pinas").first).to_be_visible()
    screenshot(municipality, "inbox-real")
    municipality.goto(f"{real_server.url}/zaken")
    municipality.get_by_role("link", name=re.compile("^NZ-2026-")).first.click()
    expect(municipality.locator("#case-diagram")).to_have_attribute("data-ready", "true")
    expect(municipality.locator("#case-diagram .djs-element.tk-done")).not_to_have_count(0)
    screenshot(municipality, "case-real-municipality")
