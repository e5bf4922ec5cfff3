"""`lrcli show`: each output format exactly, the step options, and the table for a person."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

from conftest import EXAMPLE

Lrcli = Callable[..., Result]

EXAMPLE_CSV = (
    "step,lr\n"
    + "".join(f"{s},0.1\n" for s in range(6))
    + "".join(f"{s},0.05\n" for s in range(6, 11))
    + "".join(f"{s},0.01\n" for s in range(11, 16))
    + "16,0.001\n"
)


def ok(result: Result) -> str:
    """stdout of a run that succeeded (warnings on stderr are tested in test_warnings)."""
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_piped_output_is_csv_covering_every_segment(lrcli: Lrcli) -> None:
    result = lrcli("show", *EXAMPLE)
    assert (result.exit_code, result.stdout, result.stderr) == (0, EXAMPLE_CSV, "")


def test_explicit_csv_is_the_same(lrcli: Lrcli) -> None:
    assert ok(lrcli("show", *EXAMPLE, "--format", "csv")) == EXAMPLE_CSV


def test_json_is_one_array_of_objects(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--first", "4", "--last", "6", "--format", "json"))
    assert out == (
        '[\n  {"step": 4, "lr": 0.1},\n  {"step": 5, "lr": 0.1},\n  {"step": 6, "lr": 0.05}\n]\n'
    )
    assert json.loads(out) == [
        {"step": 4, "lr": 0.1},
        {"step": 5, "lr": 0.1},
        {"step": 6, "lr": 0.05},
    ]


def test_json_of_one_step(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--at", "7", "--format", "json"))
    assert out == '[\n  {"step": 7, "lr": 0.05}\n]\n'


def test_json_across_chunks_is_valid(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--last", "100000", "--format", "json"))
    rows = json.loads(out)
    assert len(rows) == 100_001 and rows[-1] == {"step": 100_000, "lr": 0.001}


def test_jsonl_is_one_object_per_line(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--at", "5,6,1000000", "--format", "jsonl"))
    assert out == (
        '{"step": 5, "lr": 0.1}\n{"step": 6, "lr": 0.05}\n{"step": 1000000, "lr": 0.001}\n'
    )


def test_rates_are_the_shortest_text_that_round_trips(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", "--boundaries", "1,2", "--values", "0.1,1e-5,3e22", "--format", "csv"))
    assert out == "step,lr\n0,0.1\n1,0.1\n2,1e-05\n3,3e+22\n"


def test_first_and_last_are_inclusive(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--first", "5", "--last", "6"))
    assert out == "step,lr\n5,0.1\n6,0.05\n"


def test_every_counts_from_first(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--first", "1", "--last", "20", "--every", "7"))
    assert out == "step,lr\n1,0.1\n8,0.05\n15,0.01\n"


def test_at_keeps_the_order_given(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--at", " 16, 0 ,5,5"))
    assert out == "step,lr\n16,0.001\n0,0.1\n5,0.1\n5,0.1\n"


def test_first_alone_past_the_boundaries_shows_that_step(lrcli: Lrcli) -> None:
    assert ok(lrcli("show", *EXAMPLE, "--first", "1000")) == "step,lr\n1000,0.001\n"


def test_steps_may_be_written_in_exact_scientific_notation(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", "--boundaries", "1e3", "--values", "1,2", "--at", "1_000,1001"))
    assert out == "step,lr\n1000,1.0\n1001,2.0\n"


def test_a_constant_schedule_needs_no_boundaries(lrcli: Lrcli) -> None:
    assert ok(lrcli("show", "--values", "0.1")) == "step,lr\n0,0.1\n"


def test_largest_step(lrcli: Lrcli) -> None:
    out = ok(
        lrcli(
            "show", *EXAMPLE, "--first", "9223372036854775806", "--last", "9.223372036854775807e18"
        )
    )
    assert out == "step,lr\n9223372036854775806,0.001\n9223372036854775807,0.001\n"


SUMMARY = {
    "csv": (
        "first_step,last_step,lr,last_lr,shape\n0,5,0.1,0.1,constant\n6,10,0.05,0.05,constant\n"
        "11,15,0.01,0.01,constant\n16,,0.001,0.001,constant\n"
    ),
    "json": (
        "[\n"
        '  {"first_step": 0, "last_step": 5, "lr": 0.1, "last_lr": 0.1, "shape": "constant"},\n'
        '  {"first_step": 6, "last_step": 10, "lr": 0.05, "last_lr": 0.05, "shape": "constant"},\n'
        '  {"first_step": 11, "last_step": 15, "lr": 0.01, "last_lr": 0.01, "shape": "constant"},\n'
        '  {"first_step": 16, "last_step": null, "lr": 0.001, "last_lr": 0.001, '
        '"shape": "constant"}\n'
        "]\n"
    ),
    "jsonl": (
        '{"first_step": 0, "last_step": 5, "lr": 0.1, "last_lr": 0.1, "shape": "constant"}\n'
        '{"first_step": 6, "last_step": 10, "lr": 0.05, "last_lr": 0.05, "shape": "constant"}\n'
        '{"first_step": 11, "last_step": 15, "lr": 0.01, "last_lr": 0.01, "shape": "constant"}\n'
        '{"first_step": 16, "last_step": null, "lr": 0.001, "last_lr": 0.001, '
        '"shape": "constant"}\n'
    ),
}


@pytest.mark.parametrize("fmt", SUMMARY)
def test_summary_has_one_row_per_segment_with_an_open_end(lrcli: Lrcli, fmt: str) -> None:
    assert ok(lrcli("show", *EXAMPLE, "--summary", "--format", fmt)) == SUMMARY[fmt]


def test_summary_is_clipped_to_the_range_and_closed_by_last(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--summary", "--first", "3", "--last", "1000000000000"))
    assert out == (
        "first_step,last_step,lr,last_lr,shape\n3,5,0.1,0.1,constant\n6,10,0.05,0.05,constant\n"
        "11,15,0.01,0.01,constant\n16,1000000000000,0.001,0.001,constant\n"
    )


def test_summary_with_every_gives_the_steps_shown(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--summary", "--every", "4", "--last", "20"))
    assert out == (
        "first_step,last_step,lr,last_lr,shape\n0,4,0.1,0.1,constant\n8,8,0.05,0.05,constant\n"
        "12,12,0.01,0.01,constant\n16,20,0.001,0.001,constant\n"
    )


TABLE = """\
tf convention: a boundary step keeps the earlier rate · float64
step  lr
   4  0.1
   5  0.1
────  0.1 → 0.05 (×0.5)
   6  0.05
   7  0.05
"""


def test_table_marks_each_change_and_says_the_convention(lrcli: Lrcli) -> None:
    assert ok(lrcli("show", *EXAMPLE, "--first", "4", "--last", "7", "--format", "table")) == TABLE


def test_long_table_collapses_runs_keeping_first_and_last_step(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--last", "1000000", "--format", "table"))
    assert out.splitlines()[1:] == [
        "   step  lr",
        "      0  0.1",
        "      ⋮  ⋮ 4 more steps at 0.1",
        "      5  0.1",
        "───────  0.1 → 0.05 (×0.5)",
        "      6  0.05",
        "      ⋮  ⋮ 3 more steps at 0.05",
        "     10  0.05",
        "───────  0.05 → 0.01 (×0.2)",
        "     11  0.01",
        "      ⋮  ⋮ 3 more steps at 0.01",
        "     15  0.01",
        "───────  0.01 → 0.001 (×0.1)",
        "     16  0.001",
        "      ⋮  ⋮ 999,983 more steps at 0.001",
        "1000000  0.001",
    ]


def test_all_rows_shows_every_row(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--last", "1000", "--format", "table", "--all-rows"))
    assert len(out.splitlines()) == 2 + 1001 + 3


def test_short_table_is_never_collapsed(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--last", "199", "--format", "table"))
    assert "more steps" not in out and len(out.splitlines()) == 2 + 200 + 3


def test_summary_table(lrcli: Lrcli) -> None:
    out = ok(lrcli("show", *EXAMPLE, "--summary", "--format", "table"))
    assert out.splitlines()[1:] == [
        "first_step  last_step  steps  lr     last_lr  shape",
        "         0          5      6  0.1    0.1      constant",
        "         6         10      5  0.05   0.05     constant",
        "        11         15      5  0.01   0.01     constant",
        "        16          …      …  0.001  0.001    constant",
    ]


def test_version_and_short_help(lrcli: Lrcli) -> None:
    assert ok(lrcli("--version")) == "lrcli, version 0.1.0\n"
    assert ok(lrcli("show", "-h")).startswith("Usage: lrcli show [OPTIONS]")
