"""Two schedules, or a training log and its schedule, compared step by step: where they differ.

The comparison is exact: two rates are equal when they are the same float (0.0 and -0.0 are one
rate), unless a `Tolerance` says how close counts as equal. Differences are reported as runs:
maximal stretches of consecutive steps (or, for a log, consecutive entries) where the rates
differ, each with its first step's two rates and its largest difference, absolutely and in ulps.

Schedules that are constant over long stretches (piecewise-constant ones, or phases that settle)
are compared stretch by stretch, so 10**18 steps take no longer than ten; where a rate may change
at every step, both are evaluated in chunks of `CHUNK` steps, compared as arrays, and the runs
found with numpy, so memory stays flat. Nothing here knows about click or rich.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from lrcli.numbers import quote
from lrcli.schedule import (
    CHUNK,
    Dtype,
    PiecewiseConstant,
    Schedule,
    ScheduleError,
    check_step,
)
from lrcli.smooth import Phased

Floats = NDArray[np.float64]
Steps = NDArray[np.int64]


class Tolerance(NamedTuple):
    """How close two rates must be to count as equal: within `relative` of the larger
    magnitude, or within `ulps` units in the last place. The default, zero, is exact."""

    relative: float = 0.0
    ulps: int = 0

    @classmethod
    def parse(cls, text: str) -> Tolerance:
        """`1e-6` (relative) or `4ulp` / `4ulps` (units in the last place)."""
        from lrcli import numbers

        raw = text.strip().lower()
        for suffix in ("ulps", "ulp"):
            if raw.endswith(suffix):
                try:
                    count = numbers.parse_int(raw[: -len(suffix)].strip(), largest=2**64)
                except numbers.NumberError:
                    break
                if count < 0:
                    break
                return cls(ulps=count)
        try:
            relative = numbers.parse_float(raw)
        except numbers.NumberError:
            raise ScheduleError(
                "tolerance",
                f"{quote(text)} is neither a relative tolerance (such as 1e-6) nor a count of "
                "ulps (such as 4ulp)",
            ) from None
        if not 0 <= relative < 1:
            raise ScheduleError(
                "tolerance", f"{quote(text)} is not a relative tolerance from 0 up to (not) 1"
            )
        return cls(relative=relative)

    def __str__(self) -> str:
        if self.ulps:
            return f"{self.ulps}ulp"
        return repr(self.relative) if self.relative else "exact"

    @property
    def exact(self) -> bool:
        return self.relative == 0 and self.ulps == 0


EXACT = Tolerance()


class Run(NamedTuple):
    """Steps `first_step..last_step` where the two rates differ, as one stretch.

    `a_first` and `b_first` are the rates at `first_step`; `max_abs_diff` and `max_ulps` the
    largest differences over the stretch (ulps in float32 when both sides are float32)."""

    first_step: int
    last_step: int
    a_first: float
    b_first: float
    max_abs_diff: float
    max_ulps: int


def ulps(a: Floats, b: Floats, *, single: bool = False) -> NDArray[np.uint64]:
    """How many floats lie from each `a` to its `b` (+1), in float64 or, with `single`, float32.

    Both zeros are the same place; a count across zero adds both sides' counts.
    """
    if single:
        bits_a = a.astype(np.float32).view(np.int32).astype(np.int64)
        bits_b = b.astype(np.float32).view(np.int32).astype(np.int64)
        key_a = np.where(bits_a < 0, -(bits_a & 0x7FFF_FFFF), bits_a)
        key_b = np.where(bits_b < 0, -(bits_b & 0x7FFF_FFFF), bits_b)
        near: NDArray[np.uint64] = np.abs(key_a - key_b).astype(np.uint64)
        return near
    bits_a, bits_b = a.view(np.int64), b.view(np.int64)
    mask = np.int64(0x7FFF_FFFF_FFFF_FFFF)
    key_a = np.where(bits_a < 0, -(bits_a & mask), bits_a)
    key_b = np.where(bits_b < 0, -(bits_b & mask), bits_b)
    # The true distance is below 2**64: modular uint64 subtraction in the right order gives it.
    ua, ub = key_a.view(np.uint64), key_b.view(np.uint64)
    out: NDArray[np.uint64] = np.where(key_a >= key_b, ua - ub, ub - ua)
    return out


def is_single(schedule: Schedule) -> bool:
    """Whether the schedule computes in float32 (its rates are float32 values widened)."""
    return getattr(schedule, "dtype", Dtype.FLOAT64) is Dtype.FLOAT32


def default_last(a: Schedule, b: Schedule) -> int:
    """The last step compared when none is asked for: where both schedules have shown
    everything they do (the later of their `default_last`)."""
    return max(a.default_last, b.default_last)


class _Differences:
    """Differences among arrays of rates at given steps: their runs, with their maxima."""

    def __init__(self, tolerance: Tolerance, single: bool) -> None:
        self.tolerance, self.single = tolerance, single

    def differing(self, ra: Floats, rb: Floats) -> NDArray[np.intp]:
        """Indices where the rates differ by more than the tolerance."""
        idx = np.flatnonzero(ra != rb)
        if not len(idx) or self.tolerance.exact:
            return idx
        a, b = ra[idx], rb[idx]
        keep = np.ones(len(idx), dtype=bool)
        if self.tolerance.ulps:
            keep &= ulps(a, b, single=self.single) > np.uint64(self.tolerance.ulps)
        if self.tolerance.relative:
            with np.errstate(over="ignore", invalid="ignore"):
                scale = np.maximum(np.abs(a), np.abs(b))
                keep &= ~(np.abs(a - b) <= self.tolerance.relative * scale)
        return idx[keep]

    def runs(
        self, steps: Steps, ra: Floats, rb: Floats, idx: NDArray[np.intp], *, by_step: bool
    ) -> Iterator[Run]:
        """Runs of the differing indices `idx`: neighbours in the arrays, and with `by_step`
        also neighbours in step."""
        if not len(idx):
            return
        cut = np.diff(idx) != 1
        if by_step:
            cut |= np.diff(steps[idx]) != 1
        starts = np.concatenate(([0], np.flatnonzero(cut) + 1))
        ends = np.concatenate((starts[1:], [len(idx)])) - 1
        a, b = ra[idx], rb[idx]
        with np.errstate(over="ignore", invalid="ignore"):
            gaps = np.abs(a - b)
        far = np.maximum.reduceat(gaps, starts).tolist()
        counts = np.maximum.reduceat(ulps(a, b, single=self.single), starts).tolist()
        firsts, lasts = steps[idx[starts]].tolist(), steps[idx[ends]].tolist()
        a_firsts, b_firsts = a[starts].tolist(), b[starts].tolist()
        for i in range(len(starts)):
            yield Run(firsts[i], lasts[i], a_firsts[i], b_firsts[i], far[i], int(counts[i]))


class _Joiner:
    """Joins runs that meet (one ends the step before the next begins) across chunks."""

    def __init__(self) -> None:
        self.open: Run | None = None

    def add(self, run: Run) -> Iterator[Run]:
        held = self.open
        if held is not None and held.last_step + 1 == run.first_step:
            self.open = held._replace(
                last_step=run.last_step,
                max_abs_diff=max(held.max_abs_diff, run.max_abs_diff),
                max_ulps=max(held.max_ulps, run.max_ulps),
            )
            return
        if held is not None:
            yield held
        self.open = run

    def close(self) -> Iterator[Run]:
        if self.open is not None:
            yield self.open
            self.open = None


class _Piece(NamedTuple):
    first: int
    last: int
    rate: float | None
    """The rate over the whole piece, or None where it may change from step to step."""


def _pieces(schedule: Schedule, first: int, last: int) -> Iterator[_Piece]:
    """Stretches covering `first..last` in order, each constant (rate known) or not.

    Phases are taken lazily, a chunk at a time, and the constant ones evaluated together:
    a schedule with a phase every few steps costs memory for one chunk of them."""
    if isinstance(schedule, PiecewiseConstant):
        for segment in schedule.segments(first, last):
            yield _Piece(segment.first, segment.last, segment.rate)
        return
    if not isinstance(schedule, Phased):
        yield _Piece(first, last, None)
        return
    phases = schedule.phases(first, last)
    while batch := list(itertools.islice(phases, CHUNK)):
        flat = [p.constant for p in batch]
        starts = np.array([p.first for p, f in zip(batch, flat, strict=True) if f], dtype=np.int64)
        rates = iter(schedule(starts).tolist() if len(starts) else [])
        for phase, constant in zip(batch, flat, strict=True):
            yield _Piece(phase.first, phase.last, next(rates) if constant else None)


def _overlaps(
    a: Iterator[_Piece], b: Iterator[_Piece]
) -> Iterator[tuple[int, int, _Piece, _Piece]]:
    """The stretches where one piece of each side overlap, in order."""
    pa, pb = next(a, None), next(b, None)
    while pa is not None and pb is not None:
        lo, hi = max(pa.first, pb.first), min(pa.last, pb.last)
        if lo <= hi:
            yield lo, hi, pa, pb
        if pa.last == hi:
            pa = next(a, None)
        if pb.last == hi:
            pb = next(b, None)


def diff(
    a: Schedule,
    b: Schedule,
    first: int = 0,
    last: int | None = None,
    tolerance: Tolerance = EXACT,
) -> Iterator[Run]:
    """The runs of steps in `first..last` where `a` and `b` give different rates.

    `last` defaults to `default_last(a, b)`. Nothing is yielded when they agree at every step.

    >>> from lrcli import PiecewiseConstant
    >>> a = PiecewiseConstant([10], [0.1, 0.01])
    >>> b = PiecewiseConstant([12], [0.1, 0.01])
    >>> runs = list(diff(a, b, 0, 20))
    >>> runs[0].first_step, runs[0].last_step, runs[0].a_first, runs[0].b_first
    (11, 12, 0.01, 0.1)
    """
    first = check_step(first, "first")
    last = default_last(a, b) if last is None else check_step(last, "last")
    if last < first:
        raise ScheduleError("last", f"{last} is before --first {first}")
    for schedule in (a, b):
        if isinstance(schedule, Phased):
            schedule.check_steps(last, "last")
    differences = _Differences(tolerance, is_single(a) and is_single(b))
    joiner = _Joiner()
    pending: int | None = None  # the first step not yet compared, of a stretch to evaluate

    def evaluate(lo: int, hi: int) -> Iterator[Run]:
        for start in range(lo, hi + 1, CHUNK):
            steps = start + np.arange(min(CHUNK, hi - start + 1), dtype=np.int64)
            ra, rb = a(steps), b(steps)
            idx = differences.differing(ra, rb)
            for run in differences.runs(steps, ra, rb, idx, by_step=False):
                yield from joiner.add(run)

    for lo, hi, pa, pb in _overlaps(_pieces(a, first, last), _pieces(b, first, last)):
        if pa.rate is None or pb.rate is None:
            pending = lo if pending is None else pending
            whole = (hi - pending + 1) // CHUNK * CHUNK
            if whole:
                yield from evaluate(pending, pending + whole - 1)
                pending = pending + whole if pending + whole <= hi else None
            continue
        if pending is not None:
            yield from evaluate(pending, lo - 1)
            pending = None
        ra, rb = np.array([pa.rate]), np.array([pb.rate])
        if len(differences.differing(ra, rb)):
            gap = abs(pa.rate - pb.rate)
            count = int(ulps(ra, rb, single=differences.single)[0])
            yield from joiner.add(Run(lo, hi, pa.rate, pb.rate, gap, count))
    if pending is not None:
        yield from evaluate(pending, last)
    yield from joiner.close()


def compare_at(
    steps: Steps,
    rates: Floats,
    schedule: Schedule,
    *,
    single: bool = False,
    tolerance: Tolerance = EXACT,
) -> Iterator[Run]:
    """Runs of neighbouring entries of a log (`rates` at schedule `steps`, in the log's order)
    whose rate differs from `schedule`'s: `a` is the log, `b` the schedule. With `single` the
    log holds float32 values, and the schedule is rounded to float32 before comparing."""
    expected = expected_rates(schedule, steps, single)
    differences = _Differences(tolerance, single or is_single(schedule))
    idx = differences.differing(rates, expected)
    yield from differences.runs(steps, rates, expected, idx, by_step=False)


def expected_rates(schedule: Schedule, steps: Steps, single: bool) -> Floats:
    """The schedule at `steps`, rounded to float32 with `single` (as a float32 log stores it)."""
    out = np.empty(len(steps), dtype=np.float64)
    for lo in range(0, len(steps), CHUNK):
        out[lo : lo + CHUNK] = schedule(steps[lo : lo + CHUNK])
    if single:
        with np.errstate(over="ignore"):
            out = out.astype(np.float32).astype(np.float64)
    return out


def equal_rates(
    a: Floats, b: Floats, *, single: bool = False, tolerance: Tolerance = EXACT
) -> NDArray[np.bool_]:
    """Whether each rate of `a` equals its `b` (within the tolerance; ulps in float32 with
    `single`)."""
    out = np.ones(len(a), dtype=bool)
    out[_Differences(tolerance, single).differing(a, b)] = False
    return out


def agree(
    steps: Steps, rates: Floats, schedule: Schedule, *, single: bool, tolerance: Tolerance
) -> NDArray[np.bool_]:
    """Whether each log entry equals the schedule at its step (within the tolerance)."""
    expected = expected_rates(schedule, steps, single)
    return equal_rates(rates, expected, single=single or is_single(schedule), tolerance=tolerance)
