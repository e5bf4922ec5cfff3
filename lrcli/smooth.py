"""Schedules whose rate can change at every step: phases, closed forms and exact recursions.

A `Phased` schedule says where its phases begin and end (warmup, decay, restarts, milestones)
and what shape each has; the table, the summary and the chart are built from those edges.
Its rates come from `rates(steps)`: a closed form evaluated on the whole array, or, for the
frameworks that compute a rate from the previous one (PyTorch), a `Walk` that follows the
recursion exactly, remembering where it got to so that streaming a range never starts over.
"""

from __future__ import annotations

import bisect
import copy
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lrcli.schedule import CHUNK, MAX_STEP, Dtype, Schedule, ScheduleError, Segment, as_steps

WALK_LIMIT = 100_000_000
"""The most recursion steps lrcli walks to answer; past it the closed form must be asked for."""

Floats = NDArray[np.float64]
Steps = NDArray[np.int64]


class Phase(NamedTuple):
    """Steps `first..last` (inclusive) over which the rate follows one `shape`.

    `shape` is one word: constant, linear, cosine, exponential, polynomial, inverse-sqrt,
    cyclic, ... A phase that goes on for ever has `last == MAX_STEP`.
    """

    first: int
    last: int
    shape: str

    @property
    def final(self) -> bool:
        return self.last == MAX_STEP

    @property
    def constant(self) -> bool:
        return self.shape == "constant"


def phases_from_edges(
    starts: Sequence[int], shapes: Sequence[str], first: int = 0, last: int = MAX_STEP
) -> Iterator[Phase]:
    """Phases beginning at `starts` (the first is 0), clipped to `first..last`.

    A start at or past the next one leaves an empty phase, which is dropped.
    """
    ends = [*(s - 1 for s in starts[1:]), MAX_STEP]
    for start, end, shape in zip(starts, ends, shapes, strict=True):
        lo, hi = max(start, first), min(end, last)
        if lo <= hi:
            yield Phase(lo, hi, shape)


class Phased(Schedule):
    """A schedule made of phases, each a known shape; evaluated on whole arrays of steps."""

    framework = ""
    """The framework whose arithmetic this follows ("torch", "transformers", ...)."""
    api = ""
    """The API's name as the framework spells it (`CosineAnnealingLR`)."""
    dtype = Dtype.FLOAT64

    @abstractmethod
    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        """The phases that meet `first..last`, clipped to it, in order."""

    @abstractmethod
    def rates(self, steps: Steps) -> Floats:
        """The rate at each step of a validated int64 array (any order)."""

    def __call__(self, steps: ArrayLike) -> Floats:
        array = as_steps(np.asarray(steps, dtype=np.int64) if _is_empty(steps) else steps)
        if not array.size:
            return np.empty(0, dtype=np.float64)
        return self.rates(array)

    @property
    def end(self) -> int:
        """The first step of the last phase: where the schedule settles or repeats."""
        return 0

    @property
    def default_last(self) -> int:
        return min(self.end, MAX_STEP)

    @property
    def description(self) -> str:
        how = "recursive, as torch steps it" if isinstance(self, Walk) else "closed form"
        return f"{self.framework} {self.api} · {self.dtype.value}, {how}"

    @property
    def stepped(self) -> bool:
        """True when every phase is constant, so the rate changes only at phase edges."""
        return all(p.constant for p in self.phases(0, max(self.end, 1)))

    def check_steps(self, largest: int, field: str) -> None:
        """Raise a ScheduleError naming `field` when `largest` is a step this cannot answer."""

    def closed_variant(self) -> Phased | None:
        """This schedule answered by the framework's closed form, where it has one that differs."""
        return None

    def notes(self, first: int, last: int) -> Iterator[str]:
        """Warnings about what the framework silently does in `first..last`."""
        return iter(())

    def segments(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Segment]:
        """Runs of one rate; from the phases when they are all constant."""
        if not self.stepped:
            yield from super().segments(first, last)
            return
        phases = list(self.phases(first, last))
        firsts = np.array([p.first for p in phases], dtype=np.int64)
        rates = self(firsts).tolist() if phases else []
        for phase, rate in zip(phases, rates, strict=True):
            yield Segment(phase.first, phase.last, float(rate), phase.final)


def _is_empty(steps: ArrayLike) -> bool:
    return isinstance(steps, (list, tuple)) and not steps


class Walk(Phased):
    """A rate computed from the previous one, walked exactly from step 0 and streamed.

    Subclasses give the value at step 0 (`start`) and `advance(before, first, count)`: the
    values at positions `first..first+count-1` when the value at `first - 1` is `before`.
    A position is a step, or for recursions that change the rate only now and then, the
    number of changes so far (`positions`). Where the recursion stops changing the rate
    (`settles`, or a fixed point of a `stationary` one), later steps cost nothing.
    Checkpoints remember where earlier calls got to, so a range streamed in chunks is one walk.
    """

    closed_form = False
    """Answer with the framework's closed form instead of the recursion (different floats)."""
    stationary = False
    """Every position applies the same update: once the rate stops changing it never will."""

    def __init__(self) -> None:
        self._marks: list[int] = []
        self._values: list[float] = []
        self._fixed: int | None = None

    @abstractmethod
    def start(self) -> float:
        """The rate at step 0."""

    @abstractmethod
    def advance(self, before: float, first: int, count: int) -> Floats:
        """The rates at positions `first..first+count-1` (first >= 1), `before` at `first - 1`."""

    def closed(self, steps: Steps) -> Floats:
        """The framework's closed form (torch's `_get_closed_form_lr`) at each step."""
        raise NotImplementedError

    def closed_variant(self) -> Phased | None:
        if type(self).closed is Walk.closed:
            return None
        variant = copy.copy(self)
        variant.closed_form = True
        return variant

    @property
    def settles(self) -> int:
        """A position from which the recursion leaves the rate unchanged (MAX_STEP: never)."""
        return MAX_STEP

    def positions(self, steps: Steps) -> Steps:
        """The position of the walk that gives each step's rate."""
        last = self.settles if self._fixed is None else min(self.settles, self._fixed)
        return np.minimum(steps, last)

    def check_steps(self, largest: int, field: str) -> None:
        if self.closed_form:
            return
        position = int(self.positions(np.array([largest], dtype=np.int64))[0])
        if self.stationary and self._fixed is None and self._cost(position) > WALK_LIMIT:
            # A rate that underflows to 0, or reaches a fixed point, needs no further walk.
            self._walk(np.array([min(self._resume() + WALK_LIMIT, position)], dtype=np.int64))
            position = int(self.positions(np.array([largest], dtype=np.int64))[0])
        if self._cost(position) > WALK_LIMIT:
            raise ScheduleError(field, self._too_far(largest, self._cost(position)))

    def _too_far(self, step: int, cost: int) -> str:
        return (
            f"step {step} takes {cost:,} steps of {self.api}'s recursion, more than the "
            f"{WALK_LIMIT:,} lrcli walks to answer exactly; add --closed-form for torch's "
            "closed form, which differs from what training computes in the last digits "
            "(by thousands of ulps for a long CosineAnnealingLR)"
        )

    def _resume(self) -> int:
        return self._marks[-1] if self._marks else 0

    def _cost(self, position: int) -> int:
        return position - self._resume() if position >= self._resume() else position

    def rates(self, steps: Steps) -> Floats:
        if self.closed_form:
            return self.closed(steps)
        wanted, where = unique_inverse(self.positions(steps))
        return self._walk(wanted)[where.reshape(steps.shape)]

    def _walk(self, wanted: Steps) -> Floats:
        """The recursion's values at `wanted` positions (ascending, distinct)."""
        cost = self._cost(int(wanted[-1]))
        if cost > WALK_LIMIT:
            raise ScheduleError("steps", self._too_far(int(wanted[-1]), cost))
        out = np.empty(len(wanted), dtype=np.float64)
        i = bisect.bisect_right(self._marks, int(wanted[0])) - 1
        step, value = (0, self.start()) if i < 0 else (self._marks[i], self._values[i])
        done = 1 if wanted[0] == step else 0
        out[:done] = value
        while done < len(wanted):
            count = min(CHUNK * 8, int(wanted[-1]) - step)
            values = self.advance(value, step + 1, count)
            hi = step + count
            k = int(np.searchsorted(wanted, hi, side="right"))
            out[done:k] = values[wanted[done:k] - step - 1]
            done, step, value = k, hi, float(values[-1])
            self._remember(step, value)
            if self.stationary and count > 1 and values[-1] == values[-2]:
                self._fixed = step  # the update no longer changes the rate
                out[done:] = value
                break
        return out

    def _remember(self, step: int, value: float) -> None:
        """Move the newest checkpoint up to `step`; every `_SPACING` steps, keep one behind."""
        marks = self._marks
        if marks and step <= marks[-1]:
            return
        if len(marks) >= 2 and marks[-1] - marks[-2] < _SPACING:
            marks[-1], self._values[-1] = step, value
        else:
            marks.append(step)
            self._values.append(value)


_SPACING = CHUNK * 32


def unique_inverse(values: Steps) -> tuple[Steps, NDArray[np.intp]]:
    """`np.unique(values, return_inverse=True)`, by a sort: np.unique loads numpy.ma (5 ms of a
    100 ms start)."""
    flat = values.ravel()
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1])) if len(ordered) else ordered > 0
    rank = np.cumsum(starts) - 1
    where = np.empty(len(flat), dtype=np.intp)
    where[order] = rank
    return ordered[starts], where


def product_walk(before: float, factors: Floats) -> Floats:
    """before * f1, (before * f1) * f2, ...: each product rounded in turn, as a loop would."""
    return np.multiply.accumulate(np.concatenate(([before], factors)))[1:]


def affine_walk(before: float, ratios: Iterable[float], low: float) -> Floats:
    """`lr = ratio * (lr - low) + low` step by step: a recursion numpy cannot reorder."""
    out: list[float] = []
    append = out.append
    lr = before
    for ratio in ratios:
        lr = ratio * (lr - low) + low
        append(lr)
    return np.array(out, dtype=np.float64)


def exact_float(steps: Steps) -> Floats:
    """Steps as float64, as Python's `float(int)` gives them (exact up to 2**53)."""
    return steps.astype(np.float64)
