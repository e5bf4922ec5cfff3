"""The table for a person at a terminal (rich): steps and rates, segment changes marked.

Only the CLI's table path imports this module, so csv and json output never load rich.
A person must never get 100,000 rows by accident: past `TABLE_ROWS` rows, each long run
of one rate is cut to its first step, a line saying how many steps it covers, its last step.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np
from rich.console import Console
from rich.text import Text

from lrcli.encode import rate_text
from lrcli.schedule import CHUNK, Schedule
from lrcli.selection import Run, Selection, StepList
from lrcli.views import SummaryRow

TABLE_ROWS = 200
"""More rows than this and long runs collapse (unless every row is asked for)."""

_STEP, _RATE, _NOTE = "bold", "cyan", "dim"


def print_table(
    schedule: Schedule, selection: Selection, *, caption: str, all_rows: bool = False
) -> None:
    console = Console(highlight=False, soft_wrap=True)
    width = max(len("step"), len(str(_largest(selection))))
    collapse = not all_rows and selection.count > TABLE_ROWS
    console.print(Text(caption, style=_NOTE))
    console.print(Text(f"{'step':>{width}}  lr", style="bold underline"))
    previous: Run | None = None
    for run in selection.runs(schedule):
        if previous is not None:
            console.print(Text(f"{'─' * width}  {_change(previous.rate, run.rate)}", style=_NOTE))
        if collapse and run.length > 3:
            console.print(_row(run.first_step, run.rate, width))
            more = f"{'⋮':>{width}}  ⋮ {run.length - 2:,} more steps at {rate_text(run.rate)}"
            console.print(Text(more, style=_NOTE))
            console.print(_row(run.last_step, run.rate, width))
        else:
            for start in range(run.start, run.start + run.length, CHUNK):
                steps = selection.steps(start, min(start + CHUNK, run.start + run.length))
                console.print(_rows(steps.tolist(), run.rate, width))
        previous = run


def print_summary_table(summary: Iterable[SummaryRow], *, caption: str, every: int = 1) -> None:
    """One line per phase: its first and last step shown, how many steps of the range it
    covers (shown every `every`), its rate at both ends and its shape."""
    rows = [
        (
            str(row.first_step),
            "…" if row.last_step is None else str(row.last_step),
            "…" if row.last_step is None else f"{(row.last_step - row.first_step) // every + 1:,}",
            rate_text(row.lr),
            "…" if row.last_lr is None else rate_text(row.last_lr),
            row.shape,
        )
        for row in summary
    ]
    header = ("first_step", "last_step", "steps", "lr", "last_lr", "shape")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    console = Console(highlight=False, soft_wrap=True)
    console.print(Text(caption, style=_NOTE))
    lr_width = max(len(row[3]) for row in [header, *rows])
    last_width = max(len(row[4]) for row in [header, *rows])
    head = f"{_columns(header[:3], widths)}  {header[3]:<{lr_width}}  {header[4]:<{last_width}}"
    console.print(Text(f"{head}  {header[5]}", style="bold underline"))
    for first, last, steps, lr, last_lr, shape in rows:
        console.print(
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


_SAMPLED = "phase edges and evenly spaced steps between (--all-rows for every step)"


def sample_rows() -> int:
    """How many rows a sampled table has: a screenful."""
    import shutil

    return max(20, shutil.get_terminal_size((80, 40)).lines - 4)


def print_sampled_table(
    schedule: Schedule, steps: list[int], *, caption: str, every: int | None = 1
) -> None:
    """Chosen steps of a schedule whose rate changes at every step: each phase edge with the
    steps either side and evenly spaced steps between, each phase's start marked. With
    `every` None the steps are a list the user gave, shown as given."""
    from lrcli.views import phases

    rates = schedule(np.array(steps, dtype=np.int64)).tolist() if steps else []
    width = max(len("step"), *(len(str(s)) for s in steps))
    starts = {p.first: p.shape for p in phases(schedule, min(steps), max(steps))} if steps else {}
    console = Console(highlight=False, soft_wrap=True)
    console.print(Text(caption, style=_NOTE))
    if every is not None and any(b - a > every for a, b in itertools.pairwise(steps)):
        console.print(Text(_SAMPLED, style=_NOTE))
    console.print(Text(f"{'step':>{width}}  lr", style="bold underline"))
    for i, (step, rate) in enumerate(zip(steps, rates, strict=True)):
        if i and step in starts:
            console.print(Text(f"{'─' * width}  {starts[step]} from step {step}", style=_NOTE))
        console.print(_row(step, rate, width))


def _columns(cells: tuple[str, ...], widths: list[int]) -> str:
    """Right-aligned cells two spaces apart; a cell past the widths is left as it is."""
    return "  ".join(
        cell.rjust(widths[i]) if i < len(widths) else cell for i, cell in enumerate(cells)
    )


def _largest(selection: Selection) -> int:
    if isinstance(selection, StepList):
        return max(selection.values)
    return selection.first + (selection.count - 1) * selection.every


def _row(step: int, rate: float, width: int) -> Text:
    return Text.assemble((f"{step:>{width}}", _STEP), "  ", (rate_text(rate), _RATE))


def _rows(steps: list[int], rate: float, width: int) -> Text:
    text = rate_text(rate)
    lines = Text("\n").join(
        Text.assemble((f"{s:>{width}}", _STEP), "  ", (text, _RATE)) for s in steps
    )
    return lines


def _change(before: float, after: float) -> str:
    arrow = f"{rate_text(before)} → {rate_text(after)}"
    if before != 0 and after != before:
        return f"{arrow} (×{after / before:.4g})"
    return arrow
