"""Ctrl-C at any moment, also while lrcli is still starting: exit 130 and no traceback."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import EXAMPLE

LRCLI = [sys.executable, "-m", "lrcli"]


# From 30 ms: before that the signal can land in Python's own start-up (runpy finding the
# package), before the first line of lrcli runs; nothing in lrcli can catch it there.
@pytest.mark.parametrize("delay", [0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.14, 0.17, 0.2])
def test_ctrl_c_while_starting_up_ends_quietly_with_130(delay: float) -> None:
    process = subprocess.Popen(
        [*LRCLI, "show", *EXAMPLE, "--format", "table"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("lrcli finished before the signal came")
    if b"Traceback" in err and not re.search(rb'File "[^"]*[/\\\\]lrcli[/\\\\]', err):
        # Python's own start-up: runpy finding the package, or site running a .pth file
        # ("Fatal Python error: init_import_site", exit 1), before lrcli's first line.
        pytest.skip("the signal came during Python's own start-up, before lrcli's first line")
    # -SIGINT: the signal came before Python itself was running, and ended it as it should.
    assert process.returncode in (130, -signal.SIGINT), err
    assert err in (b"", b"\n")


def test_the_console_script_enters_through_the_light_module() -> None:
    code = "import sys, lrcli.entry; print(sorted({'numpy', 'click', 'rich'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "[]\n")
