"""The header in Chromium: for the user with the most menu items (a prison caseworker who is
also manager, process owner and admin, with a long name) it is one row at 1280 and 1024 pixels,
in Dutch and in English; the secondary items are in the account menu. Screenshots:
tests/artifacts/header-*.png."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer, screenshot, sign_in
from tests.web.support import password_hash
from web.accounts import ensure_organisation
from web.extensions import db
from web.models import User

BUSIEST = "alles.zwolle"
MENU = ["Mijn werk", "Zaken", "Nieuwe melding", "Dashboard", "Processen", "Incidenten", "Beheer"]

LAYOUT = """header => {
    const box = element => {
        const r = element.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height};
    };
    const row = header.querySelector(".container");
    return {
        parts: [...row.children].filter(e => e.getClientRects().length).map(box),
        items: [...header.querySelectorAll("nav li")].map(box),
        lineHeight: parseFloat(getComputedStyle(header.querySelector("nav a")).lineHeight),
        scrollWidth: document.documentElement.scrollWidth,
    };
}"""


def add_busiest_user(server: LiveServer) -> None:
    with server.app.app_context():
        account = User(
            username=BUSIEST, display_name="Alexandra van der Westhuizen-Verbeek", active=True
        )
        account.organisation = ensure_organisation("PI-ZWL")
        account.role_list = ["caseworker", "manager", "process_owner", "admin"]
        account.password_hash = password_hash()
        db.session.add(account)
        db.session.commit()


def assert_one_row(page: Page, width: int) -> None:
    # Measured before the stylesheet arrived, the menu lies unstyled, one item per line (seen in
    # CI under load, after the language switch's redirect).
    page.wait_for_load_state("load")
    layout = page.locator("header.site-header").evaluate(LAYOUT)
    items = layout["items"]
    assert len(items) == len(MENU)
    # The menu items sit on one row, each on one line.
    assert max(i["top"] for i in items) - min(i["top"] for i in items) < 1, items
    assert all(i["height"] < 2 * layout["lineHeight"] for i in items), items
    # So do the brand, the menu and the account menu: every part overlaps the others' middle.
    parts = layout["parts"]
    assert len(parts) >= 3
    for part in parts:
        for other in parts:
            middle = (other["top"] + other["bottom"]) / 2
            assert part["top"] < middle < part["bottom"], (part, other)
    # Side by side without overlapping, and nothing wider than the window.
    ordered = sorted(parts, key=lambda p: p["left"])
    assert all(a["right"] <= b["left"] for a, b in zip(ordered, ordered[1:], strict=False))
    assert layout["scrollWidth"] <= width


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_busiest_header_is_one_row(
    live_server: LiveServer, new_page: Callable[[], Page], width: int
) -> None:
    add_busiest_user(live_server)
    page = new_page()
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, BUSIEST)
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu.get_by_role("link")).to_have_text(MENU)
    assert_one_row(page, width)
    screenshot(page, f"header-{width}")

    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    assert_one_row(page, width)
    screenshot(page, f"header-{width}-en")


def test_the_account_menu_holds_tokens_language_and_signing_out(
    live_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    add_busiest_user(live_server)
    page = new_page()
    sign_in(page, live_server, BUSIEST)
    toggle = page.locator(".account-menu summary")
    tokens = page.get_by_role("link", name="API-sleutels")
    expect(toggle).to_contain_text("PI Zwolle")
    expect(tokens).to_be_hidden()

    toggle.click()
    expect(tokens).to_be_visible()
    page.keyboard.press("Escape")
    expect(tokens).to_be_hidden()
    expect(toggle).to_be_focused()

    toggle.click()
    page.get_by_role("heading", level=1).click()  # a click elsewhere closes it
    expect(tokens).to_be_hidden()

    toggle.click()
    tokens.click()
    page.wait_for_url("**/api-sleutels")
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
