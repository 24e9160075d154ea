"""In Chromium, on the real nazorg models with simulated cases: the manager's dashboard with the
heatmap on the BPMN diagram, the organisation split, deadline compliance and the outcome monitor.
Screenshots: tests/artifacts/dashboard-*.png."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine import ManualClock
from tests.web.browser.conftest import ARTIFACTS, LiveServer, screenshot, serve, sign_in
from tests.web.support import build_real_app, dispose, seed_accounts
from web.simulation.profile import load_profile
from web.simulation.runner import simulate

ROOT = Path(__file__).resolve().parents[3]
START, DAYS = date(2026, 1, 5), 120


@pytest.fixture
def dashboard_server(database_url: str, clock: ManualClock) -> Iterator[LiveServer]:
    app = build_real_app(database_url, clock, WTF_CSRF_ENABLED=True)
    seed_accounts(app)
    profile = load_profile()
    profile["organisations"].update(
        prisons={"PI-ZWL": 1}, municipalities={"GM0363": 2, "GM0599": 1}
    )
    result = simulate(
        database_url,
        {"TERUGKEER_FORMS_DIR": str(ROOT / "forms")},
        cases=24,
        start=START,
        days=DAYS,
        seed=11,
        process_id="nazorg_detentie",
        profile=profile,
    )
    assert result.problems == []
    clock.set(datetime(2026, 5, 5, 8, 0, tzinfo=UTC))
    try:
        yield from serve(app, clock)
    finally:
        dispose(app)


def test_the_manager_sees_the_heatmap_on_the_diagram(
    dashboard_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 1000})
    sign_in(page, dashboard_server, "landelijk")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Knelpunten in het proces")).to_be_visible()
    heatmap = page.locator("#heatmap")
    expect(heatmap).to_have_attribute("data-ready", "true")
    expect(heatmap.locator(".djs-element[class*='tk-heat-']:not(.tk-heat-0)")).not_to_have_count(0)
    badges = heatmap.locator(".heat-badge")
    expect(badges).not_to_have_count(0)
    screenshot(page, "dashboard-heatmap")
    page.locator("#heatmap-title").locator("..").screenshot(
        path=str(ARTIFACTS / "dashboard-heatmap-diagram.png")
    )

    # Opened on the busiest steps at a readable size, with the legend's ranges for the mode.
    expect(heatmap).to_have_attribute("data-focused", "true")
    assert heatmap.evaluate("e => e.querySelector('.viewport').transform.baseVal[0].matrix.a") >= 1
    ranges = page.locator("#heat-legend [data-level]")
    expect(ranges).to_have_count(5)
    expect(ranges.last).to_have_text(re.compile(r"\d"))
    for index in range(5):  # a colour no step can have is left out of the legend
        if ranges.nth(index).is_visible():
            expect(ranges.nth(index)).to_have_text(re.compile(r"\d"))
    assert_mode_selected(page, "Nu open")

    page.get_by_role("button", name="Doorlooptijd").click()
    assert_mode_selected(page, "Doorlooptijd")
    expect(badges.first).to_have_text(re.compile(r"\d.*(u|d|min)$"))
    expect(ranges.last).to_have_text(re.compile(r"\d.*(u|d|min)$"))
    page.get_by_role("button", name="Nu te laat").click()
    assert_mode_selected(page, "Nu te laat")
    expect(page.locator("#heat-explanation")).to_contain_text("over hun termijn")
    page.get_by_role("button", name="Basisvoorziening huisvesting").click()
    expect(heatmap.locator("[data-element-id='housing_screening']")).to_be_visible()

    page.get_by_label("Stap", exact=True).select_option(label="Melding binnenkomst aan gemeente")
    page.get_by_role("button", name="Toon per organisatie").click()
    split = page.get_by_role("table", name=re.compile("Melding binnenkomst aan gemeente: per"))
    expect(split).to_be_visible()
    expect(split.get_by_role("rowheader", name="PI Zwolle")).to_be_visible()
    expect(page.locator("canvas.dashboard-chart")).to_have_count(1)

    page.get_by_role("link", name="Termijnen").click()
    expect(page.get_by_role("table", name="Per maand")).to_be_visible()
    expect(page.locator("canvas.dashboard-chart")).to_have_count(3)
    totals = page.get_by_role("table", name="Per maand").get_by_role("rowheader", name="Totaal")
    expect(totals).to_be_visible()
    expect(page.get_by_text("Norm: 90% op tijd").first).to_be_visible()
    screenshot(page, "dashboard-termijnen")
    for part in ("totals", "months"):
        page.locator(f"#{part}-title").locator("..").screenshot(
            path=str(ARTIFACTS / f"dashboard-termijnen-{part}.png")
        )
    page.get_by_role("link", name="Monitor basisvoorzieningen").click()
    expect(page.get_by_role("table", name="Aandeel met de basisvoorziening")).to_be_visible()
    screenshot(page, "dashboard-monitor")

    number = page.get_by_role("table", name="Aandeel met de basisvoorziening").get_by_role("link")
    number.first.click()
    expect(page.get_by_role("link", name="Terug naar het dashboard")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^NZ-SIM-11-"))).not_to_have_count(0)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(dashboard_server.url + "/dashboard/")
    expect(heatmap).to_have_attribute("data-focused", "true")
    assert_mode_selected(page, "Nu open")
    screenshot(page, "dashboard-heatmap-390")
    page.locator("#heatmap-title").locator("..").screenshot(
        path=str(ARTIFACTS / "dashboard-heatmap-390-diagram.png")
    )


def assert_mode_selected(page: Page, name: str) -> None:
    """The chosen heatmap mode is pressed and looks chosen (filled, check mark), not focused:
    the others look unchosen, and no mode button has the focus outline's look by default."""
    modes = page.get_by_role("group", name="Kleur naar:").get_by_role("button")
    expect(modes).to_have_count(3)
    for index in range(3):
        button = modes.nth(index)
        chosen = button.inner_text().endswith(name)
        expect(button).to_have_attribute("aria-pressed", "true" if chosen else "false")
        look = button.evaluate(
            "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b, '::before').content]"
        )
        if chosen:
            assert look[0] == "rgb(11, 39, 71)" and "✓" in look[1], look
        else:
            assert look[0] == "rgb(255, 255, 255)" and "✓" not in look[1], look
    page.locator("#heat-explanation").click()  # focus elsewhere: the choice stays visible
    chosen_button = modes.filter(has_text=name)
    assert chosen_button.evaluate("b => getComputedStyle(b).outlineStyle") == "none"
    assert chosen_button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 39, 71)"


def test_a_caseworker_has_no_dashboard(
    dashboard_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, dashboard_server, "mmd")
    expect(page.get_by_role("link", name="Dashboard")).to_have_count(0)
