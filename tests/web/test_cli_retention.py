"""`terugkeer pseudonymise-closed` through click's CliRunner: on a database the web app serves, a
case closed longer ago than the retention period loses name, birth date and BSN on the case page,
in the API and in the stored case data; a younger closed case and a running one are untouched;
`--dry-run` changes nothing and says what it would do; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from tests.web.api.conftest import ApiClient, make_token
from tests.web.support import MODELS, close_case, start_case, stored_state
from web.cli import main
from web.engine_access import current_engine

OLD = {"name": "Oud Geval", "birth_date": "1971-03-04", "bsn": "123456782"}
YOUNG = {"name": "Nieuw Geval", "birth_date": "1982-07-08", "bsn": "111222333"}
RUNNING = {"name": "Lopend Geval", "birth_date": "1993-11-12", "bsn": "222333444"}


def run(database_url: str, tmp_path: Path, *args: str) -> Result:
    env = {
        "DATABASE_URL": database_url,
        "TERUGKEER_INSTANCE_DIR": str(tmp_path / "instance"),
        "TERUGKEER_FORMS_DIR": str(MODELS / "forms"),
        "TERUGKEER_RUN_SCHEDULER": None,
        "TERUGKEER_RETENTION_MONTHS": None,
        "SECRET_KEY": None,
    }
    return CliRunner().invoke(main, ["pseudonymise-closed", *args], env=env, catch_exceptions=False)


def shown(web_app: Flask, sign_in: Callable[[str], FlaskClient], key: str) -> str:
    """The case page and the API's case of ``key`` as the municipality's caseworker sees them."""
    page = sign_in("ams").get(f"/zaken/{key}")
    api = ApiClient(web_app.test_client(), make_token(web_app, "ams")).get(f"/api/v1/cases/{key}")
    assert page.status_code == 200 and api.status_code == 200
    return page.get_data(as_text=True) + api.get_data(as_text=True)


def test_pseudonymise_closed_cases_past_the_retention_period(
    web_app: Flask,
    clock: ManualClock,
    sign_in: Callable[[str], FlaskClient],
    database_url: str,
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)  # the command runs on real time
    clock.set(now - timedelta(days=30 * 31))  # closed 31 months ago: past the default 24
    close_case(web_app, "NZ-OUD", **OLD)
    clock.set(now - timedelta(days=30 * 6))  # closed 6 months ago
    close_case(web_app, "NZ-NIEUW", **YOUNG)
    start_case(web_app, "NZ-LOOPT", **RUNNING)
    before = {key: stored_state(web_app, key) for key in ("NZ-OUD", "NZ-NIEUW", "NZ-LOOPT")}

    dry = run(database_url, tmp_path, "--dry-run")

    assert dry.exit_code == 0, dry.output
    assert dry.output == "Would pseudonymise 1 closed cases; 1 closed cases kept.\n  NZ-OUD\n"
    assert {key: stored_state(web_app, key) for key in before} == before
    old_before = shown(web_app, sign_in, "NZ-OUD")
    assert all(value in old_before for value in ("Oud Geval", "123456782", "1971"))

    done = run(database_url, tmp_path)

    assert done.exit_code == 0, done.output
    assert done.output == "Pseudonymised 1 closed cases; 1 closed cases kept.\n  NZ-OUD\n"
    old_state, old_shown = stored_state(web_app, "NZ-OUD"), shown(web_app, sign_in, "NZ-OUD")
    for value in (*OLD.values(), "1971"):
        assert value not in old_state and value not in old_shown
    # A closed case is stored compact (engine/store/compaction.py): its stored workflow held none
    # of the person's data before either, and still loads (the case page's diagram states).
    assert json.loads(old_state)["compacted"] is True
    assert all(value not in before["NZ-OUD"] for value in OLD.values())
    with web_app.app_context():
        engine = current_engine()
        states = engine.element_states(engine.instance_by_key("NZ-OUD").id)
    assert set(states["sample_case"].values()) == {"completed"}
    for key, values in (("NZ-NIEUW", YOUNG), ("NZ-LOOPT", RUNNING)):
        assert stored_state(web_app, key) == before[key]
        assert values["name"] in shown(web_app, sign_in, key)

    again = run(database_url, tmp_path)
    shorter = run(database_url, tmp_path, "--months", "3", "--dry-run")

    assert again.output == "Pseudonymised 0 closed cases; 1 closed cases kept.\n"
    assert shorter.output == "Would pseudonymise 1 closed cases; 0 closed cases kept.\n  NZ-NIEUW\n"
    assert stored_state(web_app, "NZ-NIEUW") == before["NZ-NIEUW"]
