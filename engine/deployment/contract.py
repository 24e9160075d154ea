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

from collections.abc import Mapping

from lxml import etree

from engine.deployment.checks import B, is_executable
from engine.deployment.contract_sources import decision_variables, form_of
from engine.deployment.dataflow import ContractModel, DataFlow, local_name
from engine.deployment.forms import FormError, FormStore
from engine.deployment.problems import problem
from engine.deployment.xml_safety import XmlDocument
from engine.errors import DeploymentError


def check_contract(model: ContractModel) -> list[DeploymentError]:
    """Every read in the deployment's executable processes that some path leaves unwritten."""
    processes = _processes(model.docs)
    called = {
        call.get("calledElement")
        for _, process in processes.values()
        for call in process.iter(f"{B}callActivity")
    }
    analysis = DataFlow(model, processes, decision_variables(model.docs.values()))
    for process_id, (doc, process) in processes.items():
        if process_id in called and process_id not in model.start_forms:
            continue  # checked through its callers, with what each call site has
        start = analysis.start_data(process_id, doc, process)
        analysis.run(process_id, start)
    return _errors(analysis)


def _processes(docs: Mapping[str, XmlDocument]) -> dict[str, tuple[XmlDocument, etree._Element]]:
    return {
        process.get("id"): (doc, process)
        for doc in docs.values()
        if doc.kind == "bpmn"
        for process in doc.root.iter(f"{B}process")
        if is_executable(process)
    }


def _errors(analysis: DataFlow) -> list[DeploymentError]:
    return [
        problem(
            "variable_unwritten",
            file=file,
            line=read.line,
            element=read.element,
            variable=read.variable,
            reader=read.what,
        )
        for (file, read) in analysis.missing
    ]


def contract_problems(docs: Mapping[str, XmlDocument], store: FormStore) -> list[DeploymentError]:
    """The data contract of the BPMN and DMN files in ``docs``, with forms from ``store``.

    Read from the XML, so the contract is checked beside any other problem (the lint lists them
    all at once). When a form cannot be read, that problem is reported elsewhere and the
    contract is not checked: every read after the task would be reported as well."""
    model = _model(docs, store)
    return [] if model is None else check_contract(model)


def case_problems(
    docs: Mapping[str, XmlDocument],
    store: FormStore,
    process_id: str,
    positions: set[str],
    variables: set[str],
) -> list[tuple[str, str]]:
    """For a running case of ``process_id`` at the elements ``positions`` with ``variables``:
    ``(element, variable)`` for each read ahead of it that nothing before it writes (the check
    of a migration's dry run)."""
    model = _model(docs, store)
    if model is None:
        return []
    analysis = DataFlow(model, _processes(docs), decision_variables(docs.values()))
    if process_id in analysis.processes:
        doc, process = analysis.processes[process_id]
        assumed = analysis.start_data(process_id, doc, process)  # as at deployment
        analysis.case = (positions, variables | assumed)
        analysis.run_case(process_id)
    return [(read.element, read.variable) for _file, read in analysis.missing]


def _model(docs: Mapping[str, XmlDocument], store: FormStore) -> ContractModel | None:
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
                    return None
                if form is None:
                    continue
                key = f"{doc.name}#{element.get('id')}"
                forms[key] = form
                if local_name(element) == "startEvent" and element.getparent() is process:
                    start_forms[process.get("id", "")] = key
    return ContractModel(docs, forms, {key: key for key in forms}, start_forms)
