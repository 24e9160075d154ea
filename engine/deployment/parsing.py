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
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
from SpiffWorkflow.spiff.parser import VALIDATOR as SPIFF_VALIDATOR
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine.deployment.bundle import ProcessBundle, SourceFile, content_hash
from engine.deployment.calls import recursive_calls
from engine.deployment.camunda import CamundaModelerParser
from engine.deployment.checks import (
    BPMN_NS,
    CAMUNDA_NS,
    SPIFF_NS,
    Processes,
    check_human_tasks,
    is_executable,
    lint_bpmn,
)
from engine.deployment.contract import contract_problems
from engine.deployment.drawing import process_drawing
from engine.deployment.forms import FormStore
from engine.deployment.problems import problem
from engine.deployment.spiff_errors import from_validation, locate, unreadable
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
    return CamundaModelerParser() if dialect == "camunda" else SpiffBpmnParser()


def classify(doc: XmlDocument) -> None:
    """Set `doc.kind` and `doc.dialect` from the root element and the extensions it uses.

    A BPMN file is Camunda when it uses Camunda extensions (or, using none, declares their
    namespace), else spiffworkflow; a file that uses both is refused.
    """
    qname = etree.QName(doc.root)
    namespace = qname.namespace or ""
    if qname.localname == "definitions" and namespace == BPMN_NS:
        doc.kind = "bpmn"
        camunda, spiff = _first_use(doc.root, CAMUNDA_NS), _first_use(doc.root, SPIFF_NS)
        if camunda is not None and spiff is not None:
            raise problem(
                "dialects_mixed",
                file=doc.name,
                line=camunda.sourceline,
                element=_owner_id(camunda),
                spiff_line=spiff.sourceline,
                spiff_element=_owner_id(spiff) or etree.QName(spiff).localname,
            )
        declares = doc.root.xpath("boolean(//namespace::*[. = $ns])", ns=CAMUNDA_NS)
        doc.dialect = "camunda" if camunda is not None or (spiff is None and declares) else "spiff"
    elif qname.localname == "definitions" and "/DMN/" in namespace.upper():
        doc.kind = "dmn"
    else:
        raise problem(
            "not_a_model",
            file=doc.name,
            line=doc.root.sourceline,
            root=qname.localname,
            namespace=namespace,
        )


def _first_use(root: etree._Element, namespace: str) -> etree._Element | None:
    """The first element in `namespace` or carrying an attribute in it."""
    prefix = f"{{{namespace}}}"
    for element in root.iter(etree.Element):
        if element.tag.startswith(prefix) or any(
            name.startswith(prefix) for name in element.attrib
        ):
            return element
    return None


def _owner_id(element: etree._Element) -> str | None:
    """The id of `element` or of its nearest ancestor that has one."""
    for each in (element, *element.iterancestors()):
        if each.get("id"):
            return each.get("id")
    return None


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
        file, element, line = locate(exc, {doc.name: doc})
        # The XSD's own words, with BPMN's namespace as the prefix modellers know
        error = (str(exc.args[0]) if exc.args else "").replace(f"{{{BPMN_NS}}}", "bpmn:")
        raise problem(
            "schema_violation", file=file, line=line, element=element, error=error
        ) from None


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
                return problem(
                    "call_target_unknown",
                    file=spec.file,
                    line=doc.line_of(task.bpmn_id) if doc else None,
                    element=task.bpmn_id,
                    process=task.spec,
                    known=", ".join(sorted(parser.get_process_ids())),
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
            problems.append(problem("file_twice", file=source.name))
        elif lower.endswith(FORM_SUFFIXES):
            uploads[source.name] = source.content
        elif not lower.endswith(XML_SUFFIXES):
            problems.append(problem("file_type_unsupported", file=source.name))
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
                    problems.append(
                        problem(
                            "process_id_twice",
                            file=doc.name,
                            line=process.sourceline,
                            element=pid,
                            process=pid,
                            other_file=other,
                        )
                    )
                else:
                    processes[pid] = (doc, process)
            continue
        found = doc.root.findall(f"{{{etree.QName(doc.root).namespace}}}decision")
        if len(found) != 1:
            line = doc.root.sourceline
            problems.append(
                problem("dmn_decision_count", file=doc.name, line=line, count=len(found))
            )
        elif found[0].get("id") in decisions:
            line, element = found[0].sourceline, found[0].get("id")
            problems.append(
                problem(
                    "decision_id_twice", file=doc.name, line=line, element=element, decision=element
                )
            )
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
                except Exception:  # e.g. a DMN namespace prefix SpiffWorkflow cannot read
                    line = dmn_doc.root.sourceline
                    _add_new(problems, problem("dmn_unreadable", file=dmn_doc.name, line=line))
        try:
            parsers[doc.dialect].add_bpmn_xml(doc.root, doc.name)
        except ValidationException as exc:
            _add_new(problems, from_validation(exc, docs, doc.name))
        except Exception as exc:  # SpiffWorkflow raises a few plain errors, e.g. a KeyError
            _add_new(problems, unreadable(doc.name, doc.root.sourceline, None, exc))
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
        _add_new(problems, unreadable(doc.name, doc.line_of(process_id), process_id, exc))
        return None
    specs = [spec, *subprocess_specs.values()]
    forms, form_files, task_problems = check_human_tasks(specs, docs, store)
    problems.extend(task_problems)
    if problems:  # the deployment is refused: skip the work of building a bundle
        return None
    sources = {spec.file: docs[spec.file] for spec in specs if spec.file in docs}
    drawings = {
        each.name: process_drawing(sources[each.file], each.name)
        for each in specs
        if each.file in sources
    }
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
        content_hash=content_hash(spec, subprocess_specs, forms, doc.dialect, drawings, converted),
        dialect=doc.dialect,
    )


def _add_new(problems: list[DeploymentError], found: DeploymentError) -> None:
    """Add a SpiffWorkflow parse error unless the lint already reported on that file: the
    lint's problem is the cause, and SpiffWorkflow often blames a neighbouring element."""
    if not any(p.file == found.file for p in problems):
        problems.append(found)


def _refuse(problems: list[DeploymentError]) -> DeploymentError:
    unique = list({str(each): each for each in problems}.values())
    if len(unique) == 1:
        return unique[0]
    summary = "; ".join(str(each) for each in unique)
    return DeploymentError(f"{len(unique)} problems: {summary}", problems=unique)


def find_problems(
    files: Sequence[SourceFile], forms_dir: Path | None = None
) -> list[DeploymentError]:
    """Every problem that would refuse a deployment of `files` (empty when it would pass), for
    a lint that lists them all; each has code, params, file, line and element."""
    try:
        parse_deployment(files, forms_dir)
    except DeploymentError as error:
        return error.all_problems()
    return []


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
    problems.extend(recursive_calls(processes))
    parsers = _parsers(docs, list(decisions.values()), problems)
    store = FormStore(uploads, forms_dir)
    bundles, converted = [], {}  # converted: serialized specs, shared by the bundles' hashes
    for process_id, (doc, process) in processes.items():
        parser = parsers[doc.dialect]
        if is_executable(process) and parser.get_process_parser(process_id) is not None:
            bundle = _bundle(process_id, doc, parser, docs, store, problems, converted)
            if bundle is not None:
                bundles.append(bundle)
    problems.extend(contract_problems(docs, store))
    if problems:
        raise _refuse(problems)
    return bundles
