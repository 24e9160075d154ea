"""A task's JSON Schema (+ UI schema) as an HTML form on the server, and the submitted form back
into typed task data.

Supported: strings (text, textarea, date, email), integers and numbers, booleans (Ja/Nee),
choices (``enum`` with ``ui:enumNames``, or ``oneOf`` of ``const``/``title``) as radio buttons or
a select, arrays of choices as checkboxes, nested objects as fieldsets. UI schema keys follow
react-jsonschema-form: ``ui:order``, ``ui:widget``, ``ui:help``, ``ui:title``, ``ui:placeholder``,
``ui:enumNames``. Whatever was typed is kept as typed, so a form with errors comes back intact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

RADIO_LIMIT = 5
"""Up to this many choices are radio buttons; more become a select."""

TEXTAREA_FROM = 200
"""A string field allowing more than this many characters gets a textarea."""

Raw = dict[str, str | list[str]]


@dataclass
class Field:
    name: str  # dotted path, also the input name
    kind: str  # text, textarea, date, email, integer, number, radio, select, checkboxes, group
    label: str
    required: bool = False
    help: str | None = None
    placeholder: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    value: str | list[str] = ""
    errors: list[str] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    read_only: bool = False
    max_length: int | None = None
    rows: int = 4
    inline: bool = False

    @property
    def id(self) -> str:
        return "veld-" + self.name.replace(".", "-")

    @property
    def grouped(self) -> bool:
        """Rendered as a fieldset with a legend (radio buttons, checkboxes, nested objects)."""
        return self.kind in ("radio", "checkboxes", "group")


def _type(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and ("enum" in schema or "oneOf" in schema or "const" in schema):
        return "string"
    return kind


def _choices(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> list[tuple[Any, str]] | None:
    """(value, label) pairs of a choice field, or None when the field is free input."""
    if "enum" in schema:
        names = ui.get("ui:enumNames") or []
        values = [v for v in schema["enum"] if v is not None]
        return [(v, str(names[i]) if i < len(names) else str(v)) for i, v in enumerate(values)]
    options = schema.get("oneOf") or schema.get("anyOf")
    if options and all(isinstance(o, Mapping) and "const" in o for o in options):
        return [(o["const"], str(o.get("title", o["const"]))) for o in options]
    return None


def properties(schema: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The fields of an object schema, including those only named in allOf / if-then-else."""
    found: dict[str, Mapping[str, Any]] = dict(schema.get("properties") or {})
    branches = list(schema.get("allOf") or [])
    for part in [schema, *branches]:
        for key in ("then", "else"):
            if isinstance(part.get(key), Mapping):
                branches.append(part[key])
    for branch in branches:
        for name, sub in (branch.get("properties") or {}).items():
            if name not in found and isinstance(sub, Mapping) and sub.get("type") is not None:
                found[name] = sub
    return found


def _read_only(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> bool:
    return bool(schema.get("readOnly") or ui.get("ui:readonly"))


def writable_fields(schema: Mapping[str, Any], ui: Mapping[str, Any] | None) -> set[str]:
    """The top-level fields a submission may set: not hidden, not read-only (what
    ``parse_submission`` reads from a page; the JSON API refuses any other key)."""
    ui = ui or {}
    writable = set()
    for name, sub in properties(schema).items():
        sub_ui = ui.get(name) if isinstance(ui.get(name), Mapping) else {}
        if sub_ui.get("ui:widget") != "hidden" and not _read_only(sub, sub_ui):
            writable.add(name)
    return writable


def submit_text(ui: Mapping[str, Any] | None) -> str | None:
    """The submit button's text from ``ui:submitButtonOptions``, if the UI schema gives one."""
    options = (ui or {}).get("ui:submitButtonOptions")
    text = options.get("submitText") if isinstance(options, Mapping) else None
    return str(text) if text else None


def _ordered(names: list[str], order: list[str] | None) -> list[str]:
    if not order:
        return names
    rest = [n for n in names if n not in order]
    result: list[str] = []
    for name in order:
        if name == "*":
            result.extend(rest)
        elif name in names:
            result.append(name)
    return result + [n for n in rest if "*" not in order]


def _to_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def build_fields(
    schema: Mapping[str, Any],
    ui: Mapping[str, Any] | None,
    raw: Raw | None = None,
    errors: Mapping[str, list[str]] | None = None,
    known: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> list[Field]:
    """The fields of ``schema``; ``raw`` is what was typed (None: the form is new).

    A new form is prefilled from the case: a field whose key ``known`` (the case data) holds
    shows that value, else the schema's default; a date field with ``"ui:options":
    {"defaultToday": true}`` shows ``today``. Read-only fields are not submitted; they show the
    value ``known`` holds.
    """
    ui = ui or {}
    fields = _object_fields(schema, ui, "", raw, errors or {})
    for item in fields:
        value = known.get(item.name) if known is not None else None
        if item.kind == "group" or not (item.read_only or raw is None):
            continue
        if value not in (None, "", []):
            item.value = _known_text(item, value)
        elif today is not None and item.kind == "date" and not item.value:
            sub_ui = ui.get(item.name) if isinstance(ui.get(item.name), Mapping) else {}
            options = sub_ui.get("ui:options") if isinstance(sub_ui, Mapping) else None
            if isinstance(options, Mapping) and options.get("defaultToday"):
                item.value = today.isoformat()
    return fields


def _known_text(item: Field, value: Any) -> str | list[str]:
    if isinstance(value, list):
        texts = [_to_text(v) for v in value]
        return texts if item.kind == "checkboxes" else "\n".join(texts)
    return _to_text(value)


def _object_fields(
    schema: Mapping[str, Any],
    ui: Mapping[str, Any],
    prefix: str,
    raw: Raw | None,
    errors: Mapping[str, list[str]],
) -> list[Field]:
    props = properties(schema)
    required = set(schema.get("required") or [])
    result = []
    for name in _ordered(list(props), ui.get("ui:order")):
        sub_ui = ui.get(name) if isinstance(ui.get(name), Mapping) else {}
        if sub_ui.get("ui:widget") == "hidden":
            continue
        result.append(_field(props[name], sub_ui, prefix + name, name in required, raw, errors))
    return result


def _field(
    schema: Mapping[str, Any],
    ui: Mapping[str, Any],
    path: str,
    required: bool,
    raw: Raw | None,
    errors: Mapping[str, list[str]],
) -> Field:
    kind = _type(schema)
    label = str(ui.get("ui:title") or schema.get("title") or path.rsplit(".", 1)[-1])
    made = Field(
        name=path,
        kind="text",
        label=label,
        required=required,
        help=ui.get("ui:help") or schema.get("description"),
        placeholder=ui.get("ui:placeholder"),
        errors=list(errors.get(path, [])),
        read_only=_read_only(schema, ui),
        max_length=schema.get("maxLength"),
    )
    options = ui.get("ui:options") if isinstance(ui.get("ui:options"), Mapping) else {}
    made.rows = int(options.get("rows") or 4)
    made.inline = bool(options.get("inline"))
    if kind == "object":
        made.kind = "group"
        made.children = _object_fields(schema, ui, path + ".", raw, errors)
        return made
    widget = ui.get("ui:widget")
    if kind == "array":
        items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
        choices = _choices(items, ui)
        made.kind = "checkboxes" if choices else "textarea"
        made.options = [(_to_text(v), label) for v, label in choices or []]
        default = schema.get("default") or []
        if raw is None:
            made.value = [_to_text(v) for v in default] if choices else "\n".join(map(str, default))
        else:
            made.value = raw.get(path, [] if choices else "")
        return made
    if kind == "boolean":
        names = ui.get("ui:enumNames") or [_("Ja"), _("Nee")]
        made.kind = "select" if widget == "select" else "radio"
        made.options = [("true", str(names[0])), ("false", str(names[1]))]
    elif (choices := _choices(schema, ui)) is not None:
        made.options = [(_to_text(v), label) for v, label in choices]
        if widget in ("radio", "select"):
            made.kind = widget
        else:
            made.kind = "radio" if len(made.options) <= RADIO_LIMIT else "select"
    elif kind in ("integer", "number"):
        made.kind = kind
    elif schema.get("format") in ("date", "email"):
        made.kind = schema["format"]
    elif widget == "date":
        made.kind = "date"
    elif widget == "textarea" or (made.max_length or 0) > TEXTAREA_FROM:
        made.kind = "textarea"
    if raw is None:
        made.value = _to_text(schema.get("default"))
    else:
        value = raw.get(path, "")
        made.value = value if isinstance(value, str) else ""
    return made


def parse_submission(
    schema: Mapping[str, Any], ui: Mapping[str, Any] | None, form: MultiDict
) -> tuple[dict[str, Any], dict[str, list[str]], Raw]:
    """Typed task data, the fields that could not be read (with Dutch messages), and the raw
    values as typed. Empty fields are left out, so the schema's ``required`` speaks for them."""
    errors: dict[str, list[str]] = {}
    raw: Raw = {}
    data = _parse_object(schema, ui or {}, "", form, errors, raw)
    return data, errors, raw


def _parse_object(
    schema: Mapping[str, Any],
    ui: Mapping[str, Any],
    prefix: str,
    form: MultiDict,
    errors: dict[str, list[str]],
    raw: Raw,
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, sub in properties(schema).items():
        sub_ui = ui.get(name) if isinstance(ui.get(name), Mapping) else {}
        if sub_ui.get("ui:widget") == "hidden" or _read_only(sub, sub_ui):
            continue
        path = prefix + name
        kind = _type(sub)
        if kind == "object":
            nested = _parse_object(sub, sub_ui, path + ".", form, errors, raw)
            if nested or name in (schema.get("required") or []):
                data[name] = nested
            continue
        if kind == "array":
            value = _parse_array(sub, sub_ui, path, form, errors, raw)
            if value or (value is not None and name in (schema.get("required") or [])):
                data[name] = value
            continue
        text = form.get(path, "")
        raw[path] = text
        value = _parse_scalar(sub, sub_ui, kind, text.strip(), path, errors)
        if value is not None:
            data[name] = value
    return data


def _parse_array(
    schema: Mapping[str, Any],
    ui: Mapping[str, Any],
    path: str,
    form: MultiDict,
    errors: dict[str, list[str]],
    raw: Raw,
) -> list[Any] | None:
    items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
    choices = _choices(items, ui)
    if choices:
        picked = form.getlist(path)
        raw[path] = picked
        by_text = {_to_text(v): v for v, _label in choices}
        unknown = [p for p in picked if p not in by_text]
        if unknown:
            errors.setdefault(path, []).append(_("Kies een van de opties."))
            return None
        return [by_text[p] for p in picked]
    text = form.get(path, "")
    raw[path] = text
    return [line.strip() for line in text.splitlines() if line.strip()]


def _parse_scalar(
    schema: Mapping[str, Any],
    ui: Mapping[str, Any],
    kind: str | None,
    text: str,
    path: str,
    errors: dict[str, list[str]],
) -> Any:
    if text == "":
        return None
    if kind == "boolean":
        if text in ("true", "false"):
            return text == "true"
        errors.setdefault(path, []).append(_("Kies ja of nee."))
        return None
    choices = _choices(schema, ui)
    if choices is not None:
        by_text = {_to_text(v): v for v, _label in choices}
        if text in by_text:
            return by_text[text]
        errors.setdefault(path, []).append(_("Kies een van de opties."))
        return None
    if kind == "integer":
        try:
            return int(text.replace(" ", ""))
        except ValueError:
            errors.setdefault(path, []).append(_("Vul een geheel getal in, bijvoorbeeld 12."))
            return None
    if kind == "number":
        try:
            return float(text.replace(" ", "").replace(",", "."))
        except ValueError:
            errors.setdefault(path, []).append(_("Vul een getal in, bijvoorbeeld 12,5."))
            return None
    return text
