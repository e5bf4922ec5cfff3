"""What every benchmark here measures with: best-of-R wall times and peak memory of a command.

Each figure is the best of R runs, the one least disturbed by other load on a shared machine;
benchmarks print ratios against baselines measured in the same run, never absolute targets.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def best(command: list[str], repeat: int, ok: tuple[int, ...] = (0,)) -> float:
    """Best wall time of `command`, its output thrown away; it must exit with a status in `ok`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        if done.returncode not in ok:
            sys.exit(f"{command} failed with {done.returncode}")
    return min(times)


def best_pair(a: list[str], b: list[str], repeat: int) -> tuple[float, float]:
    """Best wall times of `a` and `b` run turn about, so that a change of load on the machine
    weighs on both alike (start-up ratios are a few milliseconds apart)."""
    times_a, times_b = [], []
    for _ in range(repeat):
        times_a.append(best(a, 1))
        times_b.append(best(b, 1))
    return min(times_a), min(times_b)


def best_call(function: Callable[[], object], repeat: int) -> float:
    """Best wall time of calling `function` in this process."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_rss_mib(command: list[str]) -> float:
    """Peak resident memory of `command` alone, in MiB, read by a wrapper process of its own."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command], capture_output=True, text=True, check=True
    )
    return int(done.stdout) / 1024  # Linux reports KiB


def lrcli_command() -> list[str]:
    """How a user starts lrcli: the installed console script, else `python -m lrcli`."""
    script = Path(sys.executable).parent / "lrcli"
    return [str(script)] if script.exists() else [sys.executable, "-m", "lrcli"]


def gnu_seq() -> str:
    """GNU seq, the baseline for writing rows."""
    found = shutil.which("seq")
    if found is None:
        sys.exit("GNU seq is needed as the baseline")
    return found
