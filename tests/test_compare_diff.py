"""`lrcli diff A B` and `lrcli.compare.diff`: runs of differing steps, exact output, exit
statuses like cmp, tolerances, and properties against a plain step-by-step reference."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from unittest import mock

import numpy as np
import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from lrcli import MAX_STEP, PiecewiseConstant, parse
from lrcli import cli as cli_module
from lrcli.compare import Run, Tolerance, diff, ulps
from lrcli.schedule import Schedule, ScheduleError

Lrcli = Callable[..., Result]

COSINE = "get_cosine_schedule_with_warmup(optimizer, 500, 10_000)"
LONGER = "get_cosine_schedule_with_warmup(optimizer, 500, 10_001)"
HEADER = "first_step,last_step,a_first,b_first,max_abs_diff,max_ulps\n"


def reference(a: Schedule, b: Schedule, first: int, last: int) -> list[Run]:
    """Every step one at a time, runs joined by hand."""
    runs: list[Run] = []
    for step in range(first, last + 1):
        x, y = float(a([step])[0]), float(b([step])[0])
        if x == y:
            continue
        gap = abs(x - y)
        count = int(ulps(np.array([x]), np.array([y]))[0])
        if runs and runs[-1].last_step == step - 1:
            held = runs[-1]
            runs[-1] = held._replace(
                last_step=step,
                max_abs_diff=max(held.max_abs_diff, gap),
                max_ulps=max(held.max_ulps, count),
            )
        else:
            runs.append(Run(step, step, x, y, gap, count))
    return runs


# --- the command ---------------------------------------------------------------------------


def test_equal_schedules_print_the_header_and_exit_0(lrcli: Lrcli) -> None:
    result = lrcli("diff", COSINE, COSINE, "--lr", "3e-4")
    assert (result.exit_code, result.stdout, result.stderr) == (0, HEADER, "")


def test_differing_schedules_print_one_row_per_run_and_exit_1(lrcli: Lrcli) -> None:
    result = lrcli("diff", COSINE, LONGER, "--lr", "3e-4")
    assert result.exit_code == 1
    assert result.stdout == HEADER + (
        "501,10001,0.0002999999917981127,0.00029999999179983915,2.8730683647505716e-08,"
        "4441122355263542237\n"
    )


def test_milestones_moved_by_one_differ_at_exactly_that_step(lrcli: Lrcli) -> None:
    a, b = "MultiStepLR(optimizer, [10, 20, 30], 0.5)", "MultiStepLR(optimizer, [10, 20, 31], 0.5)"
    result = lrcli("diff", a, b, "--lr", "0.1")
    assert result.exit_code == 1
    assert result.stdout == HEADER + "30,30,0.0125,0.025,0.0125,4503599627370496\n"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            "json",
            '[\n  {"first_step": 30, "last_step": 30, "a_first": 0.0125, "b_first": 0.025, '
            '"max_abs_diff": 0.0125, "max_ulps": 4503599627370496}\n]\n',
        ),
        (
            "jsonl",
            '{"first_step": 30, "last_step": 30, "a_first": 0.0125, "b_first": 0.025, '
            '"max_abs_diff": 0.0125, "max_ulps": 4503599627370496}\n',
        ),
        ("csv", HEADER + "30,30,0.0125,0.025,0.0125,4503599627370496\n"),
    ],
)
def test_formats(lrcli: Lrcli, fmt: str, expected: str) -> None:
    a, b = "MultiStepLR(optimizer, [10, 20, 30], 0.5)", "MultiStepLR(optimizer, [10, 20, 31], 0.5)"
    result = lrcli("diff", a, b, "--lr", "0.1", "--format", fmt)
    assert (result.exit_code, result.stdout) == (1, expected)


def test_json_of_equal_schedules_is_an_empty_array(lrcli: Lrcli) -> None:
    result = lrcli("diff", COSINE, COSINE, "--lr", "3e-4", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_table_on_a_terminal(lrcli: Lrcli) -> None:
    a, b = "MultiStepLR(optimizer, [10, 20, 30], 0.5)", "MultiStepLR(optimizer, [10, 20, 31], 0.5)"
    with mock.patch.object(cli_module, "stdout_is_terminal", lambda: True):
        result = lrcli("diff", a, b, "--lr", "0.1")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "A: torch MultiStepLR · float64, recursive, as torch steps it · B: torch MultiStepLR · "
        "float64, recursive, as torch steps it · steps 0-31 · ulps in float64",
        "first_step  last_step  a_first  b_first  max_abs_diff          max_ulps",
        "        30         30  0.0125   0.025    0.0125        4503599627370496",
    ]


def test_table_says_so_when_equal(lrcli: Lrcli) -> None:
    with mock.patch.object(cli_module, "stdout_is_terminal", lambda: True):
        result = lrcli("diff", COSINE, COSINE, "--lr", "3e-4")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "A and B give the same rate at every step from 0 to 10000"
    )


@pytest.mark.parametrize("args", [(COSINE, COSINE), (COSINE, LONGER)])
def test_quiet_prints_nothing_and_sets_the_status(lrcli: Lrcli, args: tuple[str, str]) -> None:
    result = lrcli("diff", *args, "--lr", "3e-4", "--quiet")
    assert (result.stdout, result.stderr) == ("", "")
    assert result.exit_code == (0 if args[0] == args[1] else 1)


def test_per_side_lr(lrcli: Lrcli) -> None:
    same = lrcli("diff", "StepLR(optimizer, 10)", "StepLR(optimizer, 10)", "--lr", "0.1", "-q")
    assert same.exit_code == 0
    result = lrcli(
        "diff",
        "StepLR(optimizer, 10)",
        "StepLR(optimizer, 10)",
        *("--lr-a", "0.1", "--lr-b", "0.2", "--last", "9"),
    )
    assert result.exit_code == 1
    assert result.stdout == HEADER + "0,9,0.1,0.2,0.1,4503599627370496\n"


def test_lr_b_overrides_the_shared_lr(lrcli: Lrcli) -> None:
    result = lrcli(
        "diff", "StepLR(optimizer, 10)", "StepLR(optimizer, 10)", "--lr", "0.1", "--lr-b", "0.1"
    )
    assert (result.exit_code, result.stdout) == (0, HEADER)


def test_a_fact_for_one_side(lrcli: Lrcli) -> None:
    result = lrcli(
        "diff",
        "StepLR(optimizer, 10, 0.5)",
        "StepLR(optimizer, 10, 0.5)",
        "--lr",
        "0.1",
        "--fact-b",
        "steps-per-epoch=2",
    )
    assert result.exit_code == 1
    assert result.stdout == HEADER + "10,60,0.05,0.1,0.05,13510798882111488\n"


def test_tolerance_in_ulps_and_relative(lrcli: Lrcli) -> None:
    pair = ("MultiStepLR(optimizer, [10], 0.5)", "MultiStepLR(optimizer, [10], 0.5000000000000001)")
    exact = lrcli("diff", *pair, "--lr", "0.1")
    assert exact.exit_code == 1
    assert exact.stdout == HEADER + "10,10,0.05,0.05000000000000002,1.3877787807814457e-17,2\n"
    assert lrcli("diff", *pair, "--lr", "0.1", "--tolerance", "1ulp").exit_code == 1
    assert lrcli("diff", *pair, "--lr", "0.1", "--tolerance", "2ulp").exit_code == 0
    assert lrcli("diff", *pair, "--lr", "0.1", "--tolerance", "1e-15").exit_code == 0
    assert lrcli("diff", *pair, "--lr", "0.1", "--tolerance", "1e-16").exit_code == 1


def test_first_and_last(lrcli: Lrcli) -> None:
    result = lrcli("diff", COSINE, LONGER, "--lr", "3e-4", "--first", "600", "--last", "700")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1].startswith("600,700,")
    assert lrcli("diff", COSINE, LONGER, "--lr", "3e-4", "--last", "500").exit_code == 0


def test_float32_schedules_count_ulps_in_float32(lrcli: Lrcli) -> None:
    a = "optax.exponential_decay(0.1, 10, 0.5)"
    b = "optax.exponential_decay(0.1, 10, 0.5000001)"
    result = lrcli("diff", a, b, "--last", "3", "--format", "csv")
    assert result.exit_code == 1
    row = result.stdout.splitlines()[1].split(",")
    assert int(row[-1]) < 10  # float32 ulps, not float64's 2**29 times as many
    with mock.patch.object(cli_module, "stdout_is_terminal", lambda: True):
        table = lrcli("diff", a, b, "--last", "3")
    assert "ulps in float32" in table.stdout.splitlines()[0]


# --- bad input: one line, exit 2, nothing on stdout ---------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("StepLR(optimizer, 10)", "Foo(optimizer)", "--lr", "0.1"),
            "Error: Invalid value for 'B': 'Foo' is not a schedule lrcli knows; "
            "`lrcli show --help` lists them",
        ),
        (
            ("Foo(optimizer)", "StepLR(optimizer, 10)", "--lr", "0.1"),
            "Error: Invalid value for 'A': 'Foo' is not a schedule lrcli knows; "
            "`lrcli show --help` lists them",
        ),
        (
            (COSINE, COSINE, "--lr", "3e-4", "--tolerance", "x"),
            "Error: Invalid value for '--tolerance': 'x' is neither a relative tolerance (such "
            "as 1e-6) nor a count of ulps (such as 4ulp)",
        ),
        (
            (COSINE, COSINE, "--lr", "3e-4", "--tolerance", "2"),
            "Error: Invalid value for '--tolerance': '2' is not a relative tolerance from 0 up "
            "to (not) 1",
        ),
        (
            (COSINE, COSINE, "--lr", "3e-4", "--fact-a", "steps-per-epoch=x"),
            "Error: Invalid value for '--fact-a': steps-per-epoch=x: 'x' is not a whole number",
        ),
        (
            (COSINE, COSINE, "--lr", "3e-4", "--fact-b", "colour=red"),
            "Error: Invalid value for '--fact-b': 'colour=red' is not NAME=VALUE with NAME one "
            "of lr, kind, steps-per-epoch, train-samples, world-size, grad-accum, batch-size, "
            "interval",
        ),
        (
            (COSINE, COSINE, "--lr", "3e-4", "--first", "10", "--last", "5"),
            "Error: Invalid value for '--last': 5 is before --first 10",
        ),
        ((COSINE,), "Error: Missing argument 'B'."),
    ],
)
def test_bad_input(lrcli: Lrcli, args: tuple[str, ...], message: str) -> None:
    result = lrcli("diff", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message + "\n")


# --- the Python API -------------------------------------------------------------------------


def test_stepped_schedules_compare_10_to_the_18_steps_at_once() -> None:
    a = PiecewiseConstant([10, 10**17], [0.1, 0.01, 0.001])
    b = PiecewiseConstant([10, 10**17 + 5], [0.1, 0.01, 0.001])
    started = time.perf_counter()
    runs = list(diff(a, b, 0, 10**18))
    assert time.perf_counter() - started < 1
    assert [(r.first_step, r.last_step) for r in runs] == [(10**17 + 1, 10**17 + 5)]
    assert list(diff(a, a, 0, MAX_STEP)) == []


def test_a_settled_smooth_schedule_is_compared_by_its_constant_phase() -> None:
    a = parse("get_linear_schedule_with_warmup(optimizer, 10, 100)", lr=0.1)
    b = parse("get_linear_schedule_with_warmup(optimizer, 10, 101)", lr=0.1)
    started = time.perf_counter()
    runs = list(diff(a, b, 0, 10**18))
    assert time.perf_counter() - started < 1
    assert [(r.first_step, r.last_step) for r in runs] == [(11, 100)]


def test_runs_are_joined_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    import lrcli.compare

    a = parse(COSINE, lr=3e-4)
    b = parse(LONGER, lr=3e-4)
    monkeypatch.setattr(lrcli.compare, "CHUNK", 7)
    assert list(diff(a, b, 480, 620)) == reference(a, b, 480, 620)


def test_bad_range_is_a_schedule_error() -> None:
    a = PiecewiseConstant([], [0.1])
    with pytest.raises(ScheduleError, match="before"):
        list(diff(a, a, 5, 4))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4ulp", Tolerance(ulps=4)),
        ("4 ulps", Tolerance(ulps=4)),
        ("1e-6", Tolerance(relative=1e-6)),
        ("0", Tolerance()),
    ],
)
def test_tolerance_texts(text: str, expected: Tolerance) -> None:
    assert Tolerance.parse(text) == expected


def test_ulps_across_zero_and_in_float32() -> None:
    tiny = np.array([5e-324])
    assert ulps(tiny, -tiny).tolist() == [2]
    assert ulps(np.array([0.0]), np.array([-0.0])).tolist() == [0]
    one32 = np.array([1.0])
    next32 = np.array([float(np.nextafter(np.float32(1), np.float32(2)))])
    assert ulps(one32, next32, single=True).tolist() == [1]
    assert ulps(one32, next32).tolist() == [2**29]


# --- properties -----------------------------------------------------------------------------

rates = st.floats(1e-8, 1.0, allow_nan=False)
piecewise = st.builds(
    lambda bounds, values, convention: PiecewiseConstant(
        sorted(bounds), values[: len(bounds) + 1], convention=convention
    ),
    st.sets(st.integers(0, 60), max_size=5),
    st.lists(rates, min_size=6, max_size=6),
    st.sampled_from(["tf", "torch"]),
)
smooth = st.builds(
    lambda warmup, total: parse(
        f"get_cosine_schedule_with_warmup(optimizer, {warmup}, {total})", lr=1e-3
    ),
    st.integers(0, 20),
    st.integers(21, 90),
)
schedules = st.one_of(piecewise, smooth)


@settings(max_examples=60, deadline=None)
@given(schedules, st.integers(0, 50), st.integers(0, 80))
def test_a_schedule_does_not_differ_from_itself(s: Schedule, first: int, length: int) -> None:
    assert list(diff(s, s, first, first + length)) == []


@settings(max_examples=60, deadline=None)
@given(schedules, schedules, st.integers(0, 50), st.integers(0, 80))
def test_diff_is_symmetric_and_agrees_with_the_step_by_step_reference(
    a: Schedule, b: Schedule, first: int, length: int
) -> None:
    forward = list(diff(a, b, first, first + length))
    backward = list(diff(b, a, first, first + length))
    assert forward == reference(a, b, first, first + length)
    assert backward == [r._replace(a_first=r.b_first, b_first=r.a_first) for r in forward]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 10**15), min_size=1, max_size=6, unique=True),
    st.lists(rates, min_size=7, max_size=7),
    st.integers(0, 6),
    st.sampled_from(["tf", "keras", "torch", "optax"]),
    st.booleans(),
)
def test_a_one_ulp_change_is_found_at_exactly_its_steps(
    bounds: list[int], values: list[float], which: int, convention: str, up: bool
) -> None:
    bounds.sort()
    values = values[: len(bounds) + 1]
    which = min(which, len(values) - 1)
    changed = list(values)
    changed[which] = float(np.nextafter(values[which], np.inf if up else 0.0))
    a = PiecewiseConstant(bounds, values, convention=convention)
    b = PiecewiseConstant(bounds, changed, convention=convention)
    segment = a.all_segments[which]
    last = bounds[-1] + 10
    runs = list(diff(a, b, 0, last))
    if segment.empty:
        assert runs == []
        return
    assert runs == [
        Run(
            segment.first,
            min(segment.last, last),
            values[which],
            changed[which],
            abs(values[which] - changed[which]),
            1,
        )
    ]


def test_config_files_are_compared_to_the_runs_last_update(lrcli: Lrcli) -> None:
    from conftest import GOLDEN_DIR

    files = GOLDEN_DIR / "configs" / "files"
    linear, cosine = files / "hf-trainer-00-linear.json", files / "hf-trainer-01-cosine.json"
    assert lrcli("diff", str(linear), str(linear)).stdout == HEADER
    result = lrcli("diff", str(linear), str(cosine))
    assert result.exit_code == 1
    assert [line.split(",")[:2] for line in result.stdout.splitlines()[1:]] == [["1", "9999"]]
