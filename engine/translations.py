"""Model texts in other languages than Dutch, read from the models themselves.

BPMN: an element's ``name`` is Dutch; its name in another language is the attribute
``terugkeer:name-<language>`` in the namespace ``TRANSLATION_NS``, e.g.
``<bpmn:userTask id="housing_screening" name="Huisvesting screenen"
terugkeer:name-en="Screen housing">``; likewise ``terugkeer:value-en`` beside the ``value`` of a
group's ``categoryValue`` (a phase).

Forms: beside a Dutch text in a JSON Schema (``title``, ``description``) the same key as
``x-<key>-<language>`` (``"x-title-en"``); in a UI schema the same key with ``-<language>``
appended (``"ui:help-en"``, ``"ui:enumNames-en"``, ``"submitText-en"``).

Wherever a text has no translation, the Dutch text stands (docs/modelling.md, Translations).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

DEFAULT_LANGUAGE = "nl"
TRANSLATION_NS = "https://terugkeer.example/schema/bpmn/translations"
TRANSLATED_ATTRIBUTES = ("name", "value")
"""The BPMN attributes people read: element names, and the ``value`` of a ``categoryValue``
(the label of a group, such as a phase)."""

SCHEMA_TEXT_KEYS = ("title", "description")
"""The keys of a JSON Schema whose text a form translates (``x-title-en`` beside ``title``)."""

UI_TEXT_KEYS = ("ui:title", "ui:help", "ui:placeholder", "ui:enumNames", "submitText")
"""The keys of a UI schema whose text a form translates (``ui:help-en`` beside ``ui:help``)."""

_LANGUAGE = re.compile(r"^[a-z]{2}$")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

Names = dict[str, dict[str, str]]
"""Element id -> language -> name; the Dutch name under ``"nl"``."""


def _tidy(text: str) -> str:
    return " ".join(text.split())


def element_names(files: Iterable[tuple[str, bytes]]) -> Names:
    """The names of every named element (and process, lane, pool) with an id in the BPMN files,
    per language. An id found in two files keeps its first names."""
    names: Names = {}
    prefix = f"{{{TRANSLATION_NS}}}name-"
    for file_name, content in files:
        if not file_name.lower().endswith(".bpmn"):
            continue
        try:
            root = etree.fromstring(content, _PARSER)
        except etree.XMLSyntaxError:
            continue
        for element in root.iter(etree.Element):
            element_id = element.get("id")
            if not element_id or element_id in names or not element.get("name"):
                continue
            found = {DEFAULT_LANGUAGE: _tidy(element.get("name"))}
            for key, value in element.attrib.items():
                language = key[len(prefix) :] if key.startswith(prefix) else ""
                if _LANGUAGE.match(language) and value.strip():
                    found[language] = _tidy(value)
            names[element_id] = found
    return names


def translated_bpmn(content: bytes, language: str | None) -> bytes:
    """A BPMN file with each element's ``name`` in ``language`` where it gives one (for showing
    the diagram in that language; what runs is always the deployed file). Unreadable content
    comes back as it is."""
    if not language or language == DEFAULT_LANGUAGE or not _LANGUAGE.match(language):
        return content
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError:
        return content
    for element in root.iter(etree.Element):
        for shown in TRANSLATED_ATTRIBUTES:
            translated = element.get(f"{{{TRANSLATION_NS}}}{shown}-{language}")
            if translated and translated.strip() and element.get(shown) is not None:
                element.set(shown, translated)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def names_in(names: Names, language: str | None) -> dict[str, str]:
    """Element id -> name in ``language``, the Dutch name where it has none."""
    chosen = language or DEFAULT_LANGUAGE
    return {key: texts.get(chosen) or texts[DEFAULT_LANGUAGE] for key, texts in names.items()}


def untranslated_names(names: Names, language: str) -> list[str]:
    """The ids of named elements without a name in ``language``."""
    return sorted(key for key, texts in names.items() if language not in texts)


def localize_schema(schema: Any, language: str | None) -> Any:
    """A copy of a JSON Schema with its titles and descriptions in ``language`` where the schema
    gives them (``x-title-en``); the Dutch text elsewhere. Nothing else changes."""
    if not language or language == DEFAULT_LANGUAGE:
        return schema
    return _localized(schema, [(key, f"x-{key}-{language}") for key in SCHEMA_TEXT_KEYS])


def localize_ui(ui: Any, language: str | None) -> Any:
    """A copy of a UI schema with its help texts, titles, placeholders, option names and submit
    text in ``language`` where it gives them (``ui:help-en``); the Dutch text elsewhere."""
    if not language or language == DEFAULT_LANGUAGE or ui is None:
        return ui
    return _localized(ui, [(key, f"{key}-{language}") for key in UI_TEXT_KEYS])


def localize_form(form: Mapping[str, Any] | None, language: str | None) -> dict[str, Any] | None:
    """A form ({"schema": ..., "ui": ...}) in ``language``, Dutch where it has no translation."""
    if form is None:
        return None
    localized = dict(form)
    localized["schema"] = localize_schema(form.get("schema"), language)
    if "ui" in form:
        localized["ui"] = localize_ui(form.get("ui"), language)
    return localized


def _localized(value: Any, pairs: list[tuple[str, str]]) -> Any:
    if isinstance(value, list):
        return [_localized(item, pairs) for item in value]
    if not isinstance(value, Mapping):
        return value
    result = {key: _localized(item, pairs) for key, item in value.items()}
    for key, translated in pairs:
        if key in result and _text_like(value.get(translated), value[key]):
            result[key] = value[translated]
    return result


def _text_like(candidate: Any, original: Any) -> bool:
    """A translation replaces a text by a text, a list of option names by as many names."""
    if not _is_text(original):
        return False
    if isinstance(original, list):
        return (
            isinstance(candidate, list)
            and len(candidate) == len(original)
            and all(isinstance(item, str) and item.strip() for item in candidate)
        )
    return isinstance(candidate, str) and bool(candidate.strip())


def _is_text(value: Any) -> bool:
    """A text to translate: a string, or a list of strings (option names); not a field that
    happens to be called ``title``."""
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return isinstance(value, str)


def untranslated_texts(form: Mapping[str, Any], language: str) -> list[str]:
    """Where a form ({"schema", "ui"}) has a Dutch text without its translation: JSON pointers
    such as ``/schema/properties/reason/title`` (for the test that the shipped forms are whole)."""
    missing: list[str] = []
    _missing_in(form.get("schema"), "/schema", SCHEMA_TEXT_KEYS, "x-{key}-" + language, missing)
    _missing_in(form.get("ui"), "/ui", UI_TEXT_KEYS, "{key}-" + language, missing)
    return missing


def _missing_in(
    value: Any, path: str, keys: tuple[str, ...], pattern: str, missing: list[str]
) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            _missing_in(item, f"{path}/{index}", keys, pattern, missing)
        return
    if not isinstance(value, Mapping):
        return
    for key, item in value.items():
        if key in keys and _is_text(item):
            if not _text_like(value.get(pattern.format(key=key)), item):
                missing.append(f"{path}/{key}")
        else:
            _missing_in(item, f"{path}/{key}", keys, pattern, missing)
