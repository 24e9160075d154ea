"""Uploaded XML is parsed without DTDs, entities or network access."""

from __future__ import annotations

import time
import traceback

import pytest

from engine.deployment import SourceFile, parse_deployment
from engine.deployment.xml_safety import XmlDocument, parse_xml
from engine.errors import DeploymentError

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
BPMN_OPEN = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'id="Definitions_x" targetNamespace="http://bpmn.io/schema/bpmn">\n'
)


def refused(content: bytes, name: str = "model.bpmn") -> DeploymentError:
    with pytest.raises(DeploymentError) as info:
        parse_deployment([SourceFile(name, content)])
    return info.value


def all_text(error: BaseException) -> str:
    """Everything an exception could show: message, attributes, chained causes, traceback."""
    parts = ["".join(traceback.format_exception(error)), repr(vars(error))]
    for problem in getattr(error, "problems", []):
        parts.append(all_text(problem))
    return "\n".join(parts)


def test_malformed_xml_names_file_line_from_lxml_and_nearest_element():
    content = (
        HEAD
        + BPMN_OPEN
        + '  <bpmn:process id="proces" isExecutable="true">\n'
        + '    <bpmn:startEvent id="Start_1">\n'
        + "  </bpmn:process>\n"
        + "</bpmn:definitions>\n"
    ).encode()
    error = refused(content)
    assert (error.file, error.line, error.element) == ("model.bpmn", 5, "Start_1")
    assert "not well-formed XML" in str(error)
    assert "file model.bpmn" in str(error)
    assert "line 5" in str(error)
    assert "element Start_1" in str(error)


def test_empty_file_is_malformed_at_line_1():
    error = refused(b"")
    assert (error.file, error.line) == ("model.bpmn", 1)


def test_doctype_is_refused_with_its_line():
    content = (HEAD + "<!DOCTYPE definitions>\n" + BPMN_OPEN + "</bpmn:definitions>\n").encode()
    error = refused(content)
    assert (error.file, error.line, error.element) == ("model.bpmn", 2, None)
    assert "DOCTYPE" in str(error)
    assert "file model.bpmn" in str(error)
    assert "line 2" in str(error)


def test_doctype_in_utf16_file_is_refused():
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE a>\n<a/>'
    with pytest.raises(DeploymentError) as info:
        parse_xml(text.encode("utf-16"), "wide.bpmn")
    assert (info.value.file, info.value.line) == ("wide.bpmn", 2)


def test_external_entity_is_refused_and_the_secret_never_leaks(tmp_path):
    secret = "TOPSECRET-7f3a9c"
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(secret)
    content = (
        HEAD
        + f'<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file://{secret_file}">]>\n'
        + BPMN_OPEN
        + '  <bpmn:process id="proces" isExecutable="true">\n'
        + "    <bpmn:documentation>&xxe;</bpmn:documentation>\n"
        + '    <bpmn:startEvent id="Start_1" />\n'
        + "  </bpmn:process>\n"
        + "</bpmn:definitions>\n"
    ).encode()
    error = refused(content, "xxe.bpmn")
    assert (error.file, error.line) == ("xxe.bpmn", 2)
    assert secret not in all_text(error)


def test_billion_laughs_is_refused_quickly():
    entities = ['<!ENTITY lol "lol">', '<!ENTITY lol1 "' + "&lol;" * 10 + '">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10)]
    content = (
        HEAD
        + "<!DOCTYPE lolz [\n"
        + "\n".join(entities)
        + "\n]>\n"
        + BPMN_OPEN
        + '  <bpmn:process id="proces"><bpmn:documentation>&lol9;</bpmn:documentation>'
        + "</bpmn:process>\n</bpmn:definitions>\n"
    ).encode()
    started = time.perf_counter()
    error = refused(content, "lol.bpmn")
    assert time.perf_counter() - started < 0.5
    assert (error.file, error.line) == ("lol.bpmn", 2)
    assert "lollol" not in str(error)


def test_entity_declaration_without_doctype_keyword_still_refused():
    with pytest.raises(DeploymentError):
        parse_xml(HEAD.encode() + b'<a><!ENTITY x "y"></a>', "odd.bpmn")


def test_document_index_finds_lines_by_id():
    doc = XmlDocument.parse("a.bpmn", b'<a id="root">\n  <b id="child"/>\n  <c/>\n</a>')
    assert doc.line_of("child") == 2
    assert doc.line_of("missing") is None
    assert doc.element_at(3) == "child"


def test_a_file_that_is_neither_bpmn_nor_dmn_is_refused():
    error = refused(HEAD.encode() + b'<svg xmlns="http://www.w3.org/2000/svg" id="pic"/>')
    assert (error.file, error.line) == ("model.bpmn", 2)
    assert "not a BPMN or DMN file" in str(error)
