"""WCAG 2.1 A/AA in Chromium: axe-core (npm, node_modules/axe-core) on every main page of each
role, at 1440 and 390 pixels wide, on the real nazorg models with simulated cases. One browser
session per role visits its pages at both widths and at 320 pixels, the smallest phones: there
no page but the modeler scrolls sideways. Screenshots: tests/artifacts/a11y-*.png.

SQLite only: what is checked is the markup and the styles, which do not depend on the database
(the pages' queries are tested on both elsewhere)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from engine import ManualClock
from tests.web.browser.conftest import LiveServer, screenshot, serve, sign_in
from tests.web.support import build_real_app, dispose, password_hash, seed_accounts
from web.accounts import ensure_organisation
from web.engine_access import current_engine
from web.extensions import db
from web.models import User
from web.simulation.profile import load_profile
from web.simulation.runner import simulate

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1440, 390)
NARROWEST = 320  # the smallest phones: checked for sideways scrolling only, every role
MAIN = "nazorg_detentie"

# Accounts the shared test accounts lack: UWV and a process owner.
EXTRA_USERS = (
    ("uwv", "Eva Jansen", "UWV-ZWL", ["caseworker"]),
    ("procesbeheer", "Pieter Bakker", "MIN-JV", ["process_owner"]),
)

# Each role's main pages. "task" and "case" stand for the first task of the inbox and the first
# case of the case list.
PAGES: dict[str, list[str]] = {
    "mmd": [
        "/taken",
        "/taken?weergave=vrij",
        "task",
        "/zaken",
        "case",
        "/zaken/nieuw",
        "/api-sleutels",
        "/instellingen/e-mail",
    ],
    "ams": ["/taken?weergave=vrij", "task", "/zaken", "case"],
    "reclassering": ["/taken?weergave=vrij", "task", "/zaken", "case"],
    "uwv": ["/taken?weergave=vrij", "task", "/zaken", "case"],
    "landelijk": [
        "/dashboard/",
        "/dashboard/termijnen",
        "/dashboard/monitor",
        "drilldown",
        "/zaken",
        "case",
    ],
    "procesbeheer": [
        "/processen",
        f"/processen/{MAIN}",
        f"/processen/{MAIN}/versies/1",
        f"/processen/{MAIN}/versies/1/bewerken/nazorg.bpmn",
        f"/processen/{MAIN}/versies/1/formulieren/entry_notification.schema.json",
        "/processen/uploaden",
        "/incidenten",
    ],
    "beheer": ["/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/organisaties"],
}
SCREENSHOTS = {
    ("ams", "/taken?weergave=vrij", 390): "a11y-inbox-390",
    ("ams", "task", 390): "a11y-task-390",
    ("ams", "case", 390): "a11y-case-390",
    ("landelijk", "/dashboard/", 1440): "a11y-dashboard-1440",
}
# The modeler is a drawing surface: it may scroll sideways on a phone.
WIDE_BY_NATURE = ("/bewerken/",)


@pytest.fixture
def database_url(tmp_path: Path, _sqlite_template: Path) -> str:
    path = tmp_path / "terugkeer.sqlite"
    path.write_bytes(_sqlite_template.read_bytes())
    return f"sqlite:///{path}"


@pytest.fixture
def a11y_server(database_url: str, clock: ManualClock) -> Iterator[LiveServer]:
    app = build_real_app(database_url, clock, WTF_CSRF_ENABLED=True)
    seed_accounts(app)
    with app.app_context():
        ensure_organisation("UWV-ZWL", "UWV WERKbedrijf Zwolle", "uwv")
        for username, display_name, code, roles in EXTRA_USERS:
            account = User(username=username, display_name=display_name, active=True)
            account.organisation = ensure_organisation(code)
            account.role_list = roles
            account.password_hash = password_hash()
            db.session.add(account)
        db.session.commit()
    profile = load_profile()
    profile["organisations"].update(prisons={"PI-ZWL": 1}, municipalities={"GM0363": 1})
    result = simulate(
        database_url,
        {"TERUGKEER_FORMS_DIR": str(ROOT / "forms")},
        cases=10,
        start=date(2026, 2, 2),
        days=90,
        seed=5,
        process_id=MAIN,
        profile=profile,
    )
    assert result.problems == []
    clock.set(datetime(2026, 5, 4, 8, 0, tzinfo=UTC))
    try:
        yield from serve(app, clock)
    finally:
        dispose(app)


def settle(page: Page) -> None:
    """Wait until the page's diagrams are drawn (or said they could not be)."""
    page.wait_for_load_state("networkidle")
    for diagram in page.locator(".diagram").all():
        diagram.and_(page.locator("[data-ready]")).wait_for()


def violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(AXE.read_text("utf-8"))
    found = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})
                  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact,
                      help: v.help, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)})))""",
        WCAG_TAGS,
    )
    return list(found)


def task_url(server: LiveServer, username: str) -> str | None:
    """An open task of the user's organisation and role, else one it completed."""
    with server.app.app_context():
        user = User.by_username(username)
        engine = current_engine()
        for status in ("ready", "completed"):
            tasks = engine.tasks(organisations=[user.organisation.code], status=status, limit=200)
            for task in tasks:
                if task.role in user.role_list:
                    return f"/taken/{task.id}"
    return None


def assert_cards_fit(page: Page) -> int:
    """On a phone each task of the inbox shows its person and its button within the screen;
    how many tasks it showed."""
    width = page.evaluate("() => window.innerWidth")
    rows = page.locator(".task-table tbody tr")
    for row in rows.all():
        for cell in (row.locator("td[data-label]").nth(1), row.get_by_role("button")):
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    return rows.count()


def first_link(page: Page, selector: str) -> str | None:
    link = page.locator(selector).first
    return link.get_attribute("href") if link.count() else None


def visit_all(page: Page, server: LiveServer, username: str) -> tuple[list[str], list[str], int]:
    """Every page of the role at both widths: (axe findings, pages scrolling sideways, tasks
    seen as cards in the phone's inbox)."""
    cards = 0
    findings: list[str] = []
    sideways: list[str] = []
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    sign_in(page, server, username)
    visited = []
    for path in PAGES[username]:
        if path == "task":
            found = task_url(server, username)
        elif path == "drilldown":
            page.goto(server.url + "/dashboard/monitor")
            found = first_link(page, "main a[href*='/dashboard/zaken']")
        elif path == "case":
            page.goto(server.url + "/zaken")
            found = first_link(page, "main a[href^='/zaken/NZ-']")
        else:
            found = path
        assert found, f"{username}: no {path} to visit"
        visited.append(found)
        for width in (*WIDTHS, NARROWEST):
            page.set_viewport_size({"width": width, "height": 900})
            if width == WIDTHS[0]:
                response = page.goto(server.url + found)
                assert response is not None and response.ok, found
            settle(page)
            # A resize is laid out on the next frames (Chart.js redraws on a ResizeObserver).
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)))")
            if (username, path, width) in SCREENSHOTS:
                screenshot(page, SCREENSHOTS[(username, path, width)])
            if width in WIDTHS:
                findings += [
                    f"{username} {found} @{width}: {json.dumps(item)}" for item in violations(page)
                ]
            wide = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
            if width < 1000 and path == "/taken?weergave=vrij":
                cards += assert_cards_fit(page)
            if width < 1000 and wide > 0 and not any(w in found for w in WIDE_BY_NATURE):
                sideways.append(f"{username} {found} @{width}: {wide}px too wide")
    return findings, sideways, cards


def test_every_main_page_of_each_role_meets_wcag_21_aa_at_both_widths(
    a11y_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    findings: list[str] = []
    sideways: list[str] = []
    cards = 0
    for username in PAGES:
        found, wide, shown = visit_all(new_page(), a11y_server, username)
        findings += found
        sideways += wide
        cards += shown
    assert findings == []
    assert sideways == []
    assert cards > 0  # the phone's inbox was seen with tasks
