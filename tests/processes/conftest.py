"""Fixtures for the scenario tests of the shipped models through the engine facade."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Engine

ROOT = Path(__file__).resolve().parents[2]
MODEL_FILES = [
    *sorted((ROOT / "processes").glob("*.bpmn")),
    *sorted((ROOT / "processes").glob("*.dmn")),
]
FORMS = ROOT / "forms"


@pytest.fixture
def engine(make_engine) -> Engine:  # type: ignore[no-untyped-def]
    """An engine on an empty database (SQLite, and PostgreSQL when one answers) with the
    Samenwerkingsmodel Nazorg models of processes/ and forms/ deployed."""
    eng = make_engine(forms_dir=FORMS)
    eng.deploy(MODEL_FILES)
    return eng
