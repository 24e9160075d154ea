"""The BPMN diagrams of a case's process version, read from the engine's stored deployment files,
and which of their elements are done or active."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, replace

from lxml import etree

from engine import Engine, NotFoundError, translated_bpmn
from web.engine_access import current_engine
from web.model_texts import element_names, model_language

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class DiagramFile:
    name: str
    title: str
    processes: tuple[str, ...]


def version_files(version_id: int) -> list[tuple[str, bytes]]:
    """The BPMN files a version was deployed from: (file name, content)."""
    files = current_engine().version_files(version_id)
    return [(name, content) for name, content in files if name.lower().endswith(".bpmn")]


def version_forms(version_id: int) -> dict:
    """The forms of a version by name, as the engine keeps them for a deployed version (a version
    never changes): not read and parsed again for every page (230 KB of JSON for the main
    process)."""
    try:
        return current_engine().version_forms(version_id)
    except NotFoundError:
        return {}


@dataclass(frozen=True)
class Described:
    files: tuple[DiagramFile, ...]
    names: dict[str, str]  # element id -> name, in the user's language (web/model_texts.py)
    calls: dict[str, str]  # call activity id -> called process id
    members: dict[str, frozenset[str]]  # process id -> the element ids inside it


# What the BPMN files of each version hold, per engine (a database): a version never changes,
# and its files (800 KB for the main process) are not read and parsed again for every case page.
_DESCRIBED: weakref.WeakKeyDictionary[Engine, dict[int, Described]] = weakref.WeakKeyDictionary()
_DESCRIBED_LOCK = threading.Lock()


def _described(version_id: int) -> Described:
    engine = current_engine()
    with _DESCRIBED_LOCK:
        found = _DESCRIBED.setdefault(engine, {}).get(version_id)
    if found is None:
        found = _describe(version_files(version_id))
        with _DESCRIBED_LOCK:
            found = _DESCRIBED.setdefault(engine, {}).setdefault(version_id, found)
    return found


def _describe(files: list[tuple[str, bytes]]) -> Described:
    """What the BPMN files of one version hold."""
    described = []
    calls: dict[str, str] = {}
    members: dict[str, frozenset[str]] = {}
    for file_name, content in files:
        try:
            root = etree.fromstring(content, _PARSER)
        except etree.XMLSyntaxError:
            continue
        processes = root.findall(f"{{{BPMN_NS}}}process")
        for process in processes:
            ids = set()
            for element in process.iter():
                element_id = element.get("id") if isinstance(element.tag, str) else None
                if not element_id:
                    continue
                ids.add(element_id)
                if element.tag == f"{{{BPMN_NS}}}callActivity" and element.get("calledElement"):
                    calls[element_id] = element.get("calledElement")
            members[process.get("id", "")] = frozenset(ids)
        title = next((p.get("name") for p in processes if p.get("name")), None)
        ids = tuple(p.get("id") for p in processes if p.get("id"))
        described.append(DiagramFile(file_name, title or file_name, ids))
    return Described(tuple(described), {}, calls, members)


def diagrams(version_id: int) -> Described:
    """The version's BPMN files (what each holds, titled in the user's language), element names
    in the user's language and call activities."""
    described = _described(version_id)
    names = element_names(version_id)
    files = tuple(
        replace(f, title=next((names[p] for p in f.processes if p in names), f.title))
        for f in described.files
    )
    return replace(described, files=files, names=names)


def ordered_for(files: list[DiagramFile], process_id: str) -> list[DiagramFile]:
    """The file defining ``process_id`` first, the others by title."""
    main = [f for f in files if process_id in f.processes]
    rest = sorted((f for f in files if f not in main), key=lambda f: f.title.lower())
    return main + rest


def file_content(version_id: int, name: str) -> bytes | None:
    """A BPMN file of the version for the diagram viewer: its names in the user's language."""
    for file_name, content in version_files(version_id):
        if file_name == name:
            return translated_bpmn(content, model_language())
    return None


def highlights(element_states: dict[str, dict[str, str]]) -> tuple[list[str], list[str]]:
    """Element ids that are done and that are active (open tasks, waiting events, errors), from
    the engine's element states of every process of the case; a call activity is active while
    its called process runs."""
    done: set[str] = set()
    active: set[str] = set()
    for states in element_states.values():
        for bpmn_id, state in states.items():
            (done if state == "completed" else active).add(bpmn_id)
    return sorted(done - active), sorted(active)
