"""Safe XML parsing for uploaded model files, and an id index for error reporting.

Uploaded files come from process owners, but a model file must still never read a local file,
reach the network or expand entities: any DOCTYPE or entity declaration is refused outright.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from engine.deployment.problems import problem

_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser(recover: bool = False) -> etree.XMLParser:
    # A fresh parser per call: lxml parsers keep state and are not shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=recover,
    )


def _element_near(content: bytes, line: int) -> str | None:
    """The id of the last element starting at or before `line`, from a recovering parse."""
    try:
        root = etree.fromstring(content, _parser(recover=True))
    except (etree.XMLSyntaxError, ValueError):
        return None
    return None if root is None else _id_at(root, line)


def _id_at(root: etree._Element, line: int) -> str | None:
    found = None
    for element in root.iter(etree.Element):
        if element.sourceline is None or element.sourceline > line:
            break
        found = element.get("id") or found
    return found


def _refuse_dtd(content: bytes, file: str) -> None:
    match = _DTD_MARKERS.search(content)
    if match is None and content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # UTF-16 text: search the decoded text instead of the raw bytes.
        text = content.decode("utf-16", errors="replace").encode("utf-8")
        match, content = _DTD_MARKERS.search(text), text
    if match is not None:
        line = content.count(b"\n", 0, match.start()) + 1
        raise problem("doctype_refused", file=file, line=line)


def parse_xml(content: bytes, file: str) -> etree._Element:
    """Parse `content` into an element tree, refusing DTDs; errors name the file and line."""
    _refuse_dtd(content, file)
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else None) or 1
        element = _element_near(content, line)
        raise problem(
            "xml_malformed", file=file, line=line, element=element, error=exc.msg
        ) from None
    except ValueError as exc:  # e.g. an empty document or a bad encoding declaration
        raise problem("xml_malformed", file=file, line=1, error=str(exc)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise problem("doctype_refused", file=file, line=1)
    return root


@dataclass
class XmlDocument:
    """One uploaded XML file, parsed, with its elements indexed by id."""

    name: str
    content: bytes
    root: etree._Element
    kind: str = ""  # "bpmn" or "dmn"
    dialect: str = ""  # "spiff" or "camunda" for BPMN files
    ids: dict[str, etree._Element] = field(default_factory=dict)

    @classmethod
    def parse(cls, name: str, content: bytes) -> XmlDocument:
        root = parse_xml(content, name)
        ids = {}
        for element in root.iter(etree.Element):
            element_id = element.get("id")
            if element_id is not None:
                ids.setdefault(element_id, element)
        return cls(name=name, content=content, root=root, ids=ids)

    def line_of(self, element_id: str | None) -> int | None:
        element = self.ids.get(element_id) if element_id else None
        return element.sourceline if element is not None else None

    def element_at(self, line: int) -> str | None:
        """The id of the last element with an id that starts at or before `line`."""
        return _id_at(self.root, line)
