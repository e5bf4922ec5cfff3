"""Schedules that are legal but almost certainly a mistake: what to warn about, in words.

Warnings never change output; the CLI writes them to stderr.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from lrcli.encode import rate_text
from lrcli.schedule import MAX_STEP, PiecewiseConstant, Segment
from lrcli.selection import Selection, StepRange


def warnings(
    schedule: PiecewiseConstant, selection: Selection, *, last_given: bool
) -> Iterator[str]:
    segments = schedule.all_segments
    yield from _unreachable(schedule, segments, selection, last_given=last_given)
    yield from _rises_against_the_rest(schedule, segments)
    for segment in segments:
        if segment.rate <= 0 and not segment.empty:
            kind = "zero: nothing is learned" if segment.rate == 0 else "negative: it climbs"
            yield f"the rate {rate_text(segment.rate)} ({segment.span}) is {kind}"


LONG_OUTPUT = 10**8
"""More rows than this, written to a file or a pipe with no --last, get a word on stderr."""


def long_output(rows: int, *, last_given: bool) -> Iterator[str]:
    """A note when a default range will write more than `LONG_OUTPUT` rows.

    Writing them is the user's choice (a pipe may stop early), so it is a note, not an error.
    """
    if not last_given and rows > LONG_OUTPUT:
        yield f"writing {rows:,} rows, since no --last was given"


def _unreachable(
    schedule: PiecewiseConstant,
    segments: tuple[Segment, ...],
    selection: Selection,
    *,
    last_given: bool,
) -> Iterator[str]:
    for segment in segments:
        if segment.empty:
            yield f"no step can reach the rate {rate_text(segment.rate)}: {_why_empty(schedule)}"
    if not isinstance(selection, StepRange):
        return  # a list of steps is a question about those steps, not about the schedule
    if last_given:
        past = [b for b in schedule.boundaries if b > selection.last]
        if past:
            listed = ", ".join(map(str, past))
            yield (
                f"{_plural(len(past), 'boundary', 'boundaries')} {listed} "
                f"{_plural(len(past), 'is', 'are')} past --last {selection.last}: "
                "the rates after them are not shown"
            )
    reached = {
        int(i) for i in schedule.index(np.array([r.first_step for r in selection.runs(schedule)]))
    }
    missed = [
        f"{rate_text(s.rate)} ({s.span})"
        for i, s in enumerate(segments)
        if i not in reached and not s.empty and s.first <= selection.last
    ]
    if missed:
        rates = _plural(len(missed), "the rate", "the rates")
        verb = _plural(len(missed), "is", "are")
        yield f"{rates} {', '.join(missed)} {verb} reached by no step shown"


def _rises_against_the_rest(
    schedule: PiecewiseConstant, segments: tuple[Segment, ...]
) -> Iterator[str]:
    live = [s for s in segments if not s.empty]
    changes = [(a, b) for a, b in itertools.pairwise(live) if a.rate != b.rate]
    rises = [(a, b) for a, b in changes if b.rate > a.rate]
    if len(rises) == 1 and len(changes) > 1:
        before, after = rises[0]
        yield (
            f"the rate goes up at step {after.first} ({rate_text(before.rate)} → "
            f"{rate_text(after.rate)}) where every other change goes down"
        )


def _why_empty(schedule: PiecewiseConstant) -> str:
    under = f"under the {schedule.convention.value} convention"
    if schedule.convention.boundary_keeps_old:
        return f"{under} a boundary at {MAX_STEP} is never passed"
    return f"{under} a boundary at 0 starts the next rate at once"


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many
