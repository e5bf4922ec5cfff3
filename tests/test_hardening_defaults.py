"""Defaults never overflow the int64 steps, and a huge default range written to a file or a
pipe gets one note on stderr saying how many rows are coming."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

from lrcli import MAX_STEP

Lrcli = Callable[..., Result]


def test_the_plot_default_range_clamps_to_the_largest_step(lrcli: Lrcli) -> None:
    result = lrcli("plot", "--boundaries", "7400000000000000000", "--values", "0.1,0.2")
    assert (result.exit_code, result.stderr) == (0, "")
    assert "7400000000000000001" in result.stdout


def test_the_plot_default_range_past_a_boundary_at_the_largest_step(lrcli: Lrcli) -> None:
    result = lrcli("plot", "--boundaries", str(MAX_STEP - 1), "--values", "0.1,0.2")
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_default_range_of_more_than_1e8_rows_to_a_pipe_says_how_many(lrcli: Lrcli) -> None:
    args = ["--boundaries", "9223372036854775806", "--values", "1,2", "--format", "csv"]
    # The in-process runner's stdout is no terminal; stop the stream after the first chunk.
    result = lrcli("show", *args, "--first", str(MAX_STEP - 10))
    assert result.stderr == ""  # --first shortens it: 11 rows
    from lrcli import cli as cli_module

    rows: list[str] = []

    def stop(out: object, chunks: object) -> None:
        rows.append("called")

    cli_module.formats.ROW_WRITERS["csv"], saved = stop, cli_module.formats.ROW_WRITERS["csv"]
    try:
        result = lrcli("show", *args)
    finally:
        cli_module.formats.ROW_WRITERS["csv"] = saved
    assert (result.exit_code, result.stderr, rows) == (
        0,
        "Warning: writing 9,223,372,036,854,775,808 rows, since no --last was given\n",
        ["called"],
    )


@pytest.mark.parametrize(
    "extra",
    [
        ["--last", "9223372036854775806"],  # asked for: the user knows
        ["--summary"],  # one row per segment
        ["--format", "table"],  # collapsed for a person
    ],
)
def test_no_note_when_the_rows_are_few_or_asked_for(lrcli: Lrcli, extra: list[str]) -> None:
    args = ["--boundaries", "9223372036854775806", "--values", "1,2", "--at", "1"]
    result = lrcli("show", *args[:4], *extra, "--first", str(MAX_STEP - 3))
    assert (result.exit_code, result.stderr) == (0, "")


def test_no_note_at_1e8_rows(lrcli: Lrcli) -> None:
    from lrcli import checks

    assert list(checks.long_output(10**8, last_given=False)) == []
    assert list(checks.long_output(10**8 + 1, last_given=True)) == []
    assert list(checks.long_output(10**8 + 1, last_given=False)) == [
        "writing 100,000,001 rows, since no --last was given"
    ]
