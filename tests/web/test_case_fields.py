"""web/cases/fields.py names the case-data keys the pages read; the models in processes/ and
forms/ are the source of those keys. These tests read the files, so an edit in a modeler that
renames a key the pages depend on fails here, naming the key."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lxml import etree

from web.cases import fields

ROOT = Path(__file__).resolve().parents[2]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _model_text() -> str:
    files = [*(ROOT / "processes").glob("*.bpmn"), *(ROOT / "processes").glob("*.dmn")]
    files += (ROOT / "forms").glob("*.json")
    return "\n".join(path.read_text("utf-8") for path in sorted(files))


def _called_processes() -> dict[str, str]:
    """call activity id -> called process id, over every shipped BPMN file."""
    found = {}
    for path in (ROOT / "processes").glob("*.bpmn"):
        for call in etree.parse(str(path)).iter(f"{BPMN}callActivity"):
            found[call.get("id")] = call.get("calledElement")
    return found


def test_the_start_form_asks_for_the_start_data_the_pages_show() -> None:
    schema = json.loads((ROOT / "forms" / "start_entry.schema.json").read_text("utf-8"))
    keys = {
        fields.NAME,
        fields.BIRTH_DATE,
        fields.BSN,
        fields.ENTRY_DATE,
        fields.EXPECTED_RELEASE_DATE,
        fields.HAS_MINOR_CHILDREN,
        fields.PRISON,
        fields.MUNICIPALITY,
        fields.PROBATION_OFFICE,
    }
    assert keys <= set(schema["properties"]), keys - set(schema["properties"])


def test_every_key_the_pages_read_is_written_by_a_model() -> None:
    text = _model_text()
    keys = {
        *fields.PARTY_KEYS,
        fields.STAY_CLASS,
        fields.RELEASE_DATE,
        fields.RELEASE_INFO,
        *fields.MONITOR_KEYS.values(),
        *(f"{provision}_action_needed" for provision in fields.PROVISIONS),
    }
    missing = sorted(key for key in keys if not re.search(rf"\b{re.escape(key)}\b", text))
    assert missing == []


def test_each_special_category_has_its_consent_asked_in_a_form() -> None:
    """CONSENT_KEYS also lists the sample model's keys (tests/engine/models); one per category
    must be a field of a shipped form."""
    properties = set()
    for path in (ROOT / "forms").glob("*.schema.json"):
        properties |= set(json.loads(path.read_text("utf-8")).get("properties", {}))
    for category, keys in fields.CONSENT_KEYS.items():
        assert properties & set(keys), category


def test_each_provision_is_a_process_called_from_the_main_process() -> None:
    calls = _called_processes()
    for provision in fields.PROVISIONS:
        assert calls.get(f"call_{provision}") == f"provision_{provision}", provision
    called_provisions = {c for c in calls.values() if c and c.startswith("provision_")}
    assert called_provisions == {f"provision_{p}" for p in fields.PROVISIONS}


def test_each_provision_records_its_status_under_its_own_key() -> None:
    """The provision's record script writes the top-level key the monitor table reads."""
    for path in (ROOT / "processes").glob("*.bpmn"):
        root = etree.parse(str(path)).getroot()
        for process in root.iter(f"{BPMN}process"):
            provision = process.get("id").removeprefix("provision_")
            if provision not in fields.PROVISIONS:
                continue
            record = root.find(f".//{BPMN}scriptTask[@id='{provision}_record']/{BPMN}script")
            assert record is not None, f"{path.name}: no {provision}_record script"
            assert re.search(rf"^{provision} = ", record.text, re.MULTILINE), path.name


def test_the_main_process_is_the_one_the_pages_name() -> None:
    ids = {
        process.get("id")
        for path in (ROOT / "processes").glob("*.bpmn")
        for process in etree.parse(str(path)).iter(f"{BPMN}process")
    }
    assert fields.MAIN_PROCESS in ids
