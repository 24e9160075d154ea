"""The classes in forms/ (web/privacy/classes.py): every form and every field says its class, and
the policy reads the forms' word over its own rules."""

from __future__ import annotations

import json
from pathlib import Path

from web.privacy.classes import CLASSES, element_class, key_class, key_classes

FORMS = Path(__file__).resolve().parents[3] / "forms"


def test_every_form_and_field_of_the_shipped_forms_has_a_class() -> None:
    missing = []
    for path in sorted(FORMS.glob("*.schema.json")):
        schema = json.loads(path.read_text("utf-8"))
        if schema.get("x-class") not in CLASSES:
            missing.append(path.name)
        for name, spec in (schema.get("properties") or {}).items():
            if spec.get("x-class") not in CLASSES:
                missing.append(f"{path.name}: {name}")
    assert missing == []


def test_the_forms_declaration_wins_over_the_rules() -> None:
    forms = {
        "intake": {
            "schema": {
                "x-class": "criminal",
                "properties": {"care_notes": {"x-class": "basic"}, "other": {}},
            }
        }
    }
    declared = key_classes(forms)
    assert key_class("care_notes", declared) == "basic"  # the rule would say care
    assert key_class("other", declared) == "basic"
    assert key_class("care_notes", {}) == "care"
    assert element_class("intake", forms["intake"]) == "criminal"
    assert element_class("care_intake", None) == "care"
    risc = json.loads((FORMS / "risc_assessment.schema.json").read_text("utf-8"))
    assert (
        risc["x-class"] == "criminal" and risc["properties"]["risc_advice"]["x-class"] == "criminal"
    )
