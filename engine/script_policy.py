"""What scripts and expressions may say: the RestrictedPython policy, compiled once per source.

The policy refuses imports, classes, printing and introspection, and rewrites loops, function
bodies and the operators that can build big values into calls of the budget guards
(engine/script_limits.py). engine/scripting.py runs what it compiles.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from types import CodeType
from typing import Any

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from engine.script_limits import ScriptLimits

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
FORBIDDEN_ATTRIBUTES = INSPECT_ATTRIBUTES | {"format", "format_map", "mro"} | _CLOCK_ATTRIBUTES

_OPERATOR_SYMBOLS = {ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Add: "+", ast.Mod: "%"}
_FORMAT_NUMBER = re.compile(r"\d+")


class ScriptCompileError(SyntaxError):
    """A script or expression is not valid, or not allowed, under the sandbox policy."""


class Policy(RestrictingNodeTransformer):
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
        if node.attr in FORBIDDEN_ATTRIBUTES:
            self.error(node, attribute_message(node.attr))
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


def attribute_message(name: str) -> str:
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
    result = compiler(source, filename=_FILENAME, policy=Policy)
    if result.errors:
        match = _LINE.search(result.errors[0])
        return _Compiled(None, "; ".join(result.errors), int(match.group(1)) if match else 0)
    return _Compiled(result.code, None, 0)


def _prepare(source: str, mode: str) -> str:
    if not isinstance(source, str):
        raise TypeError(f"expected source text, got {type(source).__name__}")
    return source.strip() if mode == "eval" else source


def compiled_code(source: str, mode: str) -> CodeType:
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
