"""engine/script_limits.py: a script cannot loop or allocate without limit."""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine.calendar import WorkingDayCalendar
from engine.clock import ManualClock
from engine.script_limits import BudgetExceeded, ScriptLimits
from engine.script_policy import check_script
from engine.scripting import RestrictedScriptEngine
from tests.engine.scripted_models import (
    MONDAY_4_MAY_2026,
    end_data,
    linear,
    script_task,
    start,
)


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
