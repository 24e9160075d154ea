"""SpiffWorkflow script engine that runs model expressions and scripts under RestrictedPython.

Helpers and guards live in the code's ``__builtins__``, never in its global namespace, so they
cannot leak into task data; task data fields are the globals. A script works on a deep copy of
the task data and its results are written back only when it succeeds. Every loop pass, function
call and operator that can build a big value draws on a budget (engine/script_limits.py); what
scripts may say is engine/script_policy.py.
"""

from __future__ import annotations

import copy
import functools
import operator
from calendar import monthrange
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine import script_limits
from engine.calendar import DateLike, WorkingDayCalendar, as_date, end_of_day
from engine.clock import AMSTERDAM, Clock, SystemClock
from engine.script_limits import ScriptLimits, close_budget, open_budget
from engine.script_policy import FORBIDDEN_ATTRIBUTES, attribute_message, compiled_code

_DATA_CLASSES = (date, datetime, timedelta, str, int, float, bool, list, dict, set)
_DATA_TYPES = (str, int, float, list, tuple, dict, set, frozenset, date, time, timedelta)

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


def _guarded_getattr(obj: Any, name: str) -> Any:
    if not isinstance(name, str) or name.startswith("_") or name in FORBIDDEN_ATTRIBUTES:
        raise SandboxViolation(attribute_message(str(name)))
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
        code = compiled_code(expression, "eval")
        token = open_budget(self.limits)
        try:
            return eval(code, self._namespace(context, external_context or {}))
        finally:
            close_budget(token)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = compiled_code(script, "exec")
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
        compiled_code(expression, "eval")

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
