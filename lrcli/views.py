"""What to show of a schedule: summary rows per phase, the steps a table samples, a chart's points.

Works for every schedule: piecewise-constant ones through their segments, phased ones through
their phases. Only edges and a bounded number of steps are evaluated, so a summary or a chart
over 10**18 steps is as quick as over ten.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from lrcli.schedule import MAX_STEP, Schedule, ScheduleError, Segment
from lrcli.selection import Selection, StepList, StepRange
from lrcli.smooth import Phase, Phased


def phases(schedule: Schedule, first: int, last: int) -> Iterator[Phase]:
    """The schedule's phases within `first..last`; a segment is a constant phase."""
    if isinstance(schedule, Phased):
        yield from schedule.phases(first, last)
    else:
        for segment in schedule.segments(first, last):
            yield Phase(segment.first, segment.last, "constant")


def goes_on(schedule: Schedule, step: int) -> Phase:
    """The phase that holds `step`, from `step` on (`last` is MAX_STEP if it never ends)."""
    return next(iter(phases(schedule, step, MAX_STEP)))


def changes_every_step(schedule: Schedule, first: int, last: int) -> bool:
    """Whether some phase in `first..last` changes the rate from step to step."""
    if not isinstance(schedule, Phased):
        return False
    for count, phase in enumerate(schedule.phases(first, last)):
        if not phase.constant:
            return True
        if count > 10_000:
            return False
    return False


class SummaryRow(NamedTuple):
    """One phase as shown. `last_step` is None where it goes on past the range, and
    `last_lr` is then its rate as it goes on, or None if that keeps changing."""

    first_step: int
    last_step: int | None
    lr: float
    last_lr: float | None
    shape: str


def summary(schedule: Schedule, selection: StepRange, *, open_end: bool) -> list[SummaryRow]:
    """One row per phase that a shown step falls in: its first and last shown steps and rates."""
    spans: list[tuple[int, int, Phase]] = []
    for phase in phases(schedule, selection.first, selection.last):
        lo = -(-(phase.first - selection.first) // selection.every)
        hi = (phase.last - selection.first) // selection.every
        if lo <= hi:
            first = selection.first + lo * selection.every
            spans.append((first, selection.first + hi * selection.every, phase))
    if not spans:
        return []
    ends = np.array([s for first, last, _ in spans for s in (first, last)], dtype=np.int64)
    rates = schedule(ends).tolist()
    rows = []
    for i, (first, last, phase) in enumerate(spans):
        row = SummaryRow(first, last, rates[2 * i], rates[2 * i + 1], phase.shape)
        rows.append(row)
    if open_end and goes_on(schedule, selection.last).final:
        first, _, phase = spans[-1]
        rows[-1] = rows[-1]._replace(
            last_step=None, last_lr=rows[-1].lr if phase.constant else None
        )
    return rows


def sample_steps(schedule: Schedule, selection: Selection, rows: int) -> list[int]:
    """About `rows` steps of a range for a table: every phase edge with the steps either side,
    the range's ends, and evenly spaced steps between (all on the `--every` grid)."""
    if isinstance(selection, StepList):
        return list(selection.values)
    first, every, count = selection.first, selection.every, selection.count
    if count <= rows:
        return [first + i * every for i in range(count)]
    picked = {0, count - 1}
    for phase in phases(schedule, selection.first, selection.last):
        index = -(-(phase.first - first) // every)
        for i in (index - 1, index, index + 1):
            if 0 <= i < count:
                picked.add(i)
        if len(picked) > rows:
            break
    spare = max(rows - len(picked), 0)
    picked.update(int(i) for i in np.linspace(0, count - 1, spare + 2).round())
    return [first + i * every for i in sorted(picked)]


def edges(schedule: Schedule, first: int, last: int) -> list[int] | None:
    """The steps where a smooth schedule's phases start within `first..last`, for a chart's
    axis; None for a stepped schedule, whose segments mark themselves."""
    if not changes_every_step(schedule, first, last):
        return None
    starts = []
    for phase in phases(schedule, first, last):
        if phase.first > first:
            starts.append(phase.first)
        if len(starts) > 200:
            break
    return starts


def drawn_segments(schedule: Schedule, first: int, last: int, columns: int) -> list[Segment]:
    """What a chart draws: the segments of a stepped schedule, or of a smooth one sampled at
    every phase edge and at `columns` points, each sample held until the next."""
    if not changes_every_step(schedule, first, last):
        return list(schedule.segments(first, last))
    points = {first, last}
    for count, phase in enumerate(phases(schedule, first, last)):
        points.update((phase.first, phase.last))
        if count > 4 * columns:
            break
    points.update(int(s) for s in np.linspace(first, last, columns + 1, dtype=np.float64).round())
    steps = np.array(sorted(p for p in points if first <= p <= last), dtype=np.int64)
    rates = drawable(schedule, last)(steps).tolist()
    ends = [*(int(s) - 1 for s in steps[1:]), last]
    return [Segment(int(s), e, r) for s, e, r in zip(steps.tolist(), ends, rates, strict=True)]


def drawable(schedule: Schedule, last: int) -> Schedule:
    """The schedule itself, or, where walking its recursion to `last` would take too long,
    its closed form: a chart may be drawn from it (printed numbers never are)."""
    if isinstance(schedule, Phased):
        try:
            schedule.check_steps(last, "last")
        except ScheduleError:
            return schedule.closed_variant() or schedule
    return schedule
