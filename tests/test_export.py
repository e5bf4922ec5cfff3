"""`lrcli export`: code for another framework that gives lrcli's rate at every step.

The snippets are executed in the real frameworks where they are installed (`.ci/run` installs
PyTorch, JAX, optax and Keras; TensorFlow is optional) and checked at every step around every
boundary: the framework's rate equals lrcli's, or, where the snippet's comment says the
framework cannot match, the rate that comment gives.
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result

from conftest import EXAMPLE, golden_records
from lrcli.cli import build_schedule, show
from lrcli.export import TARGETS, export
from lrcli.schedule import PiecewiseConstant
from test_golden import schedule_args

if importlib.util.find_spec("jax"):
    os.environ.setdefault("KERAS_BACKEND", "jax")

Lrcli = Callable[..., Result]

HANDWRITTEN = [
    EXAMPLE,
    [*EXAMPLE, "--dtype", "float32"],
    [*EXAMPLE, "--convention", "torch"],
    [*EXAMPLE, "--convention", "optax", "--dtype", "float32"],
    ["--boundaries", "0,3", "--values", "0.5,0.25,0.125"],
    ["--boundaries", "0,3", "--values", "0.5,0.25,0.125", "--convention", "torch"],
    ["--values", "0.3"],
    ["--init-value", "0.1", "--boundaries", "4,8", "--scales", "0.5,0.1"],
    ["--init-value", "0.1", "--boundaries", "4,8", "--scales", "0.5,0.1", "--dtype", "float32"],
    ["--base-lr", "0.1", "--milestones", "3,6,6", "--gamma", "0.3", "--convention", "torch"],
    ["--base-lr", "0.1", "--milestones", "3,6,6", "--gamma", "0.3"],
    ["--base-lr", "0.1", "--milestones", "3,6", "--gamma", "0.3", "--dtype", "float32"],
]
# Every 7th golden record whose boundaries are small enough to step PyTorch through.
FROM_GOLDEN = [
    schedule_args(r)
    for r in golden_records()
    if max([0, *r.get("boundaries", []), *r.get("milestones", [])]) <= 300
    and max((b for b, _ in r.get("boundaries_and_scales", [])), default=0) <= 300
][::7]
SCHEDULES = [*HANDWRITTEN, *FROM_GOLDEN]


def parse(args: list[str]) -> PiecewiseConstant:
    """The schedule `lrcli show ARGS` would build."""
    params = show.make_context("show", list(args)).params
    names = ("boundaries", "values", "init_value", "scales", "milestones", "gamma")
    parts = {n: params[n] for n in (*names, "convention", "dtype")}
    return build_schedule(base_lr=params["lr"], **parts)


def probes(schedule: PiecewiseConstant) -> list[int]:
    """Step 0 and every step next to a change of segment."""
    steps = {0, 1}
    for segment in schedule.all_segments:
        steps.update(s for s in (segment.first - 1, segment.first, segment.first + 1) if s >= 0)
    return sorted(s for s in steps if s <= 400)


def expected(schedule: PiecewiseConstant, target: str, steps: list[int]) -> list[float]:
    """lrcli's rate at each step, or the framework's where the snippet says it differs."""
    theirs = {(m.first, m.last): m.theirs for m in export(schedule, target).mismatches}
    rates = []
    for step in steps:
        segment = next(s for s in schedule.all_segments if s.first <= step <= s.last)
        rates.append(theirs.get((segment.first, segment.last), segment.rate))
    return rates


def run_keras(code: str, steps: list[int]) -> list[float]:
    pytest.importorskip("keras")
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return [float(namespace["schedule"](step)) for step in steps]


def run_optax(code: str, steps: list[int]) -> list[float]:
    pytest.importorskip("optax")
    import jax
    import jax.numpy as jnp

    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return [float(r) for r in jax.vmap(namespace["schedule"])(jnp.asarray(steps))]


def run_torch(code: str, steps: list[int]) -> list[float]:
    pytest.importorskip("torch")
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    optimizer, schedule = namespace["optimizer"], namespace["schedule"]
    seen = {}
    for step in range(max(steps) + 1):  # as a training loop does
        seen[step] = optimizer.param_groups[0]["lr"]
        optimizer.step()
        schedule.step()
    return [seen[s] for s in steps]


def run_tf1(code: str, steps: list[int]) -> list[float]:
    tf = pytest.importorskip("tensorflow")
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    with tf.Graph().as_default():
        step = tf.compat.v1.placeholder(tf.int64, shape=[])
        rate = namespace["schedule"](step)
        with tf.compat.v1.Session() as session:
            return [float(session.run(rate, {step: s})) for s in steps]


# transformers trains with torch schedulers: its piecewise snippets are the torch ones.
RUNNERS = {
    "keras": run_keras,
    "optax": run_optax,
    "torch": run_torch,
    "tf1": run_tf1,
    "transformers": run_torch,
}


@pytest.mark.frameworks
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("args", SCHEDULES, ids=[" ".join(a) for a in SCHEDULES])
def test_snippet_gives_lrclis_rates_in_the_real_framework(
    lrcli: Lrcli, target: str, args: list[str]
) -> None:
    schedule = parse(args)
    result = lrcli("export", "--to", target, *args)
    assert result.exit_code == 0, result.stderr
    steps = probes(schedule)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = RUNNERS[target](result.stdout, steps)
    assert got == expected(schedule, target, steps)


def test_tf_boundary_5_becomes_torch_start_6(lrcli: Lrcli) -> None:
    out = lrcli("export", "--to", "torch", *EXAMPLE).stdout
    assert "starts = [6, 11, 16]  # the first step of each new rate\n" in out
    assert "rates = [0.1, 0.05, 0.01, 0.001]\n" in out


def test_torch_milestones_become_keras_boundaries(lrcli: Lrcli) -> None:
    args = ["--base-lr", "1", "--milestones", "3,6", "--gamma", "0.5", "--convention", "torch"]
    out = lrcli("export", "--to", "keras", *args).stdout
    assert "    boundaries=[2, 5],\n    values=[1.0, 0.5, 0.25],\n" in out


def test_exact_snippet_says_so(lrcli: Lrcli) -> None:
    result = lrcli("export", "--to", "torch", *EXAMPLE)
    assert result.stderr == ""
    assert result.stdout.startswith(
        "# lrcli's schedule (tf convention, float64) in PyTorch:\n"
        "#   steps 0-5: 0.1\n"
        "#   steps 6-10: 0.05\n"
        "#   steps 11-15: 0.01\n"
        "#   steps 16 on: 0.001\n"
        "# Exact: it gives lrcli's rate at every step.\n"
    )


def test_float32_framework_lists_the_steps_it_cannot_match(lrcli: Lrcli) -> None:
    result = lrcli("export", "--to", "keras", "--boundaries", "5", "--values", "0.1,0.5")
    assert result.stdout.splitlines()[3:6] == [
        "# Not exact: Keras computes rates in float32, so at some steps it gives another rate:",
        "#   steps 0-5: 0.10000000149011612 where lrcli shows 0.1",
        "# (lrcli show --dtype float32 shows these rates.)",
    ]
    assert result.stderr == (
        "Warning: Keras computes rates in float32: 1 segment differs from lrcli's rates "
        "(listed in the code's comments)\n"
    )


def test_export_needs_a_target(lrcli: Lrcli) -> None:
    result = lrcli("export", *EXAMPLE)
    assert (result.exit_code, result.stdout) == (2, "")
    assert (
        result.stderr
        == "Error: Missing option '--to'. Choose from: keras, tf1, torch, optax, transformers\n"
    )


def test_export_refuses_a_broken_schedule(lrcli: Lrcli) -> None:
    result = lrcli("export", "--to", "torch", "--boundaries", "10,5", "--values", "1,2,3")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: Invalid value for '--boundaries': 5 comes after 10; list them in increasing order\n"
    )
