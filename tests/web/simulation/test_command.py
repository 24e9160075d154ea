"""The demo year of `terugkeer run` (web/simulation/command.py): its cases projection written once
at the end gives the rows that projecting every command gives, and a year stopped before that
gets its cases projected on the next start."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from config import ROOT, TestConfig
from engine.db.connect import open_database
from tests.web.dashboard.test_simulation import deployed, run
from tests.web.simulation.test_parallel import empty_again
from web.cases.tables import case_organisations, cases, provision_statuses
from web.simulation import command
from web.simulation.queries import unprojected_cases


def projected(url: str) -> dict[str, list[tuple]]:
    """The cases projection's rows, by case number instead of instance id."""
    database = open_database(url)
    keys = sa.select(cases.c.instance_id, cases.c.business_key).subquery()
    found: dict[str, list[tuple]] = {}
    with database.connect() as conn:
        for table in (cases, case_organisations, provision_statuses):
            columns = [c for c in table.c if c.name != "instance_id"]
            query = sa.select(keys.c.business_key, *columns).join(
                keys, keys.c.instance_id == table.c.instance_id
            )
            found[table.name] = sorted(tuple(row) for row in conn.execute(query))
    database.dispose()
    return found


def test_cases_projected_at_the_end_are_those_projected_per_command(database_url: str) -> None:
    run(deployed(database_url), cases=8, days=60, unsafe_commit=True)
    per_command = projected(database_url)
    empty_again(database_url)
    run(deployed(database_url), cases=8, days=60, unsafe_commit=True, cases_at_end=True)

    assert len(per_command["cases"]) == 8 and per_command["provision_statuses"]
    assert projected(database_url) == per_command


def test_a_stopped_demo_year_gets_its_cases_projected_on_the_next_start(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = deployed(database_url)
    monkeypatch.setattr(command, "project_cases", lambda *_a: 0)  # stopped before the end
    monkeypatch.setattr("web.simulation.runner.project_cases", lambda *_a: 0)
    monkeypatch.setattr(command, "RUN_CASES", 4)
    monkeypatch.setattr(command, "RUN_DAYS", 20)
    config = TestConfig(url, TERUGKEER_FORMS_DIR=ROOT / "forms")
    command.load_year(config)
    database = open_database(url)
    try:
        assert unprojected_cases(database) == 4
        monkeypatch.undo()
        command.load_year(config)  # simulated data present: not again, but projected
        assert unprojected_cases(database) == 0
    finally:
        database.dispose()
