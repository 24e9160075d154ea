"""A process as people edit it, for a version's identity (see bundle.content_hash).

The serialized specs cover what runs. This covers the rest of a process as drawn and written:
its ``bpmn:process`` element as written (documentation, text annotations, formatting), its pool
and the diagram's shapes and edges of its elements (positions, sizes, labels, colours). A layout
change therefore makes a new version, while a file holding two processes changes only the
version of the process whose part changed.
"""

from __future__ import annotations

import hashlib

from lxml import etree

from engine.deployment.xml_safety import XmlDocument

_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"


def process_drawing(doc: XmlDocument, process_id: str) -> str:
    """sha256 of the canonical XML of process `process_id` in `doc`: the process element, its
    participants and the diagram elements that draw them or anything inside them."""
    process = doc.ids.get(process_id)
    if process is None:
        return ""
    pools = [p for p in doc.root.iter(f"{_BPMN}participant") if p.get("processRef") == process_id]
    drawn = {element.get("id") for element in process.iter(etree.Element)}
    drawn |= {pool.get("id") for pool in pools}
    drawn.discard(None)
    shapes = [
        element
        for element in doc.root.iter(f"{_BPMNDI}BPMNShape", f"{_BPMNDI}BPMNEdge")
        if element.get("bpmnElement") in drawn
    ]
    digest = hashlib.sha256()
    for element in [process, *pools, *shapes]:
        digest.update(etree.tostring(element, method="c14n", exclusive=True))
    return digest.hexdigest()
