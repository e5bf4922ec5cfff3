"""`lrcli export` of any schedule: every snippet run in the real framework.

Sources are golden records of tests/golden/families-*.jsonl (the first of each API), each
exported to every target. The snippet's rates at the record's steps must equal lrcli's rates for the
source where its comment says "Exact", and stay within the ulps it states otherwise: the
stated closeness is never better than the truth. A target that cannot say a schedule must
refuse it in one line (exit 2), never print code.
"""

from __future__ import annotations

import importlib.util
import json
import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from click.testing import Result

from conftest import GOLDEN_DIR
from lrcli.export import TARGETS, export
from lrcli.exporters import ulps
from lrcli.frameworks import parse
from lrcli.schedule import Schedule, ScheduleError

if importlib.util.find_spec("jax"):
    os.environ.setdefault("KERAS_BACKEND", "jax")

Lrcli = Callable[..., Result]
TORCH_STEPS = 6_000
"""PyTorch is stepped once per step, as in training: records' steps up to here are checked."""
INT32_MAX = 2**31 - 1


def _records() -> list[dict[str, Any]]:
    out = []
    for name in ("families-torch-hf.jsonl", "families-optax-keras-tf.jsonl"):
        seen: dict[str, int] = {}
        with (GOLDEN_DIR / name).open() as lines:
            for line in lines:
                record = json.loads(line)
                count = seen.get(record["api"], 0)
                seen[record["api"]] = count + 1
                if count == 0:
                    out.append(record)
    return out


RECORDS = _records()


def source(record: dict[str, Any]) -> Schedule:
    lr = float(record["base_lr"]) if "base_lr" in record else None
    return parse(record["call"], lr=lr)


def args(record: dict[str, Any]) -> list[str]:
    return [record["call"], *(["--lr", record["base_lr"]] if "base_lr" in record else [])]


def run_torch(code: str, steps: list[int]) -> list[float]:
    pytest.importorskip("torch")
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    optimizer, schedule = namespace["optimizer"], namespace["schedule"]
    seen = {}
    for step in range(max(steps) + 1):
        seen[step] = optimizer.param_groups[0]["lr"]
        if step < max(steps):
            optimizer.step()
            schedule.step()
    return [seen[s] for s in steps]


def run_transformers(code: str, steps: list[int]) -> list[float]:
    if "transformers" in code:
        pytest.importorskip("transformers")
    return run_torch(code, steps)


def run_optax(code: str, steps: list[int]) -> list[float]:
    pytest.importorskip("optax")
    import jax
    import jax.numpy as jnp

    namespace: dict[str, Any] = {}
    exec(code, namespace)
    jitted = jax.jit(namespace["schedule"])  # as a jitted training step computes it
    return [float(jitted(jnp.int32(s))) for s in steps]


def run_keras(code: str, steps: list[int]) -> list[float]:
    pytest.importorskip("keras")
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return [float(namespace["schedule"](s)) for s in steps]


def run_tf1(code: str, steps: list[int]) -> list[float]:
    tf = pytest.importorskip("tensorflow")
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    with tf.Graph().as_default():
        step = tf.compat.v1.placeholder(tf.int64, shape=[])
        rate = namespace["schedule"](step)
        with tf.compat.v1.Session() as session:
            return [float(session.run(rate, {step: s})) for s in steps]


MODULES = {
    "torch": "torch",
    "transformers": "torch",
    "optax": "optax",
    "keras": "keras",
    "tf1": "tensorflow",
}
RUNNERS = {
    "torch": run_torch,
    "transformers": run_transformers,
    "optax": run_optax,
    "keras": run_keras,
    "tf1": run_tf1,
}


def steps_for(target: str, record: dict[str, Any]) -> list[int]:
    steps: list[int] = record["steps"]
    if target in ("torch", "transformers"):
        return [s for s in steps if s <= TORCH_STEPS]
    if target in ("optax", "keras"):
        return [s for s in steps if s <= INT32_MAX - 1]  # int32 counts (Keras on JAX too)
    return steps


@pytest.mark.frameworks
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("record", RECORDS, ids=[r["call"][:70] for r in RECORDS])
def test_port_is_as_close_as_it_says_in_the_real_framework(
    lrcli: Lrcli, target: str, record: dict[str, Any]
) -> None:
    pytest.importorskip(MODULES[target])
    try:
        snippet = export(source(record), target)
    except ScheduleError as e:  # refused: one line naming what cannot be ported
        assert e.field == "SCHEDULE" and "\n" not in str(e)
        return
    steps = [s for s in steps_for(target, record) if s <= snippet.last]  # the steps it states
    if not steps:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = np.array(RUNNERS[target](snippet.code, steps), dtype=np.float64)
    ours = source(record)(np.array(steps, dtype=np.int64))
    if snippet.exact:
        assert got.tolist() == ours.tolist()
        assert snippet.warning == ""
    else:
        worst = ulps(ours, got, snippet.dtype)
        assert worst.max() <= snippet.ulps, (steps[int(np.argmax(worst))], worst.max())
        assert snippet.warning


def test_refused_port_is_one_line_and_no_code(lrcli: Lrcli) -> None:
    result = lrcli("export", "--to", "optax", "keras.optimizers.schedules.CosineDecay(0.1, 3e9)")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: Invalid value for 'SCHEDULE': optax counts steps in int32 (its step counter "
        "stops at 2147483647): CosineDecay changes at step 2999999872, which optax never "
        "reaches\n"
    )


def test_exact_port_says_so_and_warns_nothing(lrcli: Lrcli) -> None:
    call = "get_cosine_schedule_with_warmup(optimizer, 500, 10_000)"
    result = lrcli("export", "--to", "torch", call, "--lr", "3e-4")
    assert result.stderr == ""
    assert result.stdout.splitlines()[2] == (
        "# Exact: it gives lrcli's rate at every step (every step 0-40000)."
    )


def test_keras_decay_steps_count_after_the_warmup_in_optax(lrcli: Lrcli) -> None:
    call = "keras.optimizers.schedules.CosineDecay(0.0, 1000, warmup_target=0.1, warmup_steps=100)"
    out = lrcli("export", "--to", "optax", call).stdout
    assert "warmup_steps=100, decay_steps=1100, end_value=0.0)" in out
