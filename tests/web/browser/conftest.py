"""Browser tests: the app served by werkzeug in a thread on a free local port, against each test
database (SQLite and PostgreSQL), driven by Playwright in Debian's chromium."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from engine import ManualClock
from tests.web.support import PASSWORD, build_app, build_real_app, dispose, seed_accounts

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--lang=nl-NL",  # date fields as a Dutch user sees them (dd-mm-jjjj)
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
# Pages answer 404 (a case one may not see), 422 (a form with errors) and 429 (sign-in paused)
# on purpose; Chromium logs those as console errors. Anything else there (a CSP refusal, a
# script error) fails.
EXPECTED_STATUS = re.compile(r"^Failed to load resource: .* status of (404|422|429) ")


@dataclass
class LiveServer:
    app: Flask
    url: str
    clock: ManualClock


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def serve(app: Flask, clock: ManualClock) -> Iterator[LiveServer]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", clock)
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def live_server(database_url: str, clock: ManualClock) -> Iterator[LiveServer]:
    """The app on the sample model, CSRF on, with the test accounts."""
    app = build_app(database_url, clock, WTF_CSRF_ENABLED=True)
    seed_accounts(app)
    try:
        yield from serve(app, clock)
    finally:
        dispose(app)


@pytest.fixture
def real_server(database_url: str, clock: ManualClock) -> Iterator[LiveServer]:
    """The app on the real nazorg models (processes/ and forms/), CSRF on, with the test
    accounts."""
    app = build_real_app(database_url, clock, WTF_CSRF_ENABLED=True)
    seed_accounts(app)
    try:
        yield from serve(app, clock)
    finally:
        dispose(app)


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Fresh browser contexts (one per user); fails the test on console errors (CSP, JS)."""
    contexts = []
    problems: list[str] = []

    def make() -> Page:
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and not EXPECTED_STATUS.search(message.text):
                problems.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems == [], problems


def sign_in(page: Page, server: LiveServer, username: str) -> None:
    page.goto(server.url + "/aanmelden")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url("**/taken*")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
