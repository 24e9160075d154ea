"""The web app with the test's clock as its security clock: sessions and sign-in pauses move
with ``clock`` here (elsewhere they run on real time, whatever business time a test sets)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from engine import ManualClock
from tests.web.support import build_app, dispose, seed_accounts


@pytest.fixture
def web_app(database_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = build_app(database_url, clock, TERUGKEER_SECURITY_CLOCK=clock)
    seed_accounts(app)
    yield app
    dispose(app)
