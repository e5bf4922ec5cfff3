"""Sizes have sane limits with clear errors; a narrow terminal gets a chart that fits or one
line saying it does not fit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

from conftest import EXAMPLE

Lrcli = Callable[..., Result]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--width", "100000000"],
            "Invalid value for '--width': '100000000' is not in the range 20 to 1000",
        ),
        (
            ["--height", "200000"],
            "Invalid value for '--height': '200000' is not in the range 3 to 250",
        ),
        (
            ["-o", "x.png", "--size", "100x100", "--dpi", "2400"],
            "Invalid value for '--size' / "
            "'--dpi': 100x100 inches at 2400 dpi is 240,000x240,000 pixels; a PNG may have at most "
            "40,000,000",
        ),
        (
            ["-o", "x.png", "--size", "1e-300x1e-300"],
            "Invalid value for '--size': '1e-300x1e-300' is not between 1 and 100 inches each way",
        ),
        (
            ["-o", "x.png", "--size", "0.01x0.01"],
            "Invalid value for '--size': '0.01x0.01' is not between 1 and 100 inches each way",
        ),
    ],
)
def test_sizes_past_the_limits_are_bad_input(lrcli: Lrcli, args: list[str], message: str) -> None:
    schedule = [] if "--values" in args else EXAMPLE
    result = lrcli("plot", *schedule, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")


def test_a_width_too_narrow_for_the_labels_says_how_wide(lrcli: Lrcli) -> None:
    result = lrcli("plot", "--width", "20", "--boundaries", "5", "--values", "-1.2345e-300,1")
    assert (result.exit_code, result.stdout, result.stderr.splitlines()[-1]) == (
        2,
        "",
        "Error: Invalid value for '--width': 20 is too narrow for these rates: give 21 or more",
    )


def test_a_huge_terminal_gets_a_chart_1000_wide_at_most(lrcli: Lrcli) -> None:
    result = lrcli("plot", *EXAMPLE, env={"COLUMNS": "100000000"})
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()[1:]) == 1000


@pytest.mark.parametrize("columns", ["0", "5", "6", "14"])
def test_a_terminal_too_narrow_says_so_in_one_line(lrcli: Lrcli, columns: str) -> None:
    result = lrcli("plot", *EXAMPLE, env={"COLUMNS": columns})
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: the terminal is {columns} columns wide and the chart needs 15: widen it, "
        "or give --width, or --output for an image\n",
    )


@pytest.mark.parametrize("columns", ["15", "21", "30"])
def test_a_narrow_terminal_that_fits_gets_a_chart_that_fits(lrcli: Lrcli, columns: str) -> None:
    result = lrcli("plot", *EXAMPLE, env={"COLUMNS": columns})
    assert (result.exit_code, result.stderr) == (0, "")
    chart = result.stdout.splitlines()[1:]  # the caption is one line that the terminal wraps
    assert max(len(line) for line in chart) <= int(columns)
