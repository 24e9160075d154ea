"""The shared protections of web/security.py: one check for every return address (a corpus of
tricks, none leaves the site), body limits with a clear 413, no caching of personal pages, and
files of secrets readable by their owner only."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import Config, TestConfig
from tests.web.processes.conftest import add_process_owner
from tests.web.support import PASSWORD
from web import create_app
from web.security import safe_redirect_target

HOSTILE = [
    "https://evil.example/",
    "http://evil.example",
    "HTTPS://evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/%2F/evil.example",
    "/%2Fevil.example",
    "%2F%2Fevil.example",
    "%2F%09%2Fevil.example",
    "/%09/evil.example",
    "/%0d%0a/evil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "/\x00/evil.example",
    "/taken\r\nSet-Cookie: session=evil",
    "/taken\nLocation: https://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    "http:/evil.example",
    "evil.example",
    "",
]
ON_SITE = ["/zaken", "/zaken?status=open&pagina=2", "/taken#lijst", "/zaken?terug=//x", "/@evil"]


def browser_location(location: str, base: str = "http://localhost/aanmelden") -> tuple[str, str]:
    """Where a browser goes with this Location header (WHATWG URL parsing): leading and
    trailing controls and spaces, tabs and newlines dropped, backslashes read as slashes."""
    cleaned = location.strip("".join(chr(c) for c in range(0x21)))
    cleaned = "".join(ch for ch in cleaned if ch not in "\t\n\r").replace("\\", "/")
    parts = urlsplit(urljoin(base, cleaned))
    return parts.scheme, parts.netloc


@pytest.mark.parametrize("target", HOSTILE)
def test_no_hostile_target_passes_the_check(target: str) -> None:
    assert safe_redirect_target(target, "/taken") == "/taken"


@pytest.mark.parametrize("target", ON_SITE)
def test_a_path_on_this_site_passes_unchanged(target: str) -> None:
    assert safe_redirect_target(target, "/taken") == target


@pytest.mark.parametrize("target", HOSTILE + ON_SITE)
def test_sign_in_never_leaves_the_site(web_app: Flask, target: str) -> None:
    client = web_app.test_client()
    page = client.get("/aanmelden?next=" + quote(target, safe=""))
    assert page.status_code == 200
    response = client.post(
        "/aanmelden", data={"username": "ams", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert browser_location(response.headers["Location"]) == ("http", "localhost")


def test_the_reported_tab_trick_lands_on_the_inbox(web_app: Flask) -> None:
    client = web_app.test_client()
    page = client.get("/aanmelden?next=%2F%09%2Fevil.example").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/\t/evil.example"' in page
    response = client.post(
        "/aanmelden", data={"username": "ams", "password": PASSWORD, "next": "/\t/evil.example"}
    )
    assert response.headers["Location"] == "/taken"


@pytest.mark.parametrize("target", HOSTILE + ON_SITE)
def test_the_language_switch_never_leaves_the_site(web_app: Flask, target: str) -> None:
    response = web_app.test_client().post("/taal", data={"language": "en", "next": target})
    assert response.status_code == 303
    assert browser_location(response.headers["Location"]) == ("http", "localhost")


def test_pages_take_at_most_one_megabyte(web_app: Flask) -> None:
    big = "x" * (1024 * 1024 + 1)
    response = web_app.test_client().post("/aanmelden", data={"username": "ams", "password": big})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Verzoek te groot" in page and "Wat u verstuurt is te groot." in page


def test_the_upload_page_takes_larger_files(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    add_process_owner(web_app)
    owner = sign_in("procesbeheer")
    model = b"<?xml version='1.0'?><!--" + b"x" * (3 * 1024 * 1024) + b"--><definitions/>"
    response = owner.post(
        "/processen/uploaden",
        data={"files": [(io.BytesIO(model), "groot.bpmn")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422  # read and checked (not a process), not refused unread
    too_big = owner.post(
        "/processen/uploaden",
        data={"files": [(io.BytesIO(b"x" * (17 * 1024 * 1024)), "te-groot.bpmn")]},
        content_type="multipart/form-data",
    )
    assert too_big.status_code == 413


def test_personal_pages_are_never_cached(sign_in: Callable[[str], FlaskClient]) -> None:
    client = sign_in("ams")
    for path in ("/taken", "/zaken", "/aanmelden", "/bestaat-niet"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_api_answers_are_never_cached(web_app: Flask) -> None:
    response = web_app.test_client().get("/api/v1/cases")
    assert response.status_code == 401 and response.headers["Cache-Control"] == "no-store"


def test_the_sqlite_database_and_the_secret_key_are_for_their_owner_only(
    tmp_path: Path,
) -> None:
    old = os.umask(0o022)
    try:
        app = create_app(Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path)}))
    finally:
        os.umask(old)
    database = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    assert database.parent == tmp_path
    assert database.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_an_existing_database_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "kept.sqlite"
    path.touch(mode=0o640)
    path.chmod(0o640)
    create_app(TestConfig(f"sqlite:///{path}"))
    assert path.stat().st_mode & 0o777 == 0o640
