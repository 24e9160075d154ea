from __future__ import annotations

from pathlib import Path

import pytest

from engine import Engine

MODELS = Path(__file__).parent / "models"
SAMPLE_FILES = [MODELS / "sample.bpmn", MODELS / "stay_class.dmn"]


@pytest.fixture
def engine(make_engine) -> Engine:  # type: ignore[no-untyped-def]
    """An engine on an empty database with the sample model deployed."""
    eng = make_engine(forms_dir=MODELS / "forms")
    eng.deploy(SAMPLE_FILES)
    return eng
