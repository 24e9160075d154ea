"""Which case variables a model's Python reads and writes, found from its syntax tree.

A script's reads are the names it loads before assigning them itself, outside a ``try`` whose
handler catches a missing name (``except:``, ``except NameError:`` or ``except Exception:``):
such a guarded read is the model's own way of saying the variable may be absent. A script's
writes are the names it assigns and does not ``del``. Branches are read optimistically: a name
assigned in either branch of an ``if`` counts as assigned after it, so the check never refuses
a script for a path it cannot see.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache

from engine.scripting import helper_names

_GUARDS = {"NameError", "Exception", "BaseException"}


@dataclass
class Usage:
    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)


def expression_usage(source: str | None) -> Usage:
    """The variables an expression reads (it writes none)."""
    tree = _parse((source or "").strip(), "eval")
    if tree is None:
        return Usage()
    return Usage(reads=_loads(tree) - helper_names())


def script_usage(source: str | None) -> Usage:
    """The variables a script reads before it sets them, and those it leaves set."""
    tree = _parse((source or "").strip(), "exec")
    if tree is None:
        return Usage()
    walker = _ScriptWalker()
    walker.block(tree.body, guarded=False)
    walker.usage.reads -= helper_names()
    walker.usage.writes -= walker.deleted
    return walker.usage


def equality_test(source: str | None) -> tuple[str, object] | None:
    """``(name, value)`` when the expression is just ``name == value`` with a literal text or
    boolean (either way round), else None."""
    tree = _parse((source or "").strip(), "eval")
    body = getattr(tree, "body", None)
    if not isinstance(body, ast.Compare) or len(body.ops) != 1:
        return None
    if not isinstance(body.ops[0], ast.Eq | ast.Is):
        return None
    sides = [body.left, body.comparators[0]]
    names = [side.id for side in sides if isinstance(side, ast.Name)]
    values = [side.value for side in sides if isinstance(side, ast.Constant)]
    if len(names) == 1 and len(values) == 1 and isinstance(values[0], str | bool):
        return names[0], values[0]
    return None


def guarded_conjunction(source: str | None) -> tuple[tuple[str, object] | None, set[str]]:
    """For ``name == value and rest``: that test and the names ``rest`` reads (Python evaluates
    ``rest`` only when the test holds); else ``(None, set())``."""
    tree = _parse((source or "").strip(), "eval")
    body = getattr(tree, "body", None)
    if not isinstance(body, ast.BoolOp) or not isinstance(body.op, ast.And):
        return None, set()
    test = equality_test(ast.unparse(body.values[0]))
    if test is None:
        return None, set()
    rest = set().union(*(_loads(value) for value in body.values[1:]))
    return test, rest - {test[0]}


@cache
def _parse(source: str, mode: str) -> ast.AST | None:
    """The syntax tree, or None when the source does not parse (the lint reports that)."""
    if not source:
        return None
    try:
        return ast.parse(source, mode=mode)
    except SyntaxError:
        return None


class _ScriptWalker:
    def __init__(self) -> None:
        self.usage = Usage()
        self.assigned: set[str] = set()
        self.deleted: set[str] = set()

    def block(self, statements: list[ast.stmt], *, guarded: bool) -> None:
        for statement in statements:
            self.statement(statement, guarded=guarded)

    def read(self, node: ast.AST | None, *, guarded: bool) -> None:
        if node is None or guarded:
            return
        self.usage.reads |= _loads(node) - self.assigned

    def assign(self, names: set[str]) -> None:
        self.assigned |= names
        self.usage.writes |= names
        self.deleted -= names

    def statement(self, node: ast.stmt, *, guarded: bool) -> None:
        if isinstance(node, ast.Try):
            catches = any(_catches_missing_name(handler) for handler in node.handlers)
            self.block(node.body, guarded=guarded or catches)
            for handler in node.handlers:
                self.block(handler.body, guarded=guarded)
            self.block(node.orelse, guarded=guarded)
            self.block(node.finalbody, guarded=guarded)
        elif isinstance(node, ast.If | ast.While):
            self.read(node.test, guarded=guarded)
            self.block(node.body, guarded=guarded)
            self.block(node.orelse, guarded=guarded)
        elif isinstance(node, ast.For):
            self.read(node.iter, guarded=guarded)
            self.assign(_stores(node.target))
            self.block(node.body, guarded=guarded)
            self.block(node.orelse, guarded=guarded)
        elif isinstance(node, ast.FunctionDef):
            self.assign({node.name})
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.read(target, guarded=guarded)
                names = _stores(target) | _deleted(target)
                self.deleted |= names
        elif isinstance(node, ast.AugAssign):
            self.read(node.value, guarded=guarded)
            self.read(ast.Name(_target_name(node.target), ast.Load()), guarded=guarded)
            self.assign(_stores(node.target))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            self.read(node.value, guarded=guarded)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                self.read(target, guarded=guarded)  # subscripts and attributes load their base
                self.assign(_stores(target))
        else:
            self.read(node, guarded=guarded)


def _catches_missing_name(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(kind, ast.Name) and kind.id in _GUARDS for kind in kinds)


def _target_name(node: ast.AST) -> str:
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _stores(node: ast.AST) -> set[str]:
    return {
        n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _deleted(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Del)}


def _loads(node: ast.AST) -> set[str]:
    """Names loaded in ``node``, minus those bound inside it by comprehensions and lambdas."""
    bound: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.comprehension):
            bound |= _stores(inner.target)
        elif isinstance(inner, ast.Lambda):
            bound |= {arg.arg for arg in inner.args.args + inner.args.kwonlyargs}
        elif isinstance(inner, ast.NamedExpr):
            bound |= _stores(inner.target)
    return {
        n.id
        for n in ast.walk(node)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in bound
    }
