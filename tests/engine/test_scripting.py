"""The RestrictedPython script engine, driven through real (tiny) BPMN and DMN models."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine import script_policy
from engine.calendar import WorkingDayCalendar
from engine.clock import ManualClock, active_clock
from engine.script_limits import BudgetExceeded, ScriptLimits
from engine.script_policy import check_expression, check_script
from engine.scripting import RestrictedScriptEngine

BPMN_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="proc" isExecutable="true">
"""
BPMN_TAIL = """
  </bpmn:process>
</bpmn:definitions>
"""

DMN_TRACK = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dmn" name="Track"
    namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="track_decision" name="Track">
    <decisionTable id="table" hitPolicy="UNIQUE">
      <input id="in_stay" label="Stay">
        <inputExpression id="in_stay_expr" typeRef="integer">
          <text>stay_days</text>
        </inputExpression>
      </input>
      <input id="in_entry" label="Entry on a working day">
        <inputExpression id="in_entry_expr" typeRef="boolean">
          <text>is_working_day(entry_date)</text>
        </inputExpression>
      </input>
      <output id="out_track" name="track" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="r1a"><text>&lt; 14</text></inputEntry>
        <inputEntry id="r1b"><text></text></inputEntry>
        <outputEntry id="r1o"><text>"short"</text></outputEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="r2a"><text>&gt;= 14</text></inputEntry>
        <inputEntry id="r2b"><text>True</text></inputEntry>
        <outputEntry id="r2o"><text>"long"</text></outputEntry>
      </rule>
      <rule id="r3">
        <inputEntry id="r3a"><text>&gt;= 14</text></inputEntry>
        <inputEntry id="r3b"><text>False</text></inputEntry>
        <outputEntry id="r3o"><text>"long, entered on a day off"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""

MONDAY_4_MAY_2026 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


def linear(*elements: str) -> str:
    """A process start -> elements -> end; each element's first id attribute names it."""
    ids = ["start", *(re.search(r'id="([^"]+)"', e).group(1) for e in elements), "end"]
    flows = "\n".join(
        f'<bpmn:sequenceFlow id="flow{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False))
    )
    body = "\n".join(['<bpmn:startEvent id="start"/>', *elements, '<bpmn:endEvent id="end"/>'])
    return BPMN_HEAD + body + "\n" + flows + BPMN_TAIL


def script_task(script: str, task_id: str = "work", name: str = "Work") -> str:
    escaped = script.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        f'<bpmn:scriptTask id="{task_id}" name="{name}">'
        f"<bpmn:script>{escaped}</bpmn:script></bpmn:scriptTask>"
    )


def make_engine(clock: ManualClock | None = None, closures: tuple[str, ...] = ()):
    return RestrictedScriptEngine(
        WorkingDayCalendar(closures), clock or ManualClock(MONDAY_4_MAY_2026)
    )


def start(bpmn: str, data: dict | None = None, engine=None, dmn: str | None = None):
    """Parse, start and run a workflow until it waits or ends."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn.encode())
    if dmn:
        parser.add_dmn_str(dmn.encode())
    engine = engine or make_engine()
    workflow = BpmnWorkflow(parser.get_spec("proc"), {}, script_engine=engine)
    workflow.get_tasks(state=TaskState.READY)[0].data.update(data or {})
    with active_clock(engine.clock):
        workflow.do_engine_steps()
    return workflow


def end_data(workflow: BpmnWorkflow) -> dict:
    assert workflow.is_completed()
    return workflow.get_tasks(spec_name="end")[0].data


def task_data(workflow: BpmnWorkflow, spec_name: str) -> dict:
    return workflow.get_tasks(spec_name=spec_name)[0].data


def test_script_uses_working_day_helpers_and_writes_task_data() -> None:
    script = "\n".join(
        [
            "deadline = add_working_days(entry_date, 2)",
            "between = working_days_between(entry_date, deadline)",
            "entered_on_working_day = is_working_day(entry_date)",
            "handover = add_weeks(release_date, -8)",
            "review = add_months('2026-01-31', 1)",
            "due = working_day_deadline(entry_date, 10)",
            "closes = end_of_day(parse_date(entry_date))",
            "year = parse_date(entry_date).year",
        ]
    )
    workflow = start(
        linear(script_task(script)), {"entry_date": "2026-05-04", "release_date": "2026-09-30"}
    )
    assert end_data(workflow) == {
        "entry_date": "2026-05-04",
        "release_date": "2026-09-30",
        "deadline": "2026-05-07",  # 5 May is a holiday every year
        "between": 2,
        "entered_on_working_day": True,
        "handover": "2026-08-05",
        "review": "2026-02-28",
        "due": "2026-05-21T00:00:00+02:00",  # 20 May: 5 May and Ascension Day 14 May skipped
        "closes": "2026-05-05T00:00:00+02:00",
        "year": 2026,
    }


def test_closure_days_reach_the_scripts() -> None:
    engine = make_engine(closures=("2026-05-06",))
    workflow = start(
        linear(script_task("deadline = add_working_days(entry_date, 2)")),
        {"entry_date": "2026-05-04"},
        engine,
    )
    assert end_data(workflow)["deadline"] == "2026-05-08"


def test_today_and_now_follow_the_engine_clock() -> None:
    # 22:30 UTC on 4 May is 00:30 on 5 May in Amsterdam.
    clock = ManualClock(datetime(2026, 5, 4, 22, 30, tzinfo=UTC))
    script = "d = today()\nt = now()\nhour = now().hour\nlater = today() > parse_date('2026-05-04')"
    workflow = start(linear(script_task(script)), engine=make_engine(clock))
    data = end_data(workflow)
    assert data == {"d": "2026-05-05", "t": "2026-05-04T22:30:00+00:00", "hour": 22, "later": True}


def test_helpers_and_sandbox_names_stay_out_of_task_data() -> None:
    script = "\n".join(
        [
            "f = add_working_days",
            "g = len",
            "cls = datetime",
            "n = len([1, 2, 3])",
            "def double(x):",
            "    return x * 2",
            "m = double(n)",
            "a, b = [1, 2]",
            "total = 0",
            "for i in [1, 2, 3]:",
            "    total += i",
        ]
    )
    workflow = start(linear(script_task(script)), {"entry_date": "2026-05-04"})
    assert end_data(workflow) == {
        "entry_date": "2026-05-04",
        "n": 3,
        "m": 6,
        "a": 1,
        "b": 2,
        "total": 6,
        "i": 3,
    }


def test_task_data_cannot_replace_the_guards() -> None:
    workflow = start(
        linear(script_task("shout = name.upper()")), {"_getattr_": "not a guard", "name": "ada"}
    )
    assert end_data(workflow) == {"_getattr_": "not a guard", "name": "ada", "shout": "ADA"}


def test_fields_may_shadow_helper_names() -> None:
    workflow = start(linear(script_task("date = date + '!'")), {"date": "2026-05-04"})
    assert end_data(workflow) == {"date": "2026-05-04!"}


def test_del_removes_a_variable() -> None:
    workflow = start(linear(script_task("del scratch\nkept = 1")), {"scratch": 1})
    assert end_data(workflow) == {"kept": 1}


def test_failed_script_changes_no_task_data() -> None:
    workflow_data = {"items": [1], "answer": 42}
    with pytest.raises(WorkflowTaskException) as caught:
        start(linear(script_task("a = 1\nitems.append(2)\nanswer = 0\nb = 1 / 0")), workflow_data)
    assert caught.value.task.task_spec.name == "work"
    assert caught.value.line_number == 4
    assert caught.value.task.data == {"items": [1], "answer": 42}


def test_values_that_are_not_json_are_refused() -> None:
    with pytest.raises(WorkflowTaskException, match="'pending' is a set"):
        start(linear(script_task("pending = {1, 2}")))
    script = "pending = {1, 2}\npending |= {3}\nresult = sorted(pending)\ndel pending"
    workflow = start(linear(script_task(script)))
    assert end_data(workflow) == {"result": [1, 2, 3]}


def test_nested_dates_become_iso_strings() -> None:
    workflow = start(linear(script_task("plan = {'steps': [date(2026, 5, 4)], 'at': (1, 2)}")))
    assert end_data(workflow) == {"plan": {"steps": ["2026-05-04"], "at": [1, 2]}}


GATEWAY = (
    BPMN_HEAD
    + """
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="route"/>
    <bpmn:exclusiveGateway id="route" default="to_long"/>
    <bpmn:sequenceFlow id="to_short" sourceRef="route" targetRef="short">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        >stay_days &lt; 14 and is_working_day(entry_date)</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_long" sourceRef="route" targetRef="long"/>
    <bpmn:scriptTask id="short"><bpmn:script>track = "short"</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="long"><bpmn:script>track = "long"</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="short" targetRef="end"/>
    <bpmn:sequenceFlow id="f2" sourceRef="long" targetRef="end"/>
    <bpmn:endEvent id="end"/>
"""
    + BPMN_TAIL
)


@pytest.mark.parametrize(
    ("stay_days", "entry_date", "track"),
    [(5, "2026-05-04", "short"), (30, "2026-05-04", "long"), (5, "2026-05-05", "long")],
)
def test_gateway_condition(stay_days: int, entry_date: str, track: str) -> None:
    workflow = start(GATEWAY, {"stay_days": stay_days, "entry_date": entry_date})
    assert end_data(workflow)["track"] == track


@pytest.mark.parametrize(
    ("stay_days", "entry_date", "track"),
    [
        (5, "2026-05-04", "short"),
        (30, "2026-05-04", "long"),
        (30, "2026-05-05", "long, entered on a day off"),
    ],
)
def test_dmn_decision_uses_the_engine(stay_days: int, entry_date: str, track: str) -> None:
    rule_task = (
        '<bpmn:businessRuleTask id="decide"><bpmn:extensionElements>'
        "<spiffworkflow:calledDecisionId>track_decision</spiffworkflow:calledDecisionId>"
        "</bpmn:extensionElements></bpmn:businessRuleTask>"
    )
    workflow = start(
        linear(rule_task), {"stay_days": stay_days, "entry_date": entry_date}, dmn=DMN_TRACK
    )
    assert end_data(workflow)["track"] == track


def test_timer_waits_until_the_working_day_deadline() -> None:
    timer = (
        '<bpmn:intermediateCatchEvent id="wait" name="Melding binnenkomst termijn">'
        '<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">'
        "working_day_deadline(entry_date, 2)</bpmn:timeDate></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
    )
    clock = ManualClock(MONDAY_4_MAY_2026)
    workflow = start(linear(timer), {"entry_date": "2026-05-04"}, make_engine(clock))
    waiting = workflow.get_tasks(spec_name="wait")[0]
    assert waiting.state == TaskState.WAITING
    # Domain example: entry Monday 4 May 2026 + 2 working days = Thursday 7 May, end of day.
    assert waiting.internal_data["event_value"] == "2026-05-08T00:00:00+02:00"

    with active_clock(clock):
        clock.set(datetime(2026, 5, 7, 21, 59, tzinfo=UTC))  # 23:59 in Amsterdam
        workflow.refresh_timers()
        workflow.do_engine_steps()
        assert not workflow.is_completed()
        clock.set(datetime(2026, 5, 7, 22, 1, tzinfo=UTC))
        workflow.refresh_timers()
        workflow.do_engine_steps()
    assert workflow.is_completed()


ESCAPES = [
    pytest.param("import os\nos.system('touch {marker}')", "imports are not allowed", id="import"),
    pytest.param("from os import system", "imports are not allowed", id="from-import"),
    pytest.param("__import__('os').system('touch {marker}')", '"__import__"', id="__import__"),
    pytest.param("open('{marker}', 'w').write('x')", "open() is not available", id="open"),
    pytest.param("eval(\"open('{marker}', 'w')\")", "Eval calls are not allowed", id="eval"),
    pytest.param("exec(\"open('{marker}', 'w')\")", "Exec calls are not allowed", id="exec"),
    pytest.param("x = ().__class__.__bases__[0].__subclasses__()", '"__class__"', id="subclasses"),
    pytest.param("x = getattr((), '__class__')", "getattr() is not available", id="getattr"),
    pytest.param("x = '{0.__class__}'.format(())", '".format" is not allowed', id="format"),
    pytest.param("x = '{a.__class__}'.format_map({'a': ()})", '".format_map"', id="format_map"),
    pytest.param("x = str.format('{0.__class__}', ())", '".format"', id="format-on-type"),
    pytest.param("x = f'{().__class__}'", '"__class__"', id="f-string"),
    pytest.param("g = (i for i in [1])\nx = g.gi_frame.f_globals", '"gi_frame"', id="gi_frame"),
    pytest.param("x = add_working_days.__globals__", '"__globals__"', id="helper-globals"),
    pytest.param("x = type(())", "type() is not available", id="type"),
    pytest.param("x = globals()", "globals() is not available", id="globals"),
    pytest.param("x = vars()", "vars() is not available", id="vars"),
    pytest.param("x = str.mro()", '".mro"', id="mro"),
    pytest.param("x = datetime.now()", "today() and now() helpers", id="system-clock"),
    pytest.param("class A:\n    pass", "class definitions", id="class"),
    pytest.param("print('{marker}')", "print is not available", id="print"),
]


@pytest.mark.parametrize(("script", "message"), ESCAPES)
def test_escape_fails_the_task_and_has_no_effect(script: str, message: str, tmp_path: Path) -> None:
    marker = tmp_path / "escaped"
    source = script.replace("{marker}", str(marker))
    assert message in (check_script(source) or "")
    with pytest.raises(WorkflowTaskException) as caught:
        start(linear(script_task(source, "escape", "Escape attempt")), {"before": 1})
    assert caught.value.task.task_spec.name == "escape"
    assert caught.value.task.task_spec.bpmn_name == "Escape attempt"
    assert message in str(caught.value)
    assert caught.value.task.data == {"before": 1}
    assert not marker.exists()


@pytest.mark.parametrize(
    ("script", "message"),
    [
        # Attributes of anything but data values are refused while running.
        ("g = (i for i in [1])\nx = g.gi_running", "only use attributes of data values"),
        ("x = add_working_days.func", "only use attributes of data values"),
        ("x = len.something", "only use attributes of data values"),
        # Builtins outside docs/modelling.md are not there.
        ("x = range(3)", "name 'range' is not defined"),
        ("x = isinstance(1, int)", "name 'isinstance' is not defined"),
    ],
)
def test_runtime_guards(script: str, message: str) -> None:
    assert check_script(script) is None
    with pytest.raises(WorkflowTaskException, match=re.escape(message)) as caught:
        start(linear(script_task(script, "guarded")))
    assert caught.value.task.task_spec.name == "guarded"


def test_error_whose_argument_is_not_text_still_names_the_task() -> None:
    # SpiffWorkflow 3.2.0's own handler fails on KeyError(5) ("can only concatenate str").
    with pytest.raises(WorkflowTaskException, match="KeyError: 5") as caught:
        start(linear(script_task("d = {}\nx = d[5]", "lookup")))
    assert caught.value.task.task_spec.name == "lookup"
    assert caught.value.line_number == 2


def test_escape_in_a_condition_fails_with_the_gateway_task() -> None:
    bad = GATEWAY.replace("stay_days &lt; 14 and", "().__class__ and")
    with pytest.raises(WorkflowTaskException) as caught:
        start(bad, {"stay_days": 1, "entry_date": "2026-05-04"})
    assert caught.value.task.task_spec.name == "route"
    assert '"__class__"' in str(caught.value)


@pytest.mark.parametrize(
    "source",
    [
        "stay_days < 14",
        "working_day_deadline(entry_date, 2)",
        '"PT1H"',
        "  today() >= parse_date(release_date)\n",
        "[x for x in items if x > 1]",
    ],
)
def test_check_expression_accepts(source: str) -> None:
    assert check_expression(source) is None


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("stay_days <", "SyntaxError"),
        ("x = 1", "SyntaxError"),
        ("__import__('os')", '"__import__" is an invalid variable name'),
        ("entry.__class__", '"__class__" is an invalid attribute name'),
        ("open('/etc/passwd')", "open() is not available"),
        ("'{0.__class__}'.format(x)", '".format" is not allowed'),
    ],
)
def test_check_expression_reports(source: str, message: str) -> None:
    assert message in (check_expression(source) or "")


def test_check_script() -> None:
    assert check_script("a = 1\nif a:\n    b = add_working_days(entry_date, 2)\n") is None
    assert "Line 2: SyntaxError" in (check_script("a = 1\nb = (\n") or "")
    assert (check_script("a = 1\nimport os") or "").startswith("Line 2: imports are not allowed")
    assert "Line 3:" in (check_script("a = 1\n\nb = a.__dict__") or "")


def test_compiled_code_is_cached() -> None:
    engine = make_engine()
    source = "stay_days * 2 + 12345"
    before = script_policy._compile.cache_info()
    for days in range(5):
        assert engine.environment.evaluate(source, {"stay_days": days}) == days * 2 + 12345
    after = script_policy._compile.cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == 4


def test_evaluate_sees_external_context_and_date_values() -> None:
    engine = make_engine()
    found = engine.environment.evaluate(
        "add_working_days(entry_date, n)", {"entry_date": "2026-05-04"}, {"n": 2}
    )
    assert found == date(2026, 5, 7)


def test_the_datetime_apis_the_docs_promise_work_in_scripts() -> None:
    script = "\n".join(
        [
            "entered = datetime.strptime(entry_text, '%d-%m-%Y %H:%M')",
            "shown = entered.strftime('%d %B %Y, %H:%M')",
            "day = date(2026, 5, 4)",
            "weekday = day.strftime('%A')",
            "iso_day = date.fromisoformat('2026-06-01').isoformat()",
            "later = day + timedelta(days=10, hours=2)",
            "gap = (date(2026, 6, 1) - day).days",
            "hours = timedelta(hours=36).total_seconds() / 3600",
            "moment = datetime(2026, 5, 4, 9, 30).isoformat()",
            "del entered",
        ]
    )
    workflow = start(linear(script_task(script)), {"entry_text": "04-05-2026 09:30"})
    data = end_data(workflow)
    assert data["shown"] == "04 May 2026, 09:30"
    assert data["weekday"] == "Monday"
    assert data["iso_day"] == "2026-06-01"
    assert data["later"] == "2026-05-14"
    assert (data["gap"], data["hours"]) == (28, 36.0)
    assert data["moment"] == "2026-05-04T09:30:00"


@pytest.mark.parametrize(
    ("script", "budget"),
    [
        ("while True: pass", "iterations"),
        ("n = 0\nwhile n >= 0:\n    n = n + 1", "iterations"),
        ("items = [1] * 1000\nwhile True:\n    items = [i for i in items]", "iterations"),
        ("def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nx = f(40)", "iterations"),
        ("f = lambda n: f(n - 1) + f(n - 1) if n else 1\nx = f(40)", "iterations"),
        ("text = 'x' * 10**10", "size"),
        ("items = [0] * 10**10", "size"),
        ("big = 10**10**10", "size"),
        ("big = 7 ** 1000000", "size"),
        ("big = 1 << 10**9", "size"),
        ("text = 'x' * 1000\nwhile True:\n    text = text + text", "size"),
        ("text = 'x' * 1000\nwhile True:\n    text += text", "size"),
        ("items = [0] * 1000\nwhile True:\n    items.extend(items)", "size"),
        ("text = '%999999999d' % 1", "size"),
        ("text = '%*d' % (999999999, 1)", "size"),
        ("text = 'x'.ljust(10**9)", "size"),
        ("text = ('ab' * 500000).replace('', 'xyz')", "size"),
        ("text = ','.join(['x' * 900000] * 1000)", "size"),
        ("rows = [[0] * 1000000] * 1000000", "size"),
        ("text = str.ljust('x', 10**9)", "size"),
        ("text = str.join('x' * 900000, ['a', 'b', 'c'])", "size"),
        ("items = [0] * 1000\nwhile True:\n    list.extend(items, items)", "size"),
    ],
)
def test_scripts_cannot_loop_or_allocate_without_limit(script: str, budget: str) -> None:
    # A small loop budget and a long time budget: the loop budget is what this test checks,
    # however slow the machine is today.
    limits = ScriptLimits(iterations=100_000, seconds=120)
    engine = RestrictedScriptEngine(WorkingDayCalendar(), ManualClock(MONDAY_4_MAY_2026), limits)
    with pytest.raises(WorkflowTaskException) as raised:
        start(linear(script_task(script)), engine=engine)
    cause = raised.value.__context__
    assert isinstance(cause, BudgetExceeded), repr(cause)
    assert cause.budget == budget


def test_a_large_format_width_is_refused_at_compile_time() -> None:
    assert "too large" in (check_script("text = f'{1:>999999999}'") or "")
    assert "written out" in (check_script("w = 5\ntext = f'{1:>{w}}'") or "")
    assert check_script("text = f'{3.14159:.2f} {7:>4}'") is None


def test_budgets_leave_ordinary_scripts_alone() -> None:
    script = "\n".join(
        [
            "total = sum([n * 2 for n in [1, 2, 3]])",
            "label = 'dossier ' + str(total) + ' ' + '%05d' % 42",
            "square = 12 ** 2",
            "names = ', '.join(sorted(['b', 'a']))",
            "padded = 'x'.ljust(5, '.')",
            "count = 0",
            "while count < 1000:",
            "    count += 1",
        ]
    )
    data = end_data(start(linear(script_task(script))))
    assert (data["total"], data["label"], data["square"]) == (12, "dossier 12 00042", 144)
    assert (data["names"], data["padded"], data["count"]) == ("a, b", "x....", 1000)
