"""Task forms at deploy time: find JSON Schema files, check them, convert Camunda formData.

A form is stored as ``{"schema": dict, "ui": dict | None}`` under its form name (see
`engine.deployment.bundle.form_name`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from engine.deployment.bundle import SourceFile, camunda_form, form_name, ui_form_name
from engine.deployment.problems import english
from engine.parties import PARTIES

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The kinds of data a form field holds (``"x-class"``; what each means: web/privacy/classes.py).
DATA_CLASSES = ("basic", "identity", "care", "debts", "criminal")


class FormError(ValueError):
    """A form that cannot be used: a problem code of engine/deployment/problems.py with its
    parameters; the message is its English wording."""

    def __init__(self, code: str, **parameters: Any) -> None:
        self.code = code
        self.params = parameters
        super().__init__(english(code, parameters))

    def concerning(self, part: str) -> FormError:
        """The same problem, about a task's start form or UI schema (see problems.PARTS)."""
        return FormError(self.code, **self.params, part=part)


class FormStore:
    """Finds form files among the uploaded files, then in the forms directory."""

    def __init__(self, uploads: dict[str, bytes], forms_dir: Path | None) -> None:
        self.uploads = uploads
        self.forms_dir = forms_dir.resolve() if forms_dir is not None else None
        self._cache: dict[str, tuple[SourceFile, dict] | FormError] = {}

    def _find(self, name: str) -> SourceFile | None:
        if name in self.uploads:
            return SourceFile(name, self.uploads[name])
        for upload in sorted(self.uploads):
            if upload.endswith("/" + name):
                return SourceFile(upload, self.uploads[upload])
        if self.forms_dir is None or PurePosixPath(name).is_absolute() or ".." in name.split("/"):
            return None
        path = (self.forms_dir / name).resolve()
        if path.is_relative_to(self.forms_dir) and path.is_file():
            return SourceFile(name, path.read_bytes())
        return None

    def load(self, name: str) -> tuple[SourceFile, dict]:
        """The file and its JSON object; FormError when missing or not a JSON object."""
        if name not in self._cache:
            self._cache[name] = self._load(name)
        result = self._cache[name]
        if isinstance(result, FormError):
            raise result
        return result

    def _load(self, name: str) -> tuple[SourceFile, dict] | FormError:
        source = self._find(name)
        if source is None:
            return FormError("form_file_missing", name=name)
        try:
            document = json.loads(source.content)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            line = exc.lineno if isinstance(exc, json.JSONDecodeError) else 1
            return FormError("form_not_json", name=name, json_line=line, error=str(exc))
        if not isinstance(document, dict):
            return FormError("form_not_object", name=name)
        return source, document

    def schema(self, name: str) -> tuple[SourceFile, dict]:
        """Like `load`, and the object must be a valid JSON Schema (draft 2020-12)."""
        source, schema = self.load(name)
        check_json_schema(schema, name)
        check_keywords(schema, name)
        return source, schema


def check_keywords(schema: Any, name: str, path: tuple[str, ...] = ()) -> None:
    """FormError unless every ``x-class`` in `schema` is a data class and every
    ``x-organisation`` a party code or false (engine/runtime/organisations.py)."""
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            check_keywords(item, name, (*path, str(index)))
        return
    if not isinstance(schema, dict):
        return
    field = "/".join(path) or "(top level)"
    if "x-class" in schema and schema["x-class"] not in DATA_CLASSES:
        known = ", ".join(DATA_CLASSES)
        value = str(schema["x-class"])
        raise FormError("form_class_unknown", name=name, field=field, value=value, known=known)
    kind = schema.get("x-organisation", False)
    if kind is not False and kind not in {party.code for party in PARTIES}:
        known = ", ".join(party.code for party in PARTIES)
        raise FormError(
            "form_organisation_unknown", name=name, field=field, value=str(kind), known=known
        )
    for key, value in schema.items():
        if key not in ("x-class", "x-organisation", "enum", "const", "default", "examples"):
            check_keywords(value, name, (*path, key))


def check_json_schema(schema: dict, name: str) -> None:
    """FormError unless `schema` is a valid draft 2020-12 JSON Schema."""
    error = _schema_error(json.dumps(schema, sort_keys=True))
    if error is not None:
        path, message = error
        raise FormError("form_schema_invalid", name=name, path=path, error=message)


@lru_cache(maxsize=1024)
def _schema_error(canonical: str) -> tuple[str, str] | None:
    # Checking against the meta-schema costs about 1.5 ms a form; deployments repeat forms.
    try:
        Draft202012Validator.check_schema(json.loads(canonical))
    except SchemaError as exc:
        return "/".join(str(part) for part in exc.absolute_path) or "(top level)", exc.message
    return None


_CAMUNDA_TYPES: dict[str, dict[str, str]] = {
    "string": {"type": "string"},
    "long": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "enum": {"type": "string"},
}


def _typed(kind: str, value: str, field_id: str) -> Any:
    if kind == "long":
        try:
            return int(value)
        except ValueError:
            raise FormError("form_field_not_number", field=field_id, value=value) from None
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise FormError("form_field_not_boolean", field=field_id, value=value)
        return value.lower() == "true"
    return value


def _constraint(prop: dict, name: str, config: str | None, field_id: str) -> bool:
    """Apply one camunda:constraint to a field schema; True when the field is required."""
    bounds = {
        "minlength": "minLength",
        "maxlength": "maxLength",
        "min": "minimum",
        "max": "maximum",
    }
    if name == "required":
        return True
    if name == "readonly":
        prop["readOnly"] = True
    elif name in bounds and config is not None:
        prop[bounds[name]] = _typed("long", config, field_id)
    else:
        raise FormError("form_field_constraint_unsupported", field=field_id, constraint=name)
    return False


def form_schema(form: Any, title: str | None = None) -> dict:
    """A JSON Schema form from Camunda ``formData`` fields (a SpiffWorkflow camunda Form)."""
    properties: dict[str, dict] = {}
    required: list[str] = []
    ui: dict[str, Any] = {}
    for field in form.fields:
        field_id = field.id
        if not field_id or field_id in properties:
            raise FormError("form_field_id_invalid", field=field_id or "")
        if field.type not in _CAMUNDA_TYPES:
            supported = ", ".join(_CAMUNDA_TYPES)
            raise FormError(
                "form_field_type_unsupported", field=field_id, type=field.type, supported=supported
            )
        prop: dict[str, Any] = dict(_CAMUNDA_TYPES[field.type])
        if field.label:
            prop["title"] = field.label
        if field.type == "enum":
            prop["enum"] = [option.id for option in field.options]
            ui[field_id] = {"ui:enumNames": [option.name or option.id for option in field.options]}
        if field.default_value not in (None, ""):
            prop["default"] = _typed(field.type, field.default_value, field_id)
        for validation in field.validation:
            if _constraint(prop, validation.name, validation.config, field_id):
                required.append(field_id)
        properties[field_id] = prop
    schema: dict[str, Any] = {"$schema": JSON_SCHEMA_DIALECT, "type": "object"}
    if title:
        schema["title"] = title
    schema["properties"] = properties
    if required:
        schema["required"] = required
    ui["ui:order"] = list(properties)
    check_json_schema(schema, "(camunda formData)")
    return {"schema": schema, "ui": ui}


def collect_form(task: Any, store: FormStore, forms: dict, files: dict) -> None:
    """Add the form of user task or start event `task` to `forms` (and its files to `files`);
    FormError if not."""
    name = form_name(task)
    if name is None:
        raise FormError("form_missing")
    if name in forms:
        return
    inline = camunda_form(task)
    if inline is not None and inline.fields:
        forms[name] = form_schema(inline, task.bpmn_name)
        return
    source, schema = store.schema(name)
    files[source.name] = source
    ui = None
    ui_name = ui_form_name(task)
    if ui_name is not None:
        try:
            ui_source, ui = store.load(ui_name)
        except FormError as exc:
            raise exc.concerning("ui_schema") from None
        files[ui_source.name] = ui_source
    forms[name] = {"schema": schema, "ui": ui}
