"""lrcli as a real process: `python -m lrcli`, a pipe into `head`, and Ctrl-C."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys

from conftest import EXAMPLE

LRCLI = [sys.executable, "-m", "lrcli"]
ENV = {**os.environ, "PYTHONWARNINGS": "error"}


def test_python_m_lrcli_prints_csv_when_piped() -> None:
    done = subprocess.run(
        [*LRCLI, "show", *EXAMPLE, "--at", "5,6"], capture_output=True, text=True, env=ENV
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "step,lr\n5,0.1\n6,0.05\n", "")


def test_bad_input_from_a_real_process_has_no_traceback() -> None:
    done = subprocess.run(
        [*LRCLI, "show", "--boundaries", "10,5", "--values", "1,2,3"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "Error: Invalid value for '--boundaries': 5 comes after 10; list them in increasing order\n"
    )


def test_pipe_into_head_ends_at_once_and_quietly() -> None:
    command = shlex.join([*LRCLI, "show", *EXAMPLE, "--last", "100000000000", "--format", "csv"])
    done = subprocess.run(
        ["sh", "-c", f"{command} | head -n 2"], capture_output=True, text=True, timeout=60, env=ENV
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "step,lr\n0,0.1\n", "")


def test_ctrl_c_ends_quietly() -> None:
    process = subprocess.Popen(
        [*LRCLI, "show", *EXAMPLE, "--last", "100000000000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert process.stdout is not None and process.stdout.readline() == b"step,lr\n"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip() == b""


def test_csv_and_json_never_load_rich() -> None:
    code = (
        "import sys\n"
        "from lrcli.cli import cli\n"
        "for fmt in ('csv', 'json', 'jsonl'):\n"
        "    cli(['show', '--values', '0.1', '--format', fmt], standalone_mode=False)\n"
        "print('rich' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False"
