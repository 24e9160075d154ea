"""What the BPMN and DMN files of a deployment hold, read from their XML: the processes and
decisions they define, the ones they call, and which user tasks use which form.

Parsed with entities, DTDs and the network off; a file that does not parse holds nothing here
(the engine's deployment checks say why)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from engine.deployment.checks import BPMN_NS, CAMUNDA_NS, SPIFF_NS, decision_ref

B = f"{{{BPMN_NS}}}"
_USER_TASKS = (f"{B}userTask", f"{B}startEvent")
FORM_PROPERTIES = ("formJsonSchemaFilename", "formUiSchemaFilename")


def parse(content: bytes) -> etree._Element | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(content, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def is_model(name: str) -> bool:
    return name.lower().endswith((".bpmn", ".dmn", ".xml"))


def is_bpmn(name: str) -> bool:
    return name.lower().endswith((".bpmn", ".xml"))


def is_form(name: str) -> bool:
    return name.lower().endswith(".json")


@dataclass
class FileFacts:
    """The ids a model file defines and the ids it refers to."""

    defines: set[str] = field(default_factory=set)
    refers: set[str] = field(default_factory=set)
    dialect: str | None = None


def facts(content: bytes) -> FileFacts:
    """Processes and decisions defined in a BPMN or DMN file, and the called ones."""
    found = FileFacts()
    root = parse(content)
    if root is None:
        return found
    namespace = etree.QName(root).namespace or ""
    if namespace == BPMN_NS:
        found.dialect = "camunda" if CAMUNDA_NS in root.nsmap.values() else "spiff"
        found.defines = {p.get("id") for p in root.iter(f"{B}process") if p.get("id")}
        calls = {c.get("calledElement") for c in root.iter(f"{B}callActivity")}
        decisions = {decision_ref(t) for t in root.iter(f"{B}businessRuleTask")}
        found.refers = {ref for ref in calls | decisions if ref} - found.defines
    elif "/DMN/" in namespace.upper():
        found.defines = {d.get("id") for d in root.iter(f"{{{namespace}}}decision") if d.get("id")}
    return found


@dataclass
class FormUse:
    """A form file and the tasks that submit it."""

    name: str
    ui: str | None = None
    tasks: list[tuple[str, str, str]] = field(default_factory=list)  # (file, task id, task name)


def _properties(element: etree._Element) -> dict[str, str]:
    found = element.findall(f"{B}extensionElements/{{{SPIFF_NS}}}properties/{{{SPIFF_NS}}}property")
    return {p.get("name"): (p.get("value") or "").strip() for p in found if p.get("name")}


def form_uses(files: Iterable[tuple[str, bytes]]) -> dict[str, FormUse]:
    """Form name -> the UI schema paired with it and the tasks using it (spiffworkflow dialect)."""
    uses: dict[str, FormUse] = {}
    for name, content in files:
        root = parse(content) if is_bpmn(name) else None
        if root is None:
            continue
        for element in root.iter(*_USER_TASKS):
            props = _properties(element)
            schema = props.get("formJsonSchemaFilename")
            if not schema:
                continue
            use = uses.setdefault(schema, FormUse(schema))
            use.ui = use.ui or props.get("formUiSchemaFilename") or None
            label = " ".join((element.get("name") or element.get("id") or "").split())
            use.tasks.append((name, element.get("id") or "", label))
    return uses


def process_names(content: bytes) -> dict[str, str]:
    """Process id -> name of the processes a BPMN file defines."""
    root = parse(content)
    if root is None:
        return {}
    return {p.get("id"): p.get("name") or p.get("id") for p in root.iter(f"{B}process")}


def messages(files: Iterable[tuple[str, bytes]]) -> list[str]:
    """The message names used in these files (for the modeler's choice of a message)."""
    names: set[str] = set()
    for name, content in files:
        root = parse(content) if is_bpmn(name) else None
        if root is not None:
            names |= {m.get("name") for m in root.iter(f"{B}message") if m.get("name")}
    return sorted(names)
