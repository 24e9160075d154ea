"""Load test at national scale: the production topology under simulated users, on PostgreSQL.

    python -m bench.load postgresql://postgres@127.0.0.1:5432/terugkeer_load \
        --cases 150000 --open 30000 --users 50 --seconds 300

1. Builds the dataset in the given (empty) database (bench/national_data.py), unless
   ``--reuse`` says it was built before (then migrates it to the head and vacuums it).
2. Makes the users' accounts through the app's own account functions (web/accounts.py).
3. Checkpoints the database (bench/load_prepare.py), then starts ``terugkeer serve --config
   deploy/gunicorn.conf.py`` (``--workers``, 4 by default) and two ``terugkeer scheduler``
   processes.
4. Drives ``--users`` simulated users (bench/load_users.py; 60% caseworkers, 25% coordinators,
   15% managers) for ``--seconds`` after a ``--warmup`` that is not counted; their claims and
   completions paced to ``--rate`` engine commands per second, so that runs at different sizes
   do the same work.
5. Prints p50/p95/p99 per page and action, errors, conflicts, rounds without work, commands per
   second (from /metrics) and the machine's load average; exits 1 when there was an error.
   With ``--baseline`` (the ``--json`` of a run at another size) also each p95's ratio to it
   (bench/load_compare.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bench.load_compare import compare
from bench.load_cpu import CpuMeter, Usage
from bench.load_prepare import accounts, checkpoint, settle
from bench.load_users import Account, Browser, Pacer, Recorder, User
from bench.national_data import bench_config, build
from bench.synthetic_ids import convert_old_task_ids
from engine.db.migrate import upgrade
from web.engine_access import build_engine

ROOT = Path(__file__).resolve().parents[1]
TERUGKEER = Path(sys.executable).parent / "terugkeer"
METRICS_TOKEN = "load-test-metrics-token"
TARGETS = {"inbox": 0.3, "task page": 0.3, "case page": 0.3, "complete": 0.5}


@dataclass
class Result:
    recorder: Recorder
    seconds: float
    completed: int
    commands: dict[str, float]
    load: tuple[float, float]
    cpu: Usage


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_topology(url: str, port: int, workers: int, folder: Path) -> list[subprocess.Popen]:
    """``terugkeer serve`` and two schedulers; their output in ``folder``."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load-test-secret-key",
        "TERUGKEER_INSTANCE_DIR": str(folder),
        "TERUGKEER_METRICS_TOKEN": METRICS_TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
        "TERUGKEER_WEB_BIND": f"127.0.0.1:{port}",
        "TERUGKEER_WEB_WORKERS": str(workers),
        # The processes run this checkout's code, whichever checkout the virtualenv installed.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("TERUGKEER_RUN_SCHEDULER", None)
    (folder / "metrics").mkdir(exist_ok=True)

    def start(args: list[str], name: str) -> subprocess.Popen:
        log = (folder / f"{name}.log").open("w")
        return subprocess.Popen(
            [str(TERUGKEER), *args], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder
        )

    config = str(ROOT / "deploy" / "gunicorn.conf.py")
    processes = [start(["scheduler"], f"scheduler{n}") for n in (1, 2)]
    processes.append(start(["serve", "--config", config], "serve"))
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(port: int, processes: list[subprocess.Popen], seconds: float = 180) -> None:
    """Until /readyz says ready; after ``seconds`` of an answering app that is not ready, say
    why (its checks) and go on: the pages do not need a scheduler."""
    deadline = time.monotonic() + seconds
    checks = "no answer"
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("a process of the topology ended; see its log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except urllib.error.HTTPError as error:
            checks = error.read().decode()
        except OSError:
            pass
        time.sleep(0.5)
    if checks == "no answer":
        raise RuntimeError("the app did not answer")
    print(f"WARNING: /readyz still not ready after {seconds:.0f} s, going on: {checks}")


def commands(port: int) -> dict[str, float]:
    """Engine commands so far by kind, summed over the processes (/metrics)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read().decode()
    found: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("terugkeer_command_seconds_count{"):
            labels, value = line.rsplit(" ", 1)
            kind = labels.split('kind="', 1)[1].split('"', 1)[0]
            found[kind] = found.get(kind, 0) + float(value)
    return found


def drive(
    url: str,
    port: int,
    users: list[Account],
    seconds: float,
    warmup: float,
    think: tuple[float, float],
    rate: float,
    meter: CpuMeter,
) -> Result:
    recorder = Recorder()
    stopping = threading.Event()
    pacer = Pacer(rate / 2)  # a claim and a completion: two commands
    engine = build_engine(url, bench_config(url).as_dict())  # reads forms for the answers
    people = [
        User(
            account,
            Browser("127.0.0.1", port, recorder),
            engine,
            random.Random(number),
            think,
            lambda: not stopping.is_set(),
            pacer,
        )
        for number, account in enumerate(users)
    ]
    threads = [threading.Thread(target=p.run, daemon=True) for p in people]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    time.sleep(warmup)
    before = commands(port)
    done_before = sum(p.completed for p in people)
    meter.start()
    recorder.recording = True
    started = time.perf_counter()
    time.sleep(seconds)
    recorder.recording = False
    took = time.perf_counter() - started
    cpu = meter.stop()
    after = commands(port)
    completed = sum(p.completed for p in people) - done_before
    stopping.set()
    for thread in threads:
        thread.join(timeout=120)
    engine.database.dispose()
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    return Result(recorder, took, completed, delta, os.getloadavg()[:2], cpu)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(result: Result, label: str) -> dict:
    recorder = result.recorder
    print(f"\n{label}: {result.seconds:.0f} s measured, load average {result.load[0]:.1f}")
    print(f"{'page or action':<22}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    figures = {}
    for name, values in sorted(recorder.times.items()):
        p50, p95, p99 = (percentile(values, s) * 1000 for s in (0.5, 0.95, 0.99))
        figures[name] = {"count": len(values), "p50": p50, "p95": p95, "p99": p99}
        mark = ""
        if name in TARGETS:
            mark = "  ok" if p95 <= TARGETS[name] * 1000 else f"  over {TARGETS[name] * 1000:.0f}"
        print(
            f"{name:<22}{len(values):>7}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}"
            f"{max(values) * 1000:>9.0f}{mark}"
        )
    requests = sum(len(v) for v in recorder.times.values())
    total = sum(result.commands.values())
    print(
        f"requests: {requests} ({requests / result.seconds:.1f}/s); completions: {result.completed}"
    )
    kinds = ", ".join(f"{k} {v:.0f}" for k, v in sorted(result.commands.items()) if v)
    print(f"engine commands: {total:.0f} ({total / result.seconds:.2f}/s): {kinds}")
    print(f"errors: {sum(recorder.errors.values())} {recorder.errors or ''}")
    print(f"conflicts (a colleague was first): {recorder.conflicts or 0}")
    print(f"rounds without a claim: {recorder.idle or 0}")
    cpu = result.cpu
    per_request = {
        "app": cpu.app * 1000 / max(requests, 1),
        "database": cpu.database * 1000 / max(requests, 1),
    }
    print(
        f"CPU: app {cpu.app:.0f} s, database {cpu.database:.0f} s"
        f" ({(cpu.app + cpu.database) / result.seconds:.2f} cores busy);"
        f" per request: app {per_request['app']:.1f} ms, database {per_request['database']:.1f} ms"
    )
    return {
        "label": label,
        "seconds": result.seconds,
        "load_average": result.load,
        "pages": figures,
        "errors": recorder.errors,
        "conflicts": recorder.conflicts,
        "idle_rounds": recorder.idle,
        "commands": result.commands,
        "completed": result.completed,
        "commands_per_second": total / result.seconds,
        "cpu": {
            "app_seconds": cpu.app,
            "database_seconds": cpu.database,
            "app_ms_per_request": per_request["app"],
            "database_ms_per_request": per_request["database"],
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="an empty PostgreSQL database (or one --reuse'd)")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--open", type=int, default=200, dest="open_cases")
    parser.add_argument("--templates", type=int, default=300, help="open cases made by the engine")
    parser.add_argument("--reuse", action="store_true", help="the dataset was built before")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--warmup", type=float, default=20)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    parser.add_argument(
        "--rate",
        type=float,
        default=3.0,
        help="engine commands per second the users aim at (a claim and a completion are two);"
        " 0: as fast as they go",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder")
    parser.add_argument("--baseline", type=Path, help="the --json of a run to compare with")
    args = parser.parse_args(argv)
    url = args.database_url
    print(f"load average before: {os.getloadavg()[0]:.1f}; {os.cpu_count()} CPUs")
    if not args.reuse:
        started = time.perf_counter()
        built = build(url, args.cases, args.open_cases, templates=args.templates)
        print(
            f"dataset: {built.historic} historic, {built.templates} engine-made open, "
            f"{built.clones} cloned open cases in {time.perf_counter() - started:.0f} s"
        )
    else:  # a dataset built before the newest migrations
        convert_old_task_ids(bench_config(url).DATABASE_URL)
        upgrade(url)
        settle(url)
    users = accounts(url, args.users)
    checkpoint(url)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="terugkeer-load-") as temporary:
        folder = args.logs or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        processes = start_topology(url, port, args.workers, folder)
        try:
            wait_until_serving(port, processes)
            meter = CpuMeter([p.pid for p in processes], bench_config(url).DATABASE_URL)
            result = drive(
                url, port, users, args.seconds, args.warmup, tuple(args.think), args.rate, meter
            )
        except Exception:
            for log in sorted(folder.glob("*.log")):
                print(f"--- {log.name}\n{log.read_text()[-3000:]}", file=sys.stderr)
            raise
        finally:
            stop(processes)
    with sa.create_engine(bench_config(url).DATABASE_URL).connect() as conn:
        cases, running = conn.execute(
            sa.text("SELECT count(*), count(*) FILTER (WHERE status = 'running') FROM cases")
        ).one()
    label = (
        f"{cases} cases ({running} open), {args.users} users, {args.workers} workers,"
        f" aiming at {args.rate:g} commands/s"
    )
    figures = report(result, label)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    if args.baseline:
        compare(json.loads(args.baseline.read_text()), figures)
    return 1 if result.recorder.errors else 0


if __name__ == "__main__":
    sys.exit(main())
