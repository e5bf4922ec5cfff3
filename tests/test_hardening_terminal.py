"""Terminals and encodings: ASCII where the stream cannot encode lrcli's glyphs, no styling
at all under NO_COLOR, and no control character the user typed reaches the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from click.testing import Result

from conftest import EXAMPLE

Lrcli = Callable[..., Result]
LRCLI = [sys.executable, "-m", "lrcli"]

ASCII_TABLE = """\
tf convention: a boundary step keeps the earlier rate - float64
  step  lr
     4  0.1
     5  0.1
------  0.1 -> 0.05 (x0.5)
     6  0.05
     :  : 99,993 more steps at 0.05
100000  0.05
"""

ASCII_SUMMARY = """\
tf convention: a boundary step keeps the earlier rate - float64
first_step  last_step  steps  lr    last_lr  shape
         0          5      6  0.1   0.1      constant
         6        ...    ...  0.05  0.05     constant
"""

ASCII_CHART = """\
tf convention: a boundary step keeps the earlier rate - float64 - linear scale
  lr |
 0.1 +-------------------------+
     |                         |
     |                         |
     |                         |
     |                         |
0.05 +                         |--------
     |
     |
     |
     |
     |
     |
     +-------------------------+--------
     0                         6       7
                                    step
"""


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [*LRCLI, *args],
        capture_output=True,
        env={**environment, **env},
        encoding="utf-8",
        errors="strict",  # any byte that is not ASCII fails the ascii checks below
        timeout=60,
    )


ENCODINGS = [
    {"PYTHONIOENCODING": "ascii"},
    {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
]
IDS = ["PYTHONIOENCODING=ascii", "LC_ALL=C"]
VALUES = ["--boundaries", "5", "--values", "0.1,0.05"]


@pytest.mark.parametrize("env", ENCODINGS, ids=IDS)
def test_the_table_falls_back_to_ascii(env: dict[str, str]) -> None:
    done = run(["show", *VALUES, "--first", "4", "--last", "100000", "--format", "table"], **env)
    assert (done.returncode, done.stdout, done.stderr) == (0, ASCII_TABLE, "")


@pytest.mark.parametrize("env", ENCODINGS, ids=IDS)
def test_the_summary_table_falls_back_to_ascii(env: dict[str, str]) -> None:
    done = run(["show", *VALUES, "--summary", "--format", "table"], **env)
    assert (done.returncode, done.stdout, done.stderr) == (0, ASCII_SUMMARY, "")


@pytest.mark.parametrize("env", ENCODINGS, ids=IDS)
def test_the_chart_falls_back_to_ascii(env: dict[str, str]) -> None:
    done = run(["plot", *VALUES, "--width", "40"], **env)
    assert (done.returncode, done.stdout, done.stderr) == (0, ASCII_CHART, "")


def test_a_title_the_encoding_cannot_hold_is_replaced_not_a_crash() -> None:
    done = run(["plot", *VALUES, "--width", "40", "--title", "η → 0"], PYTHONIOENCODING="ascii")
    assert (done.returncode, done.stdout.splitlines()[0], done.stderr) == (0, "? -> 0", "")


@pytest.mark.parametrize(
    "args",
    [
        ["show", *EXAMPLE, "--format", "table"],
        ["show", *EXAMPLE, "--format", "table", "--last", "1000"],
        ["show", *EXAMPLE, "--format", "table", "--summary"],
        ["plot", *EXAMPLE, "--title", "t"],
    ],
    ids=" ".join,
)
def test_no_color_on_a_terminal_means_no_bold_or_dim_either(lrcli: Lrcli, args: list[str]) -> None:
    # FORCE_COLOR makes rich treat the output as a terminal.
    coloured = lrcli(*args, env={"FORCE_COLOR": "1", "COLUMNS": "80"})
    assert coloured.exit_code == 0 and "\x1b[1m" in coloured.stdout
    plain = lrcli(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "80"})
    assert plain.exit_code == 0 and "\x1b" not in plain.stdout
    assert plain.stdout == lrcli(*args).stdout


def test_control_characters_in_a_title_never_reach_the_terminal(lrcli: Lrcli) -> None:
    result = lrcli("plot", *EXAMPLE, "--title", "\x1b]0;pwned\x07\x1b[2Jlr\tschedule\x9b")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "]0;pwned[2Jlr schedule"
