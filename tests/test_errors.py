"""Bad input: one line on stderr naming the option and the item, exit 2, nothing on stdout."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

Lrcli = Callable[..., Result]
B = ["--boundaries", "5,10"]
V = ["--values", "0.1,0.01,0.001"]

CASES = [
    (
        [*B, "--values", "0.1,0.01"],
        "Invalid value for '--values': 2 values for 2 boundaries; give exactly 3, "
        "one more than the boundaries",
    ),
    (
        ["--boundaries", "10,5", *V],
        "Invalid value for '--boundaries': 5 comes after 10; list them in increasing order",
    ),
    (
        ["--boundaries", "5,5", *V],
        "Invalid value for '--boundaries': 5 is repeated; each boundary starts a new segment "
        "once (TensorFlow and Keras would silently drop a value)",
    ),
    (
        ["--boundaries", "5,oops", *V],
        "Invalid value for '--boundaries': 'oops' is not a whole number",
    ),
    (
        ["--boundaries", "5,7.5", *V],
        "Invalid value for '--boundaries': '7.5' is not a whole number",
    ),
    (["--boundaries", "5,,10", *V], "Invalid value for '--boundaries': item 2 of '5,,10' is empty"),
    (
        [*B, "--values", "0.1,,0.001"],
        "Invalid value for '--values': item 2 of '0.1,,0.001' is empty",
    ),
    ([*B, "--values", "0.1,abc,0.001"], "Invalid value for '--values': 'abc' is not a number"),
    (
        [*B, "--values", "0.1,nan,0.001"],
        "Invalid value for '--values': 'nan' is not a finite number",
    ),
    (
        [*B, "--values", "0.1,-inf,0.001"],
        "Invalid value for '--values': '-inf' is not a finite number",
    ),
    (
        [*B, "--values", "0.1,1e999,0.001"],
        "Invalid value for '--values': '1e999' is too large: it overflows a float64",
    ),
    (
        ["--boundaries", "-5,10", *V],
        "Invalid value for '--boundaries': '-5' is negative; steps start at 0",
    ),
    ([*B, *V, "--first", "-1"], "Invalid value for '--first': '-1' is negative; steps start at 0"),
    (
        [*B, *V, "--last", "9223372036854775808"],
        "Invalid value for '--last': '9223372036854775808' is past the largest step "
        "9223372036854775807 (int64)",
    ),
    (
        ["--boundaries", "1e999999999", "--values", "1,2"],
        "Invalid value for '--boundaries': '1e999999999' is past the largest step "
        "9223372036854775807 (int64)",
    ),
    ([*B, *V, "--first", "9", "--last", "3"], "Invalid value for '--last': 3 is before --first 9"),
    ([*B, *V, "--every", "0"], "Invalid value for '--every': 0 is below 1"),
    ([*B, *V, "--at", "5,-1"], "Invalid value for '--at': '-1' is negative; steps start at 0"),
    (
        [*B, *V, "--format", "xml"],
        "Invalid value for '--format': 'xml' is not one of "
        "'auto', 'table', 'csv', 'json', 'jsonl'.",
    ),
    (
        [*B, *V, "--summary", "--at", "5"],
        "--summary covers a range of steps; it does not go with --at",
    ),
    (
        B,
        "give the schedule: a pasted call such as "
        "'get_cosine_schedule_with_warmup(optimizer, 500, 10_000)', or --values (with "
        "--boundaries), or --init-value and --scales, or --lr, --milestones and --gamma",
    ),
    (
        [*B, *V, "--init-value", "0.1"],
        "--values and --init-value/--scales are two ways to give the rates; use one",
    ),
    (
        [*V, "--base-lr", "0.1", "--milestones", "5", "--gamma", "0.1"],
        "--values and --lr/--milestones/--gamma are two ways to give the rates; use one",
    ),
    ([*B, "--init-value", "0.1"], "--init-value also needs --scales"),
    (["--base-lr", "0.1", "--milestones", "5"], "--lr/--milestones also needs --gamma"),
    (
        ["--base-lr", "0.1", "--milestones", "5", "--gamma", "0.1", *B],
        "--boundaries does not go with --milestones, which take its place",
    ),
    (
        [*B, "--init-value", "0.1", "--scales", "0.5"],
        "Invalid value for '--scales': 1 scale for 2 boundaries; give exactly one scale per "
        "boundary",
    ),
    (
        [*B, "--init-value", "0.1", "--scales", "0.5,-1"],
        "Invalid value for '--scales': -1.0 is negative; optax refuses negative scales",
    ),
    (
        ["--base-lr", "0.1", "--milestones", "5,3", "--gamma", "0.1"],
        "Invalid value for '--milestones': 3 comes after 5; list them in increasing order",
    ),
    (
        [*B, "--values", "1e38,0.1,0.1", "--dtype", "float32", "--init-value", "x"],
        "Invalid value for '--init-value': 'x' is not a number",
    ),
    (
        [*B, "--values", "3.5e38,0.1,0.1", "--dtype", "float32"],
        "Invalid value for '--values': 3.5e+38 overflows float32",
    ),
    (
        [*B, *V, "--convention", "jax"],
        "Invalid value for '--convention': 'jax' is not one of 'tf', 'keras', 'torch', 'optax'.",
    ),
]


@pytest.mark.parametrize(("args", "message"), CASES, ids=[c[1][:60] for c in CASES])
def test_bad_input_is_one_line_and_exit_2(lrcli: Lrcli, args: list[str], message: str) -> None:
    result = lrcli("show", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")


def test_unknown_option_is_one_line(lrcli: Lrcli) -> None:
    result = lrcli("show", *B, *V, "--lats", "3")
    assert result.exit_code == 2 and result.stdout == ""
    # click words the suggestion; lrcli keeps it to one line.
    assert result.stderr.startswith("Error: No such option '--lats'.")
    assert result.stderr.count("\n") == 1 and "'--last'" in result.stderr
