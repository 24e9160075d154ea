"""What forms and decisions write and read, for the data contract (contract.py)."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from engine.deployment.checks import CAMUNDA_NS, B, property_elements
from engine.deployment.forms import FormStore
from engine.deployment.variables import expression_usage
from engine.deployment.xml_safety import XmlDocument


def required_fields(form: dict | None) -> set[str]:
    schema = (form or {}).get("schema") or {}
    fields = set((schema.get("properties") or {}).keys())
    return {name for name in schema.get("required") or [] if name in fields}


def conditionally_required(form: dict | None) -> dict[tuple[str, object], set[str]]:
    """Fields a form requires only when another field has a value: ``allOf`` entries like
    ``{"if": {"properties": {F: {"const": V}}, "required": [F]}, "then": {"required": [...]}}``."""
    schema = (form or {}).get("schema") or {}
    found: dict[tuple[str, object], set[str]] = {}
    for rule in schema.get("allOf") or []:
        condition = rule.get("if") if isinstance(rule, dict) else None
        then = rule.get("then") if isinstance(rule, dict) else None
        if not isinstance(condition, dict) or not isinstance(then, dict):
            continue
        properties = condition.get("properties") or {}
        if len(properties) != 1 or set(condition.get("required") or []) != set(properties):
            continue
        ((name, spec),) = properties.items()
        if isinstance(spec, dict) and "const" in spec and isinstance(spec["const"], str | bool):
            found.setdefault((name, spec["const"]), set()).update(then.get("required") or [])
    return found


def decision_variables(docs: Iterable[XmlDocument]) -> dict[str, tuple[set[str], set[str]]]:
    """Per decision id: the variables its input expressions read, the outputs it writes."""
    found = {}
    for doc in docs:
        if doc.kind != "dmn":
            continue
        namespace = etree.QName(doc.root).namespace
        for decision in doc.root.iterfind(f"{{{namespace}}}decision"):
            reads: set[str] = set()
            for text in decision.iterfind(f".//{{{namespace}}}inputExpression/{{{namespace}}}text"):
                reads |= expression_usage(text.text).reads
            outputs = decision.iterfind(f".//{{{namespace}}}output")
            writes = {o.get("name").split(".")[0] for o in outputs if o.get("name")}
            found[decision.get("id")] = (reads, writes)
    return found


def form_of(element: etree._Element, store: FormStore) -> dict | None:
    """The form a user task or start event submits, as ``{"schema": ...}``: its JSON Schema file
    (property formJsonSchemaFilename, or Camunda's formKey) from ``store``, or Camunda form fields
    (the required ones carry a ``required`` constraint). FormError when the file is unusable."""
    named = property_elements(element).get("formJsonSchemaFilename")
    name = named.get("value") if named is not None else element.get(f"{{{CAMUNDA_NS}}}formKey")
    if name and name.strip():
        return {"schema": store.schema(name.strip())[1]}
    camunda = f"{{{CAMUNDA_NS}}}"
    fields = element.findall(f"{B}extensionElements/{camunda}formData/{camunda}formField")
    if not fields:
        return None
    required = [
        field.get("id")
        for field in fields
        if field.find(f".//{{{CAMUNDA_NS}}}constraint[@name='required']") is not None
    ]
    properties = {field.get("id"): {} for field in fields if field.get("id")}
    return {"schema": {"properties": properties, "required": required}}
