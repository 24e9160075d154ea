"""Dashboard benchmark: the dashboard's queries at 1,000 and at 150,000 cases, and the simulator's
throughput against the raw in-memory engine; both as ratios measured in one run.

    python bench/dashboard.py [--small 1000] [--large 150000] [--postgres URL] [--sim-cases 30]
        [--verbose]

1. Queries. Two databases per kind (SQLite, and PostgreSQL when it answers) are filled with bulk
   inserts of realistic rows (bench/dashboard_data.py): cases over five years, their task facts,
   deadline facts and monitor statuses, and the cubes summed from them. Running 150,000 cases
   through the engine would take hours (the simulator does a few cases per second), so the
   projection tables are filled directly, as the projector would have left them. Then every
   query the dashboard runs (web/dashboard/queries.py and drilldown.py: the elements, one element
   per organisation, compliance per month/prison/municipality, the outcome monitor in total and per
   stay class/prison/municipality, and a page of each drill-down) is timed for four scopes: the
   whole country, a prison, a municipality, and a prison and municipality together; the last 12
   months. Medians of repeated runs. Target: large at most 1.5x small. --verbose adds each
   query's medians (summed over the scopes), to see which ones grow.
2. Simulator. `terugkeer simulate`'s engine-driven run (web/simulation/) on a fresh database against
   raw SpiffWorkflow in memory on the same process (bench/engine.py's RawCase of the nazorg
   model), in cases per second.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import dashboard_pages  # noqa: E402
from bench.dashboard_data import END, MUNICIPALITIES, PRISONS, Filler  # noqa: E402
from bench.engine import RawCase, postgres_database  # noqa: E402
from bench.scenarios import NAZORG  # noqa: E402
from config import TestConfig  # noqa: E402
from engine import Engine  # noqa: E402
from engine.db.connect import open_database  # noqa: E402
from engine.db.migrate import upgrade  # noqa: E402
from web import create_app  # noqa: E402
from web.dashboard import drilldown  # noqa: E402
from web.dashboard.queries import (  # noqa: E402
    Filters,
    compliance,
    element_stats,
    organisation_stats,
    outcomes,
    shares,
)
from web.extensions import db  # noqa: E402
from web.simulation.runner import simulate  # noqa: E402

TODAY = END.date()
PERIOD = ("2025-11", "2026-10")
SCOPES = {
    "national": Filters(*PERIOD),
    "prison": Filters(*PERIOD, prisons=(PRISONS[3],)),
    "municipality": Filters(*PERIOD, municipalities=(MUNICIPALITIES[5],)),
    "both": Filters(*PERIOD, prisons=(PRISONS[0],), municipalities=(MUNICIPALITIES[0],)),
}


PAGE = {"visible": None, "limit": 26, "offset": 0}
OPEN, DONE = ("entry_notification", "te-laat"), ("housing_agreement", "afgerond")
QUERIES: dict[str, Callable[[Filters], object]] = {
    "elements": lambda f: element_stats(f, "nazorg_detentie", TODAY),
    "organisations": lambda f: organisation_stats(
        f, "nazorg_detentie", "entry_notification", TODAY
    ),
    **{
        f"compliance/{by}": functools.partial(compliance, by=by)
        for by in ("month", "prison", "municipality")
    },
    "outcomes": lambda f: outcomes(f),
    **{
        f"shares/{by}": functools.partial(shares, by=by)
        for by in ("stay_class", "prison", "municipality")
    },
    "cases/deadline": lambda f: drilldown.deadline_cases(f, "entry", False, None, **PAGE),
    "cases/open-late": lambda f: drilldown.element_cases(
        f, "nazorg_detentie", *OPEN, None, TODAY, **PAGE
    ),
    "cases/completed": lambda f: drilldown.element_cases(
        f, "nazorg_detentie", *DONE, None, TODAY, **PAGE
    ),
    "cases/outcome": lambda f: drilldown.outcome_cases(
        f, "housing", "release", "zonder", None, **PAGE
    ),
}
"""Everything the three dashboard pages and a drill-down of each kind read."""


def dashboard_queries(filters: Filters, times: dict[str, list[float]] | None = None) -> None:
    """Every query once; with ``times``, each query's duration appended under its name."""
    for name, query in QUERIES.items():
        began = time.perf_counter()
        query(filters)
        if times is not None:
            times.setdefault(name, []).append(time.perf_counter() - began)


def fill(url: str, count: int) -> float:
    began = time.perf_counter()
    upgrade(url)
    database = open_database(url)
    with database.begin() as conn:
        Filler(count).fill(conn)
    database.dispose()
    return time.perf_counter() - began


Timings = dict[int, dict[str, float]]


def time_queries(urls: dict[int, str], repeats: int) -> tuple[Timings, Timings]:
    """Median time per scope and size, and per query (summed over the scopes) and size; the sizes
    alternate so that machine noise hits both."""
    apps = {count: create_app(TestConfig(url)) for count, url in urls.items()}
    samples: dict[int, dict[str, list[float]]] = {c: {s: [] for s in SCOPES} for c in urls}
    each: dict[int, dict[tuple[str, str], list[float]]] = {c: {} for c in urls}
    for app in apps.values():
        with app.app_context():
            for filters in SCOPES.values():
                dashboard_queries(filters)  # warm-up: caches, statements, connections
    for round_ in range(repeats):
        order = list(urls) if round_ % 2 == 0 else list(reversed(urls))
        for count in order:
            with apps[count].app_context():
                for name, filters in SCOPES.items():
                    times: dict[str, list[float]] = {}
                    began = time.perf_counter()
                    dashboard_queries(filters, times)
                    samples[count][name].append(time.perf_counter() - began)
                    for query, took in times.items():
                        each[count].setdefault((name, query), []).extend(took)
    for app in apps.values():
        with app.app_context():
            db.engine.dispose()
    scopes = {
        c: {s: statistics.median(v) for s, v in found.items()} for c, found in samples.items()
    }
    per_query: Timings = {c: dict.fromkeys(QUERIES, 0.0) for c in urls}
    for count, found in each.items():
        for (_, query), took in found.items():
            per_query[count][query] += statistics.median(took)
    return scopes, per_query


def filled(kind: str, make_url: Callable[[str], str], counts: tuple[int, int]) -> dict[int, str]:
    """A database per count, filled (or, when it already holds that many cases, as it is)."""
    urls = {}
    for count in counts:
        urls[count] = make_url(f"dash{count}")
        if case_count(urls[count]) == count:
            upgrade(urls[count])  # migrations added since it was filled
            print(f"  {kind}: {count:>7,} cases already there ({row_counts(urls[count])})")
            continue
        took = fill(urls[count], count)
        print(f"  {kind}: {count:>7,} cases filled in {took:5.1f} s ({row_counts(urls[count])})")
    return urls


def queries(
    kinds: dict[str, dict[int, str]], small: int, large: int, repeats: int, verbose: bool
) -> None:
    print(f"Dashboard queries, last 12 months, median of {repeats} runs per scope")
    for kind, urls in kinds.items():
        print(f"  {kind}:")
        timings, per_query = time_queries(urls, repeats)
        if verbose:
            print("    per query, medians summed over the four scopes:")
            for query in QUERIES:
                a, b = per_query[small][query], per_query[large][query]
                print(
                    f"      {query:<22} {a * 1000:7.2f} ms -> {b * 1000:7.2f} ms  = {b / a:4.2f}x"
                )
        for scope in SCOPES:
            a, b = timings[small][scope], timings[large][scope]
            print(f"    {scope:<13} {a * 1000:7.1f} ms -> {b * 1000:7.1f} ms  = {b / a:4.2f}x")
        total_small = sum(timings[small].values())
        total_large = sum(timings[large].values())
        print(
            f"  {kind} all scopes: {total_small * 1000:.1f} ms at {small:,} cases, "
            f"{total_large * 1000:.1f} ms at {large:,} cases = "
            f"{total_large / total_small:.2f}x (target <= 1.5)"
        )


def pages(
    kinds: dict[str, dict[int, str]], small: int, large: int, repeats: int, verbose: bool
) -> None:
    print(f"Dashboard pages as the app serves them, medians of {repeats} requests")
    for kind, urls in kinds.items():
        print(f"  {kind}:")
        dashboard_pages.report(dashboard_pages.time_pages(urls, repeats), small, large, verbose)


def case_count(url: str) -> int | None:
    """The cases in the database at ``url``, or None when it has no cases table yet."""
    database = open_database(url)
    try:
        with database.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM cases")).scalar()
    except sa.exc.DatabaseError:
        return None
    finally:
        database.dispose()


def row_counts(url: str) -> str:
    database = open_database(url)
    with database.connect() as conn:
        counts = {
            name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar()
            for name in ("dash_task_facts", "dash_task_stats", "dash_outcome_stats")
        }
    database.dispose()
    return ", ".join(f"{name} {count:,}" for name, count in counts.items())


def throughput(kinds: dict[str, Callable[[str], str]], cases: int) -> None:
    raw = RawCase(NAZORG)
    for _ in range(3):
        raw()
    samples = []
    for _ in range(10):
        began = time.perf_counter()
        raw()
        samples.append(time.perf_counter() - began)
    raw_rate = 1 / statistics.median(samples)
    steps = sum(1 for s in NAZORG.steps if s.kind == "complete")
    print(f"Simulator throughput ({cases} cases over 365 days) against raw in-memory SpiffWorkflow")
    print(f"  raw engine, nazorg short stay ({steps} user tasks): {raw_rate:6.1f} cases/s")
    for kind, make_url in kinds.items():
        url = make_url("sim")
        upgrade(url)
        engine = Engine(url, forms_dir=ROOT / "forms")
        engine.deploy(NAZORG.files)
        engine.database.dispose()
        began = time.perf_counter()
        result = simulate(
            url,
            {"TERUGKEER_FORMS_DIR": str(ROOT / "forms")},
            cases=cases,
            start=date(2025, 11, 1),
            days=365,
            seed=1,
            process_id=NAZORG.process_id,
        )
        took = time.perf_counter() - began
        rate = result.cases / took
        task_rate = result.completed / took
        print(
            f"  simulator on {kind:<10}  {rate:6.1f} cases/s = raw / {raw_rate / rate:.1f} "
            f"({task_rate:5.1f} tasks/s, {result.completed / result.cases:.0f} completed per case; "
            f"per task raw / {raw_rate * steps / task_rate:.1f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=150_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--sim-cases", type=int, default=30)
    parser.add_argument(
        "--postgres", default="postgresql://postgres@127.0.0.1:5432/terugkeer_bench_dash"
    )
    parser.add_argument("--only", choices=["queries", "pages", "simulator"])
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep databases that already hold the cases asked for (--workdir for SQLite's).",
    )
    parser.add_argument("--workdir", help="Where the SQLite databases are (default: a new one).")
    parser.add_argument(
        "--verbose", action="store_true", help="Also each query's times (summed over scopes)."
    )
    parser.add_argument("--databases", default="sqlite,postgresql", help="Comma-separated.")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="terugkeer-dash-bench-"))
    kinds: dict[str, Callable[[str], str]] = {
        "sqlite": lambda name: f"sqlite:///{workdir}/{name}.db"
    }
    base = sa.make_url(args.postgres)

    def postgres(name: str) -> str:
        url = base.set(database=f"{base.database}_{name}").render_as_string(hide_password=False)
        if args.reuse and name.startswith("dash") and case_count(url) is not None:
            return url
        made = postgres_database(url)
        if made is None:
            raise RuntimeError("PostgreSQL is not reachable")
        return made

    wanted = args.databases.split(",")
    if "sqlite" not in wanted:
        kinds.clear()
    if "postgresql" in wanted:
        try:
            postgres("probe")
            kinds["postgresql"] = postgres
        except RuntimeError:
            print("PostgreSQL skipped: not reachable")
    if args.only != "simulator":
        print("Filling the databases")
        urls = {kind: filled(kind, make, (args.small, args.large)) for kind, make in kinds.items()}
        if args.only != "pages":
            queries(urls, args.small, args.large, args.repeats, args.verbose)
        if args.only != "queries":
            pages(urls, args.small, args.large, args.repeats, args.verbose)
    if args.only in (None, "simulator"):
        throughput(kinds, args.sim_cases)


if __name__ == "__main__":
    main()
