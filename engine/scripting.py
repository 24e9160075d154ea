"""SpiffWorkflow script engine that runs model expressions and scripts under RestrictedPython.

Helpers and guards live in the code's ``__builtins__``, never in its global namespace, so they
cannot leak into task data; task data fields are the globals. A script works on a deep copy of
the task data and its results are written back only when it succeeds. Every loop pass, function
call and operator that can build a big value draws on a budget (engine/script_limits.py).
"""

from __future__ import annotations

import ast
import copy
import functools
import operator
import re
from calendar import monthrange
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import CodeType
from typing import Any

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
)
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine import script_limits
from engine.calendar import DateLike, WorkingDayCalendar, as_date, end_of_day
from engine.clock import AMSTERDAM, Clock, SystemClock
from engine.script_limits import ScriptLimits, close_budget, open_budget

_FILENAME = "<string>"  # SpiffWorkflow finds the failing script line by this frame name
_LINE = re.compile(r"Line (\d+)")

_FORBIDDEN_CALLS = frozenset(
    {
        "breakpoint",
        "compile",
        "delattr",
        "dir",
        "exit",
        "getattr",
        "globals",
        "hasattr",
        "help",
        "input",
        "locals",
        "memoryview",
        "object",
        "open",
        "quit",
        "setattr",
        "super",
        "type",
        "vars",
    }
)
_CLOCK_ATTRIBUTES = frozenset({"now", "today", "utcnow"})
_FORBIDDEN_ATTRIBUTES = INSPECT_ATTRIBUTES | {"format", "format_map", "mro"} | _CLOCK_ATTRIBUTES

_DATA_CLASSES = (date, datetime, timedelta, str, int, float, bool, list, dict, set)
_DATA_TYPES = (str, int, float, list, tuple, dict, set, frozenset, date, time, timedelta)

_OPERATOR_SYMBOLS = {ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Add: "+", ast.Mod: "%"}
_FORMAT_NUMBER = re.compile(r"\d+")
# datetime's C code imports these itself (strptime, strftime); scripts cannot import anything.
_INTERNAL_IMPORTS = frozenset({"_strptime", "time"})

_INPLACE = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "|=": operator.ior,
    "&=": operator.iand,
    "^=": operator.ixor,
}


class SandboxViolation(Exception):
    """A script or expression tried something the sandbox does not allow."""


class ScriptCompileError(SyntaxError):
    """A script or expression is not valid, or not allowed, under the sandbox policy."""


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus no imports, classes, printing or introspection calls."""

    def visit_Import(self, node: Any) -> Any:
        self.error(node, "imports are not allowed in scripts")
        return node

    def visit_ImportFrom(self, node: Any) -> Any:
        self.error(node, "imports are not allowed in scripts")
        return node

    def visit_ClassDef(self, node: Any) -> Any:
        self.error(node, "class definitions are not allowed in scripts")
        return node

    def visit_Name(self, node: Any) -> Any:
        if node.id in ("print", "printed"):
            self.error(node, "print is not available in scripts; put values in task data")
            return node
        return super().visit_Name(node)

    def visit_Call(self, node: Any) -> Any:
        func = node.func
        if getattr(func, "id", None) in _FORBIDDEN_CALLS:
            self.error(node, f"{func.id}() is not available in scripts")
        return super().visit_Call(node)

    def visit_Attribute(self, node: Any) -> Any:
        if node.attr in _FORBIDDEN_ATTRIBUTES:
            self.error(node, _attribute_message(node.attr))
        return super().visit_Attribute(node)

    # The budget: a count at the top of every loop pass and function body, and guarded calls
    # for the operators that can build big values. The injected names start with "_", which
    # scripts themselves may not use.

    def visit_While(self, node: Any) -> Any:
        node = super().visit_While(node)
        node.body.insert(0, _budget_step(node))
        return node

    def visit_FunctionDef(self, node: Any) -> Any:
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _budget_step(node))
        return node

    def visit_Lambda(self, node: Any) -> Any:
        node = super().visit_Lambda(node)
        node.body = _located(_call("_counted_", [node.body]), node.body)
        return node

    def visit_BinOp(self, node: Any) -> Any:
        node = super().visit_BinOp(node)
        symbol = _OPERATOR_SYMBOLS.get(type(node.op))
        if symbol is None:
            return node
        return _located(_call("_operation_", [ast.Constant(symbol), node.left, node.right]), node)

    def visit_FormattedValue(self, node: Any) -> Any:
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            if not all(isinstance(part, ast.Constant) for part in parts):
                self.error(node, "a format specification must be written out, not computed")
            elif any(
                int(number) > ScriptLimits.size
                for part in parts
                for number in _FORMAT_NUMBER.findall(str(part.value))
            ):
                self.error(node, "a format width is too large")
        return super().visit_FormattedValue(node)


def _call(name: str, args: list[Any]) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=[])


def _located(new: Any, old: Any) -> Any:
    """``new`` at ``old``'s place in the source, so that errors name the script's line."""
    return ast.fix_missing_locations(ast.copy_location(new, old))


def _budget_step(node: Any) -> ast.stmt:
    return _located(ast.Expr(_call("_step_", [])), node)


def _attribute_message(name: str) -> str:
    if name in _CLOCK_ATTRIBUTES:
        return f'".{name}" is not allowed: use the today() and now() helpers (the engine clock)'
    return f'".{name}" is not allowed in scripts'


@dataclass(frozen=True)
class _Compiled:
    code: CodeType | None
    error: str | None
    line: int


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> _Compiled:
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source, filename=_FILENAME, policy=_Policy)
    if result.errors:
        match = _LINE.search(result.errors[0])
        return _Compiled(None, "; ".join(result.errors), int(match.group(1)) if match else 0)
    return _Compiled(result.code, None, 0)


def _prepare(source: str, mode: str) -> str:
    if not isinstance(source, str):
        raise TypeError(f"expected source text, got {type(source).__name__}")
    return source.strip() if mode == "eval" else source


def _code(source: str, mode: str) -> CodeType:
    source = _prepare(source, mode)
    compiled = _compile(source, mode)
    if compiled.code is None:
        lines = source.splitlines()
        text = lines[compiled.line - 1] if 0 < compiled.line <= len(lines) else None
        raise ScriptCompileError(compiled.error, (_FILENAME, compiled.line, None, text))
    return compiled.code


def check_expression(source: str) -> str | None:
    """Why ``source`` is not a valid sandboxed expression, or None if it is."""
    return _compile(_prepare(source, "eval"), "eval").error


def check_script(source: str) -> str | None:
    """Why ``source`` is not a valid sandboxed script, or None if it is."""
    return _compile(_prepare(source, "exec"), "exec").error


def _guarded_getattr(obj: Any, name: str) -> Any:
    if not isinstance(name, str) or name.startswith("_") or name in _FORBIDDEN_ATTRIBUTES:
        raise SandboxViolation(_attribute_message(str(name)))
    if not (isinstance(obj, _DATA_TYPES) or obj is None or any(obj is c for c in _DATA_CLASSES)):
        raise SandboxViolation(
            f'".{name}" is not allowed: scripts may only use attributes of data values'
        )
    return script_limits.guarded_method(obj, name, getattr(obj, name))


def _internal_import(name: str, *args: Any, **kwargs: Any) -> Any:
    if name not in _INTERNAL_IMPORTS:
        raise SandboxViolation("imports are not allowed in scripts")
    return __import__(name, *args, **kwargs)


def _guarded_getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _inplace(op: str, target: Any, value: Any) -> Any:
    function = _INPLACE.get(op)
    if function is None:
        raise SandboxViolation(f"the operator {op} is not allowed in scripts")
    script_limits.check_inplace(op, target, value)
    return function(target, value)


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def _whole_number(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected a whole number, got {n!r}")
    return n


def add_weeks(d: DateLike, n: int) -> date:
    """The date ``n`` weeks after ``d`` (negative ``n`` goes back)."""
    return as_date(d) + timedelta(weeks=_whole_number(n))


def add_months(d: DateLike, n: int) -> date:
    """The same day ``n`` months after ``d``, or that month's last day if it is shorter."""
    day = as_date(d)
    year, month = divmod(day.year * 12 + day.month - 1 + _whole_number(n), 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _sandbox_builtins(calendar: WorkingDayCalendar, clock: Clock) -> dict[str, Any]:
    def today() -> date:
        return clock.now().astimezone(AMSTERDAM).date()

    def now() -> datetime:
        return clock.now()

    return {
        "None": None,
        "True": True,
        "False": False,
        **{cls.__name__: cls for cls in _DATA_CLASSES},
        **{f.__name__: f for f in (len, min, max, sorted, any, all, round, abs)},
        "sum": script_limits.guarded_sum,
        "add_working_days": calendar.add_working_days,
        "working_days_between": calendar.working_days_between,
        "is_working_day": calendar.is_working_day,
        "working_day_deadline": calendar.working_day_deadline,
        "end_of_day": end_of_day,
        "add_weeks": add_weeks,
        "add_months": add_months,
        "parse_date": as_date,
        "today": today,
        "now": now,
        "_getattr_": _guarded_getattr,
        "_getitem_": _guarded_getitem,
        "_getiter_": script_limits.counted_iter,
        "_step_": script_limits.step,
        "_counted_": script_limits.counted,
        "_operation_": script_limits.guarded_operation,
        "__import__": _internal_import,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": _inplace,
        "_apply_": _apply,
    }


@functools.cache
def helper_names() -> frozenset[str]:
    """The names a model's Python may use besides task data (helpers, constants, types)."""
    builtins = _sandbox_builtins(WorkingDayCalendar(), SystemClock())
    return frozenset(name for name in builtins if _visible(name))


def _visible(name: Any) -> bool:
    return isinstance(name, str) and not name.startswith("_")


def _to_task_data(value: Any, where: str) -> Any:
    """``value`` as JSON-like task data: dates become ISO strings, anything else not JSON fails."""
    script_limits.count_result_value()
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=AMSTERDAM)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_to_task_data(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has a key {key!r}; task data keys must be strings")
            result[key] = _to_task_data(item, f"{where}[{key!r}]")
        return result
    raise TypeError(
        f"{where} is a {type(value).__name__}; task data must be text, numbers, booleans, "
        "dates, lists or dicts (convert it, or del the variable at the end of the script)"
    )


def _unchanged(value: Any, original: Any) -> bool:
    return type(value) is type(original) and value == original


class RestrictedEnvironment(TaskDataEnvironment):
    """Evaluates and executes with RestrictedPython; task data fields are the variables."""

    def __init__(self, builtins: Mapping[str, Any], limits: ScriptLimits) -> None:
        super().__init__({})
        self.builtins = dict(builtins)
        self.limits = limits

    def _namespace(self, context: Mapping[str, Any], external: Mapping[str, Any]) -> dict:
        namespace = {k: v for k, v in external.items() if _visible(k)}
        namespace.update((k, v) for k, v in context.items() if _visible(k))
        namespace["__builtins__"] = self.builtins
        return namespace

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None):
        code = _code(expression, "eval")
        token = open_budget(self.limits)
        try:
            return eval(code, self._namespace(context, external_context or {}))
        finally:
            close_budget(token)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = _code(script, "exec")
        token = open_budget(self.limits)
        try:
            namespace = self._namespace(copy.deepcopy(context), external)
            exec(code, namespace)
            self._write_back(namespace, context, external)
        finally:
            close_budget(token)
        return True

    def _write_back(self, namespace: dict, context: dict, external: Mapping[str, Any]) -> None:
        updates = {}
        for key, value in namespace.items():
            if not _visible(key) or key in external or callable(value):
                continue
            if key in context and _unchanged(value, context[key]):
                continue
            updates[key] = _to_task_data(value, f"variable {key!r}")
        removed = [k for k in context if _visible(k) and k not in namespace]
        for key in removed:
            del context[key]
        context.update(updates)


class RestrictedScriptEngine(PythonScriptEngine):
    """The engine's script engine: sandboxed Python with the Terugkeer helpers."""

    def __init__(
        self, calendar: WorkingDayCalendar, clock: Clock, limits: ScriptLimits | None = None
    ) -> None:
        self.calendar = calendar
        self.clock = clock
        self.limits = limits or ScriptLimits()
        super().__init__(
            environment=RestrictedEnvironment(_sandbox_builtins(calendar, clock), self.limits)
        )

    def validate(self, expression: str) -> None:
        """Raise a SyntaxError if ``expression`` is not allowed (DMN calls this)."""
        _code(expression, "eval")

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        """Like SpiffWorkflow's, but the error message says what went wrong."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as error:
            error.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as error:
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}': {_describe(error)}",
                task=task,
                exception=error,
            ) from error

    def create_task_exec_exception(
        self, task: Any, script: str, err: Exception
    ) -> WorkflowTaskException:
        """Like SpiffWorkflow's, but safe for exceptions whose first argument is not text."""
        if isinstance(err, SpiffWorkflowException):
            return super().create_task_exec_exception(task, script, err)
        line_number, error_line = self.get_error_line_number_and_content(script, err)
        return WorkflowTaskException(
            _describe(err),
            task=task,
            exception=err,
            line_number=line_number,
            error_line=error_line,
        )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
