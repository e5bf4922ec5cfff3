"""Every golden record of PyTorch and transformers schedules, bit for bit, in float64.

Each record is a call as written in a training script, the optimizer's lr as typed, and what
`optimizer.param_groups[0]["lr"]` was after k scheduler steps (tests/golden/README.md).
Run through the CLI's `--at` exactly as a user would, and through the Python API.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from click.testing import Result

import lrcli
from conftest import GOLDEN_DIR

RECORDS = [
    json.loads(line) for line in (GOLDEN_DIR / "families-torch-hf.jsonl").read_text().splitlines()
]


def label(record: dict[str, Any]) -> str:
    return f"{record['api'].rsplit('.', 1)[-1]}:{record['call'][-60:]}"


def test_the_file_holds_every_api() -> None:
    assert len(RECORDS) == 220
    assert len({r["api"] for r in RECORDS}) == 22


@pytest.mark.parametrize("record", RECORDS, ids=label)
def test_cli_gives_the_framework_rate_at_every_step(
    lrcli: Callable[..., Result], record: dict[str, Any]
) -> None:
    at = ",".join(map(str, record["steps"]))
    result = lrcli("show", record["call"], "--lr", record["base_lr"], "--at", at, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "step,lr"
    rows = [line.split(",") for line in lines[1:]]
    assert [int(step) for step, _ in rows] == record["steps"]
    # The text is the shortest that round-trips, so equal text is the same float64.
    assert [float(rate) for _, rate in rows] == record["lr"]
    assert [rate for _, rate in rows] == [repr(r) for r in record["lr"]]


@pytest.mark.parametrize("record", RECORDS, ids=label)
def test_python_api_gives_the_framework_rate(record: dict[str, Any]) -> None:
    schedule = lrcli.parse(record["call"], lr=float(record["base_lr"]))
    assert schedule(np.array(record["steps"])).tolist() == record["lr"]


@pytest.mark.parametrize("record", RECORDS[::3], ids=label)
def test_streaming_a_range_gives_the_same_rates(record: dict[str, Any]) -> None:
    """A range evaluated in small pieces, in order and out of order, walks the same recursion."""
    schedule = lrcli.parse(record["call"], lr=float(record["base_lr"]))
    last = max(record["steps"])
    whole = schedule(np.arange(last + 1))
    pieces = np.concatenate(
        [schedule(np.arange(s, min(s + 97, last + 1))) for s in range(0, last + 1, 97)]
    )
    assert pieces.tolist() == whole.tolist()
    fresh = lrcli.parse(record["call"], lr=float(record["base_lr"]))
    backwards = [float(fresh(np.array([s]))[0]) for s in reversed(record["steps"])]
    assert backwards[::-1] == record["lr"]
