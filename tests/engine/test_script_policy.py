"""engine/script_policy.py: what a script or expression may not do, refused when it is checked
and when it runs, with the task that failed and no effect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine import script_policy
from engine.script_policy import check_expression, check_script
from tests.engine.scripted_models import (
    GATEWAY,
    linear,
    make_engine,
    script_task,
    start,
)

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
