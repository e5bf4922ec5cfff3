"""Which steps to show: a range (`--first/--last/--every`) or a list (`--at`), in chunks."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from numbers import Integral
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from lrcli.schedule import CHUNK, Schedule, ScheduleError, check_step, items_of


class Run(NamedTuple):
    """Consecutive shown steps that share one segment: `length` steps from index `start`."""

    start: int
    length: int
    first_step: int
    last_step: int
    rate: float
    final: bool
    """The run lies in the schedule's last segment, which goes on past any range shown."""


class StepRange:
    """Every `every`-th step from `first` up to `last`, both inclusive (like `seq`)."""

    __slots__ = ("every", "first", "last")

    def __init__(self, first: int, last: int, every: int = 1) -> None:
        self.first, self.last = check_step(first, "first"), check_step(last, "last")
        if self.last < self.first:
            raise ScheduleError("last", f"{self.last} is before --first {self.first}")
        if isinstance(every, bool) or not isinstance(every, Integral):
            raise ScheduleError("every", f"{every!r} is not a whole number")
        if every < 1:
            raise ScheduleError("every", f"{every} is below 1")
        self.every: int = int(every)

    def __repr__(self) -> str:
        return f"StepRange({self.first}, {self.last}, every={self.every})"

    @property
    def count(self) -> int:
        """How many steps (a Python int: it can pass `sys.maxsize`, so this is no `len`)."""
        return (self.last - self.first) // self.every + 1

    def steps(self, start: int, stop: int) -> NDArray[np.int64]:
        """The steps at indices `start..stop-1`."""
        return self.first + self.every * np.arange(start, stop, dtype=np.int64)

    def chunks(self, size: int = CHUNK) -> Iterator[NDArray[np.int64]]:
        count = self.count
        for start in range(0, count, size):
            yield self.steps(start, min(start + size, count))

    def runs(self, schedule: Schedule) -> Iterator[Run]:
        """Runs straight from the schedule's segments: no step is evaluated."""
        for segment in schedule.segments(self.first, self.last):
            # The indices of the shown steps that fall in the segment, rounded inwards.
            lo = -(-(segment.first - self.first) // self.every)
            hi = (segment.last - self.first) // self.every
            if lo <= hi:
                yield Run(
                    start=lo,
                    length=hi - lo + 1,
                    first_step=self.first + lo * self.every,
                    last_step=self.first + hi * self.every,
                    rate=segment.rate,
                    final=segment.final,
                )


class StepList:
    """Just these steps, in the order given."""

    __slots__ = ("values",)

    def __init__(self, values: Iterable[int]) -> None:
        self.values = tuple(check_step(step, "at") for step in items_of(values, "at"))
        if not self.values:
            raise ScheduleError("at", "no steps given")

    def __repr__(self) -> str:
        return f"StepList({list(self.values)})"

    @property
    def count(self) -> int:
        return len(self.values)

    def steps(self, start: int, stop: int) -> NDArray[np.int64]:
        return np.asarray(self.values[start:stop], dtype=np.int64)

    def chunks(self, size: int = CHUNK) -> Iterator[NDArray[np.int64]]:
        for start in range(0, self.count, size):
            yield self.steps(start, start + size)

    def runs(self, schedule: Schedule) -> Iterator[Run]:
        """Runs of neighbouring listed steps with the same rate."""
        rates = schedule(self.steps(0, self.count))
        bits = rates.view(np.uint64)
        cuts = [0, *(np.flatnonzero(bits[1:] != bits[:-1]) + 1).tolist(), self.count]
        for lo, hi in itertools.pairwise(cuts):
            yield Run(lo, hi - lo, self.values[lo], self.values[hi - 1], float(rates[lo]), False)


Selection = StepRange | StepList


def selection_from(
    schedule: Schedule,
    *,
    first: int | None = None,
    last: int | None = None,
    every: int = 1,
    at: Sequence[int] | None = None,
) -> Selection:
    """The steps a user asked for: `at` if given, else a range.

    The range runs from `first` (default 0) to `last` (default the schedule's `default_last`,
    or `first` itself when that is later).
    """
    if at is not None:
        return StepList(at)
    start = 0 if first is None else first
    end = max(schedule.default_last, start) if last is None else last
    return StepRange(start, end, every)
