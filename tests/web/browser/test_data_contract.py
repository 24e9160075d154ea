"""In Chromium, on the shipped models: removing a form field that a gateway still reads is
refused in the form editor, naming the reading element and the variable; nothing is deployed
(issue 11: this edit used to deploy and break every new case with a NameError)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine import ManualClock
from tests.web.browser.conftest import LiveServer, serve, sign_in
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import build_real_app, dispose, seed_accounts
from web.engine_access import current_engine

SHOTS = Path("/tmp/shots/incidents")


@pytest.fixture
def shipped_server(database_url: str, clock: ManualClock) -> Iterator[LiveServer]:
    app = build_real_app(database_url, clock, WTF_CSRF_ENABLED=True)
    seed_accounts(app)
    add_process_owner(app)
    try:
        yield from serve(app, clock)
    finally:
        dispose(app)


def without_settle_elsewhere(text: str) -> str:
    schema = json.loads(text)
    del schema["properties"]["entry_settle_elsewhere"]
    schema["required"].remove("entry_settle_elsewhere")
    schema["allOf"] = [rule for rule in schema["allOf"] if "settle_elsewhere" not in str(rule)]
    return json.dumps(schema, indent=2, ensure_ascii=False)


def test_removing_a_field_a_gateway_reads_is_refused_naming_the_reader(
    shipped_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    with shipped_server.app.app_context():
        before = len(current_engine().versions("nazorg_detentie"))
    page = new_page()
    sign_in(page, shipped_server, OWNER)
    page.goto(f"{shipped_server.url}/processen/nazorg_detentie/versies/1")
    page.get_by_role("link", name="Bewerken entry_notification.schema.json").click()
    source = page.get_by_label("JSON Schema (Draft 2020-12)")
    source.fill(without_settle_elsewhere(source.input_value()))
    page.get_by_role("button", name="Formulier uitrollen").click()

    refused = page.get_by_role("alert").filter(has_text="de processen weigeren dit formulier")
    row = refused.get_by_role("row").filter(has_text="Variabele ‘entry_settle_elsewhere’")
    expect(row).to_contain_text("wordt gelezen door de voorwaarde van deze pijl")
    expect(row).to_contain_text("nazorg.bpmn")
    expect(row).to_contain_text("flow_gw_settle_elsewhere_to_route_to_requested")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "form-refused-1440.png"), full_page=True)
    with shipped_server.app.app_context():
        assert len(current_engine().versions("nazorg_detentie")) == before
