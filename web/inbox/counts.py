"""The inbox's shared counts (the open tasks per step, the unclaimed ones among them), kept a few
seconds in each web process, so that an inbox page does not cost more in a bigger organisation.

Counting them reads an index entry per open task of the organisation: at national scale the
biggest prison holds about 19,000, and that count cost about 8 ms of the database per page
against 1 ms at 1,000 cases (docs/operations.md, the load test). The figures are kept per
organisation and roles for ``TERUGKEER_INBOX_COUNTS_SECONDS`` (15; 0: never kept):

- the user's own open tasks are always counted afresh (web/inbox/queries.py ``my_steps``; an
  index of the claimed open tasks, so that count follows what the user holds);
- the user's own claim, release or completion marks their session, and their next inbox counts
  afresh, in whichever worker process it lands (``own_work_done``); it also drops this
  process's figures of the task's organisation;
- a colleague's work in another process shows in the counts within those seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection

from flask import current_app, session

from web.inbox.queries import StepCount, organisation_steps

CACHE_KEY = "terugkeer.inbox_counts"
OWN_WORK_KEY = "inbox_own_work"

Key = tuple[str, tuple[str, ...]]


class CountCache:
    """Per (organisation, roles): the steps with open tasks and their unclaimed counts, for
    ``seconds`` after they were counted. Thread-safe."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.clock = seconds, clock
        self.entries: dict[Key, tuple[float, list[StepCount]]] = {}
        self.lock = threading.Lock()

    def get(self, key: Key, count: Callable[[], list[StepCount]], fresh: bool) -> list[StepCount]:
        """The kept figures, unless ``fresh`` is asked or they are older than ``seconds``."""
        now = self.clock()
        if not fresh:
            with self.lock:
                kept = self.entries.get(key)
            if kept is not None and now < kept[0]:
                return kept[1]
        figures = count()
        if self.seconds > 0:
            with self.lock:
                self.entries[key] = (now + self.seconds, figures)
        return figures

    def forget(self, organisation: str) -> None:
        with self.lock:
            for key in [key for key in self.entries if key[0] == organisation]:
                del self.entries[key]


def count_cache() -> CountCache:
    """This app's (this process's) cache."""
    cache = current_app.extensions.get(CACHE_KEY)
    if cache is None:
        seconds = float(current_app.config.get("TERUGKEER_INBOX_COUNTS_SECONDS", 15))
        cache = current_app.extensions.setdefault(CACHE_KEY, CountCache(seconds))
    return cache


def shared_steps(organisation: str, roles: Collection[str]) -> list[StepCount]:
    """The organisation's steps with open tasks for ``roles`` and their unclaimed counts (``mine``
    0): kept, or counted afresh after the user's own work (``own_work_done``)."""
    fresh = bool(session.pop(OWN_WORK_KEY, False))
    key = (organisation, tuple(sorted(roles)))
    return count_cache().get(key, lambda: organisation_steps(organisation, roles), fresh)


def own_work_done(organisation: str | None) -> None:
    """The user claimed, released or completed a task of ``organisation``: their next inbox
    counts afresh, and this process forgets the organisation's figures."""
    session[OWN_WORK_KEY] = True
    if organisation:
        count_cache().forget(organisation)
