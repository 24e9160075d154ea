"""In Chromium, on the real nazorg models: the coordinator's task page shows what the prison
screened for that provision; the entry notification asks nothing the registration asked; a form
shows all its errors in one round. Screenshots: tests/artifacts/casework-*.png at 1440 and 390
px wide."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.processes.harness import entry_data, entry_notification, screening
from tests.web.browser.conftest import LiveServer, screenshot, sign_in
from web.engine_access import current_engine

WIDTHS = (1440, 390)


def _shots(page: Page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"casework-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def _asked(page: Page) -> set[str]:
    """The names of the fields a page's main form asks for (visible, editable)."""
    names = page.locator("main form input, main form select, main form textarea").evaluate_all(
        "els => els.filter(e => e.type !== 'hidden' && e.type !== 'search').map(e => e.name)"
    )
    return set(names)


def test_the_coordinators_task_page_shows_the_prisons_screening(
    real_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    with real_server.app.app_context():
        engine = current_engine()
        data = entry_data(name="Ricardo Pinas", remarks="Tolk nodig (Papiaments).")
        case = engine.start("nazorg_detentie", data, "NZ-2026-BROWS1", user="mmd")
        for bpmn_id, answers in (
            ("entry_notification", entry_notification()),
            ("housing_screening", screening("housing", needed=True)),
        ):
            task = next(t for t in engine.tasks(instance_id=case.id) if t.bpmn_id == bpmn_id)
            engine.complete(task.id, answers, "mmd")

    page = new_page()
    sign_in(page, real_server, "ams")
    page.get_by_role("link", name="Niet toegewezen").click()
    page.get_by_role("link", name=re.compile("taakverdeling huisvesting")).click()

    known = page.locator(".task-known")
    expect(known.get_by_role("heading", name="Wat al bekend is")).to_be_visible()
    screening_report = known.locator("section").filter(
        has=page.get_by_role("heading", name="Screenen op huisvesting")
    )
    expect(screening_report).to_contain_text("PI Zwolle")
    expect(screening_report).to_contain_text("Kan de woning tijdens de detentie behouden blijven?")
    expect(known).to_contain_text("Huisvesting bij binnenkomst")
    expect(known).to_contain_text("Tolk nodig (Papiaments).")
    expect(known).to_contain_text("Gemeente Amsterdam")
    expect(known).not_to_contain_text("GM0363")
    _shots(page, "task")

    page.get_by_role("link", name="NZ-2026-BROWS1").first.click()
    expect(page.get_by_text("Tolk nodig (Papiaments).")).to_be_visible()
    _shots(page, "case")


def test_nothing_asked_twice_and_every_error_in_one_round(
    real_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, real_server, "mmd")
    page.get_by_role("link", name="Nieuwe melding").click()
    registration = _asked(page)
    page.get_by_label("Naam").fill("Ricardo Pinas")
    page.get_by_label("Geboortedatum").fill("1988-11-30")
    page.get_by_label("BSN").fill("111222333")
    page.get_by_label("Ja", exact=True).check()
    page.get_by_label("Datum binnenkomst").fill("2026-05-04")
    page.get_by_label("Gemeente van herkomst").select_option("GM0363")
    page.get_by_label("Bijzonderheden").fill("Direct zorg nodig na insluiting.")
    page.get_by_role("button", name="Melding registreren").click()
    expect(page.get_by_text("Melding binnenkomst geregistreerd")).to_be_visible()
    expect(page.get_by_text("Direct zorg nodig na insluiting.")).to_be_visible()

    page.get_by_role("link", name="Mijn werk").click()
    page.get_by_role("link", name="Melding binnenkomst aan gemeente").click()
    expect(page.get_by_text("Vastgelegd bij de registratie van de binnenkomst.")).to_be_visible()
    assert _asked(page) & registration == set()
    expect(page.get_by_label("Gemeld op")).to_have_value("2026-05-04")
    expect(page.locator(".task-known")).to_contain_text("Direct zorg nodig na insluiting.")

    page.get_by_label("Gemeld op").fill("2026-05-01")
    page.get_by_role("button", name="Melding versturen").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Grondslag gemeente van herkomst: Dit veld is verplicht.")
    expect(summary).to_contain_text("Informatie over minderjarige kinderen")
    expect(summary).to_contain_text("Gemeld op: Deze datum ligt vóór ‘Datum van binnenkomst’")
    _shots(page, "errors")
