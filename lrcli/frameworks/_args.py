"""Arguments of a pasted call: bound as the framework's signature binds them, then checked.

Each framework API is a plain Python function with the framework's own signature (names,
order, defaults). `bind` matches a `Call`'s arguments to it exactly as Python would, with
errors a user can act on; the function body then checks each value as the framework does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from lrcli.calls import CallError, clip


class Optimizer:
    """The `optimizer` a scheduler is handed. lrcli needs one fact of it: its learning rate."""

    def __init__(self, lr: float | None) -> None:
        self._lr = lr
        self.read = False
        """Whether any scheduler used the rate (so that an unused --lr can be pointed out)."""

    def lr(self, api: str) -> float:
        if self._lr is None:
            raise MissingLr(f"{api} scales the optimizer's learning rate: give it with --lr RATE")
        self.read = True
        return self._lr


class MissingLr(CallError):
    """The schedule needs the optimizer's learning rate, and none was given."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.field = "lr"


def bind(
    api: str, function: Callable[..., Any], args: tuple[Any, ...], kwargs: Any
) -> dict[str, Any]:
    """`args` and `kwargs` matched to `function`'s parameters, defaults filled in."""
    code = function.__code__
    positional = code.co_varnames[: code.co_argcount]
    keyword_only = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
    names = (*positional, *keyword_only)
    defaults = dict(
        zip(
            positional[len(positional) - len(function.__defaults__ or ()) :],
            function.__defaults__ or (),
            strict=True,
        )
    )
    defaults.update(function.__kwdefaults__ or {})
    if len(args) > len(positional):
        raise CallError(
            f"{api} takes at most {len(positional)} positional arguments "
            f"({', '.join(positional)}), and {len(args)} were given"
        )
    bound = dict(zip(positional, args, strict=False))
    for name, value in kwargs:
        if name not in names:
            import difflib  # only for the error

            close = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; it takes {', '.join(names)}"
            raise CallError(f"{api} has no argument {clip(name)!r}{hint}")
        if name in bound:
            raise CallError(f"{api} got {name!r} twice")
        bound[name] = value
    for name in names:
        if name not in bound:
            if name not in defaults:
                raise CallError(f"{api} needs {name!r}: it has no default")
            bound[name] = defaults[name]
    return bound


def _shown(value: Any) -> str:
    return clip(repr(value))


def integer(api: str, name: str, value: Any, *, minimum: int | None = None) -> int:
    """`value` as a whole number of steps, as the framework requires."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise CallError(f"{api}: {name}={_shown(value)} must be a whole number")
    if minimum is not None and value < minimum:
        raise CallError(f"{api}: {name}={value} must be at least {minimum}")
    if value > 2**63 - 1:
        raise CallError(f"{api}: {name}={_shown(value)} is past the largest step 2**63-1")
    return value


def number(api: str, name: str, value: Any) -> float:
    """`value` as a finite number (int or float, as typed: the framework gets it as is)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CallError(f"{api}: {name}={_shown(value)} must be a number")
    if isinstance(value, int):
        if abs(value) > 2**1023:
            raise CallError(f"{api}: {name}={_shown(value)} overflows a float")
        return value  # kept an int: int and float differ in Python
    if not math.isfinite(value):
        raise CallError(f"{api}: {name}={_shown(value)} must be a finite number")
    return value


def float_rate(api: str, name: str, value: Any) -> float:
    """A rate Keras and TF take their dtype from: an int would make every rate an integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise CallError(
            f"{api}: {name}={value} is an int, and the schedule takes its dtype from it (every "
            f"rate an integer, or an error); write {value}.0"
        )
    return number(api, name, value)


def choice(api: str, name: str, value: Any, options: tuple[str, ...]) -> str:
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise CallError(f"{api}: {name}={_shown(value)} must be one of {listed}")
    return str(value)


def integers(api: str, name: str, value: Any) -> list[int]:
    if not isinstance(value, (list, tuple)):
        raise CallError(f"{api}: {name}={_shown(value)} must be a list of steps")
    return [integer(api, name, item, minimum=0) for item in value]


def optimizer(api: str, value: Any) -> Optimizer:
    if not isinstance(value, Optimizer):
        raise CallError(f"{api}: the optimizer argument must be the identifier 'optimizer'")
    return value


def start_at_zero(api: str, last_epoch: Any) -> None:
    """lrcli shows a schedule from its start; a resumed one (last_epoch) is another question."""
    if last_epoch != -1:
        raise CallError(
            f"{api}: last_epoch={_shown(last_epoch)} resumes a schedule; lrcli shows it from "
            "the start (leave last_epoch at -1 and look at the later steps)"
        )
