"""click parameter types: steps and numbers as a user types them, alone or comma-separated.

Each failure names the offending item; click turns `self.fail` into exit status 2 and
"Invalid value for '--option': ...".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from lrcli import numbers
from lrcli.numbers import quote
from lrcli.output import missing_directory
from lrcli.schedule import MAX_STEP


class Step(click.ParamType[int]):
    """A step: a whole number from 0 to 2**63-1. `1e6` and `10_000` are fine when exact."""

    name = "step"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value)
        try:
            number = numbers.parse_int(text, largest=MAX_STEP)
        except numbers.OutOfRange as e:
            if e.sign < 0:
                self.fail(f"{quote(text)} is negative; steps start at 0", param, ctx)
            self.fail(f"{quote(text)} is past the largest step {MAX_STEP} (int64)", param, ctx)
        except numbers.NumberError as e:
            self.fail(str(e).replace("a number", "a step"), param, ctx)
        if number < 0:
            self.fail(f"{quote(text)} is negative; steps start at 0", param, ctx)
        return number


class Whole(click.ParamType[int]):
    """A whole number from `low` to `high`, in the same grammar as every other number."""

    name = "integer"

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value)
        try:
            number = numbers.parse_int(text, largest=10**30)
        except numbers.NumberError as e:
            if not isinstance(e, numbers.OutOfRange):
                self.fail(str(e), param, ctx)
            number = e.sign * (10**30 + 1)
        if not self.low <= number <= self.high:
            self.fail(f"{quote(text)} is not in the range {self.low} to {self.high}", param, ctx)
        return number


class Number(click.ParamType[float]):
    """A finite float64, in the grammar of Python's float literals (see `lrcli.numbers`)."""

    name = "number"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        try:
            return numbers.parse_float(str(value))
        except numbers.NumberError as e:
            self.fail(str(e), param, ctx)


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
                self.fail(f"item {position} of {quote(text)} is empty", param, ctx)
        return tuple(self.item.convert(item, param, ctx) for item in items)


class Size(click.ParamType[tuple[float, float]]):
    """WIDTHxHEIGHT in inches, such as 8x4.5, each from `MIN_INCHES` to `MAX_INCHES`."""

    name = "size"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[float, float]:
        if isinstance(value, tuple):
            return value
        text = str(value)
        parts = text.strip().lower().split("x")
        try:
            width, height = (numbers.parse_float(p) for p in parts)
        except ValueError:
            self.fail(f"{quote(text)} is not WIDTHxHEIGHT in inches, such as 8x4.5", param, ctx)
        if not (MIN_INCHES <= width <= MAX_INCHES and MIN_INCHES <= height <= MAX_INCHES):
            self.fail(
                f"{quote(text)} is not between {MIN_INCHES} and {MAX_INCHES} inches each way",
                param,
                ctx,
            )
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


MIN_INCHES, MAX_INCHES = 1, 100
"""An image smaller than an inch has no room for its labels."""

STEP = Step()
SIZE = Size()
OUTPUT = OutputPath()
NUMBER = Number()
STEPS = CommaList(STEP)
NUMBERS = CommaList(NUMBER)
