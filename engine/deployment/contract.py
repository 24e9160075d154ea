"""The data contract (architecture principle 13): every variable that a gateway condition, script,
decision input, timer, due date, message payload, call-activity input or form rule reads must be
written on every path that reaches the reader, or be declared optional.

Writers: the start data (a process with a start form gets its required fields; a process that
other processes call gets what every call site has), the required fields of a user task's form,
scripts, decisions (their outputs) and message catch events with a message variable. The check
is a "must" data-flow analysis over each process's sequence flows: what is written on every
incoming path (every branch before a parallel join). A read is optional when the reading
element or its process declares it in the property ``optionalVariables`` (names separated by
commas or spaces), or when a script reads it inside ``try`` with ``except NameError``.

A process without a start form that nothing in the deployment calls is started by code with data
the deployment cannot see; for it, every variable that nothing in the process writes counts as
start data, and only variables the process writes itself are checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from engine.deployment.checks import (
    CATCHERS,
    SPIFF_NS,
    TIMERS,
    B,
    decision_ref,
    is_executable,
    property_elements,
)
from engine.deployment.contract_sources import (
    conditionally_required,
    decision_variables,
    form_of,
    required_fields,
)
from engine.deployment.forms import FormError, FormStore
from engine.deployment.variables import (
    equality_test,
    expression_usage,
    guarded_conjunction,
    script_usage,
)
from engine.deployment.xml_safety import XmlDocument
from engine.errors import DeploymentError

OPTIONAL_PROPERTY = "optionalVariables"
_NOT_NODES = {
    "sequenceFlow",
    "laneSet",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "textAnnotation",
    "association",
    "ioSpecification",
    "extensionElements",
    "documentation",
    "incoming",
    "outgoing",
}
_SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
_SCOPED_EXPRESSIONS = {"completionCondition", "loopCardinality", "loopCondition", "condition"}


@dataclass(frozen=True)
class Read:
    variable: str
    what: str  # "condition", "script", "timer", "dueDate", "decision", "form", ...
    element: str
    line: int | None
    given: tuple[str, object] | None = None  # read only when this field has this value


@dataclass
class _Node:
    element: etree._Element
    reads: list[Read] = field(default_factory=list)
    writes: set[str] = field(default_factory=set)
    predecessors: list[tuple[str, str | None]] = field(default_factory=list)  # (source, condition)
    optional: set[str] = field(default_factory=set)


@dataclass
class ContractModel:
    """What the check needs beyond the BPMN files."""

    docs: Mapping[str, XmlDocument]
    forms: Mapping[str, dict]  # form name -> {"schema": ..., "ui": ...}
    task_forms: Mapping[str, str]  # (file, bpmn id) as "file#id" -> form name
    start_forms: Mapping[str, str]  # process id -> start form name
    conditional: dict[tuple[str, object], set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for form in self.forms.values():
            for (name, value), required in conditionally_required(form).items():
                self.conditional.setdefault((name, value), set()).update(required)


def check_contract(model: ContractModel) -> list[DeploymentError]:
    """Every read in the deployment's executable processes that some path leaves unwritten."""
    processes = {
        process.get("id"): (doc, process)
        for doc in model.docs.values()
        if doc.kind == "bpmn"
        for process in doc.root.iter(f"{B}process")
        if is_executable(process)
    }
    decisions = decision_variables(model.docs.values())
    called = {
        call.get("calledElement")
        for _, process in processes.values()
        for call in process.iter(f"{B}callActivity")
    }
    analysis = _Analysis(model, processes, decisions)
    for process_id, (doc, process) in processes.items():
        if process_id in called and process_id not in model.start_forms:
            continue  # checked through its callers, with what each call site has
        start = analysis.start_data(process_id, doc, process)
        analysis.run(process_id, start)
    return [
        DeploymentError(
            f"variable '{read.variable}' is read by {read.what} but not written on every path "
            f"that reaches it (write it earlier, or declare it in the property "
            f"{OPTIONAL_PROPERTY})",
            file=file,
            line=read.line,
            element=read.element,
        )
        for (file, read) in analysis.missing
    ]


class _Analysis:
    def __init__(
        self,
        model: ContractModel,
        processes: dict[str, tuple[XmlDocument, etree._Element]],
        decisions: dict[str, tuple[set[str], set[str]]],
    ) -> None:
        self.model = model
        self.processes = processes
        self.decisions = decisions
        self.ends: dict[tuple[str, frozenset[str]], frozenset[str]] = {}
        self.missing: dict[tuple[str, Read], None] = {}
        self.missing_keys: set[tuple[str, str, str]] = set()

    def start_data(self, process_id: str, doc: XmlDocument, process: etree._Element) -> set[str]:
        form = self.model.start_forms.get(process_id)
        if form is not None:
            return required_fields(self.model.forms.get(form))
        nodes = self.nodes(doc, process)
        written = set().union(*(node.writes for node in nodes.values()))
        return {read.variable for node in nodes.values() for read in node.reads} - written

    def run(self, process_id: str, start: set[str]) -> frozenset[str]:
        """Check one process started with ``start``; what it has written at every end."""
        key = (process_id, frozenset(start))
        if key in self.ends:
            return self.ends[key]
        self.ends[key] = frozenset(start)  # a recursive call sees the start data only
        doc, process = self.processes[process_id]
        optional = _optional(process)
        self.ends[key] = frozenset(self.container(doc, process, set(start), optional))
        return self.ends[key]

    def container(
        self, doc: XmlDocument, container: etree._Element, start: set[str], optional: set[str]
    ) -> set[str]:
        nodes = self.nodes(doc, container)
        before: dict[str, set[str] | None] = dict.fromkeys(nodes)
        after: dict[str, set[str] | None] = dict.fromkeys(nodes)
        changed = True
        while changed:
            changed = False
            for node_id, node in nodes.items():
                entering = self.entering(node_id, node, nodes, before, after, start)
                if entering is None or entering == before[node_id]:
                    continue
                before[node_id] = entering
                after[node_id] = entering | self.writes(doc, node, entering, optional)
                changed = True
        for node_id, node in nodes.items():
            available = before[node_id]
            if available is None:
                continue  # unreachable from a start event: nothing runs there
            for read in node.reads:
                seen = available if read.what != "condition" else after[node_id] or available
                if read.given is not None:
                    seen = seen | self.model.conditional.get(read.given, set())
                self.check(doc, read, seen, optional | node.optional)
        ends = [
            after[node_id]
            for node_id, node in nodes.items()
            if _local(node.element) == "endEvent" and after[node_id] is not None
        ]
        return set.intersection(*ends) if ends else set(start)

    def entering(
        self,
        node_id: str,
        node: _Node,
        nodes: dict[str, _Node],
        before: dict[str, set[str] | None],
        after: dict[str, set[str] | None],
        start: set[str],
    ) -> set[str] | None:
        local = _local(node.element)
        if local == "startEvent" and not node.predecessors:
            return set(start)
        if local == "boundaryEvent":
            attached = node.element.get("attachedToRef", "")
            return before.get(attached)
        incoming = [
            after[p] | self.implied(condition, after[p])  # type: ignore[operator]
            for p, condition in node.predecessors
            if p in nodes and after[p] is not None
        ]
        if not incoming:
            return None
        if local == "parallelGateway" and len(node.predecessors) > 1:
            return set().union(*incoming)
        return set.intersection(*incoming)

    def implied(self, condition: str | None, available: set[str]) -> set[str]:
        """What a flow's condition ``field == value`` guarantees beyond the data before it: the
        fields a form requires when that field has that value (JSON Schema ``if``/``then``)."""
        test = equality_test(condition)
        if test is None or test[0] not in available:
            return set()
        return self.model.conditional.get(test, set())

    def writes(
        self, doc: XmlDocument, node: _Node, entering: set[str], optional: set[str]
    ) -> set[str]:
        local = _local(node.element)
        if local == "callActivity":
            called = node.element.get("calledElement", "")
            if called not in self.processes:
                return node.writes
            return node.writes | self.run(called, entering)
        if local in _SUBPROCESSES:
            return node.writes | self.container(doc, node.element, entering, optional)
        return node.writes

    def check(self, doc: XmlDocument, read: Read, available: set[str], optional: set[str]) -> None:
        if read.variable in available or read.variable in optional:
            return
        key = (doc.name, read.element, read.variable)
        if key not in self.missing_keys:
            self.missing_keys.add(key)
            self.missing[(doc.name, read)] = None

    def nodes(self, doc: XmlDocument, container: etree._Element) -> dict[str, _Node]:
        nodes: dict[str, _Node] = {}
        flows = []
        for child in container:
            local, child_id = _local(child), child.get("id")
            if local == "sequenceFlow":
                flows.append(child)
            elif local and child_id and local not in _NOT_NODES:
                nodes[child_id] = self.node(doc, child)
        for flow in flows:
            target = nodes.get(flow.get("targetRef", ""))
            source = flow.get("sourceRef", "")
            condition = flow.find(f"{B}conditionExpression")
            if target is not None:
                target.predecessors.append((source, None if condition is None else condition.text))
            if condition is not None and source in nodes:
                guard, guarded = guarded_conjunction(condition.text)
                for name in expression_usage(condition.text).reads:
                    given = guard if name in guarded else None
                    read = Read(name, "condition", flow.get("id", ""), condition.sourceline, given)
                    nodes[source].reads.append(read)
        return nodes

    def node(self, doc: XmlDocument, element: etree._Element) -> _Node:
        node = _Node(element, optional=_optional(element))
        element_id = element.get("id", "")
        local = _local(element)

        def reads(what: str, names: Iterable[str], at: etree._Element) -> None:
            node.reads.extend(Read(name, what, element_id, at.sourceline) for name in names)

        if local == "scriptTask":
            script = element.find(f"{B}script")
            if script is not None:
                usage = script_usage(script.text)
                reads("script", usage.reads, script)
                node.writes |= usage.writes
        for name in ("preScript", "postScript"):
            for script in element.iterfind(f"{B}extensionElements/{{{SPIFF_NS}}}{name}"):
                usage = script_usage(script.text)
                reads(name, usage.reads - node.writes, script)
                node.writes |= usage.writes
        if local in ("userTask", "startEvent"):
            self.form(doc, element, node, reads)
        for inner in _own_parts(element):
            inner_local = _local(inner)
            if inner_local in TIMERS and local != "startEvent":
                reads("timer", expression_usage(inner.text).reads, inner)
            elif inner_local in _SCOPED_EXPRESSIONS and inner.getparent() is not None:
                reads(inner_local, expression_usage(inner.text).reads, inner)
            elif inner.tag == f"{{{SPIFF_NS}}}messagePayload":
                reads("message payload", expression_usage(inner.text).reads, inner)
            elif inner.tag == f"{{{SPIFF_NS}}}messageVariable" and inner.text:
                node.writes.add(inner.text.strip())
            elif inner_local in ("signalEventDefinition", "messageEventDefinition"):
                self.event(doc, node, inner, reads)
        due = property_elements(element).get("dueDate")
        if due is not None:
            reads("dueDate", expression_usage(due.get("value")).reads, due)
        if local == "businessRuleTask":
            decision = self.decisions.get(decision_ref(element) or "")
            if decision is not None:
                reads("decision", decision[0], element)
                node.writes |= decision[1]
        if local == "callActivity":
            called = self.processes.get(element.get("calledElement", ""))
            if called is not None:
                inputs = called[1].iterfind(f"{B}ioSpecification/{B}dataInput")
                reads("call input", {i.get("name") or i.get("id") for i in inputs}, element)
        return node

    def event(self, doc: XmlDocument, node: _Node, definition: etree._Element, reads) -> None:
        """A signal or message whose definition carries a payload: thrown, it reads the payload
        expression; caught, it writes the variable."""
        ref = definition.get("signalRef") or definition.get("messageRef")
        target = doc.root.find(f"*[@id='{ref}']") if ref else None
        if target is None:
            return
        extensions = f"{B}extensionElements/{{{SPIFF_NS}}}"
        if _local(node.element) in CATCHERS:
            variable = target.findtext(f"{extensions}variableName")
            if variable and variable.strip():
                node.writes.add(variable.strip())
        else:
            payload = target.find(f"{extensions}payloadExpression")
            if payload is not None:
                reads("payload", expression_usage(payload.text).reads, payload)

    def form(self, doc: XmlDocument, element: etree._Element, node: _Node, reads) -> None:
        name = self.model.task_forms.get(f"{doc.name}#{element.get('id')}")
        form = self.model.forms.get(name or "")
        if form is None:
            return
        schema = form.get("schema") or {}
        fields = set((schema.get("properties") or {}).keys())
        if _local(element) == "userTask":
            node.writes |= required_fields(form)
        for spec in (schema.get("properties") or {}).values():
            bound = spec.get("x-after") if isinstance(spec, dict) else None
            if isinstance(bound, str) and bound not in fields:
                reads("form rule x-after", [bound], element)


def _optional(element: etree._Element) -> set[str]:
    found = property_elements(element).get(OPTIONAL_PROPERTY)
    if found is None:
        return set()
    return set((found.get("value") or "").replace(",", " ").split())


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag[len(B) :] if isinstance(tag, str) and tag.startswith(B) else ""


def _own_parts(element: etree._Element) -> Iterable[etree._Element]:
    """The element and what belongs to it, without the flow nodes of a subprocess's inside."""
    if _local(element) not in _SUBPROCESSES:
        return element.iter(etree.Element)
    parts = [element]
    for child in element:
        if _local(child) in ("extensionElements", "multiInstanceLoopCharacteristics"):
            parts.extend(child.iter(etree.Element))
    return parts


def contract_problems(docs: Mapping[str, XmlDocument], store: FormStore) -> list[DeploymentError]:
    """The data contract of the BPMN and DMN files in ``docs``, with forms from ``store``.

    Read from the XML, so the contract is checked beside any other problem (the lint lists them
    all at once). When a form cannot be read, that problem is reported elsewhere and the
    contract is not checked: every read after the task would be reported as well."""
    forms: dict[str, dict] = {}
    start_forms: dict[str, str] = {}
    for doc in docs.values():
        if doc.kind != "bpmn":
            continue
        for process in doc.root.iter(f"{B}process"):
            for element in process.iter(f"{B}userTask", f"{B}startEvent"):
                try:
                    form = form_of(element, store)
                except FormError:
                    return []
                if form is None:
                    continue
                key = f"{doc.name}#{element.get('id')}"
                forms[key] = form
                if _local(element) == "startEvent" and element.getparent() is process:
                    start_forms[process.get("id", "")] = key
    task_forms = {key: key for key in forms}
    return check_contract(ContractModel(docs, forms, task_forms, start_forms))
