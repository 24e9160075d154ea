"""The dashboard as the app runs it: every page, CSV export and drill-down of web/dashboard, and
the case list of web/cases, requested through Flask's test client by signed-in managers and a
caseworker, on databases filled by bench/dashboard_data.py.

Each request is timed whole (routing, session, queries, templates) and by the time its SQL
statements take (SQLAlchemy's cursor events: on PostgreSQL psycopg fetches the rows inside
``execute``, so that is the database's work; on SQLite rows are fetched later, so there only the
request time means much). Requests are made for four scopes: the whole country, a prison manager,
a municipality manager, and the national manager choosing a prison and a municipality.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from bench.dashboard_data import END, MUNICIPALITIES, PRISONS
from config import TestConfig
from engine import ManualClock
from web import create_app
from web.accounts import ensure_organisation
from web.engine_access import current_engine
from web.extensions import db
from web.models import User

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench horse battery staple"
PERIOD = {"van": "2025-11", "tot": "2026-10"}
STEP = "housing_arrange"
MINISTRY = "MIN-JV"
USERS = {
    "national": ("bench.landelijk", MINISTRY, "manager"),
    "prison": ("bench.pi", PRISONS[3], "manager"),
    "municipality": ("bench.gemeente", MUNICIPALITIES[5], "manager"),
    "caseworker": ("bench.mmd", PRISONS[3], "caseworker"),
}
SCOPES: dict[str, tuple[str, dict[str, str]]] = {
    "national": ("national", {}),
    "prison": ("prison", {}),
    "municipality": ("municipality", {}),
    "both": ("national", {"pi": PRISONS[0], "gemeente": MUNICIPALITIES[0]}),
}
"""Scope name: the user who asks and the filter choices they add."""

DRILL_STEP = {"soort": "stap", "stap": STEP}
DRILL_DEADLINE = {"soort": "termijn", "termijn": "entry", "uitkomst": "te-laat"}
DRILL_MONITOR = {"soort": "monitor", "moment": "release"}
PAGES: dict[str, tuple[str, dict[str, str]]] = {
    "bottlenecks": ("/dashboard/", {}),
    "bottlenecks/step": ("/dashboard/", {"stap": STEP}),
    "deadlines": ("/dashboard/termijnen", {}),
    "monitor": ("/dashboard/monitor", {}),
    "csv/steps": ("/dashboard/csv/knelpunten-per-stap.csv", {}),
    "csv/step-orgs": (f"/dashboard/csv/stap-{STEP}-per-organisatie.csv", {"stap": STEP}),
    "csv/deadlines": ("/dashboard/csv/termijnen-per-maand.csv", {}),
    "csv/monitor": ("/dashboard/csv/monitor-per-voorziening.csv", {"format": "raw"}),
    "drill/step-open": ("/dashboard/zaken", {**DRILL_STEP, "toestand": "open"}),
    "drill/step-late": ("/dashboard/zaken", {**DRILL_STEP, "toestand": "te-laat"}),
    "drill/step-done": ("/dashboard/zaken", {**DRILL_STEP, "toestand": "afgerond"}),
    "drill/step-done-late": ("/dashboard/zaken", {**DRILL_STEP, "toestand": "afgerond-te-laat"}),
    "drill/step-org": (
        "/dashboard/zaken",
        {**DRILL_STEP, "toestand": "open", "org": MUNICIPALITIES[0]},
    ),
    "drill/step-page3": ("/dashboard/zaken", {**DRILL_STEP, "toestand": "afgerond", "pagina": "3"}),
    "drill/deadline": ("/dashboard/zaken", DRILL_DEADLINE),
    "drill/deadline-month": ("/dashboard/zaken", {**DRILL_DEADLINE, "maand": "2026-06"}),
    "drill/monitor": (
        "/dashboard/zaken",
        {**DRILL_MONITOR, "voorziening": "housing", "status": "zonder"},
    ),
    "drill/monitor-class": ("/dashboard/zaken", {**DRILL_MONITOR, "klasse": "short"}),
}
"""Every dashboard request, with its arguments (the period and the scope's choices added)."""

CASE_LIST: dict[str, tuple[str, dict[str, str]]] = {
    "cases/list": ("/zaken", {}),
    "cases/running": ("/zaken", {"status": "running"}),
    "cases/error": ("/zaken", {"status": "error"}),
    "cases/page3": ("/zaken", {"pagina": "3"}),
}
"""The case list (web/cases): as the national manager and as a prison's caseworker."""

OUTPUT_BOUND: dict[str, tuple[str, dict[str, str]]] = {
    "drill/csv-month": ("/dashboard/zaken.csv", {**DRILL_DEADLINE, "maand": "2026-06"}),
    "cases/search": ("/zaken", {"persoon": "NZ-BENCH-0000042"}),
}
"""Requests that grow with the cases by what they are: every case behind a number as CSV (up
to 10,000), and a substring search of names and case numbers. Reported, not in the target."""


class StatementClock:
    """The time the SQL statements of one engine take, summed, and their number."""

    def __init__(self, engine: sa.Engine) -> None:
        self.seconds = 0.0
        self.statements = 0
        self._began = threading.local()
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args: Any) -> None:
        self._began.at = time.perf_counter()

    def _after(self, *_args: Any) -> None:
        self.seconds += time.perf_counter() - self._began.at
        self.statements += 1

    @contextmanager
    def measure(self) -> Iterator[dict[str, float]]:
        found: dict[str, float] = {}
        seconds, statements = self.seconds, self.statements
        began = time.perf_counter()
        yield found
        found["request"] = time.perf_counter() - began
        found["sql"] = self.seconds - seconds
        found["statements"] = self.statements - statements


@dataclass
class Site:
    """The app on one filled database, its signed-in clients and its statement clock."""

    app: Flask
    clients: dict[str, FlaskClient]
    clock: StatementClock


def open_site(url: str) -> Site:
    """The app on ``url`` with the shipped models deployed, the bench's organisations and users,
    and a client signed in per user; the clock on the last day the data covers."""
    clock = ManualClock(END - timedelta(hours=1))
    app = create_app(TestConfig(url, TERUGKEER_CLOCK=clock, TERUGKEER_FORMS_DIR=ROOT / "forms"))
    with app.app_context():
        processes = ROOT / "processes"
        current_engine().deploy(
            sorted(p for p in processes.iterdir() if p.suffix in (".bpmn", ".dmn"))
        )
        ensure_organisation(MINISTRY, "Ministerie van Justitie en Veiligheid", "ministry")
        for code in PRISONS:
            ensure_organisation(code, f"PI {code}", "prison")
        for code in MUNICIPALITIES:
            ensure_organisation(code, f"Gemeente {code}", "municipality")
        hashed = PasswordHasher().hash(PASSWORD)
        for username, code, role in USERS.values():
            if User.by_username(username) is None:
                account = User(username=username, display_name=username, active=True)
                account.organisation = ensure_organisation(code)
                account.role_list = [role]
                account.password_hash = hashed
                db.session.add(account)
        db.session.commit()
        statements = StatementClock(db.engine)
    clients = {}
    for scope, (username, _code, _role) in USERS.items():
        client = app.test_client()
        response = client.post("/aanmelden", data={"username": username, "password": PASSWORD})
        if response.status_code != 303:
            raise RuntimeError(f"{username} could not sign in: {response.status_code}")
        clients[scope] = client
    return Site(app, clients, statements)


def requests() -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """(name, user, path, arguments) of every request timed, the dashboard's for each scope."""
    for name, (path, args) in PAGES.items():
        for scope, (user, choices) in SCOPES.items():
            yield f"{name}@{scope}", user, path, {**PERIOD, **choices, **args}
    for group in (CASE_LIST, OUTPUT_BOUND):
        for name, (path, args) in group.items():
            users = ("national",) if name.startswith("drill/") else ("national", "caseworker")
            for user in users:
                extra = PERIOD if path.startswith("/dashboard") else {}
                yield f"{name}@{user}", user, path, {**extra, **args}


def request_once(site: Site, user: str, path: str, args: dict[str, str]) -> dict[str, float]:
    with site.clock.measure() as found:
        response = site.clients[user].get(path, query_string=args)
        response.get_data()
    if response.status_code != 200:
        raise RuntimeError(f"{path} {args} as {user}: {response.status_code}")
    return found


Samples = dict[str, dict[str, list[float]]]
"""Request name -> "request"/"sql"/"statements" -> samples."""


def time_pages(urls: dict[int, str], repeats: int) -> dict[int, Samples]:
    """Every request ``repeats`` times per size, the sizes alternating request by request (so
    that the machine's load hits both alike), after one warm-up round."""
    sites = {count: open_site(url) for count, url in urls.items()}
    found: dict[int, Samples] = {count: {} for count in urls}
    listed = list(requests())
    for site in sites.values():
        for _name, user, path, args in listed:
            request_once(site, user, path, args)
    for round_ in range(repeats):
        order = list(urls) if round_ % 2 == 0 else list(reversed(urls))
        for name, user, path, args in listed:
            for count in order:
                took = request_once(sites[count], user, path, args)
                for key, value in took.items():
                    found[count].setdefault(name, {}).setdefault(key, []).append(value)
    for site in sites.values():
        with site.app.app_context():
            db.engine.dispose()
    return found


def medians(samples: Samples) -> dict[str, dict[str, float]]:
    return {
        name: {key: statistics.median(values) for key, values in kinds.items()}
        for name, kinds in samples.items()
    }


def report(found: dict[int, Samples], small: int, large: int, verbose: bool) -> None:
    """Per page (summed over its scopes/users): request and SQL medians at both sizes, ratios;
    then the totals of the dashboard, of the case list, and the output-bound requests."""
    a, b = medians(found[small]), medians(found[large])
    pages: dict[str, dict[str, list[float]]] = {}
    for name in a:
        page = name.split("@")[0]
        sums = pages.setdefault(page, {"request": [0, 0], "sql": [0, 0], "statements": [0, 0]})
        for key in sums:
            sums[key][0] += a[name][key]
            sums[key][1] += b[name][key]
    print(
        f"    {'page (summed over scopes)':<26} {'request ms':>21} {'ratio':>6}"
        f" {'SQL ms':>21} {'ratio':>6} {'statements':>10}"
    )
    for page, sums in pages.items():
        (ra, rb), (sa_, sb), (na, nb) = sums["request"], sums["sql"], sums["statements"]
        print(
            f"    {page:<26} {ra * 1000:9.1f} -> {rb * 1000:8.1f} {rb / ra:5.2f}x"
            f" {sa_ * 1000:9.1f} -> {sb * 1000:8.1f} {sb / sa_:5.2f}x {na:>4.0f} -> {nb:.0f}"
        )
    if verbose:
        for name in a:
            ra, rb = a[name]["sql"], b[name]["sql"]
            print(f"      {name:<40} SQL {ra * 1000:7.2f} -> {rb * 1000:7.2f} ms {rb / ra:5.2f}x")
    for label, prefixes in (
        ("dashboard (pages, CSV, drill-downs)", tuple(PAGES)),
        ("case list", tuple(CASE_LIST)),
        ("output-bound (not in the target)", tuple(OUTPUT_BOUND)),
    ):
        chosen = [p for p in pages if p in prefixes]
        for key in ("request", "sql"):
            small_sum = sum(pages[p][key][0] for p in chosen)
            large_sum = sum(pages[p][key][1] for p in chosen)
            print(
                f"  {label}, {key}: {small_sum * 1000:.1f} ms at {small:,} cases, "
                f"{large_sum * 1000:.1f} ms at {large:,} = {large_sum / small_sum:.2f}x"
                + ("" if "output" in label else " (target <= 1.2)")
            )
