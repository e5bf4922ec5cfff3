"""Legal schedules that are almost certainly a mistake: a warning on stderr, stdout unchanged."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

from conftest import EXAMPLE

Lrcli = Callable[..., Result]


def warned(result: Result) -> list[str]:
    assert result.exit_code == 0
    return result.stderr.splitlines()


def test_a_sound_schedule_gets_no_warning(lrcli: Lrcli) -> None:
    assert warned(lrcli("show", *EXAMPLE, "--last", "100")) == []


def test_boundaries_past_last(lrcli: Lrcli) -> None:
    assert warned(lrcli("show", *EXAMPLE, "--last", "7")) == [
        "Warning: boundaries 10, 15 are past --last 7: the rates after them are not shown"
    ]


def test_a_rate_no_step_shown_reaches(lrcli: Lrcli) -> None:
    # Steps 0, 11, 22: none of 6-10.
    assert warned(lrcli("show", *EXAMPLE, "--every", "11", "--last", "22")) == [
        "Warning: the rate 0.05 (steps 6-10) is reached by no step shown"
    ]


def test_a_rate_no_step_can_reach(lrcli: Lrcli) -> None:
    result = lrcli("show", "--boundaries", "0,5", "--values", "1,0.1,0.01", "--convention", "torch")
    assert warned(result) == [
        "Warning: no step can reach the rate 1.0: under the torch convention a boundary at 0 "
        "starts the next rate at once"
    ]


def test_a_rise_where_the_rest_fall(lrcli: Lrcli) -> None:
    result = lrcli("show", "--boundaries", "5,10,15", "--values", "0.1,0.05,0.5,0.001")
    assert warned(result) == [
        "Warning: the rate goes up at step 11 (0.05 → 0.5) where every other change goes down"
    ]


def test_a_warmup_that_only_rises_is_not_flagged(lrcli: Lrcli) -> None:
    assert warned(lrcli("show", "--boundaries", "5", "--values", "0.01,0.1")) == []


@pytest.mark.parametrize(
    ("values", "warning"),
    [
        ("0.1,0", "Warning: the rate 0.0 (steps 6 on) is zero: nothing is learned"),
        ("0.1,-0.1", "Warning: the rate -0.1 (steps 6 on) is negative: it climbs"),
    ],
)
def test_zero_or_negative_rate(lrcli: Lrcli, values: str, warning: str) -> None:
    assert warned(lrcli("show", "--boundaries", "5", "--values", values)) == [warning]


def test_warnings_never_change_stdout(lrcli: Lrcli) -> None:
    args = ["--boundaries", "5", "--values", "0.1,0", "--format", "csv"]
    assert (
        lrcli("show", *args).stdout
        == "step,lr\n" + "0,0.1\n" * 0 + "".join(f"{s},0.1\n" for s in range(6)) + "6,0.0\n"
    )
