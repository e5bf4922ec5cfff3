"""optax, Keras and TF1 golden records through the CLI: the text a user reads is the API's rate.

tests/test_f32_golden.py holds the API to the frameworks' truth (ulps counted, decisions
compared); here every record is run as a user types it, and the printed rates must be exactly
the API's, so the CLI meets the same bar.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from click.testing import Result

from conftest import GOLDEN_DIR
from lrcli import parse

RECORDS = [
    json.loads(line)
    for line in (GOLDEN_DIR / "families-optax-keras-tf.jsonl").read_text().splitlines()
    if line.strip()
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r['api']}:{r['call'][-50:]}")
def test_cli_prints_the_api_rate_at_every_step(
    lrcli: Callable[..., Result], record: dict[str, Any]
) -> None:
    at = ",".join(map(str, record["steps"]))
    result = lrcli("show", record["call"], "--at", at, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    assert [int(step) for step, _ in rows] == record["steps"]
    expected = parse(record["call"])(np.array(record["steps"])).tolist()
    assert [rate for _, rate in rows] == [repr(r) for r in expected]


def test_the_seed_call_works_as_written(lrcli: Callable[..., Result]) -> None:
    call = "tf.train.piecewise_constant(global_step, [5, 10, 15], [0.1, 0.05, 0.01, 0.001])"
    result = lrcli("show", call, "--at", "5,6,16", "--format", "csv")
    assert result.stdout == (
        "step,lr\n5,0.10000000149011612\n6,0.05000000074505806\n16,0.0010000000474974513\n"
    )


def test_dtype_does_not_go_with_a_pasted_call(lrcli: Callable[..., Result]) -> None:
    result = lrcli("show", "optax.constant_schedule(0.1)", "--dtype", "float64")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: SCHEDULE and --dtype are two ways to give the schedule; use one "
        "(the framework decides it)\n"
    )


def test_summary_of_optax_warmup_cosine(lrcli: Callable[..., Result]) -> None:
    call = (
        "optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=1e-3, warmup_steps=1_000, "
        "decay_steps=100_000, end_value=1e-5)"
    )
    result = lrcli("show", call, "--summary")
    assert result.stdout == (
        "first_step,last_step,lr,last_lr,shape\n"
        "0,999,0.0,0.000999000039882958,linear\n"
        "1000,99999,0.0010000000474974513,1.0000000656873453e-05,cosine\n"
        "100000,,1.0000000656873453e-05,1.0000000656873453e-05,constant\n"
    )
