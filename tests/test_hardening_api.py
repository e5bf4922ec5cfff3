"""The Python API: every bad argument is a ScheduleError (a ValueError) naming the field,
raised at construction; the summary table counts the steps it shows; --all-rows streams."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result

from conftest import EXAMPLE
from lrcli import PiecewiseConstant, ScheduleError, StepList, StepRange

Lrcli = Callable[..., Result]

BAD: list[tuple[Callable[[], Any], str, str]] = [
    (
        lambda: PiecewiseConstant([5], [10**400, 0.2]),
        "values",
        "100000000000000000000000000000…000000000 is too large: it overflows a float64",
    ),
    (lambda: StepRange(0, 10, 2.5), "every", "2.5 is not a whole number"),
    (lambda: StepRange(0, 10, True), "every", "True is not a whole number"),
    (lambda: PiecewiseConstant(5, [1]), "boundaries", "give a list, not 5"),
    (lambda: PiecewiseConstant([5], "ab"), "values", "give a list, not the text 'ab'"),
    (lambda: PiecewiseConstant.from_scales(1, [5], None), "scales", "give a list, not None"),
    (lambda: StepList(None), "at", "give a list, not None"),
    (lambda: PiecewiseConstant([1.5], [1, 2]), "boundaries", "1.5 is not a whole number"),
]


@pytest.mark.parametrize(("build", "field", "message"), BAD, ids=[b[2][:30] for b in BAD])
def test_bad_arguments_are_schedule_errors_naming_the_field(
    build: Callable[[], Any], field: str, message: str
) -> None:
    with pytest.raises(ScheduleError) as info:
        build()
    assert (info.value.field, str(info.value)) == (field, message)


def test_no_steps_give_no_rates() -> None:
    assert PiecewiseConstant([], [0.1])([]).tolist() == []


def test_summary_table_with_every_counts_the_steps_shown(lrcli: Lrcli) -> None:
    result = lrcli(
        "show", *EXAMPLE, "--summary", "--every", "4", "--last", "20", "--format", "table"
    )
    assert result.stdout.splitlines()[1:] == [
        "first_step  last_step  steps  lr     last_lr  shape",
        "         0          4      2  0.1    0.1      constant",
        "         8          8      1  0.05   0.05     constant",
        "        12         12      1  0.01   0.01     constant",
        "        16         20      2  0.001  0.001    constant",
    ]


def test_all_rows_of_a_million_steps_is_quick_and_complete(lrcli: Lrcli) -> None:
    start = time.perf_counter()
    result = lrcli("show", *EXAMPLE, "--last", "1000000", "--format", "table", "--all-rows")
    elapsed = time.perf_counter() - start
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == 2 + 1_000_001 + 3
    assert lines[-1] == "1000000  0.001" and lines[2] == "      0  0.1"
    assert elapsed < 10  # was 36 s building a rich Text per row


def test_all_rows_coloured_styles_each_row_as_rich_would(lrcli: Lrcli) -> None:
    result = lrcli("show", *EXAMPLE, "--at", "5", "--format", "table", env={"FORCE_COLOR": "1"})
    assert result.stdout.splitlines()[2] == "\x1b[1m   5\x1b[0m  \x1b[36m0.1\x1b[0m"
