"""Every golden record of what TensorFlow, Keras, optax and PyTorch really return.

Run through the CLI, so the numbers are read from the text as typed, as a user's would be.
A record passes when lrcli's rate equals the framework's exactly (`==` on floats).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from click.testing import Result

from conftest import golden_records

RECORDS = golden_records()


def schedule_args(record: dict[str, Any]) -> list[str]:
    """The options that reproduce a record's framework: form, convention and precision."""
    api = record["api"]
    if api.startswith(("tf.", "keras.")):
        convention = "tf" if api.startswith("tf.") else "keras"
        return [
            *("--boundaries", ",".join(map(str, record["boundaries"]))),
            *("--values", ",".join(record["values"])),
            *("--convention", convention, "--dtype", "float32"),
        ]
    if api.startswith("optax."):
        pairs = record["boundaries_and_scales"]
        return [
            *("--init-value", record["init_value"]),
            *("--boundaries", ",".join(str(b) for b, _ in pairs)),
            *("--scales", ",".join(s for _, s in pairs)),
            *("--convention", "optax", "--dtype", "float32"),
        ]
    assert api.startswith("torch.")
    return [
        *("--base-lr", record["base_lr"]),
        *("--milestones", ",".join(map(str, record["milestones"]))),
        *("--gamma", record["gamma"], "--convention", "torch"),
    ]


def rates(result: Result) -> list[float]:
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "step,lr"
    return [float(line.split(",")[1]) for line in lines[1:]]


def at(record: dict[str, Any]) -> list[str]:
    return ["--at", ",".join(map(str, record["steps"])), "--format", "csv"]


@pytest.mark.parametrize(
    "record", RECORDS, ids=[f"{r['api'].split('.')[0]}-{i}" for i, r in enumerate(RECORDS)]
)
def test_rate_equals_the_frameworks_bit_for_bit(
    lrcli: Callable[..., Result], record: dict[str, Any]
) -> None:
    assert rates(lrcli("show", *schedule_args(record), *at(record))) == record["lr"]


TF_KERAS = [r for r in RECORDS if r["api"].startswith(("tf.", "keras."))]


@pytest.mark.parametrize("record", TF_KERAS)
def test_default_float64_picks_the_same_segment_as_tf_and_keras(
    lrcli: Callable[..., Result], record: dict[str, Any]
) -> None:
    """With the foundation's defaults (tf, float64) each rate is the value typed, so it
    rounds to exactly what TF/Keras return in float32: the same segment at every step."""
    args = ["--boundaries", ",".join(map(str, record["boundaries"]))]
    args += ["--values", ",".join(record["values"])]
    got = rates(lrcli("show", *args, *at(record)))
    assert [float(np.float32(r)) for r in got] == record["lr"]
