"""The schedule as a step chart in the terminal, drawn in braille dots from its segments.

Each character cell holds 2 x 4 dots. Steps map to dot columns and rates to dot rows by exact
integer arithmetic, so a drop is a vertical edge in the dot column of the first step of the new
rate, for any range: the chart is drawn from the segments, never from every step.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from lrcli.schedule import Segment
from lrcli.selection import StepRange

# The bit of each dot in a braille cell, by (row, column) within the cell.
_BRAILLE_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.int64)


class Axes(NamedTuple):
    """Where steps and rates land on a canvas of `columns` x `rows` dots."""

    first: int
    last: int
    columns: int
    rows: int
    low: float
    high: float
    log: bool

    def x(self, step: int) -> int:
        """The dot column of `step`; `last + 1` maps to `columns`, one past the right edge."""
        return (step - self.first) * self.columns // (self.last - self.first + 1)

    def y(self, rate: float) -> int:
        """The dot row of `rate`, 0 at the top."""
        value = math.log10(rate) if self.log else rate
        if self.high == self.low:
            return self.rows // 2
        # Halved first: for rates near ±1.8e308 the difference itself would overflow.
        fraction = (value / 2 - self.low / 2) / (self.high / 2 - self.low / 2)
        return (self.rows - 1) - round(min(1.0, max(0.0, fraction)) * (self.rows - 1))


def axes_for(
    segments: Sequence[Segment], first: int, last: int, columns: int, rows: int, *, log: bool
) -> Axes:
    """Axes that fit the rates: from 0 (or the lowest rate below it) up, or by decades."""
    rates = [s.rate for s in segments]
    if log:
        low, high = math.log10(min(rates)), math.log10(max(rates))
    else:
        low, high = min(0.0, *rates), max(0.0, *rates)
    return Axes(first, last, columns, rows, low, high, log)


def canvas(segments: Sequence[Segment], axes: Axes) -> NDArray[np.bool_]:
    """The dots of the step line: a level per segment, an edge where the rate changes."""
    dots = np.zeros((axes.rows, axes.columns), dtype=bool)
    previous = None
    for segment in segments:
        left = axes.x(segment.first)
        right = max(left, axes.x(segment.last + 1) - 1)
        level = axes.y(segment.rate)
        dots[level, left : right + 1] = True
        if previous is not None:
            top, bottom = sorted((previous, level))
            dots[top : bottom + 1, left] = True
        previous = level
    return dots


def braille(dots: NDArray[np.bool_]) -> list[str]:
    """Dot rows (a multiple of 4) by dot columns (a multiple of 2) as lines of braille."""
    rows, columns = dots.shape
    cells = dots.reshape(rows // 4, 4, columns // 2, 2)
    bits = np.einsum("racb,ab->rc", cells.astype(np.int64), _BRAILLE_BITS)
    # An empty cell is a space, so that copied text stays clean.
    return ["".join(chr(0x2800 + int(b)) if b else " " for b in line) for line in bits]


def unbraille(lines: Sequence[str]) -> NDArray[np.bool_]:
    """The dots back from lines of braille: the inverse of `braille`, for tests and tools."""
    codes = np.array(
        [[0 if ch == " " else ord(ch) - 0x2800 for ch in line] for line in lines], dtype=np.int64
    )
    dots = (codes[:, None, :, None] & _BRAILLE_BITS[None, :, None, :]) != 0
    rows, columns = codes.shape
    return np.asarray(dots.reshape(rows * 4, columns * 2), dtype=bool)


def ascii_cells(dots: NDArray[np.bool_]) -> list[str]:
    """The dots as ASCII, one character a cell, for a stream that cannot encode braille:
    `|` where a cell holds part of an edge, `-` a level, `+` both."""
    rows, columns = dots.shape
    cells = dots.reshape(rows // 4, 4, columns // 2, 2)
    filled = cells.any(axis=(1, 3))
    vertical = (cells.sum(axis=1) >= 2).any(axis=-1)
    level = (cells.sum(axis=1) == 1).any(axis=-1) | (filled & ~vertical)
    chars = np.where(vertical & level, "+", np.where(vertical, "|", np.where(filled, "-", " ")))
    return ["".join(line) for line in chars]


MIN_COLUMNS = 8
"""The fewest character columns of plot worth drawing."""
MAX_WIDTH, MAX_HEIGHT = 1000, 250
"""The largest chart: wider than any screen, and its canvas stays a few megabytes."""


class DoesNotFit(ValueError):
    """The chart cannot be drawn `width` characters wide: it needs `needed`."""

    def __init__(self, width: int, needed: int) -> None:
        super().__init__(f"the chart needs {needed} columns, and has {width}")
        self.width, self.needed = width, needed


class Chart(NamedTuple):
    """The chart as plain lines: the plot rows with their rate labels, then the step axis."""

    margin: int
    """Characters left of the plot: the rate labels and the axis line."""
    plot: list[str]
    axis: list[str]
    axes: Axes


def chart(
    segments: Sequence[Segment],
    first: int,
    last: int,
    *,
    width: int,
    height: int,
    log: bool,
    ascii: bool = False,
    marks: Sequence[int] | None = None,
) -> Chart:
    """A chart `width` characters wide with `height` rows of plot, for `first..last`.

    Raises `DoesNotFit` when `width` leaves fewer than `MIN_COLUMNS` for the plot. With
    `ascii`, the step line is drawn in ASCII characters instead of braille. `marks` are the
    steps to tick on the axis, with rate labels for their levels (a smooth schedule's phase
    edges); by default every segment's first step.
    """
    if marks is None:
        marks = [s.first for s in segments[1:]]
        levels = [s.rate for s in segments]
    else:
        starts = [s.first for s in segments]
        at = [segments[max(0, bisect.bisect_right(starts, m) - 1)].rate for m in (first, *marks)]
        rates = [s.rate for s in segments]
        levels = [*at, min(rates), max(rates)]
    # Four significant digits: the chart is for seeing; `lrcli show` gives the exact rates.
    labels = {rate: f"{rate:.4g}" for rate in levels}
    margin = max(len(text) for text in labels.values()) + 2
    columns = width - margin
    if columns < MIN_COLUMNS:
        raise DoesNotFit(width, margin + MIN_COLUMNS)
    axes = axes_for(segments, first, last, columns * 2, height * 4, log=log)
    dots = canvas(segments, axes)
    lines = ascii_cells(dots) if ascii else braille(dots)
    # A label per rate, at the row of its level, unless a label already took that row.
    label_at: dict[int, str] = {}
    for rate, text in sorted(labels.items(), reverse=True):
        label_at.setdefault(axes.y(rate) // 4, text)
    plot = [
        f"{label_at.get(row, ''):>{margin - 2}} {'┤' if row in label_at else '│'}{line}".rstrip()
        for row, line in enumerate(lines)
    ]
    plot.insert(0, f"{'lr':>{margin - 2}} ╷")
    return Chart(margin, plot, _step_axis(marks, axes, margin, columns), axes)


def _step_axis(marks: Sequence[int], axes: Axes, margin: int, columns: int) -> list[str]:
    """The axis line with a tick under each edge, and the steps where each rate starts."""
    ticks = ["─"] * columns
    width = margin + columns
    labels = [" "] * width
    free = 0  # the first character a new label may use

    def place(text: str, at: int) -> None:
        """Put `text` at `at`, or as near to its left as fits; leave it out if nothing does."""
        nonlocal free
        at = min(at, width - len(text))
        if at >= free:
            labels[at : at + len(text)] = text
            free = at + len(text) + 2

    place(str(axes.first), margin - 1)
    for mark in marks:
        column = axes.x(mark) // 2
        ticks[min(column, columns - 1)] = "┴"
        place(str(mark), margin + column)
    place(str(axes.last), width - len(str(axes.last)))
    axis = " " * (margin - 1) + "└" + "".join(ticks)
    return [axis, "".join(labels).rstrip(), f"{'step':>{margin + columns}}"]


def print_chart(
    segments: Sequence[Segment],
    span: StepRange,
    *,
    caption: str,
    title: str | None,
    log: bool,
    width: int | None,
    height: int,
    marks: Sequence[int] | None = None,
) -> None:
    """Draw the chart on stdout with rich: coloured on a terminal, plain text when piped.

    Without `width`, the terminal's width, at most `MAX_WIDTH`. Where stdout cannot encode
    braille and box lines, the chart is ASCII. The title is drawn as plain text.
    """
    from rich.text import Text

    from lrcli import output

    console = output.console()
    plain = not output.fancy()
    drawn = chart(
        segments,
        span.first,
        span.last,
        width=width or min(console.width, MAX_WIDTH),
        height=height,
        log=log,
        ascii=plain,
        marks=marks,
    )

    def fit(text: str) -> str:
        return output.for_stream(text, ascii_glyphs=plain)

    if title:
        console.print(Text(fit(output.printable(title)), style="bold"))
    scale = "log scale" if log else "linear scale"
    console.print(Text(fit(f"{caption} · {scale}"), style="dim"))
    for line in map(fit, drawn.plot):
        console.print(Text.assemble(line[: drawn.margin], (line[drawn.margin :], "cyan")))
    for line in drawn.axis:
        axis = line.lstrip().startswith("└")
        console.print(Text(fit(line), style="dim" if axis else ""))
