"""In Chromium: the incident console. A case broken by a script appears under its process,
version and element with the error in plain Dutch; its failed step is marked on the diagram; the
process owner corrects its variable with a reason and retries it. Three cases broken the same way
continue after one bulk retry on a fixed version. The caseworker sees only that the case waits
for process management. Screenshots: /tmp/shots/incidents/ (1440 and 390 px wide)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from engine import InstanceInfo, ManualClock
from engine.deployment import SourceFile
from tests.web.browser.conftest import LiveServer, serve, sign_in
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import build_app, dispose, seed_accounts
from web.engine_access import current_engine

SHOTS = Path("/tmp/shots/incidents")
INCIDENT_MODEL = (Path(__file__).parent / "models" / "incident.bpmn").read_bytes()  # drawn


@pytest.fixture
def incident_server(database_url: str, clock: ManualClock) -> Iterator[LiveServer]:
    app = build_app(database_url, clock, WTF_CSRF_ENABLED=True)
    with app.app_context():
        current_engine().deploy([SourceFile("incident.bpmn", INCIDENT_MODEL)])
    seed_accounts(app)
    add_process_owner(app)
    try:
        yield from serve(app, clock)
    finally:
        dispose(app)


def broken_case(app: Flask, key: str) -> InstanceInfo:
    """A case whose script divides by the 0 the caseworker entered: it stops in error."""
    with app.app_context():
        engine = current_engine()
        case = engine.start("incident_case", {"prison_code": "PI-ZWL"}, key, user="mmd")
        task = engine.tasks(business_key=key)[0]
        failed = engine.complete(task.id, {"divisor": 0}, "mmd")
        assert failed.status == "error"
        return case


def test_a_broken_case_is_repaired_in_the_console_and_continues(
    incident_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    app = incident_server.app
    case = broken_case(app, "INC-1")

    caseworker = new_page()
    sign_in(caseworker, incident_server, "mmd")
    caseworker.goto(f"{incident_server.url}/zaken/INC-1")
    expect(caseworker.get_by_role("alert")).to_have_text("Deze zaak wacht op procesbeheer.")
    expect(caseworker.get_by_text("division")).to_have_count(0)
    expect(caseworker.get_by_role("link", name=re.compile("Incidenten"))).to_have_count(0)

    page = new_page()
    sign_in(page, incident_server, OWNER)
    expect(page.locator("#incident-count")).to_contain_text("1")
    page.get_by_role("link", name=re.compile("^Incidenten")).click()
    group = page.locator(".incident-group")
    expect(group.get_by_role("heading")).to_have_text("Incidentzaak · versie 1 · Bereken")
    expect(group.locator(".incident-summary")).to_have_text(
        "Het script deelt door nul: een waarde in de zaakgegevens is 0."
    )
    group.get_by_role("link", name="INC-1").click()

    expect(page.locator("#case-diagram")).to_have_attribute("data-ready", "true")
    expect(page.locator('#case-diagram [data-element-id="compute"].tk-error')).to_have_count(1)
    variables = page.locator(".variables-table")
    expect(variables.get_by_role("row", name="divisor 0")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "incident-case-1440.png"), full_page=True)

    page.get_by_label("Naam", exact=True).fill("divisor")
    page.get_by_label("Nieuwe waarde").fill("4")
    page.get_by_role("button", name="Wijziging opslaan").click()
    with app.app_context():  # the reason is required: the browser refuses an empty one
        assert current_engine().instance(case.id).data["divisor"] == 0
    page.get_by_label("Reden").fill("Deler is bij invoer op 0 gezet; volgens het dossier 4")
    page.get_by_role("button", name="Wijziging opslaan").click()
    expect(page.get_by_text("Variabele ‘divisor’ is gewijzigd.")).to_be_visible()
    expect(variables.get_by_role("row", name="divisor 4")).to_be_visible()

    page.get_by_role("button", name="Opnieuw proberen").click()
    expect(page.get_by_text("De zaak loopt weer.")).to_be_visible()
    expect(page.locator("#incident-count")).to_have_count(0)
    with app.app_context():
        engine = current_engine()
        assert engine.instance(case.id).status == "running"
        assert engine.instance(case.id).data["ratio"] == 2.5
        assert [t.bpmn_id for t in engine.tasks(business_key="INC-1")] == ["review"]
        changed = [e for e in engine.events(case.id) if e.kind == "case_data_changed"]
        assert changed[0].actor == OWNER and changed[0].detail["fields"] == ["divisor"]


def test_three_cases_broken_the_same_way_continue_after_one_bulk_retry_on_a_fixed_version(
    incident_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    app = incident_server.app
    cases = [broken_case(app, f"INC-{n}") for n in (1, 2, 3)]
    fixed = INCIDENT_MODEL.replace(
        b"ratio = 10 / divisor", b"ratio = 10 / divisor if divisor else None"
    )
    with app.app_context():
        [version] = current_engine().deploy([SourceFile("incident.bpmn", fixed)])
        assert version.version == 2

    page = new_page()
    sign_in(page, incident_server, OWNER)
    page.goto(f"{incident_server.url}/incidenten")
    expect(page.locator("#incident-count")).to_contain_text("3")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"console-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    group = page.locator(".incident-group")
    expect(group.get_by_role("checkbox")).to_have_count(3)
    expect(group.get_by_label("Opnieuw proberen op")).to_have_value(str(version.id))
    group.get_by_role("button", name="Gekozen zaken opnieuw proberen").click()
    expect(page.get_by_text("3 zaken lopen weer.")).to_be_visible()
    expect(page.get_by_text("Er staan geen zaken in fout.")).to_be_visible()
    with app.app_context():
        engine = current_engine()
        for case in cases:
            info = engine.instance(case.id)
            assert (info.status, info.version_id) == ("running", version.id)
            assert [t.bpmn_id for t in engine.tasks(instance_id=case.id)] == ["review"]


def select(page: Page, element_id: str) -> None:
    field = page.get_by_label("Element zoeken op naam of id")
    field.fill(element_id)
    field.press("Enter")
    expect(page.locator("#prop-id")).to_have_text(element_id)


def test_the_modeler_lint_lists_every_problem_at_once_on_its_element(
    incident_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    sign_in(page, incident_server, OWNER)
    page.goto(f"{incident_server.url}/processen/incident_case/versies/1/bewerken/incident.bpmn")
    canvas = page.locator("#modeler-canvas")
    expect(canvas).to_have_attribute("data-linted", "0")  # checked when opened: no problems

    select(page, "enter")
    page.get_by_label("Termijn (dueDate)").fill("end_of_day(ratio)")
    page.get_by_label("Termijn (dueDate)").press("Tab")
    select(page, "review")
    page.get_by_label("Formulier (JSON Schema)").fill("")
    page.get_by_label("Formulier (JSON Schema)").press("Tab")
    page.get_by_role("button", name="Controleren").click()

    expect(canvas).to_have_attribute("data-linted", "2")
    expect(page.locator("#problems-title")).to_have_text("Controle: 2 problemen in dit model")
    items = page.locator("#problem-list > li")
    expect(items).to_have_count(2)
    expect(
        items.filter(has_text="Variabele ‘ratio’ wordt gelezen door de termijn")
    ).to_contain_text("element enter")
    expect(items.filter(has_text="Deze gebruikerstaak heeft geen formulier")).to_contain_text(
        "element review"
    )
    for element_id in ("enter", "review"):
        expect(
            page.locator(f'#modeler-canvas [data-element-id="{element_id}"].tk-error')
        ).to_have_count(1)
    expect(page.locator(".problem-note")).to_have_count(2)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "lint-1440.png"))
    with incident_server.app.app_context():
        assert len(current_engine().versions("incident_case")) == 1  # the lint deployed nothing
