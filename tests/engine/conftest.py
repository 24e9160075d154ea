from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from engine import Engine
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

MODELS = Path(__file__).parent / "models"
SAMPLE_FILES = [MODELS / "sample.bpmn", MODELS / "stay_class.dmn"]


@pytest.fixture
def engine(make_engine) -> Engine:  # type: ignore[no-untyped-def]
    """An engine on an empty database with the sample model deployed."""
    eng = make_engine(forms_dir=MODELS / "forms")
    eng.deploy(SAMPLE_FILES)
    return eng


@pytest.fixture
def database_proxy(database_url: str) -> Iterator[TcpProxy]:
    """A TCP proxy in front of the test's PostgreSQL server that the test can cut and restore
    (tests.support.tcp_proxy.through_proxy gives the URL through it)."""
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        pytest.skip("a database outage needs a database server (SQLite is a file)")
    with tcp_proxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        yield proxy
