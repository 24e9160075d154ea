"""The budget model scripts and expressions run under: loop passes, time and sizes.

A command (engine/runtime/pipeline.py) opens one budget with ``command_budget``; every script
and expression it runs draws on it. Outside a command each evaluation gets a budget of its own.
The sandbox (engine/scripting.py) rewrites loops, function bodies and the operators that can
build big values into calls of the guards below, so no script can loop, recurse or allocate
without limit: an endless loop or a huge allocation fails with ``BudgetExceeded`` instead.
"""

from __future__ import annotations

import contextlib
import math
import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

_SEQUENCES = (str, bytes, list, tuple)
_FORMAT_WIDTH = re.compile(r"%[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")
_TIME_CHECK_EVERY = 256  # loop passes between clock readings


@dataclass(frozen=True)
class ScriptLimits:
    """What the scripts and expressions of one command may spend together."""

    iterations: int = 1_000_000  # loop passes and function calls
    seconds: float = 3.0  # wall-clock time, scripts and engine steps together
    size: int = 1_000_000  # items of a list, characters of a text a script builds
    int_bits: int = 100_000  # bits of a whole number a script computes


class BudgetExceeded(Exception):
    """A script or expression went over its budget; ``budget`` says which one."""

    def __init__(self, budget: str, limit: float, message: str) -> None:
        super().__init__(message)
        self.budget = budget
        self.limit = limit


class ScriptBudget:
    """What is left of one command's budget."""

    def __init__(self, limits: ScriptLimits) -> None:
        self.limits = limits
        self.iterations = 0
        self.most = limits.iterations
        self.results = 0
        self.deadline = time.monotonic() + limits.seconds

    def step(self) -> None:
        """Count one loop pass or function call; check the clock every few hundred."""
        self.iterations += 1
        if self.iterations > self.limits.iterations:
            raise BudgetExceeded(
                "iterations",
                self.limits.iterations,
                f"the scripts of this step ran more than {self.limits.iterations} loop passes "
                "or function calls (an endless loop?)",
            )
        if self.iterations % _TIME_CHECK_EVERY == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(
                "seconds",
                self.limits.seconds,
                f"the command ran longer than {self.limits.seconds:g} seconds",
            )

    def check_size(self, size: int, what: str) -> None:
        if size > self.limits.size:
            raise BudgetExceeded(
                "size",
                self.limits.size,
                f"{what} would have {size} items; scripts may build at most {self.limits.size}",
            )

    def check_bits(self, bits: float) -> None:
        if bits > self.limits.int_bits:
            raise BudgetExceeded(
                "size",
                self.limits.int_bits,
                f"a number of about {int(bits)} bits; scripts may compute at most "
                f"{self.limits.int_bits}",
            )


_ACTIVE: ContextVar[ScriptBudget | None] = ContextVar("terugkeer_script_budget", default=None)


@contextlib.contextmanager
def command_budget(limits: ScriptLimits) -> Iterator[ScriptBudget]:
    """One budget for everything the scripts inside the block run."""
    budget = ScriptBudget(limits)
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


def open_budget(limits: ScriptLimits) -> Token | None:
    """Make sure a budget is active: the command's, or one for this evaluation alone (then the
    token to pass to ``close_budget`` afterwards)."""
    if _ACTIVE.get() is not None:
        return None
    return _ACTIVE.set(ScriptBudget(limits))


def close_budget(token: Token | None) -> None:
    if token is not None:
        _ACTIVE.reset(token)


def _active() -> ScriptBudget:
    budget = _ACTIVE.get()
    if budget is None:  # the sandbox opens one around every evaluation
        raise RuntimeError("a sandboxed script ran outside a budget")
    return budget


def step() -> None:
    """Called at the top of every loop pass and function body of a sandboxed script."""
    _active().step()


def counted(value: Any) -> Any:
    """A lambda's body, counted as one function call."""
    _active().step()
    return value


def counted_iter(iterable: Iterable[Any]) -> Iterator[Any]:
    """The iterator of a for loop or comprehension: each item is one loop pass."""
    budget = _active()
    for item in iterable:
        budget.iterations += 1
        if budget.iterations % _TIME_CHECK_EVERY == 0 or budget.iterations > budget.most:
            budget.iterations -= 1
            budget.step()  # the full check: over the limit, or time to read the clock
        yield item


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, _SEQUENCES) else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_multiply(budget: ScriptBudget, a: Any, b: Any) -> None:
    for sequence, count in ((a, b), (b, a)):
        length = _length(sequence)
        if length is not None and _is_int(count):
            budget.check_size(length * max(count, 0), "a repeated sequence")
    if _is_int(a) and _is_int(b):
        budget.check_bits(a.bit_length() + b.bit_length())


def _check_power(budget: ScriptBudget, base: Any, exponent: Any) -> None:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        budget.check_bits(exponent * math.log2(abs(base)))


def _check_shift(budget: ScriptBudget, a: Any, b: Any) -> None:
    if _is_int(a) and _is_int(b) and b > 0:
        budget.check_bits(a.bit_length() + b)


def _check_add(budget: ScriptBudget, a: Any, b: Any) -> None:
    left, right = _length(a), _length(b)
    if left is not None and right is not None:
        budget.check_size(left + right, "a joined sequence")


def _check_format(budget: ScriptBudget, text: Any, values: Any) -> None:
    if not isinstance(text, str):
        return
    for match in _FORMAT_WIDTH.finditer(text):
        for width in match.groups():
            if width is None:
                continue
            if width == "*":
                numbers = values if isinstance(values, tuple) else (values,)
                for number in numbers:
                    if _is_int(number):
                        budget.check_size(abs(number), "a formatted text")
            else:
                budget.check_size(int(width), "a formatted text")


_CHECKS: dict[str, tuple[Callable[[ScriptBudget, Any, Any], None], Callable[[Any, Any], Any]]] = {
    "*": (_check_multiply, operator.mul),
    "**": (_check_power, operator.pow),
    "<<": (_check_shift, operator.lshift),
    "+": (_check_add, operator.add),
    "%": (_check_format, operator.mod),
}


_PLAIN = frozenset({float, bool, type(None)})
_SMALL_BITS = 64  # below every sensible int_bits limit: no check needed


def guarded_operation(op: str, a: Any, b: Any) -> Any:
    """``a op b`` for the operators that can build big values, refused past the size budget."""
    check, apply = _CHECKS[op]
    kinds = (type(a), type(b))
    if kinds[0] in _PLAIN or kinds[1] in _PLAIN:
        return apply(a, b)  # a float or a bool on either side builds nothing big
    if (
        kinds == (int, int)
        and op != "<<"
        and a.bit_length() + b.bit_length() < (_SMALL_BITS if op != "**" else 7)
    ):
        return apply(a, b)
    check(_active(), a, b)
    return apply(a, b)


def check_inplace(op: str, a: Any, b: Any) -> None:
    """The size check for ``a op= b``."""
    base = op.removesuffix("=")
    if base in _CHECKS:
        _CHECKS[base][0](_active(), a, b)


def _padding(method: Callable[..., str]) -> Callable[..., str]:
    def padded(width: int, *args: Any) -> str:
        if _is_int(width):
            _active().check_size(width, "a padded text")
        return method(width, *args)

    return padded


def _replace(text: str) -> Callable[..., str]:
    def replace(old: str, new: str, count: int = -1) -> str:
        if isinstance(old, str) and isinstance(new, str):
            hits = (len(text) + 1) if old == "" else text.count(old)
            if count >= 0:
                hits = min(hits, count)
            growth = hits * max(len(new) - len(old), 0)
            _active().check_size(len(text) + growth, "a replaced text")
        return text.replace(old, new, count)

    return replace


def _join(text: str) -> Callable[[Iterable[Any]], str]:
    def join(items: Iterable[Any]) -> str:
        items = list(items)
        total = sum(len(item) for item in items if isinstance(item, str))
        _active().check_size(total + len(text) * max(len(items) - 1, 0), "a joined text")
        return text.join(items)

    return join


def _expandtabs(text: str) -> Callable[..., str]:
    def expandtabs(tabsize: int = 8) -> str:
        if _is_int(tabsize):
            _active().check_size(len(text) + text.count("\t") * tabsize, "an expanded text")
        return text.expandtabs(tabsize)

    return expandtabs


def _extend(items: list) -> Callable[[Iterable[Any]], None]:
    def extend(more: Iterable[Any]) -> None:
        more = list(more)
        _active().check_size(len(items) + len(more), "an extended list")
        items.extend(more)

    return extend


_GROWING_METHODS = {
    str: frozenset({"ljust", "rjust", "center", "zfill", "replace", "join", "expandtabs"}),
    list: frozenset({"extend"}),
}


def _unbound(name: str) -> Callable[..., Any]:
    """``str.join`` and the like, called on the class: checked like the bound method."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return guarded_method(self, name, getattr(self, name))(*args, **kwargs)

    return method


def guarded_method(obj: Any, name: str, value: Any) -> Any:
    """The attribute ``value`` of ``obj``, with a size check for methods that can grow a value."""
    if (obj is str or obj is list) and name in _GROWING_METHODS[obj]:
        return _unbound(name)
    if isinstance(obj, str):
        if name in ("ljust", "rjust", "center", "zfill"):
            return _padding(value)
        if name == "replace":
            return _replace(obj)
        if name == "join":
            return _join(obj)
        if name == "expandtabs":
            return _expandtabs(obj)
    if isinstance(obj, list) and name == "extend":
        return _extend(obj)
    return value


def guarded_sum(items: Iterable[Any], start: Any = 0) -> Any:
    """``sum`` for numbers only (adding up lists or texts this way could build huge values)."""
    if not isinstance(start, (int, float)):
        raise TypeError("sum() adds numbers; join texts with join() and lists with a loop")
    return sum(items, start)


def count_result_value() -> None:
    """Count one value of a script's results as they become task data (a list of a million
    references to one big list is small to build, but not to write out)."""
    budget = _active()
    budget.results += 1
    budget.check_size(budget.results, "the script's results")
