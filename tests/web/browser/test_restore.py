"""In Chromium: a process owner puts version 3 back. "Zet versie 3 terug" on the version page
asks for confirmation and deploys version 3's files again as version 5, identical to 3; the
versions list marks it "= versie 3". Screenshots: tests/artifacts/restore-*.png."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from engine.deployment import SourceFile
from tests.web.browser.conftest import LiveServer, screenshot, sign_in
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import MODELS
from web.engine_access import current_engine

SAMPLE = (MODELS / "sample.bpmn").read_text()


def deploy_named(server: LiveServer, task_name: str) -> None:
    """A new version of the sample process: its first task renamed."""
    renamed = SAMPLE.replace('name="Registreer binnenkomst"', f'name="{task_name}"')
    with server.app.app_context():
        current_engine().deploy(
            [SourceFile("sample.bpmn", renamed.encode()), MODELS / "stay_class.dmn"], user=OWNER
        )


def test_zet_versie_3_terug_gives_a_new_version_identical_to_3(
    live_server: LiveServer, new_page: Callable[[], Page]
) -> None:
    add_process_owner(live_server.app)
    for name in ("Binnenkomst registreren", "Binnenkomst vastleggen", "Binnenkomst noteren"):
        deploy_named(live_server, name)  # versions 2, 3 and 4
    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, OWNER)

    page.goto(live_server.url + "/processen/sample_case/versies/3")
    page.get_by_role("link", name="Zet versie 3 terug").click()
    expect(page.get_by_role("heading", name="Versie 3 terugzetten")).to_be_visible()
    expect(page.get_by_text("opnieuw uitgerold als versie 5")).to_be_visible()
    screenshot(page, "restore-confirm")
    page.get_by_role("button", name="Zet versie 3 terug").click()

    page.wait_for_url("**/processen/sample_case/versies/5")
    expect(
        page.get_by_text("Voorbeeldzaak: versie 5 is uitgerold, met dezelfde inhoud als versie 3.")
    ).to_be_visible()
    with live_server.app.app_context():
        engine = current_engine()
        versions = {v.version: v for v in engine.versions("sample_case")}
        assert sorted(versions) == [1, 2, 3, 4, 5]
        assert versions[5].content_hash == versions[3].content_hash
        assert versions[5].content_hash != versions[4].content_hash
        assert engine.version_files(versions[5].id) == engine.version_files(versions[3].id)
        assert engine.start("sample_case", {}, "NZ-NA-TERUGZETTEN").version_id == versions[5].id

    page.goto(live_server.url + "/processen/sample_case")
    row = page.get_by_role("row").filter(has_text="nieuwste")
    expect(row).to_contain_text("= versie 3")
    screenshot(page, "restore-versions")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "restore-versions-mobile")
