"""The simulator: realistic cases through the real engine and the app's wiring. Same seed, same
figures; and on every database the cubes agree with the facts they summarise."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import ROOT
from engine import Engine, WorkingDayCalendar
from engine.db.connect import open_database
from web.dashboard.rebuild import rebuild_dashboard
from web.dashboard.tables import (
    ALL,
    DEADLINE_KINDS,
    TASK_ROLLUPS,
    deadline_facts,
    deadline_stats,
    outcome_stats,
    task_facts,
    task_open,
    task_stats,
)
from web.simulation.profile import load_profile
from web.simulation.runner import simulate

PROCESSES = sorted(p for p in (ROOT / "processes").iterdir() if p.suffix in (".bpmn", ".dmn"))
SETTINGS = {"TERUGKEER_FORMS_DIR": str(ROOT / "forms")}
CUBES = (task_stats, task_open, deadline_stats, outcome_stats)


def deployed(url: str) -> str:
    engine = Engine(url, forms_dir=ROOT / "forms")
    engine.deploy(PROCESSES)
    engine.database.dispose()
    return url


def run(url: str, seed: int = 3, cases: int = 14, days: int = 90, **options):  # type: ignore[no-untyped-def]
    return simulate(
        url,
        SETTINGS,
        cases=cases,
        start=date(2026, 3, 2),
        days=days,
        seed=seed,
        process_id="nazorg_detentie",
        **options,
    )


def figures(url: str) -> dict[str, list[tuple]]:
    """Every cube row, in a stable order (what the dashboard shows)."""
    database = open_database(url)
    with database.connect() as conn:
        found = {
            cube.name: sorted(
                tuple(round(v, 3) if isinstance(v, float) else v for v in row)
                for row in conn.execute(sa.select(cube))
            )
            for cube in CUBES
        }
    database.dispose()
    return found


def rollup_sums(
    conn: sa.Connection, table: sa.Table, column: sa.Column, *, organisation: bool = False
) -> dict[tuple[bool, ...], int]:
    """The sum of ``column`` in each rollup (which dimensions hold ALL)."""
    names = ["prison", "municipality"] + (["organisation"] if organisation else [])
    found: dict[tuple[bool, ...], int] = {}
    query = sa.select(*(table.c[n] for n in names), sa.func.sum(column)).group_by(
        *(table.c[n] for n in names)
    )
    for *dims, total in conn.execute(query):
        key = tuple(value == ALL for value in dims)
        found[key] = found.get(key, 0) + int(total or 0)
    return found


def test_the_same_seed_gives_the_same_figures(_sqlite_template: Path, tmp_path: Path) -> None:
    urls = []
    for name in ("first", "second"):
        path = tmp_path / f"{name}.sqlite"
        shutil.copy(_sqlite_template, path)
        urls.append(deployed(f"sqlite:///{path}"))
    first, second = run(urls[0]), run(urls[1])
    assert first.cases == second.cases == 14
    assert (first.completed, first.late, first.messages) == (
        second.completed,
        second.late,
        second.messages,
    )
    assert first.problems == [] and first.completed > 100
    one, two = figures(urls[0]), figures(urls[1])
    assert all(one[name] for name in ("dash_task_stats", "dash_deadline_stats"))
    assert one == two
    other = tmp_path / "other.sqlite"
    shutil.copy(_sqlite_template, other)
    run(deployed(f"sqlite:///{other}"), seed=4)
    assert figures(f"sqlite:///{other}") != one


def test_the_cubes_agree_with_the_facts(database_url: str) -> None:
    result = run(deployed(database_url), cases=10, days=120)
    assert result.problems == []
    database = open_database(database_url)
    with database.connect() as conn:
        # Open tasks: the national rollup counts every open task fact, and so does each rollup.
        open_facts = conn.execute(
            sa.select(sa.func.count()).where(task_facts.c.status == "open")
        ).scalar_one()
        per_rollup = rollup_sums(conn, task_open, task_open.c.open, organisation=True)
        assert len(per_rollup) == len(TASK_ROLLUPS) and set(per_rollup.values()) == {open_facts}
        completed = conn.execute(
            sa.select(sa.func.count()).where(task_facts.c.status == "completed")
        ).scalar_one()
        national = sa.and_(
            task_stats.c.prison == ALL,
            task_stats.c.municipality == ALL,
            task_stats.c.organisation == ALL,
        )
        assert (
            conn.execute(
                sa.select(sa.func.sum(task_stats.c.completed)).where(national)
            ).scalar_one()
            == completed
        )
        # Deadlines: the cube counts every decided fact, in each of its four rollups.
        for kind in DEADLINE_KINDS:
            for outcome, status in (("met", "met"), ("missed", "missed")):
                facts = conn.execute(
                    sa.select(sa.func.count()).where(
                        deadline_facts.c.kind == kind, deadline_facts.c.status == status
                    )
                ).scalar_one()
                column = deadline_stats.c[f"{kind}_{outcome}"]
                sums = set(rollup_sums(conn, deadline_stats, column).values())
                assert sums <= {facts}, (kind, outcome, sums, facts)
    database.dispose()


def test_the_profile_follows_the_domain_figures() -> None:
    profile = load_profile()
    shares = [c["share"] for c in profile["stay_days"]]
    assert sum(shares) == pytest.approx(1.0)
    assert profile["stay_days"][0]["max"] < 14 and shares[0] == pytest.approx(0.20)
    assert profile["stay_days"][-1]["min"] >= 120 and shares[-1] == pytest.approx(0.17)
    provisions = profile["provisions"]
    assert provisions["identity_document"]["release"] == pytest.approx(0.842)
    assert (provisions["work_income"]["entry"], provisions["work_income"]["release"]) == (
        0.71,
        0.617,
    )
    assert provisions["housing"]["release"] == pytest.approx(0.832)


def test_a_rebuild_gives_the_figures_the_projector_kept(database_url: str) -> None:
    profile = load_profile()
    profile["settle_elsewhere"]["share"] = 0  # a rebuild counts under today's municipality
    url = deployed(database_url)
    simulate(
        url,
        SETTINGS,
        cases=10,
        start=date(2026, 3, 2),
        days=120,
        seed=5,
        process_id="nazorg_detentie",
        profile=profile,
    )
    kept = figures(url)
    database = open_database(url)
    with database.begin() as conn:
        now = conn.execute(sa.select(sa.func.max(task_facts.c.ready_at))).scalar_one()
        cases = Engine(database).each_instance()
        assert rebuild_dashboard(conn, cases, WorkingDayCalendar(), now) == 10
    database.dispose()
    rebuilt = figures(url)
    for name in kept:
        only_kept = sorted(set(kept[name]) - set(rebuilt[name]))
        only_rebuilt = sorted(set(rebuilt[name]) - set(kept[name]))
        assert (only_kept[:3], only_rebuilt[:3]) == ([], []), name
