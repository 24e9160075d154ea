"""In Chromium: a prison caseworker registers an entry, the municipality's coordinator claims and
completes the screening, due and overdue flags follow the clock, a form error keeps the input,
and another municipality gets 404. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer, screenshot, sign_in
from tests.web.support import to_screening


def register_entry(page: Page, server: LiveServer) -> str:
    page.get_by_role("link", name="Nieuwe melding").click()
    expect(page.get_by_role("heading", name="Melding binnenkomst")).to_be_visible()
    page.get_by_label("Naam").fill("Karel Appel")
    page.get_by_label("Geboortedatum").fill("1985-03-12")
    page.get_by_label("BSN").fill("111222333")
    page.get_by_label("Nee").check()
    page.get_by_label("Datum binnenkomst").fill("2026-05-04")
    page.get_by_label("Gemeente van herkomst").select_option("GM0363")
    screenshot(page, "register")
    page.get_by_role("button", name="Melding registreren").click()
    expect(page.get_by_text("Melding binnenkomst geregistreerd onder zaaknummer")).to_be_visible()
    return page.url.rsplit("/", 1)[-1]


def complete_prison_steps(page: Page) -> None:
    page.get_by_role("link", name="Mijn werk").click()
    page.get_by_role("button", name=re.compile("^Oppakken: Registreer binnenkomst")).click()
    expect(page.get_by_text("Opgepakt door u")).to_be_visible()
    page.get_by_label("Datum binnenkomst").fill("2026-05-04")
    page.get_by_label("Verwachte verblijfsduur (dagen)").fill("40")
    page.get_by_role("button", name="Taak afronden").click()
    expect(page.get_by_text("De taak ‘Registreer binnenkomst’ is afgerond.")).to_be_visible()

    page.get_by_role("link", name="Niet toegewezen").click()
    page.get_by_role("link", name="Meld binnenkomst aan gemeente").click()
    page.get_by_label("Gemeld op").fill("2026-05-04")
    page.get_by_role("button", name="Taak afronden").click()
    expect(page.get_by_text("is afgerond")).to_be_visible()


def test_entry_registered_then_screening_claimed_and_completed(
    live_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    prison = new_page()
    sign_in(prison, live_server, "mmd")
    key = register_entry(prison, live_server)
    expect(prison.get_by_role("heading", name="Karel Appel")).to_be_visible()
    complete_prison_steps(prison)

    municipality = new_page()
    sign_in(municipality, live_server, "ams")
    row = municipality.get_by_role("row").filter(has_text="Screen huisvesting")
    expect(row).to_contain_text("Karel Appel")
    expect(row).to_contain_text("Nog 10 werkdagen")
    screenshot(municipality, "inbox")

    # Keyboard only: claim, answer and submit without the mouse.
    claim = row.get_by_role("button", name=re.compile("^Oppakken"))
    claim.focus()
    municipality.keyboard.press("Enter")
    expect(municipality.get_by_text("Opgepakt door u")).to_be_visible()
    screenshot(municipality, "task-form")
    yes = municipality.get_by_role("radio", name="Ja")
    yes.focus()
    municipality.keyboard.press("Space")
    expect(yes).to_be_checked()
    municipality.get_by_role("button", name="Taak afronden").focus()
    municipality.keyboard.press("Enter")
    expect(municipality.get_by_text("De taak ‘Screen huisvesting’ is afgerond.")).to_be_visible()
    expect(municipality.get_by_role("row").filter(has_text="Screen huisvesting")).to_have_count(0)

    municipality.goto(f"{live_server.url}/zaken/{key}")
    board = municipality.get_by_role(
        "table", name="Status van de vijf basisvoorzieningen per moment"
    )
    expect(board.get_by_role("row").filter(has_text="Huisvesting")).to_contain_text("Geregeld")
    expect(municipality.get_by_text("Taak afgerond: Screen huisvesting")).to_be_visible()
    diagram = municipality.locator("#case-diagram")
    expect(diagram).to_have_attribute("data-ready", "true")
    expect(diagram).to_contain_text("heeft geen tekening")  # the sample model has no BPMN DI
    screenshot(municipality, "case-sample")


def test_due_soon_and_overdue_flags_follow_the_clock(
    live_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    to_screening(live_server.app, "NZ-TERMIJN", name="Anna de Wit")
    page = new_page()
    sign_in(page, live_server, "ams")
    row = page.get_by_role("row").filter(has_text="Anna de Wit")
    expect(row.locator(".badge-ok")).to_have_text("Nog 10 werkdagen")

    live_server.clock.set(datetime(2026, 5, 19, 8, 0, tzinfo=UTC))
    page.reload()
    expect(row.locator(".badge-soon")).to_have_text("Nog 1 werkdag")
    screenshot(page, "inbox-due-soon")

    live_server.clock.set(datetime(2026, 5, 26, 8, 0, tzinfo=UTC))
    page.reload()
    expect(row.locator(".badge-overdue")).to_have_text("3 werkdagen te laat")
    screenshot(page, "inbox-overdue")


def test_a_form_error_keeps_the_input(
    live_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    to_screening(live_server.app, "NZ-FOUT")  # an open municipality task
    page = new_page()
    sign_in(page, live_server, "mmd")
    page.goto(live_server.url + "/zaken/nieuw")
    page.get_by_label("Naam").fill("Piet Fout")
    page.get_by_label("BSN").fill("123456789")
    page.get_by_label("Datum binnenkomst").fill("2026-05-04")
    page.get_by_role("button", name="Melding registreren").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Dit is geen geldig BSN")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Naam")).to_have_value("Piet Fout")
    expect(page.get_by_label("BSN")).to_have_value("123456789")
    expect(page.get_by_label("BSN")).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link", name=re.compile("BSN")).click()
    expect(page.get_by_label("BSN")).to_be_focused()
    screenshot(page, "register-error")

    ams = new_page()
    sign_in(ams, live_server, "ams")
    ams.get_by_role("link", name="Screen huisvesting").click()
    ams.get_by_role("button", name="Taak afronden").click()
    expect(ams.get_by_role("alert")).to_contain_text("Dit veld is verplicht.")
    group = ams.get_by_role("group", name=re.compile("Heeft huisvesting na ontslag"))
    expect(group).to_contain_text("Dit veld is verplicht.")
    screenshot(ams, "task-form-error")


def test_another_municipality_cannot_see_the_case(
    live_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    to_screening(live_server.app, "NZ-GEHEIM", name="Geheime Persoon")
    page = new_page()
    sign_in(page, live_server, "rdam")
    expect(page.get_by_text("Geheime Persoon")).to_have_count(0)
    response = page.goto(live_server.url + "/zaken/NZ-GEHEIM")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Niet gevonden")).to_be_visible()
    page.goto(live_server.url + "/zaken")
    expect(page.get_by_text("Geheime Persoon")).to_have_count(0)
