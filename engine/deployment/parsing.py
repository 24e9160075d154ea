"""Turn uploaded files into validated, parsed process bundles.

Each file is parsed once (safely), classified (BPMN in the spiffworkflow or Camunda dialect, or
DMN), validated against its XSD, linted, and handed to one SpiffWorkflow parser per dialect as
the already-parsed tree, so every line number we report is the line in the uploaded file.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
from SpiffWorkflow.spiff.parser import VALIDATOR as SPIFF_VALIDATOR
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine.deployment.bundle import ProcessBundle, SourceFile, content_hash
from engine.deployment.checks import (
    BPMN_NS,
    CAMUNDA_NS,
    Processes,
    check_human_tasks,
    is_executable,
    lint_bpmn,
)
from engine.deployment.forms import FormStore
from engine.deployment.xml_safety import XmlDocument
from engine.errors import DeploymentError

XML_SUFFIXES = (".bpmn", ".dmn", ".xml")
FORM_SUFFIXES = (".json",)
_validation_lock = threading.Lock()  # an lxml XMLSchema keeps its error log on the instance


@cache
def _validator(kind: str, namespace: str | None = None) -> BpmnValidator | None:
    if kind == "spiff":
        return SPIFF_VALIDATOR
    if kind == "camunda":  # SpiffWorkflow ships no Camunda XSD: BPMN 2.0 with lax extensions
        return BpmnValidator()
    schema = DMN_SCHEMAS.get(namespace or "")
    return BpmnValidator(schema) if schema else None


def new_parser(dialect: str) -> BpmnDmnParser:
    """A SpiffWorkflow parser for `dialect` ("spiff" or "camunda"), without a validator."""
    return CamundaParser() if dialect == "camunda" else SpiffBpmnParser()


def classify(doc: XmlDocument) -> None:
    """Set `doc.kind` and `doc.dialect` from the root element and declared namespaces."""
    qname = etree.QName(doc.root)
    namespace = qname.namespace or ""
    if qname.localname == "definitions" and namespace == BPMN_NS:
        declares = doc.root.xpath("boolean(//namespace::*[. = $ns])", ns=CAMUNDA_NS)
        doc.kind, doc.dialect = "bpmn", "camunda" if declares else "spiff"
    elif qname.localname == "definitions" and "/DMN/" in namespace.upper():
        doc.kind = "dmn"
    else:
        raise DeploymentError(
            f"not a BPMN or DMN file (root element {qname.localname} in namespace {namespace})",
            file=doc.name,
            line=doc.root.sourceline,
        )


def validate(doc: XmlDocument) -> None:
    """XSD validation; a violation becomes a DeploymentError with file, line and element."""
    if doc.kind == "bpmn":
        validator = _validator(doc.dialect)
    else:
        validator = _validator("dmn", etree.QName(doc.root).namespace)
    if validator is None:
        return
    try:
        with _validation_lock:
            validator.validate(doc.root, doc.name)
    except ValidationException as exc:
        error = from_validation(exc, {doc.name: doc})
        raise DeploymentError(
            f"does not match the schema: {error.detail}",
            file=error.file,
            line=error.line,
            element=error.element,
        ) from None


def from_validation(exc: ValidationException, docs: dict[str, XmlDocument]) -> DeploymentError:
    """A SpiffWorkflow ValidationException as a DeploymentError, with the line filled in."""
    message = str(exc.args[0]) if exc.args else "invalid model"
    file = exc.file_name or None
    element = getattr(exc, "id", "") or None
    line = exc.line_number if isinstance(exc.line_number, int) and exc.line_number > 0 else None
    doc = docs.get(file) if file else None
    if doc is None and element:
        doc = next((d for d in docs.values() if element in d.ids), None)
    if doc is not None:
        file = doc.name
        if line is None and element:
            line = doc.line_of(element)
        if element is None and line:
            element = doc.element_at(line)
    return DeploymentError(message, file=file, line=line, element=element)


def _missing_call(parser: BpmnDmnParser, process_id: str, docs: dict) -> DeploymentError | None:
    """The call activity whose called process does not exist (SpiffWorkflow does not say)."""
    queue, seen = [process_id], set()
    while queue:
        name = queue.pop()
        if name in seen or parser.get_process_parser(name) is None:
            continue
        seen.add(name)
        try:
            spec = parser.get_spec(name)
        except ValidationException:
            continue
        for task in spec.task_specs.values():
            if not isinstance(task, SubWorkflowTask):
                continue
            if parser.get_process_parser(task.spec) is None:
                doc = docs.get(spec.file)
                return DeploymentError(
                    f"called process '{task.spec}' is not in this deployment",
                    file=spec.file,
                    line=doc.line_of(task.bpmn_id) if doc else None,
                    element=task.bpmn_id,
                )
            queue.append(task.spec)
    return None


def _load(
    files: Sequence[SourceFile], problems: list[DeploymentError]
) -> tuple[dict[str, XmlDocument], dict[str, bytes]]:
    docs: dict[str, XmlDocument] = {}
    uploads: dict[str, bytes] = {}
    for source in files:
        lower = source.name.lower()
        if source.name in docs or source.name in uploads:
            problems.append(DeploymentError("file uploaded twice", file=source.name))
        elif lower.endswith(FORM_SUFFIXES):
            uploads[source.name] = source.content
        elif not lower.endswith(XML_SUFFIXES):
            problems.append(
                DeploymentError(
                    "unsupported file type (use .bpmn, .dmn or .json)", file=source.name
                )
            )
        else:
            try:
                doc = XmlDocument.parse(source.name, source.content)
                classify(doc)
                validate(doc)
            except DeploymentError as exc:
                problems.append(exc)
            else:
                docs[doc.name] = doc
    return docs, uploads


def _index(
    docs: dict[str, XmlDocument], problems: list[DeploymentError]
) -> tuple[Processes, dict[str, XmlDocument]]:
    processes: Processes = {}
    decisions: dict[str, XmlDocument] = {}
    for doc in docs.values():
        if doc.kind == "bpmn":
            for process in doc.root.iter(f"{{{BPMN_NS}}}process"):
                pid = process.get("id", "")
                if pid in processes:
                    other = processes[pid][0].name
                    message = f"process id '{pid}' is used twice (also in {other})"
                    problems.append(
                        DeploymentError(
                            message, file=doc.name, line=process.sourceline, element=pid
                        )
                    )
                else:
                    processes[pid] = (doc, process)
            continue
        found = doc.root.findall(f"{{{etree.QName(doc.root).namespace}}}decision")
        if len(found) != 1:
            message = f"a DMN file must hold exactly one decision (found {len(found)})"
            problems.append(DeploymentError(message, file=doc.name, line=doc.root.sourceline))
        elif found[0].get("id") in decisions:
            message = f"decision id '{found[0].get('id')}' is used twice"
            line, element = found[0].sourceline, found[0].get("id")
            problems.append(DeploymentError(message, file=doc.name, line=line, element=element))
        else:
            decisions[found[0].get("id")] = doc
    return processes, decisions


def _parsers(
    docs: dict[str, XmlDocument], dmn: list[XmlDocument], problems: list[DeploymentError]
) -> dict[str, BpmnDmnParser]:
    """One SpiffWorkflow parser per dialect, holding its BPMN files and every DMN file."""
    parsers: dict[str, BpmnDmnParser] = {}
    for doc in docs.values():
        if doc.kind != "bpmn":
            continue
        if doc.dialect not in parsers:
            parsers[doc.dialect] = new_parser(doc.dialect)
            for dmn_doc in dmn:
                try:
                    parsers[doc.dialect].add_dmn_xml(dmn_doc.root, dmn_doc.name)
                except Exception as exc:  # e.g. a DMN namespace prefix SpiffWorkflow cannot read
                    message = f"cannot read this DMN file: {exc}"
                    error = DeploymentError(
                        message, file=dmn_doc.name, line=dmn_doc.root.sourceline
                    )
                    _add_new(problems, error)
        try:
            parsers[doc.dialect].add_bpmn_xml(doc.root, doc.name)
        except ValidationException as exc:
            _add_new(problems, from_validation(exc, docs))
    return parsers


def _bundle(
    process_id: str,
    doc: XmlDocument,
    parser: BpmnDmnParser,
    docs: dict[str, XmlDocument],
    store: FormStore,
    problems: list[DeploymentError],
    converted: dict[str, dict],
) -> ProcessBundle | None:
    try:
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        missing = None if exc.id else _missing_call(parser, process_id, docs)
        _add_new(problems, missing or from_validation(exc, docs))
        return None
    except Exception as exc:  # SpiffWorkflow raises a few plain errors outside its task parsers
        message = f"cannot parse process: {exc!r}"
        line = doc.line_of(process_id)
        _add_new(problems, DeploymentError(message, file=doc.name, line=line, element=process_id))
        return None
    specs = [spec, *subprocess_specs.values()]
    forms, form_files, task_problems = check_human_tasks(specs, docs, store)
    problems.extend(task_problems)
    if problems:  # the deployment is refused: skip the work of building a bundle
        return None
    sources = {spec.file: docs[spec.file] for spec in specs if spec.file in docs}
    for each in specs:
        for task in each.task_specs.values():
            table = getattr(getattr(task, "dmnEngine", None), "decision_table", None)
            for dmn_doc in docs.values():
                if table is not None and dmn_doc.kind == "dmn" and table.id in dmn_doc.ids:
                    sources[dmn_doc.name] = dmn_doc
    files = [SourceFile(d.name, d.content) for d in sources.values()] + list(form_files.values())
    return ProcessBundle(
        process_id=process_id,
        name=spec.description or process_id,
        spec=spec,
        subprocess_specs=subprocess_specs,
        forms=forms,
        files=tuple(sorted(files, key=lambda source: source.name)),
        content_hash=content_hash(spec, subprocess_specs, forms, doc.dialect, converted),
        dialect=doc.dialect,
    )


def _add_new(problems: list[DeploymentError], problem: DeploymentError) -> None:
    """Add a SpiffWorkflow parse error unless the lint already reported on that element."""
    if problem.element is None or not any(
        (p.file, p.element) == (problem.file, problem.element) for p in problems
    ):
        problems.append(problem)


def _refuse(problems: list[DeploymentError]) -> DeploymentError:
    unique = list({str(problem): problem for problem in problems}.values())
    if len(unique) == 1:
        return unique[0]
    summary = "; ".join(str(problem) for problem in unique)
    return DeploymentError(f"{len(unique)} problems: {summary}", problems=unique)


def parse_deployment(
    files: Sequence[SourceFile], forms_dir: Path | None = None
) -> list[ProcessBundle]:
    """One checked bundle per executable process in `files`; DeploymentError lists all problems.

    BPMN (``.bpmn``/``.xml``) and DMN (``.dmn``) files are models; ``.json`` files are forms,
    looked up by name before `forms_dir`.
    """
    problems: list[DeploymentError] = []
    docs, uploads = _load(files, problems)
    processes, decisions = _index(docs, problems)
    for doc in docs.values():
        if doc.kind == "bpmn":
            problems.extend(lint_bpmn(doc, processes, set(decisions)))
    parsers = _parsers(docs, list(decisions.values()), problems)
    store = FormStore(uploads, forms_dir)
    bundles, converted = [], {}  # converted: serialized specs, shared by the bundles' hashes
    for process_id, (doc, process) in processes.items():
        parser = parsers[doc.dialect]
        if is_executable(process) and parser.get_process_parser(process_id) is not None:
            bundle = _bundle(process_id, doc, parser, docs, store, problems, converted)
            if bundle is not None:
                bundles.append(bundle)
    if problems:
        raise _refuse(problems)
    return bundles
