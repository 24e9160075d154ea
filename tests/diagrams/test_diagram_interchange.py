"""The shipped models open cleanly and legibly in a modeler: full diagram interchange, shapes in
their lanes, nothing on top of anything else, every element documented with its source section.
The files are the source (people edit them); these tests check properties of the files only.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
BPMN_FILES = sorted(PROCESSES.glob("*.bpmn"))

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
B = "{" + NS["bpmn"] + "}"
FLOW_NODES = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "complexGateway",
}
SECTION = re.compile(r"\b[A-H], |\bbijlage \d|\bBron:", re.IGNORECASE)


class Box:
    def __init__(self, x: float, y: float, w: float, h: float) -> None:
        self.x, self.y, self.w, self.h = x, y, w, h

    def overlaps(self, other: Box, inset: float = 0) -> bool:
        return not (
            self.x + self.w - inset <= other.x + inset
            or other.x + other.w - inset <= self.x + inset
            or self.y + self.h - inset <= other.y + inset
            or other.y + other.h - inset <= self.y + inset
        )

    def contains_point(self, px: float, py: float) -> bool:
        return self.x <= px <= self.x + self.w and self.y <= py <= self.y + self.h

    def __repr__(self) -> str:
        return f"Box({self.x}, {self.y}, {self.w}, {self.h})"


def _box(el: etree._Element) -> Box:
    b = el.find("dc:Bounds", NS)
    return Box(*(float(b.get(k)) for k in ("x", "y", "width", "height")))


class Model:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.root = etree.parse(str(path)).getroot()
        self.process = self.root.find("bpmn:process", NS)
        self.nodes = {
            el.get("id"): el
            for el in self.process.iter()
            if etree.QName(el).localname in FLOW_NODES
        }
        self.flows = {el.get("id"): el for el in self.process.iterfind(".//bpmn:sequenceFlow", NS)}
        self.shapes = {
            s.get("bpmnElement"): s for s in self.root.iterfind(".//bpmndi:BPMNShape", NS)
        }
        self.edges = {e.get("bpmnElement"): e for e in self.root.iterfind(".//bpmndi:BPMNEdge", NS)}
        self.lane_of = {
            ref.text: lane.get("id")
            for lane in self.process.iterfind(".//bpmn:lane", NS)
            for ref in lane.iterfind("bpmn:flowNodeRef", NS)
        }

    def kind(self, node_id: str) -> str:
        return etree.QName(self.nodes[node_id]).localname

    def box(self, element_id: str) -> Box:
        return _box(self.shapes[element_id])

    def waypoints(self, flow_id: str) -> list[tuple[float, float]]:
        return [
            (float(w.get("x")), float(w.get("y")))
            for w in self.edges[flow_id].iterfind("di:waypoint", NS)
        ]


@pytest.fixture(params=BPMN_FILES, ids=[p.name for p in BPMN_FILES])
def model(request: pytest.FixtureRequest) -> Model:
    return Model(request.param)


def test_all_six_models_are_there() -> None:
    assert {p.name for p in BPMN_FILES} == {
        "nazorg.bpmn",
        "identiteitsbewijs.bpmn",
        "huisvesting.bpmn",
        "werk_inkomen.bpmn",
        "schulden.bpmn",
        "zorg.bpmn",
    }
    assert (PROCESSES / "verblijfsduur.dmn").exists()


def test_every_flow_node_has_a_shape(model: Model) -> None:
    missing = sorted(set(model.nodes) - set(model.shapes))
    assert not missing, f"{model.path.name}: flow nodes without a shape: {missing}"


def test_every_sequence_flow_has_an_edge_with_waypoints(model: Model) -> None:
    missing = sorted(set(model.flows) - set(model.edges))
    assert not missing, f"{model.path.name}: sequence flows without an edge: {missing}"
    for flow_id in model.flows:
        points = model.waypoints(flow_id)
        assert len(points) >= 2, flow_id
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            assert x1 == x2 or y1 == y2, f"{flow_id}: edges are drawn orthogonally"


def test_edges_start_and_end_at_their_shapes(model: Model) -> None:
    for flow_id, flow in model.flows.items():
        points = model.waypoints(flow_id)
        for end, ref in ((points[0], flow.get("sourceRef")), (points[-1], flow.get("targetRef"))):
            box = model.box(ref)
            grown = Box(box.x - 1, box.y - 1, box.w + 2, box.h + 2)
            assert grown.contains_point(*end), f"{flow_id}: waypoint {end} is not on {ref} {box}"


def test_every_flow_node_lies_in_a_lane_and_within_it(model: Model) -> None:
    for node_id in model.nodes:
        lane = model.lane_of.get(node_id)
        assert lane, f"{node_id} is in no lane"
        lane_box = model.box(lane)
        box = model.box(node_id)
        if model.kind(node_id) == "boundaryEvent":
            assert lane_box.contains_point(box.x + box.w / 2, box.y + box.h / 2), node_id
        else:
            assert lane_box.contains_point(box.x, box.y) and lane_box.contains_point(
                box.x + box.w, box.y + box.h
            ), f"{node_id} {box} sticks out of lane {lane} {lane_box}"


def test_lanes_lie_within_the_pool(model: Model) -> None:
    participant = model.root.find(".//bpmn:participant", NS).get("id")
    pool = model.box(participant)
    for lane in model.process.iterfind(".//bpmn:lane", NS):
        box = model.box(lane.get("id"))
        assert pool.contains_point(box.x, box.y) and pool.contains_point(
            box.x + box.w, box.y + box.h
        )


def test_no_two_flow_node_shapes_overlap(model: Model) -> None:
    ids = [n for n in model.nodes if model.kind(n) != "boundaryEvent"]
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            assert not model.box(a).overlaps(model.box(b)), f"{model.path.name}: {a} overlaps {b}"
    boundaries = [n for n in model.nodes if model.kind(n) == "boundaryEvent"]
    for i, a in enumerate(boundaries):
        for b in boundaries[i + 1 :]:
            assert not model.box(a).overlaps(model.box(b)), f"{model.path.name}: {a} overlaps {b}"
        host = model.nodes[a].get("attachedToRef")
        for other in ids:
            if other != host:
                assert not model.box(a).overlaps(model.box(other)), f"{a} overlaps {other}"


def test_edges_do_not_run_through_other_shapes(model: Model) -> None:
    for flow_id, flow in model.flows.items():
        ends = {flow.get("sourceRef"), flow.get("targetRef")}
        points = model.waypoints(flow_id)
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            segment = Box(min(x1, x2), min(y1, y2), abs(x2 - x1) or 0.1, abs(y2 - y1) or 0.1)
            for node_id in model.nodes:
                if node_id in ends:
                    continue
                assert not segment.overlaps(model.box(node_id), inset=2), (
                    f"{flow_id} runs through {node_id}"
                )


def test_labels_do_not_cover_other_shapes_or_labels(model: Model) -> None:
    labels = []
    for element_id, el in [*model.shapes.items(), *model.edges.items()]:
        label = el.find("bpmndi:BPMNLabel", NS)
        if label is not None:
            labels.append((element_id, _box(label)))
    for i, (a, box) in enumerate(labels):
        for b, other in labels[i + 1 :]:
            assert not box.overlaps(other), f"labels of {a} and {b} overlap"
        for node_id in model.nodes:
            if node_id != a:
                assert not box.overlaps(model.box(node_id), inset=1), (
                    f"label of {a} covers {node_id}"
                )


def test_every_element_is_documented_with_its_source_section(model: Model) -> None:
    elements = [
        model.process,
        *model.nodes.values(),
        *model.flows.values(),
        *model.process.iterfind(".//bpmn:lane", NS),
        *model.root.iterfind("bpmn:message", NS),
        *model.root.iterfind("bpmn:signal", NS),
        *model.root.iterfind(".//bpmn:participant", NS),
    ]
    for el in elements:
        doc = el.find("bpmn:documentation", NS)
        text = doc.text if doc is not None else ""
        assert text and SECTION.search(text), (
            f"{el.get('id')} has no documentation citing the source"
        )


def test_names_are_dutch_and_ids_english(model: Model) -> None:
    for node_id, el in model.nodes.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", node_id), node_id
        if model.kind(node_id) in {"userTask", "scriptTask", "callActivity", "businessRuleTask"}:
            assert el.get("name"), f"{node_id} has no name"


def test_the_main_process_reads_in_phases() -> None:
    """The main diagram is divided into phase groups left to right (Binnenkomst, Tijdens detentie,
    Ontslag, Na ontslag): each flow node and label lies in exactly one, so a reader at 100% sees
    where a section belongs."""
    main = Model(PROCESSES / "nazorg.bpmn")
    names = {
        value.get("id"): value.get("value")
        for value in main.root.iterfind("bpmn:category/bpmn:categoryValue", NS)
    }
    groups = [
        (names[group.get("categoryValueRef")], main.box(group.get("id")))
        for group in main.process.iterfind("bpmn:group", NS)
    ]
    groups.sort(key=lambda item: item[1].x)
    assert [name.split(":")[0] for name, _box in groups] == [
        "Binnenkomst",
        "Tijdens detentie",
        "Ontslag",
        "Na ontslag",
    ]
    for (_name, left), (_next, right) in zip(groups, groups[1:], strict=False):
        assert left.x + left.w <= right.x, "phases lie side by side"
    for node_id in main.nodes:
        box = main.box(node_id)
        inside = [
            name
            for name, group in groups
            if group.contains_point(box.x, box.y) and group.contains_point(box.x + box.w, box.y)
        ]
        assert len(inside) == 1, f"{node_id} {box} is in phases {inside}"
    start = main.box("start_entry")
    for group in main.process.iterfind("bpmn:group", NS):
        label = _box(main.shapes[group.get("id")].find("bpmndi:BPMNLabel", NS))
        assert 0 < start.y - label.y < 150, "the phase names stand just above the main row"


def test_the_decision_table_cites_its_sources() -> None:
    root = etree.parse(str(PROCESSES / "verblijfsduur.dmn")).getroot()
    ns = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
    descriptions = root.findall(".//dmn:rule/dmn:description", ns) + root.findall(
        ".//dmn:decision/dmn:description", ns
    )
    assert len(descriptions) == 6
    assert all(SECTION.search(d.text) for d in descriptions)


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.mark.skipif(
    _chromium() is None or not (ROOT / "node_modules" / "bpmn-js").exists(),
    reason="needs Debian's chromium and node_modules/bpmn-js (npm install)",
)
def test_bpmn_js_renders_every_model_without_warnings(tmp_path: Path) -> None:
    from tests.diagrams.render_diagrams import render

    problems = render(BPMN_FILES, tmp_path)
    assert problems == []
    for path in BPMN_FILES:
        png = tmp_path / f"{path.stem}.png"
        assert png.exists() and png.stat().st_size > 10_000
