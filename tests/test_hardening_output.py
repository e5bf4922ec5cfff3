"""Output that cannot be written: one line on stderr naming it and the OS error, exit 1.

Real processes: a full disk is /dev/full, a closed stdout is the shell's `>&-`.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import EXAMPLE

LRCLI = [sys.executable, "-m", "lrcli"]
ENV = {**os.environ, "PYTHONWARNINGS": "error"}
FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full here")

COMMANDS = [
    ["show", *EXAMPLE],
    ["show", *EXAMPLE, "--format", "table"],
    ["show", *EXAMPLE, "--summary", "--format", "json"],
    ["export", "--to", "torch", *EXAMPLE],
    ["plot", *EXAMPLE],
    ["--help"],
    ["show", "--help"],
    ["--version"],
]


def run(args: list[str], redirect: str) -> subprocess.CompletedProcess[str]:
    command = f"{shlex.join([*LRCLI, *args])} {redirect}"
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, timeout=60, env=ENV
    )


@needs_dev_full
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_disk_is_one_line_and_exit_1(args: list[str]) -> None:
    done = run(args, "> /dev/full")
    assert (done.returncode, done.stderr) == (
        1,
        "Error: cannot write stdout: No space left on device\n",
    )


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_closed_stdout_is_one_line_and_exit_1(args: list[str]) -> None:
    done = run(args, ">&-")
    assert (done.returncode, done.stderr) == (
        1,
        "Error: cannot write stdout: Bad file descriptor\n",
    )


@needs_dev_full
@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_an_image_that_fails_mid_write_is_one_line_and_exit_1(tmp_path: Path, suffix: str) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / f"full.{suffix}"
    path.symlink_to(FULL)
    done = subprocess.run(
        [*LRCLI, "plot", *EXAMPLE, "-o", str(path)], capture_output=True, text=True, env=ENV
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        f"Error: cannot write {str(path)!r}: No space left on device\n",
    )


def test_a_pipe_closed_early_still_ends_quietly() -> None:
    done = run(["show", *EXAMPLE, "--last", "10000000", "--format", "table"], "| head -n 1")
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "an empty path names no file"),
        (
            "no/such/dir/x.png",
            "cannot write 'no/such/dir/x.png': the directory 'no/such/dir' does not exist",
        ),
        (".", "'.' is a directory, not a file"),
    ],
)
def test_an_output_path_that_cannot_be_a_file_is_bad_input(
    lrcli: Callable[..., Result], path: str, message: str
) -> None:
    result = lrcli("plot", *EXAMPLE, "-o", path)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"Error: Invalid value for '--output' / '-o': {message}\n",
    )
