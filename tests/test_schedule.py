"""The core evaluator against a plain reference, over random schedules and int64 extremes."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrcli import MAX_STEP, Convention, PiecewiseConstant, Schedule, ScheduleError, Segment


def reference(boundaries: list[int], values: list[float], step: int, keeps_old: bool) -> float:
    """The rule as the docs state it, one step at a time."""
    for boundary, value in zip(boundaries, values[:-1], strict=True):
        if step < boundary or (keeps_old and step == boundary):
            return value
    return values[-1]


steps_st = st.integers(0, MAX_STEP) | st.sampled_from([0, 1, MAX_STEP - 1, MAX_STEP])
rates_st = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def schedules(draw: st.DrawFn) -> tuple[list[int], list[float]]:
    boundaries = sorted(draw(st.sets(steps_st, max_size=8)))
    values = draw(st.lists(rates_st, min_size=len(boundaries) + 1, max_size=len(boundaries) + 1))
    return boundaries, values


@given(schedules(), st.lists(steps_st, max_size=40), st.sampled_from(list(Convention)))
def test_evaluation_matches_the_reference(
    schedule: tuple[list[int], list[float]], steps: list[int], convention: Convention
) -> None:
    boundaries, values = schedule
    # Probe every boundary and its neighbours too, where off-by-one errors live.
    probes = steps + [s for b in boundaries for s in (b - 1, b, b + 1) if 0 <= s <= MAX_STEP]
    got = PiecewiseConstant(boundaries, values, convention=convention)(np.array(probes, np.int64))
    want = [reference(boundaries, values, s, convention.boundary_keeps_old) for s in probes]
    assert got.tolist() == want


@given(schedules(), st.sampled_from(list(Convention)))
def test_segments_cover_every_step_once_with_the_rate_evaluation_gives(
    schedule: tuple[list[int], list[float]], convention: Convention
) -> None:
    s = PiecewiseConstant(*schedule, convention=convention)
    live = [seg for seg in s.all_segments if not seg.empty]
    assert live[0].first == 0 and live[-1].last == MAX_STEP and live[-1].final
    for before, after in itertools.pairwise(live):
        assert after.first == before.last + 1
    for seg in live:
        assert s(np.array([seg.first, seg.last])).tolist() == [seg.rate, seg.rate]


def test_boundary_step_keeps_previous_value_in_tf() -> None:
    s = PiecewiseConstant([5, 10, 15], [0.1, 0.05, 0.01, 0.001])
    assert s(np.arange(18)).tolist() == [0.1] * 6 + [0.05] * 5 + [0.01] * 5 + [0.001] * 2


def test_boundary_step_has_new_value_in_torch() -> None:
    s = PiecewiseConstant([5], [0.1, 0.05], convention="torch")
    assert s([4, 5]).tolist() == [0.1, 0.05]


def test_int64_extremes() -> None:
    s = PiecewiseConstant([MAX_STEP - 1], [1.0, 2.0])
    assert s([0, MAX_STEP - 1, MAX_STEP]).tolist() == [1.0, 1.0, 2.0]
    never = PiecewiseConstant([MAX_STEP], [1.0, 2.0])
    assert never([MAX_STEP]).tolist() == [1.0]
    assert never.all_segments[1].empty


def test_segments_clip_to_the_range() -> None:
    s = PiecewiseConstant([5, 10], [0.1, 0.05, 0.01])
    assert list(s.segments(3, 7)) == [Segment(3, 5, 0.1), Segment(6, 7, 0.05)]
    assert list(s.segments(20, 30)) == [Segment(20, 30, 0.01, final=True)]


def test_float32_rates_are_widened_exactly() -> None:
    s = PiecewiseConstant([], [0.1], dtype="float32")
    assert s([0]).tolist() == [0.10000000149011612]


def test_scales_multiply_one_after_another() -> None:
    s = PiecewiseConstant.from_scales(1.0, [2, 4], [0.5, 0.1])
    assert s.rates == (1.0, 0.5, 0.05)


def test_repeated_milestones_compound() -> None:
    s = PiecewiseConstant.from_milestones(1.0, [3, 3], 0.5, convention="torch")
    assert s([2, 3]).tolist() == [1.0, 0.25]


@pytest.mark.parametrize(
    ("build", "field", "message"),
    [
        (lambda: PiecewiseConstant([5, 10], [0.1, 0.2]), "values", "2 values for 2 boundaries"),
        (lambda: PiecewiseConstant([10, 5], [1, 2, 3]), "boundaries", "5 comes after 10"),
        (lambda: PiecewiseConstant([5, 5], [1, 2, 3]), "boundaries", "5 is repeated"),
        (lambda: PiecewiseConstant([-1], [1, 2]), "boundaries", "-1 is negative"),
        (lambda: PiecewiseConstant([2**63], [1, 2]), "boundaries", "past the largest step"),
        (lambda: PiecewiseConstant([1], [1, math.nan]), "values", "nan is not a finite"),
        (lambda: PiecewiseConstant([1], [1, "x"]), "values", "'x' is not a number"),
        (lambda: PiecewiseConstant([1], [1, 1e39], dtype="float32"), "values", "overflows"),
        (lambda: PiecewiseConstant([1], [1, 2], convention="jax"), "convention", "'jax'"),
        (lambda: PiecewiseConstant.from_scales(1, [1], [-2]), "scales", "negative"),
        (lambda: PiecewiseConstant.from_scales(1, [1], []), "scales", "0 scales for 1"),
        (lambda: PiecewiseConstant.from_milestones(1, [3, 1], 0.1), "milestones", "1 comes"),
        (lambda: PiecewiseConstant.from_milestones(1e300, [1, 2], 1e10), "gamma", "overflows"),
    ],
)
def test_bad_schedules_raise_a_value_error_naming_the_input(
    build: object, field: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        build()  # type: ignore[operator]
    assert isinstance(caught.value, ScheduleError) and caught.value.field == field


def test_steps_outside_int64_range_are_refused() -> None:
    s = PiecewiseConstant([], [1.0])
    with pytest.raises(ScheduleError, match="-1 is outside"):
        s([-1])
    with pytest.raises(ScheduleError, match="integers"):
        s([1.5])


class Staircase(Schedule):
    """A schedule that knows nothing of segments: the generic path must find them."""

    def __call__(self, steps: object) -> np.ndarray:  # type: ignore[override]
        return np.minimum(np.asarray(steps) // 40_000, 2).astype(np.float64)


def test_generic_segments_are_found_by_evaluation_across_chunks() -> None:
    assert list(Staircase().segments(5, 100_000)) == [
        Segment(5, 39_999, 0.0),
        Segment(40_000, 79_999, 1.0),
        Segment(80_000, 100_000, 2.0),
    ]
