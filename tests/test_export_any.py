"""`lrcli export` of any schedule: every snippet run in the real framework.

Sources are all the golden records of tests/golden/families-*.jsonl, each exported to every
target. The snippet's rates at the record's steps must equal lrcli's rates for the
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
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLDEN_DIR
from lrcli.export import TARGETS, Snippet, export
from lrcli.exporters import NAMES, ulps
from lrcli.exporters import optax as optax_exporter
from lrcli.exporters._plan import KINDS, Piece, float32_code, model32
from lrcli.frameworks import parse
from lrcli.frameworks._f32 import libm_off_by
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
        with (GOLDEN_DIR / name).open() as lines:
            out += [json.loads(line) for line in lines]
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
    """Eagerly, as lrcli models TensorFlow (and the golden records were made): under TF2 a
    decay function returns a callable that computes the rate."""
    tf = pytest.importorskip("tensorflow")
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    out = []
    for s in steps:
        rate = namespace["schedule"](tf.constant(s, tf.int64))
        out.append(float(rate() if callable(rate) else rate))
    return out


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
    exact, bound = claim(target, snippet)
    if exact is None:  # the snippet says lrcli cannot tell for this backend
        assert "lrcli cannot say" in snippet.code and snippet.warning
    elif exact:
        assert got.tolist() == ours.tolist()
        assert snippet.warning == "" or not snippet.warning.startswith(
            f"{NAMES[target]} on the {snippet.backends} "
        )
    else:
        worst = ulps(ours, got, snippet.dtype)
        assert worst.max() <= bound, (steps[int(np.argmax(worst))], worst.max())
        assert snippet.warning


BACKENDS = {"tensorflow": "TensorFlow", "jax": "JAX"}


def claim(target: str, snippet: Snippet) -> tuple[bool | None, int]:
    """What the snippet states for the framework these tests run: (exact, ulps)."""
    if target != "keras" or not snippet.backends:
        return snippet.exact, snippet.ulps
    import keras

    backend = BACKENDS.get(keras.backend.backend(), "")
    if not backend:
        pytest.skip(f"lrcli states nothing for Keras on {keras.backend.backend()}")
    if backend in snippet.backends.split(" and "):
        return snippet.exact, snippet.ulps
    for name, exact, bound in snippet.elsewhere:
        if name == backend:
            return exact, bound or 0
    raise AssertionError(f"no claim for Keras on {backend}")


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


def test_an_int_keras_rate_is_refused_with_the_fix(lrcli: Lrcli) -> None:
    call = "keras.optimizers.schedules.PolynomialDecay(0, 7, end_learning_rate=4e-05)"
    result = lrcli("show", call)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: Invalid value for 'SCHEDULE': PolynomialDecay: initial_learning_rate=0 is an "
        "int, and the schedule takes its dtype from it (every rate an integer, or an error); "
        "write 0.0\n"
    )


def test_rates_go_to_keras_as_floats(lrcli: Lrcli) -> None:
    out = lrcli("export", "--to", "keras", "optax.linear_schedule(0, 4e-05, 7, 0)").stdout
    assert out.endswith(
        "schedule = keras.optimizers.schedules.PolynomialDecay(0.0, 7, end_learning_rate=4e-05, "
        "power=1.0)\n"
    )


def test_an_optax_staircase_is_floor_divide_not_floor_of_a_quotient(lrcli: Lrcli) -> None:
    # Under jit, floor(s / 47) is floor(s * float32(1/47)): 0 at step 47, a stair late.
    call = "keras.optimizers.schedules.InverseTimeDecay(3e-4, 47, decay_rate=1, staircase=True)"
    out = lrcli("export", "--to", "optax", call).stdout
    assert "    r0 = 0.0003 / (1.0 + 1.0 * jnp.floor_divide((s - 0.0), 47.0))\n" in out
    assert "# Exact: it gives lrcli's rate at every step (every step 0-10141).\n" in out


def test_keras_claims_name_the_backends(lrcli: Lrcli) -> None:
    out = lrcli(
        "export", "--to", "keras", "keras.optimizers.schedules.PolynomialDecay(0.1, 1000)"
    ).stdout
    assert "# Exact on Keras's TensorFlow and JAX backends: it gives lrcli's rate" in out
    restarts = "keras.optimizers.schedules.CosineDecayRestarts(0.1, 1000, t_mul=1.1)"
    result = lrcli("export", "--to", "keras", restarts)
    assert result.stdout.splitlines()[2].startswith("# Not exact on Keras's TensorFlow backend:")
    assert (
        "# On the JAX backend lrcli cannot say: XLA's own log decides the restarts, and a "
        "restart can come a step early or late.\n"
    ) in result.stdout
    warmup = "keras.optimizers.schedules.CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=10)"
    lines = lrcli("export", "--to", "keras", warmup).stdout.splitlines()
    assert lines[4].startswith("# Not exact on the JAX backend: within ")
    assert lines[4].endswith("(XLA compiles ops.cond's branches and fuses their multiply-adds)")


PIECES = st.builds(
    lambda kind, start, n, a, b, power, stair, clamp: Piece(
        start,
        kind,
        a,
        {"exp": 0.5, "invtime": 2.0, "invsqrt": 10.0}.get(kind, b),
        n,
        origin=0 if kind == "invsqrt" else None,
        power=power,
        stair=stair and kind in ("exp", "invtime"),
        clamp=clamp,
    ),
    st.sampled_from(KINDS),
    st.sampled_from([0, 10, 292]),
    st.sampled_from([1, 7, 41, 47, 293, 1000, 12345.5]),
    st.sampled_from([0.0, 3e-4, 2.5e-3, 0.1, 1e-8]),
    st.sampled_from([0.0, 1e-3, 0.1]),
    st.sampled_from([1.0, 2.0, 0.5, 1.7]),
    st.booleans(),
    st.booleans(),
)


@pytest.mark.frameworks
@settings(max_examples=40, deadline=None)
@given(piece=PIECES, seed=st.integers(0, 2**32 - 1))
def test_the_jitted_closure_is_what_lrcli_models(piece: Piece, seed: int) -> None:
    """optax's fallback closure under jax.jit gives lrcli's model of it (XLA's rewrites), or
    the model with the C library's cos or pow an ulp off."""
    pytest.importorskip("optax")
    import jax
    import jax.numpy as jnp

    plan = [piece] if piece.start == 0 else [Piece(0, "const", 0.5), piece]
    code = "def schedule(count):\n    s = jnp.asarray(count).astype(jnp.float32)\n"
    namespace: dict[str, Any] = {"jnp": jnp}
    exec(code + "\n".join(float32_code(plan, optax_exporter.OPS)) + "\n", namespace)
    jitted = jax.jit(namespace["schedule"])
    end = int(piece.start + piece.n)
    rng = np.random.default_rng(seed)
    steps = np.unique(np.r_[0, 1, piece.start, end - 1, end, end + 1, rng.integers(0, 3 * end, 60)])
    got = np.array([float(jitted(jnp.int32(s))) for s in steps.tolist()])
    model = model32(plan, jit=True)
    same = np.zeros(len(steps), dtype=bool)
    for off in (0, -1, 1):
        with libm_off_by(off):
            theirs = model(steps)
        same |= (got == theirs) | (np.isnan(got) & np.isnan(theirs))
    assert same.all(), steps[~same]
