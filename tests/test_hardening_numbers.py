"""One grammar for numbers, Python's literals, on every option; errors quote at most ~40
characters; a nonzero rate that underflows to 0 is an error like one that overflows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

from lrcli.numbers import NumberError, OutOfRange, parse_float, parse_int, quote

Lrcli = Callable[..., Result]

BAD_SYNTAX = ["_1__0_", "_10", "10_", "1__0", "1_.5", "1._5", "1e_5", "１０", "١٠", "0x10", "1 0"]


@pytest.mark.parametrize("text", BAD_SYNTAX)
def test_steps_and_rates_refuse_the_same_non_literals(lrcli: Lrcli, text: str) -> None:
    steps = lrcli("show", "--boundaries", text, "--values", "1,2")
    assert (steps.exit_code, steps.stdout, steps.stderr) == (
        2,
        "",
        f"Error: Invalid value for '--boundaries': {text!r} is not a whole number\n",
    )
    rates = lrcli("show", "--values", text)
    assert (rates.exit_code, rates.stdout, rates.stderr) == (
        2,
        "",
        f"Error: Invalid value for '--values': {text!r} is not a number\n",
    )


@pytest.mark.parametrize("option", ["--width", "--height", "--dpi"])
def test_other_whole_number_options_share_the_grammar(lrcli: Lrcli, option: str) -> None:
    result = lrcli("plot", "--values", "1", option, "１０")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: Invalid value for '{option}': '１０' is not a whole number\n",
    )


def test_the_size_shares_the_grammar(lrcli: Lrcli) -> None:
    result = lrcli("plot", "--values", "1", "-o", "x.png", "--size", "_8x4")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: Invalid value for '--size': '_8x4' is not WIDTHxHEIGHT in inches, such as 8x4.5\n",
    )


@pytest.mark.parametrize(
    ("text", "steps", "rate"),
    [("10_000", 10_000, 10_000.0), ("1e6", 1_000_000, 1e6), ("+5", 5, 5.0), ("2.0", 2, 2.0)],
)
def test_the_literals_python_accepts_work_everywhere(
    lrcli: Lrcli, text: str, steps: int, rate: float
) -> None:
    result = lrcli("show", "--boundaries", text, "--values", f"{text},1", "--at", text)
    assert (result.exit_code, result.stdout) == (0, f"step,lr\n{steps},{rate!r}\n")


def test_a_nonzero_rate_that_underflows_to_zero_is_an_error(lrcli: Lrcli) -> None:
    result = lrcli("show", "--values", "1e-400")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: Invalid value for '--values': '1e-400' is too small: it underflows to 0 in a "
        "float64\n",
    )
    assert lrcli("show", "--values", "0e-400", "--at", "0").stdout == "step,lr\n0,0.0\n"
    assert lrcli("show", "--values", "5e-324", "--at", "0").stdout == "step,lr\n0,5e-324\n"


def test_a_huge_item_is_quoted_elided(lrcli: Lrcli) -> None:
    digits = "1" * 100_000
    for option in ("--values", "--init-value"):
        result = lrcli("show", option, "x" + digits)
        shown = "'x" + "1" * 29 + "…" + "1" * 9 + "'"
        assert (result.exit_code, result.stderr) == (
            2,
            f"Error: Invalid value for '{option}': {shown} is not a number\n",
        )
    result = lrcli("show", "--boundaries", digits, "--values", "1,2")
    assert result.stderr == (
        f"Error: Invalid value for '--boundaries': '{'1' * 30}…{'1' * 9}' is past the largest "
        "step 9223372036854775807 (int64)\n"
    )


def test_an_empty_list_item_is_quoted_elided(lrcli: Lrcli) -> None:
    text = "0.1," * 30 + ",0.1"
    result = lrcli("show", "--values", text)
    assert result.stderr == (
        f"Error: Invalid value for '--values': item 31 of {quote(text)} is empty\n"
    )
    assert len(quote(text)) == 42


def test_the_core_parsers_raise_value_errors_with_the_message() -> None:
    assert parse_int(" 1_000 ") == 1000 and parse_int("1e3") == 1000
    assert parse_float("-.5e-1_0") == -0.5e-10
    with pytest.raises(NumberError, match=r"^'1\.5' is not a whole number$"):
        parse_int("1.5")
    with pytest.raises(OutOfRange) as info:
        parse_int("-1e99999999999", largest=10)
    assert info.value.sign == -1
    with pytest.raises(NumberError, match=r"^'-inf' is not a finite number$"):
        parse_float("-inf")
    with pytest.raises(NumberError, match=r"^'1e309' is too large: it overflows a float64$"):
        parse_float("1e309")
    with pytest.raises(NumberError, match=r"^an empty item is not a number$"):
        parse_float("  ")
    assert issubclass(NumberError, ValueError)
