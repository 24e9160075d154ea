"""``terugkeer serve``: the app under gunicorn, without a timer scheduler (that is
``terugkeer scheduler``, one or more, docs/operations.md).

Workers, threads and the address come from the TERUGKEER_WEB_* settings (config.py); a gunicorn
configuration file (deploy/gunicorn.conf.py) may set gunicorn's other settings. Each worker builds
its own app (nothing is preloaded: database connections are never shared across a fork).

Metrics: with PROMETHEUS_MULTIPROC_DIR set, every worker (and every scheduler on the host that has
the same setting) writes its counters there and /metrics sums them. At start the files of
processes that no longer run are removed; a worker that exits is marked dead."""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from prometheus_client import multiprocess

from config import Config
from web import create_app

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def gunicorn_settings(config: Config) -> dict[str, Any]:
    """What ``terugkeer serve`` always sets; a configuration file may override it."""
    return {
        "bind": [config.TERUGKEER_WEB_BIND],
        "workers": config.TERUGKEER_WEB_WORKERS,
        "threads": config.TERUGKEER_WEB_THREADS,
        "worker_class": "gthread",
        "preload_app": False,
        "proc_name": "terugkeer-web",
        "on_starting": prepare_metrics_folder,
        "child_exit": worker_exited,
    }


def ensure_metrics_folder() -> Path | None:
    """PROMETHEUS_MULTIPROC_DIR, created if missing (whichever process starts first); None when
    it is not set."""
    folder = os.environ.get(MULTIPROC_ENV)
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def prepare_metrics_folder(_server: Any = None) -> None:
    """Gunicorn's start hook: create PROMETHEUS_MULTIPROC_DIR, and remove the files of processes
    that no longer run (a scheduler running beside keeps its files)."""
    path = ensure_metrics_folder()
    if path is None:
        return
    for file in path.glob("*.db"):
        pid = file.stem.rpartition("_")[2]
        if pid.isdigit() and not process_runs(int(pid)):
            file.unlink(missing_ok=True)


def worker_exited(_server: Any, worker: Any) -> None:
    """Gunicorn's hook when a worker exited: its live gauges no longer count."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(worker.pid)


def process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class TerugkeerServer(BaseApplication):
    """Gunicorn with ``gunicorn_settings(config)`` and then the settings of ``config_file``."""

    def __init__(self, config: Config, config_file: Path | None = None) -> None:
        self.config = config
        self.config_file = config_file
        super().__init__(prog="terugkeer serve")

    def load_config(self) -> None:
        settings = gunicorn_settings(self.config)
        if self.config_file is not None:
            found = runpy.run_path(str(self.config_file))
            settings.update({k: v for k, v in found.items() if k in self.cfg.settings})
        for name, value in settings.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        """Called in each worker: its own app, engine and connection pool."""
        return create_app(self.config)


def serve(config: Config, config_file: Path | None = None) -> None:
    """Run gunicorn in the foreground until SIGTERM or SIGINT."""
    TerugkeerServer(config, config_file).run()
