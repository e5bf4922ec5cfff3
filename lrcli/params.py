"""click parameter types: steps and numbers as a user types them, alone or comma-separated.

Each failure names the offending item; click turns `self.fail` into exit status 2 and
"Invalid value for '--option': ...".
"""

from __future__ import annotations

import math
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from lrcli.output import missing_directory
from lrcli.schedule import MAX_STEP


def quote(text: str) -> str:
    return repr(text)


class Step(click.ParamType[int]):
    """A step: a whole number from 0 to 2**63-1. `1e6` and `10_000` are fine when exact."""

    name = "step"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not text:
            self.fail("an empty item is not a step", param, ctx)
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.fail(f"{text!r} is not a whole number", param, ctx)
        if not number.is_finite() or number != number.to_integral_value():
            self.fail(f"{text!r} is not a whole number", param, ctx)
        if number < 0:
            self.fail(f"{text!r} is negative; steps start at 0", param, ctx)
        if number > MAX_STEP:  # compared as a Decimal: `1e999999999` never becomes an int
            self.fail(f"{text!r} is past the largest step {MAX_STEP} (int64)", param, ctx)
        return int(number)


class Number(click.ParamType[float]):
    """A finite float64, read as Python reads a float literal."""

    name = "number"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        text = str(value).strip()
        if not text:
            self.fail("an empty item is not a number", param, ctx)
        try:
            number = float(text)
        except ValueError:
            self.fail(f"{text!r} is not a number", param, ctx)
        if math.isnan(number) or (math.isinf(number) and "inf" in text.lower()):
            self.fail(f"{text!r} is not a finite number", param, ctx)
        if math.isinf(number):
            self.fail(f"{text!r} is too large: it overflows a float64", param, ctx)
        return number


class CommaList(click.ParamType[tuple[Any, ...]]):
    """Items of another type separated by commas; spaces around items are fine."""

    def __init__(self, item: click.ParamType[Any]) -> None:
        self.item = item
        self.name = f"{item.name}[,{item.name}...]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[Any, ...]:
        if isinstance(value, tuple):
            return value
        text = str(value)
        if not text.strip():
            return ()
        items = text.split(",")
        for position, item in enumerate(items, 1):
            if not item.strip():
                self.fail(f"item {position} of {text!r} is empty", param, ctx)
        return tuple(self.item.convert(item, param, ctx) for item in items)


class Size(click.ParamType[tuple[float, float]]):
    """WIDTHxHEIGHT in inches, such as 8x4.5."""

    name = "size"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[float, float]:
        if isinstance(value, tuple):
            return value
        text = str(value).strip()
        parts = text.lower().split("x")
        try:
            width, height = (float(p) for p in parts)
        except ValueError:
            self.fail(f"{text!r} is not WIDTHxHEIGHT in inches, such as 8x4.5", param, ctx)
        if not (0 < width <= 100 and 0 < height <= 100):
            self.fail(f"{text!r} is not between 0 and 100 inches each way", param, ctx)
        return width, height


class OutputPath(click.ParamType[Path]):
    """A file to write: not empty, in a directory that exists."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            return value
        text = str(value)
        if not text.strip():
            self.fail("an empty path names no file", param, ctx)
        path = Path(text)
        if path.is_dir() or text.endswith(("/", os.sep)):
            self.fail(f"{quote(text)} is a directory, not a file", param, ctx)
        problem = missing_directory(path)
        if problem is not None:
            self.fail(f"cannot write {quote(text)}: {problem}", param, ctx)
        return path


STEP = Step()
SIZE = Size()
OUTPUT = OutputPath()
NUMBER = Number()
STEPS = CommaList(STEP)
NUMBERS = CommaList(NUMBER)
