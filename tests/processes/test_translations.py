"""Every text of the shipped models that people see has English (docs/modelling.md,
Translations): a name added in Dutch only fails here, naming the element or the form text."""

from __future__ import annotations

import json

from engine.translations import element_names, untranslated_names, untranslated_texts
from tests.processes.conftest import FORMS, MODEL_FILES

# Message and signal names are keys the application routes by, never shown.
NOT_SHOWN = ("message", "signal")


def _shown_names() -> dict[str, dict[str, str]]:
    files = [(path.name, path.read_bytes()) for path in MODEL_FILES]
    names = element_names(files)
    hidden = set()
    for _name, content in files:
        for kind in NOT_SHOWN:
            marker = f"<bpmn:{kind} id=".encode()
            for part in content.split(marker)[1:]:
                hidden.add(part.split(b'"')[1].decode())
    return {key: texts for key, texts in names.items() if key not in hidden}


def test_every_shown_name_in_the_models_has_english():
    names = _shown_names()
    assert len(names) > 250  # tasks, events, gateways, flows, lanes, pools, processes
    assert untranslated_names(names, "en") == []


def test_every_phase_label_has_english():
    phases = [
        part
        for path in MODEL_FILES
        for part in path.read_text(encoding="utf-8").split("<bpmn:categoryValue ")[1:]
    ]
    assert phases
    assert [p for p in phases if "terugkeer:value-en=" not in p.split(">")[0]] == []


def test_english_names_differ_from_dutch_where_the_words_differ():
    names = _shown_names()
    assert names["lane_prison"]["en"] == "Prison"
    same = sorted(t["nl"] for t in names.values() if t["en"] == t["nl"])
    assert same == ["UWV WERKbedrijf"] * len(same)  # a name, the same in both languages


def test_every_form_text_has_english():
    missing = {}
    for path in sorted(FORMS.glob("*.schema.json")):
        ui_path = path.with_name(path.name.replace(".schema.json", ".uischema.json"))
        form = {"schema": json.loads(path.read_text(encoding="utf-8"))}
        if ui_path.exists():
            form["ui"] = json.loads(ui_path.read_text(encoding="utf-8"))
        if found := untranslated_texts(form, "en"):
            missing[path.name] = found
    assert missing == {}
