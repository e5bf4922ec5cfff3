"""The one grammar for numbers a user types, on any option: Python's numeric literals.

ASCII digits, single underscores between digits, an optional sign, and the decimal and
exponent forms (`10_000`, `-0.5`, `.5`, `1e-3`, `2E+6`). Nothing else: no full-width or
other scripts' digits, no leading, trailing or doubled underscores, no `0x`.

`parse_int` reads a whole number (`1e6` is one); `parse_float` a finite float64, refusing a
nonzero literal that overflows or underflows to 0. Both raise `NumberError` (a ValueError)
with a message that quotes at most `QUOTE` characters of the text. Nothing here knows click,
so every parser of user text (options, pasted Python calls) can share the same rules.
"""

from __future__ import annotations

import math
import re
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

QUOTE = 40
"""The most characters of an item an error message quotes."""

_DIGITS = r"[0-9](?:_?[0-9])*"
_LITERAL = re.compile(
    rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?",
    re.ASCII,
)
_NONFINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
_SPACE = " \t\n\r\f\v"
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


class NumberError(ValueError):
    """Text that is not a number of the kind asked for."""


class OutOfRange(NumberError):
    """A whole number past the `largest` magnitude a caller accepts; `sign` says which side."""

    def __init__(self, message: str, sign: int) -> None:
        super().__init__(message)
        self.sign = sign


def elide(text: str) -> str:
    """`text` with its middle elided past `QUOTE` characters."""
    if len(text) > QUOTE:
        keep = QUOTE - 10
        text = f"{text[:keep]}…{text[-9:]}"
    return text


def quote(text: str) -> str:
    """`text` quoted for an error message, its middle elided past `QUOTE` characters."""
    return repr(elide(text))


def is_literal(text: str) -> bool:
    """True when `text` (without surrounding spaces) is a numeric literal of the grammar."""
    return _LITERAL.fullmatch(text.strip(_SPACE)) is not None


def parse_int(text: str, *, largest: int | None = None) -> int:
    """The whole number `text` writes (`10_000`, `1e6`, `2.0`).

    Past `largest` in magnitude it raises `OutOfRange` before building the int, so that
    `1e999999999` costs nothing.
    """
    item = text.strip(_SPACE)
    if not item:
        raise NumberError("an empty item is not a number")
    if _LITERAL.fullmatch(item) is None:
        raise NumberError(f"{quote(item)} is not a whole number")
    number = Decimal(item.replace("_", ""))
    exponent = number.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and exponent < 0
        and number != number.to_integral_value(context=_EXACT)
    ):
        raise NumberError(f"{quote(item)} is not a whole number")
    if largest is not None and number.copy_abs() > largest:
        raise OutOfRange(f"{quote(item)} is out of range", -1 if number < 0 else 1)
    if number.adjusted() > 4300:  # Python's own limit on the digits of an int read from text
        raise OutOfRange(f"{quote(item)} is too large", -1 if number < 0 else 1)
    return int(number)


def parse_float(text: str) -> float:
    """The finite float64 `text` writes; a nonzero literal must not become inf or 0."""
    item = text.strip(_SPACE)
    if not item:
        raise NumberError("an empty item is not a number")
    if _NONFINITE.fullmatch(item):
        raise NumberError(f"{quote(item)} is not a finite number")
    if _LITERAL.fullmatch(item) is None:
        raise NumberError(f"{quote(item)} is not a number")
    number = float(item)
    if math.isinf(number):
        raise NumberError(f"{quote(item)} is too large: it overflows a float64")
    if number == 0 and Decimal(item.replace("_", "")) != 0:
        raise NumberError(f"{quote(item)} is too small: it underflows to 0 in a float64")
    return number
