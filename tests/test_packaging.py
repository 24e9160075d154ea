"""The built wheel, installed in a fresh virtual environment outside the source tree, runs:
``terugkeer init-db`` (the migrations), ``deploy`` (the shipped models and forms), ``serve``
(templates, compiled catalogues and the front-end files copied into the wheel) and
``scheduler``.

The wheel is built once per run from a copy of the sources (so no build/ or egg-info lands in
the checkout), with the project's own setuptools and Babel (no build isolation: no download).
Terugkeer is installed from the wheel without its dependencies, which the fresh environment
takes from the project's environment through a .pth line: plain folders, no editable finder, so
``import web`` can only find the installed wheel, which the test checks."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "config.py", "README.md")
SOURCE_FOLDERS = ("engine", "web", "migrations", "processes", "forms")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "instance")


# Where the code comes from, and the English catalogue compiled at build time.
CHECK_INSTALLED = (
    "import config, pathlib, web; "
    "mo = pathlib.Path(web.__file__).parent / 'translations/en/LC_MESSAGES/messages.mo'; "
    "print(web.__file__, mo.is_file(), config.SOURCE_TREE)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bin/ folder of a fresh virtual environment with the built wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        shutil.copy2(ROOT / name, source / name)
    for name in SOURCE_FOLDERS:
        shutil.copytree(ROOT / name, source / name, ignore=SKIP)
    (source / "node_modules").symlink_to(ROOT / "node_modules")
    wheels = work / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)],
        check=True,
        cwd=work,
    )
    (wheel,) = wheels.glob("terugkeer-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    target = Path(
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (target / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(  # the environment's own python, so the scripts run on it
        [str(venv / "bin" / "python"), *pip[1:], "install", "--no-deps", "--no-index"]
        + ["--ignore-installed", str(wheel)],
        check=True,
        cwd=work,
    )
    yield venv / "bin"


@pytest.fixture
def environment(installed: Path, tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": f"{installed}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'terugkeer.sqlite'}",
        "SECRET_KEY": "wheel-test-" + "0" * 40,
        "TERUGKEER_LOG_FORMAT": "json",
    }


def run(installed: Path, args: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [str(installed / "terugkeer"), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_installed_wheel_migrates_deploys_serves_and_schedules(
    installed: Path, environment: dict[str, str], tmp_path: Path
) -> None:
    where = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            CHECK_INSTALLED,
        ],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(ROOT) not in where and where.split()[1:] == ["True", "False"], where

    assert "Database is up to date" in run(installed, ["init-db"], environment, tmp_path)
    deployed = run(installed, ["deploy"], environment, tmp_path)  # the shipped models
    assert "nazorg_detentie version 1 (new)" in deployed

    port = free_port()
    server_env = {**environment, "TERUGKEER_WEB_BIND": f"127.0.0.1:{port}"}
    server_env["TERUGKEER_WEB_WORKERS"] = "1"
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [str(installed / "terugkeer"), "serve"],
        env=server_env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    scheduler_log = (tmp_path / "scheduler.log").open("w")
    scheduler = subprocess.Popen(
        [str(installed / "terugkeer"), "scheduler"],
        env=environment,
        cwd=tmp_path,
        stdout=scheduler_log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        page = wait_for(f"{base}/aanmelden")
        assert "Aanmelden" in page
        with urllib.request.urlopen(f"{base}/vendor/chart.js/dist/chart.umd.min.js") as asset:
            assert asset.status == 200 and b"Chart" in asset.read(2_000_000)
        css = f"{base}/static/css/app.css"
        with urllib.request.urlopen(css) as static:
            assert static.status == 200
        deadline = time.monotonic() + 60
        while "Timer scheduler running" not in (tmp_path / "scheduler.log").read_text():
            assert scheduler.poll() is None, (tmp_path / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
    finally:
        for process in (scheduler, server):
            process.send_signal(signal.SIGTERM)
        for process in (scheduler, server):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    assert scheduler.returncode == 0, (tmp_path / "scheduler.log").read_text()
    assert server.returncode == 0, (tmp_path / "serve.log").read_text()
    assert '"route": "/aanmelden"' in (tmp_path / "serve.log").read_text()  # JSON request lines


def wait_for(url: str, seconds: float = 60.0) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url) as reply:
                assert reply.status == 200
                return reply.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
