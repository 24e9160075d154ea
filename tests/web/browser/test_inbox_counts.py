"""The inbox's tabs with counts beyond the cap ("1.000+", web/inbox/queries.py) fit and read
well at 1440 and 390 pixels wide, in Dutch and in English."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer, screenshot, sign_in
from tests.web.support import start_case
from web.inbox import views
from web.inbox.queries import Count


def test_capped_counts_fit_the_tabs_at_both_widths(
    live_server: LiveServer, new_page: Callable[[], Page], monkeypatch: pytest.MonkeyPatch
) -> None:
    start_case(live_server.app)
    # what an organisation with more than 1,000 open tasks of each kind sees (creating that many
    # tasks would take minutes; tests/web/inbox/test_counts.py counts past a smaller cap)
    monkeypatch.setattr(
        views,
        "inbox_counts",
        lambda *_: {"mine": Count(1000, True), "unclaimed": Count(1000, True)},
    )
    page = new_page()
    sign_in(page, live_server, "mmd")
    for language, tab, width in (
        ("nl", "Niet toegewezen 1.000+", 1440),
        ("nl", "Niet toegewezen 1.000+", 390),
        ("en", "Unassigned 1,000+", 1440),
        ("en", "Unassigned 1,000+", 390),
    ):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/taken?weergave=vrij")
        if language == "en" and width == 1440:
            page.locator(".account-menu summary").click()
            page.get_by_role("button", name="English").click()
            page.goto(live_server.url + "/taken?weergave=vrij")
        expect(page.get_by_role("link", name=tab)).to_be_visible()
        wide: Any = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{width}px: {wide}px too wide"
        screenshot(page, f"inbox-capped-{language}-{width}")
