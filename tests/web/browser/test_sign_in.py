"""Sign-in security in a real browser: a session cookie copied before signing out is worth
nothing afterwards, and repeated wrong passwords get a clear Dutch pause message."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from engine import ManualClock
from tests.web.browser.conftest import LiveServer, serve, sign_in
from tests.web.support import build_app, dispose, seed_accounts

SHOTS = Path("/tmp/shots/sessions")


@pytest.fixture
def strict_server(database_url: str, clock: ManualClock) -> Iterator[LiveServer]:
    """CSRF on, three wrong passwords before a pause, the test's clock for sessions."""
    app = build_app(
        database_url,
        clock,
        WTF_CSRF_ENABLED=True,
        TERUGKEER_SECURITY_CLOCK=clock,
        TERUGKEER_SIGN_IN_ACCOUNT_FAILURES=3,
    )
    seed_accounts(app)
    try:
        yield from serve(app, clock)
    finally:
        dispose(app)


def test_a_cookie_copied_before_sign_out_opens_nothing(
    strict_server: LiveServer, new_page: Callable[[], Page], browser: Browser
) -> None:
    page = new_page()
    sign_in(page, strict_server, "ams")
    stolen = page.context.cookies()
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()

    thief = new_page()
    thief.context.add_cookies(stolen)
    thief.goto(strict_server.url + "/taken")
    expect(thief.get_by_role("heading", name="Aanmelden")).to_be_visible()
    expect(thief.get_by_text("Uw sessie is beëindigd. Meld u opnieuw aan.")).to_be_visible()
    expect(thief.get_by_text("Sanne Visser")).to_have_count(0)


def test_wrong_passwords_lead_to_a_pause_the_right_one_waits_too(
    strict_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    page.goto(strict_server.url + "/aanmelden")
    for password in ("fout-1", "fout-2", "fout-3", "correct horse battery"):
        page.get_by_label("Gebruikersnaam").fill("ams")
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Aanmelden").click()
    message = "Te veel mislukte aanmeldpogingen. Aanmelden kan weer over 1 minuut."
    expect(page.get_by_text(message).first).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"sign-in-paused-{width}.png"), full_page=True)
