"""The simulated users of the load test (bench/load.py): each signs in through the sign-in form
and then works in a loop with a think time between requests, over plain HTTP (http.client).

- **Caseworkers** (prison, UWV, probation): inbox (unclaimed tab), task page, case page, claim,
  the task page again, complete.
- **Coordinators** (municipality): inbox, the case list, a case page, a task page; every other
  round they claim and complete the task too.
- **Managers** (ministry, prison, municipality): the dashboard's pages, each followed by the
  cases behind one of its numbers.

A ``Pacer`` shared by the users hands out the claims and completions at a fixed rate, so runs on
datasets of different sizes do the same engine work per second (without it, users at a large
dataset find work in every round and at a small one often not). A user whose round finds no
slot free does the round's pages and leaves the task.

Every request is timed and recorded under its page or action; a status other than the expected
one, a time-out or a broken connection is an error. A claim or completion refused because a
colleague was first (the app redirects to the inbox with a message) is counted as a conflict,
not an error.
"""

from __future__ import annotations

import html
import http.client
import random
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine import Engine
from web import demo
from web.tasks.formschema import properties

TASK_LINK = re.compile(r'href="/taken/([0-9a-f-]{36})"')
CASE_LINK = re.compile(r'href="/zaken/(NZ-[A-Z]+-[0-9A-Za-z-]+)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
DRILL_DOWN = re.compile(r'href="(/dashboard/zaken\?[^"]+)"')
DASHBOARD_PAGES = (
    ("dashboard", "/dashboard/"),
    ("dashboard deadlines", "/dashboard/termijnen"),
    ("dashboard monitor", "/dashboard/monitor"),
)


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    kind: str  # caseworker, coordinator, manager


@dataclass
class Recorder:
    """Timings by page or action; errors and conflicts. Thread-safe; ``recording`` off during the
    warm-up."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    conflicts: dict[str, int] = field(default_factory=dict)
    idle: dict[str, int] = field(default_factory=dict)  # rounds without work, by reason
    recording: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def time(self, name: str, seconds: float) -> None:
        if self.recording:
            with self.lock:
                self.times.setdefault(name, []).append(seconds)

    def error(self, name: str) -> None:
        if self.recording:
            with self.lock:
                self.errors[name] = self.errors.get(name, 0) + 1

    def conflict(self, name: str) -> None:
        if self.recording:
            with self.lock:
                self.conflicts[name] = self.conflicts.get(name, 0) + 1

    def no_work(self, reason: str) -> None:
        if self.recording:
            with self.lock:
                self.idle[reason] = self.idle.get(reason, 0) + 1


class Pacer:
    """Claims and completions at ``per_second`` (a token bucket holding at most ``burst``); an
    unpaced run when ``per_second`` is 0. Thread-safe."""

    def __init__(
        self, per_second: float, burst: float = 2.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_second, self.burst, self.clock = per_second, burst, clock
        self.tokens = burst
        self.last = clock()
        self.lock = threading.Lock()

    def take(self) -> bool:
        """Whether a claim and completion may start now (and counts it)."""
        if self.per_second <= 0:
            return True
        with self.lock:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.per_second)
            self.last = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True


class Unexpected(Exception):
    """A response that is an error for the load test."""


class Browser:
    """One user's cookies over fresh HTTP connections."""

    def __init__(self, host: str, port: int, recorder: Recorder) -> None:
        self.host, self.port, self.recorder = host, port, recorder
        self.cookies: dict[str, str] = {}

    def request(
        self,
        name: str,
        method: str,
        path: str,
        form: Mapping[str, Any] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, str, str]:
        """(status, body, Location); timed under ``name``; raises Unexpected on an error."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
            finally:
                connection.close()
        except (OSError, http.client.HTTPException) as exc:
            self.recorder.error(f"{name}: {type(exc).__name__}")
            raise Unexpected(name) from exc
        self.recorder.time(name, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            pair = header.split(";", 1)[0]
            key, _, value = pair.partition("=")
            self.cookies[key.strip()] = value.strip()
        if response.status not in expect:
            self.recorder.error(f"{name}: HTTP {response.status}")
            raise Unexpected(name)
        return response.status, text, response.headers.get("Location", "")

    def sign_in(self, account: Account) -> None:
        _status, page, _ = self.request("sign-in page", "GET", "/aanmelden")
        form = {"username": account.username, "password": account.password, "next": ""}
        form["csrf_token"] = csrf(page)
        _status, _page, location = self.request(
            "sign in", "POST", "/aanmelden", form, expect=(303,)
        )
        if "/aanmelden" in location:
            self.recorder.error("sign in: refused")
            raise Unexpected("sign in")


def csrf(page: str) -> str:
    match = CSRF.search(page)
    if not match:
        raise Unexpected("no csrf token")
    return match[1] or match[2]


def form_fields(schema: Mapping[str, Any], data: Mapping[str, Any], prefix: str = "") -> dict:
    """``data`` as the task page's form sends it (web/tasks/formschema.py parse_submission)."""
    fields: dict[str, Any] = {}
    props = properties(schema)
    for name, value in data.items():
        path = prefix + name
        if isinstance(value, Mapping):
            fields.update(form_fields(props.get(name) or {}, value, path + "."))
        elif isinstance(value, list):
            items = (props.get(name) or {}).get("items") or {}
            chosen = isinstance(items, Mapping) and (items.get("enum") or items.get("oneOf"))
            texts = [_text(v) for v in value]
            fields[path] = texts if chosen else "\n".join(texts)
        else:
            fields[path] = _text(value)
    return fields


def _text(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return "" if value is None else str(value)


class User:
    """One simulated user's loop."""

    def __init__(
        self,
        account: Account,
        browser: Browser,
        engine: Engine,
        rng: random.Random,
        think: tuple[float, float],
        running: Callable[[], bool],
        pacer: Pacer,
    ) -> None:
        self.account, self.browser, self.engine = account, browser, engine
        self.rng, self.think, self.running = rng, think, running
        self.pacer = pacer
        self.completed = 0
        self.round = 0

    def run(self) -> None:
        try:
            self.browser.sign_in(self.account)
        except Unexpected:
            return
        work = {
            "caseworker": self.casework,
            "coordinator": self.coordinate,
            "manager": self.dashboards,
        }[self.account.kind]
        while self.running():
            self.round += 1
            try:
                work()
            except Unexpected:
                self.pause()

    def pause(self) -> None:
        time.sleep(self.rng.uniform(*self.think))

    def get(self, name: str, path: str) -> str:
        page = self.browser.request(name, "GET", path)[1]
        self.pause()
        return page

    def casework(self) -> None:
        inbox = self.get("inbox", "/taken?weergave=vrij")
        tasks = TASK_LINK.findall(inbox)
        if not tasks:
            self.browser.recorder.no_work("empty inbox")
            return
        task_id = self.rng.choice(tasks)
        page = self.get("task page", f"/taken/{task_id}")
        case = CASE_LINK.search(page)
        if case:
            self.get("case page", f"/zaken/{case[1]}")
        if self.pacer.take():
            self.claim_and_complete(task_id, page)
        else:
            self.browser.recorder.no_work("paced")

    def coordinate(self) -> None:
        inbox = self.get("inbox", "/taken?weergave=vrij")
        listing = self.get("case list", "/zaken")
        cases = CASE_LINK.findall(listing)
        if cases:
            self.get("case page", f"/zaken/{self.rng.choice(cases)}")
        tasks = TASK_LINK.findall(inbox)
        if not tasks:
            self.browser.recorder.no_work("empty inbox")
            return
        task_id = self.rng.choice(tasks)
        page = self.get("task page", f"/taken/{task_id}")
        if self.round % 2 == 0:
            if self.pacer.take():
                self.claim_and_complete(task_id, page)
            else:
                self.browser.recorder.no_work("paced")

    def dashboards(self) -> None:
        name, path = DASHBOARD_PAGES[self.round % len(DASHBOARD_PAGES)]
        links = DRILL_DOWN.findall(self.get(name, path))
        if links:  # the cases behind a number
            self.get("dashboard cases", html.unescape(self.rng.choice(links)))

    def claim_and_complete(self, task_id: str, page: str) -> None:
        status, _body, location = self.browser.request(
            "claim", "POST", f"/taken/{task_id}/oppakken", {"csrf_token": csrf(page)}, (303, 404)
        )
        if status == 404:
            self.taken_by_colleague(task_id)
            self.pause()
            return
        if f"/taken/{task_id}" not in location:  # a colleague was first
            self.browser.recorder.conflict("claim")
            self.pause()
            return
        self.pause()
        page = self.get("task page", f"/taken/{task_id}")
        form = self.form_for(task_id)
        form["csrf_token"] = csrf(page)
        status, _body, location = self.browser.request(
            "complete", "POST", f"/taken/{task_id}/afronden", form, (303, 422)
        )
        if status == 422:  # the generated answers missed a rule: say which task's form
            self.browser.recorder.error(f"complete: HTTP 422 ({self.engine.task(task_id).bpmn_id})")
            raise Unexpected("complete")
        if f"/taken/{task_id}" in location:  # closed meanwhile (a timer, a colleague)
            self.browser.recorder.conflict("complete")
        else:
            self.completed += 1
        self.pause()

    def taken_by_colleague(self, task_id: str) -> None:
        """A claim answered 404: a conflict when a colleague claimed or completed the task
        meanwhile (then a task of a class this user may not see is hidden from them,
        web/privacy/policy.py), else an error."""
        task = self.engine.task(task_id)
        if task.status != "ready" or task.claimed_by not in (None, self.account.username):
            self.browser.recorder.conflict("claim (hidden once a colleague had it)")
        else:
            self.browser.recorder.error("claim: HTTP 404")
            raise Unexpected("claim")

    def form_for(self, task_id: str) -> dict[str, Any]:
        """Valid answers for the task, generated from its JSON Schema as the demo data are."""
        form = self.engine.form(task_id)
        if not form:
            return {}
        known = self.engine.instance(self.engine.task(task_id).instance_id).data
        return form_fields(form["schema"], demo.form_data(form["schema"], self.rng, known))
