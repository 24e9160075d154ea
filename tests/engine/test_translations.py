"""Model texts in English from the models themselves, Dutch where a model gives none
(engine/translations.py, docs/modelling.md)."""

from __future__ import annotations

import json
from pathlib import Path

from engine import Engine
from engine.deployment import SourceFile
from engine.translations import (
    element_names,
    localize_form,
    names_in,
    translated_bpmn,
    untranslated_names,
    untranslated_texts,
)

MODEL = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    xmlns:terugkeer="https://terugkeer.example/schema/bpmn/translations"
    id="defs" targetNamespace="http://terugkeer.example/test">
  <bpmn:process id="vertaald" name="Vertaalde zaak" terugkeer:name-en="Translated case"
      isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_municipality" name="Gemeente" terugkeer:name-en="Municipality">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>screen</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>check</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="screen" />
    <bpmn:userTask id="screen" name="Huisvesting   screenen" terugkeer:name-en="Screen housing">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="screen.schema.json" />
          <spiffworkflow:property name="formUiSchemaFilename" value="screen.uischema.json" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="screen" targetRef="check" />
    <bpmn:userTask id="check" name="Controleren">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="screen.schema.json" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" terugkeer:name-en="Done" terugkeer:name-de="Fertig" />
  </bpmn:process>
</bpmn:definitions>
"""

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Huisvesting screenen",
    "x-title-en": "Screen housing",
    "type": "object",
    "properties": {
        "housing": {
            "type": "string",
            "title": "Woonsituatie",
            "x-title-en": "Housing situation",
            "description": "Zoals de gedetineerde vertelt.",
            "oneOf": [
                {"const": "own", "title": "Eigen woning", "x-title-en": "Own home"},
                {"const": "none", "title": "Geen woning"},
            ],
        },
        "note": {"type": "string", "title": "Toelichting", "x-title-en": "  "},
    },
    "required": ["housing"],
}
UI = {
    "ui:order": ["housing", "note"],
    "ui:submitButtonOptions": {"submitText": "Afronden", "submitText-en": "Complete"},
    "housing": {"ui:help": "Vraag het na.", "ui:help-en": "Ask."},
    "note": {"ui:enumNames": ["Ja", "Nee"], "ui:enumNames-en": ["Yes"]},
}


def _deployed(make_engine, tmp_path: Path) -> Engine:  # type: ignore[no-untyped-def]
    (tmp_path / "screen.schema.json").write_text(json.dumps(SCHEMA))
    (tmp_path / "screen.uischema.json").write_text(json.dumps(UI))
    engine = make_engine(forms_dir=tmp_path)
    engine.deploy([SourceFile("vertaald.bpmn", MODEL)])
    return engine


def test_names_in_english_from_the_model_and_dutch_where_it_has_none(make_engine, tmp_path):  # type: ignore[no-untyped-def]
    engine = _deployed(make_engine, tmp_path)
    case = engine.start("vertaald", {}, "Z-1")

    english = engine.element_names(case.version_id, "en")
    assert english["screen"] == "Screen housing"
    assert english["vertaald"] == "Translated case"
    assert english["lane_municipality"] == "Municipality"
    assert english["end"] == "Done"
    assert english["check"] == "Controleren"  # no English in the model: Dutch
    dutch = engine.element_names(case.version_id)
    assert dutch["screen"] == "Huisvesting screenen"  # the name as shown: spaces tidied
    assert engine.element_names(case.version_id, "fr")["end"] == "Klaar"
    assert engine.element_names(case.version_id, "de")["end"] == "Fertig"
    assert "start" not in english  # an element without a name has none in any language


def test_task_form_in_english_with_dutch_fallback_and_same_validation(make_engine, tmp_path):  # type: ignore[no-untyped-def]
    engine = _deployed(make_engine, tmp_path)
    case = engine.start("vertaald", {}, "Z-2")
    (task,) = engine.tasks(instance_id=case.id)

    form = engine.form(task.id, "en")
    schema, ui = form["schema"], form["ui"]
    assert schema["title"] == "Screen housing"
    housing = schema["properties"]["housing"]
    assert housing["title"] == "Housing situation"
    assert housing["description"] == "Zoals de gedetineerde vertelt."  # no English given
    assert [o["title"] for o in housing["oneOf"]] == ["Own home", "Geen woning"]
    assert schema["properties"]["note"]["title"] == "Toelichting"  # a blank translation: Dutch
    assert ui["ui:submitButtonOptions"]["submitText"] == "Complete"
    assert ui["housing"]["ui:help"] == "Ask."
    assert ui["note"]["ui:enumNames"] == ["Ja", "Nee"]  # English lacks an option: Dutch
    assert engine.form(task.id)["schema"]["title"] == "Huisvesting screenen"
    assert engine.form(task.id, "nl") == engine.form(task.id)
    assert (
        engine.version_forms(case.version_id, "en")["screen.schema.json"]["schema"]["title"]
        == "Screen housing"
    )

    engine.complete(task.id, {"housing": "own"}, "tester")  # the same rules in every language
    assert engine.instance(case.id).data["housing"] == "own"


def test_localizing_leaves_the_stored_form_alone():
    form = {"schema": SCHEMA, "ui": UI}
    english = localize_form(form, "en")
    assert english["schema"]["title"] == "Screen housing"
    assert SCHEMA["title"] == "Huisvesting screenen"
    assert UI["housing"]["ui:help"] == "Vraag het na."
    assert localize_form(form, "nl") == form
    assert localize_form(None, "en") is None


def test_a_field_called_title_is_no_text():
    schema = {"properties": {"title": {"type": "string", "title": "Titel", "x-title-en": "Title"}}}
    english = localize_form({"schema": schema}, "en")
    assert english["schema"]["properties"]["title"]["title"] == "Title"
    assert untranslated_texts({"schema": schema}, "en") == []


def test_untranslated_texts_and_names_are_listed():
    assert untranslated_texts({"schema": SCHEMA, "ui": UI}, "en") == [
        "/schema/properties/housing/description",
        "/schema/properties/housing/oneOf/1/title",
        "/schema/properties/note/title",
        "/ui/note/ui:enumNames",
    ]
    names = element_names([("vertaald.bpmn", MODEL), ("notes.txt", b"<x/>")])
    assert untranslated_names(names, "en") == ["check"]
    assert names_in(names, None)["lane_municipality"] == "Gemeente"


def test_a_diagram_in_english_keeps_everything_but_the_shown_names():
    group = (
        b'<bpmn:category id="c"><bpmn:categoryValue id="v" value="Ontslag"'
        b' terugkeer:value-en="Release" /></bpmn:category>'
    )
    content = MODEL.replace(b"</bpmn:definitions>", group + b"</bpmn:definitions>")
    english = translated_bpmn(content, "en")
    names = element_names([("vertaald.bpmn", english)])
    assert names["screen"]["nl"] == "Screen housing"  # shown as the name
    assert names["check"]["nl"] == "Controleren"  # no English: Dutch
    assert b'value="Release"' in english
    assert b'id="screen"' in english and b"formJsonSchemaFilename" in english
    assert translated_bpmn(content, "nl") == content
    assert translated_bpmn(b"<broken", "en") == b"<broken"


def test_the_start_form_in_english(make_engine, tmp_path):  # type: ignore[no-untyped-def]
    start = (
        b'<bpmn:startEvent id="start"><bpmn:extensionElements><spiffworkflow:properties>'
        b'<spiffworkflow:property name="formJsonSchemaFilename" value="screen.schema.json" />'
        b"</spiffworkflow:properties></bpmn:extensionElements></bpmn:startEvent>"
    )
    (tmp_path / "screen.schema.json").write_text(json.dumps(SCHEMA))
    (tmp_path / "screen.uischema.json").write_text(json.dumps(UI))
    engine = make_engine(forms_dir=tmp_path)
    engine.deploy(
        [SourceFile("vertaald.bpmn", MODEL.replace(b'<bpmn:startEvent id="start" />', start))]
    )

    english = engine.start_form("vertaald", "en")
    assert english.schema["title"] == "Screen housing"
    assert english.schema["properties"]["housing"]["oneOf"][0]["title"] == "Own home"
    assert engine.start_form("vertaald").schema["title"] == "Huisvesting screenen"
