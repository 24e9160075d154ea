"""In Chromium, in English, on the real models of processes/ and forms/: the inbox, the task page
and the case page show the models' texts in English (task and timer names, form title, labels,
options, help, the complete button) and none of their Dutch texts (docs/modelling.md,
Translations). Screenshots: tests/artifacts/*-english.png."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from engine.translations import element_names
from tests.processes.harness import entry_data
from tests.web.browser.conftest import LiveServer, screenshot, sign_in
from tests.web.support import ORGANISATIONS, ROOT
from web.engine_access import current_engine

PROCESSES = ROOT / "processes"
SHORTEST = 8
"""Dutch texts shorter than this ("Ja", "Zorg", "Lang") also occur inside English words or are
the same in both languages; the longer ones are what a reader would notice."""


def _pairs(value: Any, found: set[tuple[str, str]]) -> None:
    """(Dutch, English) of each text that a form gives in both."""
    if isinstance(value, list):
        for item in value:
            _pairs(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            english = value.get(f"x-{key}-en", value.get(f"{key}-en"))
            if isinstance(item, str) and isinstance(english, str):
                found.add((item, english))
            elif isinstance(item, list) and isinstance(english, list):
                found.update(zip(item, english, strict=False))
            else:
                _pairs(item, found)


def dutch_model_texts() -> set[str]:
    """Every Dutch text of the models whose English differs, as long as SHORTEST or longer."""
    pairs: set[tuple[str, str]] = set()
    for path in (ROOT / "forms").glob("*.json"):
        _pairs(json.loads(path.read_text(encoding="utf-8")), pairs)
    files = [(p.name, p.read_bytes()) for p in PROCESSES.glob("*.bpmn")]
    for texts in element_names(files).values():
        pairs.add((texts["nl"], texts.get("en", "")))
    return {nl for nl, en in pairs if nl != en and len(nl) >= SHORTEST}


def dutch_on(page: Page, texts: set[str]) -> list[str]:
    """The Dutch model texts in the page's main part, apart from organisations' own names
    ("Gemeente Amsterdam" is a name, not the lane "Gemeente")."""
    shown = page.locator("main").inner_text()
    for _code, name, _kind in ORGANISATIONS:
        shown = shown.replace(name, "")
    return sorted(text for text in texts if text in shown)


def _start_case(server: LiveServer) -> str:
    key = "NZ-2026-000901"
    with server.app.app_context():
        current_engine().start("nazorg_detentie", entry_data(name="Ricardo Pinas"), key)
    return key


def test_english_inbox_task_and_case_pages_show_no_dutch_model_texts(
    real_server: LiveServer,
    new_page: Callable[[], Page],
) -> None:
    key = _start_case(real_server)
    dutch = dutch_model_texts()
    assert "Melding binnenkomst aan gemeente" in dutch

    page = new_page()
    sign_in(page, real_server, "mmd")
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()

    page.goto(real_server.url + "/taken")
    task = page.get_by_role("link", name="Entry notification to the municipality").first
    expect(task).to_be_visible()
    assert dutch_on(page, dutch) == []
    screenshot(page, "inbox-english")

    task.click()
    heading = page.get_by_role("heading", name="Entry notification to the municipality").first
    expect(heading).to_be_visible()
    page.get_by_role("button", name="Claim").click()
    basis = page.get_by_role("group", name=re.compile("^Basis for the municipality of origin"))
    expect(basis.get_by_label("Registered in the BRP (GBA) before the detention")).to_be_visible()
    housing = page.get_by_role("combobox", name=re.compile("^Housing at entry"))
    expect(housing.get_by_role("option", name="Present / arranged")).to_be_attached()
    expect(page.get_by_role("button", name="Send notification")).to_be_visible()
    assert dutch_on(page, dutch) == []
    screenshot(page, "task-english")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "task-english-390")
    page.set_viewport_size({"width": 1440, "height": 900})

    page.goto(f"{real_server.url}/zaken/{key}")
    expect(page.locator("#case-diagram")).to_have_attribute("data-ready", "true")
    expect(page.get_by_role("cell", name="Entry notification to the municipality")).to_be_visible()
    assert dutch_on(page, dutch) == []
    screenshot(page, "case-english")

    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("cell", name="Melding binnenkomst aan gemeente")).to_be_visible()
