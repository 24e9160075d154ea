"""The CPU time a load run (bench/load.py) used: the served processes (``terugkeer serve`` and its
workers, the schedulers) and PostgreSQL's backends of the run's database, read from Linux's
/proc. Per request, it is what the work cost whatever else ran on the machine: on a shared
machine the p95s mostly measure waiting for a CPU, and two runs' ratios mix the dataset with
the neighbours; the CPU per request does not.

The web workers' pools open and close backends during a run (more connections at once than a
pool keeps), so the backends are looked at every half second: a backend that ends is counted
up to its last look. Parallel query workers are not counted.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

PROC = Path("/proc")


@dataclass(frozen=True)
class Usage:
    app: float  # CPU seconds of the served processes
    database: float  # CPU seconds of the database's backends


def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # after "pid (name) ": state, ppid, ...


def own_seconds(pid: int) -> float:
    """User and system CPU of the process ``pid`` (0 when it is gone)."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def waited_children_seconds(pid: int) -> float:
    """User and system CPU of the ended children ``pid`` waited for (recycled workers)."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def family(roots: Iterable[int]) -> set[int]:
    """``roots`` and every process descending from them, alive now."""
    parents: dict[int, int] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                parents[int(entry.name)] = int(fields[1])
    found = {pid for pid in roots if pid in parents}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return found


BACKENDS = sa.text(
    "SELECT pid FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def backends(conn: sa.Connection) -> set[int]:
    """The process ids of the other backends connected to ``conn``'s database."""
    return {row.pid for row in conn.execute(BACKENDS)}


class CpuMeter:
    """CPU used between ``start`` and ``stop`` by the process trees of ``roots`` and the
    backends of ``database_url`` (looked at every ``every`` seconds)."""

    def __init__(self, roots: Iterable[int], database_url: str, every: float = 0.5) -> None:
        self.roots, self.database_url, self.every = list(roots), database_url, every
        self.app: dict[int, float] = {}
        self.database_start: dict[int, float] = {}
        self.database_seen: dict[int, float] = {}
        self.stopping = threading.Event()
        self.engine = sa.create_engine(database_url, poolclass=sa.pool.StaticPool)
        self.looker: threading.Thread | None = None

    def _app_now(self) -> dict[int, float]:
        return {pid: own_seconds(pid) + waited_children_seconds(pid) for pid in family(self.roots)}

    def _look(self, conn: sa.Connection) -> None:
        for pid in backends(conn):
            seconds = own_seconds(pid)
            if seconds:
                self.database_seen[pid] = max(seconds, self.database_seen.get(pid, 0.0))

    def _keep_looking(self) -> None:
        with self.engine.connect() as conn:
            while not self.stopping.wait(self.every):
                self._look(conn)
                conn.rollback()

    def start(self) -> None:
        self.app = self._app_now()
        with self.engine.connect() as conn:
            self._look(conn)
        self.database_start = dict(self.database_seen)
        self.looker = threading.Thread(target=self._keep_looking, daemon=True)
        self.looker.start()

    def stop(self) -> Usage:
        app_now = self._app_now()
        self.stopping.set()
        if self.looker is not None:
            self.looker.join()
        with self.engine.connect() as conn:
            self._look(conn)
        self.engine.dispose()
        return Usage(
            app=sum(max(0.0, s - self.app.get(pid, 0.0)) for pid, s in app_now.items()),
            database=sum(
                max(0.0, s - self.database_start.get(pid, 0.0))
                for pid, s in self.database_seen.items()
            ),
        )
