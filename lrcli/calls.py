"""A schedule pasted as the call from a training script, read with `ast` and never run.

`parse_call` turns the text into a tree of `Call`s whose arguments are plain Python values,
computed with Python's own semantics (`1 / 3`, `10 * 1000`, `2 ** 10`), because those are the
values the framework received. Nothing is evaluated, imported or looked up: a name other than
the placeholders a framework takes (`optimizer`, `global_step`) is an error that asks for
the number.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

from lrcli.schedule import ScheduleError

FIELD = "SCHEDULE"
"""The argument every error here is about."""

MAX_BITS = 4_096
"""The largest integer arithmetic may build: `10 ** 10 ** 10` is refused, not computed."""

MAX_TEXT = 10_000


class Placeholder(NamedTuple):
    """An identifier that stands for an object the framework passes along (`optimizer`)."""

    name: str


class Call(NamedTuple):
    """`name(*args, **kwargs)` as written; `source` is its text, for error messages."""

    name: str
    args: tuple[Value, ...]
    kwargs: tuple[tuple[str, Value], ...]
    source: str


Value = (
    int
    | float
    | str
    | bool
    | None
    | list[Any]
    | tuple[Any, ...]
    | dict[Any, Any]
    | Call
    | Placeholder
)

PLACEHOLDERS = frozenset({"optimizer", "global_step"})


class CallError(ScheduleError):
    """A SCHEDULE that is not a call lrcli can read."""

    def __init__(self, message: str) -> None:
        super().__init__(FIELD, message)


def clip(text: str, limit: int = 40) -> str:
    """`text` cut to about `limit` characters for an error message, with … where it was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_call(text: str) -> Call:
    """The call in `text`, or a CallError saying what lrcli cannot read and why."""
    if len(text) > MAX_TEXT:
        raise CallError(
            f"the call is {len(text):,} characters long; lrcli reads up to {MAX_TEXT:,}"
        )
    source = text.strip()
    if not source:
        raise CallError("it is empty; paste the scheduler call from your training script")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        if "Exceeds the limit" in e.msg:
            raise CallError(f"{clip(source)!r} has a number too long to read") from None
        where = f" at column {e.offset}" if e.offset else ""
        raise CallError(
            f"{clip(source)!r} is not a Python call: {clip(e.msg, 60)}{where}"
        ) from None
    except (ValueError, RecursionError, MemoryError) as e:
        raise CallError(f"{clip(source)!r} cannot be read: {clip(str(e), 80)}") from None
    if not isinstance(tree.body, ast.Call):
        raise CallError(
            f"{clip(source)!r} is not a call; paste the scheduler call, such as "
            "'StepLR(optimizer, step_size=30)'"
        )
    try:
        return _Reader(source).call(tree.body)
    except RecursionError:
        raise CallError(f"{clip(source)!r} is nested too deeply") from None


_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or ast.unparse(node)

    def call(self, node: ast.Call) -> Call:
        name = self.dotted(node.func)
        args: list[Value] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise CallError(f"{clip(self.text(arg))!r}: write the arguments out, not *args")
            args.append(self.value(arg))
        kwargs: list[tuple[str, Value]] = []
        for keyword in node.keywords:
            if keyword.arg is None:
                raise CallError(
                    f"{clip(self.text(keyword))!r}: write the keyword arguments out, not **kwargs"
                )
            kwargs.append((keyword.arg, self.value(keyword.value)))
        return Call(name, tuple(args), tuple(kwargs), self.text(node))

    def dotted(self, node: ast.expr) -> str:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            raise CallError(
                f"{clip(self.text(node))!r} is not a schedule's name; call it by name, "
                "such as 'torch.optim.lr_scheduler.StepLR(...)'"
            )
        parts.append(node.id)
        return ".".join(reversed(parts))

    def value(self, node: ast.expr) -> Value:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (bool, int, float, str)) or node.value is None:
                return node.value
            raise CallError(f"{clip(self.text(node))!r} is not a value a schedule takes")
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Name):
            if node.id in PLACEHOLDERS:
                return Placeholder(node.id)
            raise CallError(
                f"lrcli cannot know the value of {clip(node.id)!r}: write the number instead"
            )
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.value(item) for item in node.elts]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Dict):
            keys = []
            for key in node.keys:
                if key is None:
                    raise CallError(f"{clip(self.text(node))!r}: write the dict out, not **")
                keys.append(self.value(key))
            return dict(zip(keys, (self.value(v) for v in node.values), strict=True))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.number(node.operand)
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return self.arithmetic(node)
        raise CallError(
            f"{clip(self.text(node))!r} is {_what(node)}; lrcli reads only plain values"
        )

    def number(self, node: ast.expr) -> int | float:
        value = self.value(node)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise CallError(f"{clip(self.text(node))!r} is not a number, so it takes no arithmetic")
        return value

    def arithmetic(self, node: ast.BinOp) -> int | float:
        left, right = self.number(node.left), self.number(node.right)
        if isinstance(left, int) and isinstance(right, int):
            bits = max(abs(left).bit_length(), 1)
            if isinstance(node.op, ast.Pow) and abs(left) > 1 and right * bits > MAX_BITS:
                raise CallError(f"{clip(self.text(node))!r} is too large a number to compute")
            if isinstance(node.op, ast.Mult) and bits + abs(right).bit_length() > MAX_BITS:
                raise CallError(f"{clip(self.text(node))!r} is too large a number to compute")
        try:
            result = _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise CallError(f"{clip(self.text(node))!r} divides by zero") from None
        except (OverflowError, ValueError):
            raise CallError(f"{clip(self.text(node))!r} overflows a float") from None
        if isinstance(result, complex):
            raise CallError(f"{clip(self.text(node))!r} is a complex number")
        return result  # type: ignore[no-any-return]


def _what(node: ast.expr) -> str:
    """The kind of expression, in words, for an error."""
    kinds: dict[type[ast.AST], str] = {
        ast.Attribute: "attribute access on a value",
        ast.Lambda: "a lambda: lrcli cannot run code",
        ast.JoinedStr: "an f-string",
        ast.Subscript: "a subscript",
        ast.ListComp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.GeneratorExp: "a comprehension",
        ast.Compare: "a comparison",
        ast.BoolOp: "a boolean expression",
        ast.IfExp: "a conditional expression",
        ast.Set: "a set",
        ast.NamedExpr: "an assignment",
        ast.Await: "an await",
    }
    return kinds.get(type(node), "an expression")
