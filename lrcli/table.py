"""The table for a person at a terminal: steps and rates, segment changes marked.

Only the CLI's table path imports this module, so csv and json output never load rich.
A person must never get 100,000 rows by accident: past `TABLE_ROWS` rows, each long run
of one rate is cut to its first step, a line saying how many steps it covers, its last step.

Rows are written as plain lines of bytes, built with numpy like the CSV (`encode_rows`), and
styled with fixed escape codes only when colour is on: `--all-rows` over millions of steps
builds no rich object per row. The few other lines go through rich. Where stdout cannot
encode lrcli's glyphs (`PYTHONIOENCODING=ascii`, a C locale) they fall back to ASCII.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable

import numpy as np
from rich.console import Console
from rich.text import Text

from lrcli import output
from lrcli.encode import encode_rows, rate_text
from lrcli.schedule import CHUNK, Schedule
from lrcli.selection import Run, Selection, StepList
from lrcli.views import SummaryRow

TABLE_ROWS = 200
"""More rows than this and long runs collapse (unless every row is asked for)."""

_STEP, _RATE, _NOTE = "bold", "cyan", "dim"
# What rich writes for the row styles, written directly on the fast path.
_BOLD, _CYAN, _RESET = b"\x1b[1m", b"\x1b[36m", b"\x1b[0m"
_POWERS = np.array([10**k for k in range(1, 19)], dtype=np.int64)


class _Out:
    """stdout for the table: rich for the few styled lines, raw bytes for the rows."""

    def __init__(self) -> None:
        self.console: Console = output.console()
        self.styled = self.console.color_system is not None
        self.ascii = not output.fancy()

    def text(self, text: str) -> str:
        return output.for_stream(text, ascii_glyphs=self.ascii)

    def line(self, text: str, style: str = "") -> None:
        self.console.print(Text(self.text(text), style=style))

    def rows(self, steps: np.typing.NDArray[np.int64], rate: float, width: int) -> None:
        """One right-aligned row per step, all with `rate`, straight to stdout's bytes."""
        if not len(steps):
            return
        sys.stdout.flush()  # what rich wrote comes first
        out = sys.stdout.buffer
        rates = np.full(len(steps), rate, dtype=np.float64)
        digits = 1 + np.searchsorted(_POWERS, steps, side="right")
        cuts = [0, *(np.flatnonzero(digits[1:] != digits[:-1]) + 1).tolist(), len(steps)]
        for lo, hi in itertools.pairwise(cuts):
            pad = b" " * max(0, width - int(digits[lo]))
            if self.styled:
                head, mid, tail = _BOLD + pad, _RESET + b"  " + _CYAN, _RESET + b"\n"
            else:
                head, mid, tail = pad, b"  ", b"\n"
            for block in encode_rows(steps[lo:hi], rates[lo:hi], head, mid, tail):
                out.write(block)
        out.flush()


def print_table(
    schedule: Schedule, selection: Selection, *, caption: str, all_rows: bool = False
) -> None:
    out = _Out()
    width = max(len("step"), len(str(_largest(selection))))
    collapse = not all_rows and selection.count > TABLE_ROWS
    out.line(caption, _NOTE)
    out.line(f"{'step':>{width}}  lr", "bold underline")
    previous: Run | None = None
    for run in selection.runs(schedule):
        if previous is not None:
            out.line(f"{'─' * width}  {_change(previous.rate, run.rate)}", _NOTE)
        if collapse and run.length > 3:
            out.rows(selection.steps(run.start, run.start + 1), run.rate, width)
            more = f"{'⋮':>{width}}  ⋮ {run.length - 2:,} more steps at {rate_text(run.rate)}"
            out.line(more, _NOTE)
            end = run.start + run.length
            out.rows(selection.steps(end - 1, end), run.rate, width)
        else:
            for start in range(run.start, run.start + run.length, CHUNK):
                steps = selection.steps(start, min(start + CHUNK, run.start + run.length))
                out.rows(steps, run.rate, width)
        previous = run


def print_summary_table(summary: Iterable[SummaryRow], *, caption: str, every: int = 1) -> None:
    """One line per phase: its first and last step shown, how many steps are shown, its rate
    at both ends and its shape.

    With `every` above 1 the count is of the steps shown (every `every`-th step), matching the
    first and last steps beside it.
    """
    out = _Out()
    more = out.text("…")
    rows = [
        (
            str(row.first_step),
            more if row.last_step is None else str(row.last_step),
            more if row.last_step is None else f"{(row.last_step - row.first_step) // every + 1:,}",
            rate_text(row.lr),
            more if row.last_lr is None else rate_text(row.last_lr),
            row.shape,
        )
        for row in summary
    ]
    header = ("first_step", "last_step", "steps", "lr", "last_lr", "shape")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    lr_width = max(len(row[3]) for row in [header, *rows])
    last_width = max(len(row[4]) for row in [header, *rows])
    out.line(caption, _NOTE)
    head = f"{_columns(header[:3], widths)}  {header[3]:<{lr_width}}  {header[4]:<{last_width}}"
    out.line(f"{head}  {header[5]}", "bold underline")
    for first, last, steps, lr, last_lr, shape in rows:
        out.console.print(
            Text.assemble(
                (_columns((first, last, steps), widths), _STEP),
                "  ",
                (f"{lr:<{lr_width}}", _RATE),
                "  ",
                (f"{last_lr:<{last_width}}", _RATE),
                "  ",
                (shape, _NOTE),
            )
        )


def sample_rows() -> int:
    """How many rows a sampled table has: a screenful."""
    import shutil

    return max(20, shutil.get_terminal_size((80, 40)).lines - 4)


_SAMPLED = "phase edges and evenly spaced steps between (--all-rows for every step)"


def print_sampled_table(
    schedule: Schedule, steps: list[int], *, caption: str, every: int | None = 1
) -> None:
    """Chosen steps of a schedule whose rate changes at every step: each phase edge with the
    steps either side and evenly spaced steps between, each phase's start marked. With
    `every` None the steps are a list the user gave, shown as given."""
    from lrcli.views import phases

    out = _Out()
    rates = schedule(np.array(steps, dtype=np.int64)).tolist() if steps else []
    width = max(len("step"), *(len(str(s)) for s in steps))
    starts = {p.first: p.shape for p in phases(schedule, min(steps), max(steps))} if steps else {}
    out.line(caption, _NOTE)
    if every is not None and any(b - a > every for a, b in itertools.pairwise(steps)):
        out.line(_SAMPLED, _NOTE)
    out.line(f"{'step':>{width}}  lr", "bold underline")
    for i, (step, rate) in enumerate(zip(steps, rates, strict=True)):
        if i and step in starts:
            out.line(f"{'─' * width}  {starts[step]} from step {step}", _NOTE)
        out.rows(np.array([step], dtype=np.int64), rate, width)


def _columns(cells: tuple[str, ...], widths: list[int]) -> str:
    """Right-aligned cells two spaces apart; a cell past the widths is left as it is."""
    return "  ".join(
        cell.rjust(widths[i]) if i < len(widths) else cell for i, cell in enumerate(cells)
    )


def _largest(selection: Selection) -> int:
    if isinstance(selection, StepList):
        return max(selection.values)
    return selection.first + (selection.count - 1) * selection.every


def _change(before: float, after: float) -> str:
    arrow = f"{rate_text(before)} → {rate_text(after)}"
    if before != 0 and after != before:
        return f"{arrow} (×{after / before:.4g})"
    return arrow
