"""TensorFlow 1's `tf.compat.v1.train.*_decay` functions (tensorflow 2.21), in float32.

Each takes the `global_step` tensor; eagerly it returns a callable, and the rate at step k is
`float(callable())` with `global_step = tf.constant(k, tf.int64)`. TF 2.21 implements them with
its own copy of the Keras schedules (`tensorflow/python/keras/optimizer_v2/
legacy_learning_rate_decay.py` over `learning_rate_schedule.py`), whose arithmetic is Keras 3's:
the classes are shared with lrcli.frameworks.keras. The int64 step is rounded to float32 once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from lrcli.calls import CallError, Placeholder
from lrcli.frameworks import _args as a
from lrcli.frameworks import _f32 as f
from lrcli.frameworks import keras as k
from lrcli.schedule import MAX_STEP
from lrcli.smooth import Phase, phases_from_edges

NAMESPACES = ("tf.compat.v1.train", "tf.train", "tensorflow.compat.v1.train", "tensorflow.train")

REFUSED = {
    "noisy_linear_cosine_decay": "it adds Gaussian noise drawn afresh at every step, so no "
    "rate can be known in advance; linear_cosine_decay is the same schedule without the noise",
}

F32 = f.F32


class ExponentialDecay(k.ExponentialDecay):
    framework = "tf"
    api = "exponential_decay"


class NaturalExpDecay(k.ExponentialDecay):
    """ExponentialDecay with decay_rate `exp(-decay_rate)`, computed as a float32 tensor."""

    framework = "tf"
    api = "natural_exp_decay"


class InverseTimeDecay(k.InverseTimeDecay):
    framework = "tf"
    api = "inverse_time_decay"


class PolynomialDecay(k.PolynomialDecay):
    framework = "tf"
    api = "polynomial_decay"


class CosineDecay(k.CosineDecay):
    framework = "tf"
    api = "cosine_decay"


class CosineDecayRestarts(k.CosineDecayRestarts):
    framework = "tf"
    api = "cosine_decay_restarts"


class LinearCosineDecay(k.KerasSchedule):
    """`lr * ((alpha + (T - s) / T) * 0.5 * (1 + cos(pi * 2 * num_periods * s / T)) + beta)`."""

    framework = "tf"
    api = "linear_cosine_decay"

    def __init__(
        self, init: float, steps: float, periods: float, alpha: float, beta: float
    ) -> None:
        self.init, self.steps, self.periods, self.alpha, self.beta = (
            init,
            steps,
            periods,
            alpha,
            beta,
        )

    @property
    def decides(self) -> bool:
        return False

    def value(self, s: F32) -> F32:
        steps = f.scalar(self.steps)
        s = np.minimum(s, steps)
        linear = f.div(f.sub(steps, s), steps)  # (decay_steps - global_step) / decay_steps
        completed = f.div(s, steps)
        fraction = f.mul(f.mul(np.float32(2), f.scalar(self.periods)), completed)
        wave = f.mul(
            np.float32(0.5), f.add(np.float32(1), f.cos(f.mul(f.scalar(math.pi), fraction)))
        )
        # (alpha + linear_decayed) * cosine_decayed + beta
        decayed = f.add(f.mul(f.add(f.scalar(self.alpha), linear), wave), f.scalar(self.beta))
        return f.mul(f.scalar(self.init), decayed)

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        top = f.scalar(self.steps)
        done = f.first_reaching(
            lambda c: (f.steps(c) >= top).astype(np.int64),
            1,
            int(min(self.steps, MAX_STEP)),
            0,
            MAX_STEP,
        )
        yield from phases_from_edges([0, done], ["cosine", "constant"], first, last)

    @property
    def end(self) -> int:
        return min(MAX_STEP, math.ceil(self.steps))


# --- The API: tf.compat.v1.train's signatures, defaults and checks ------------------------


def _step(api: str, global_step: Any, name: str = "global_step") -> None:
    if global_step is None:
        raise CallError(f"{api}: global_step is required for {api}")
    if global_step != Placeholder("global_step"):
        raise CallError(
            f"{api}: {name} must be the identifier global_step (lrcli evaluates the schedule at "
            "every step); pass it as tf.train.get_global_step() would be"
        )


def _steps(api: str, name: str, value: Any) -> float:
    steps = a.number(api, name, value)
    if not steps > 0:
        raise CallError(
            f"{api}: {name}={steps!r} must be positive (TF divides the step by it: "
            f"{'inf or NaN' if steps == 0 else 'a negative decay'})"
        )
    if steps > MAX_STEP:
        raise CallError(f"{api}: {name}={steps!r} is past the largest step 2**63-1")
    return steps


def exponential_decay(  # type: ignore[no-untyped-def]
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    api = "exponential_decay"
    _step(api, global_step)
    return ExponentialDecay(
        a.float_rate(api, "learning_rate", learning_rate),
        _steps(api, "decay_steps", decay_steps),
        a.number(api, "decay_rate", decay_rate),
        bool(staircase),
    )


def natural_exp_decay(  # type: ignore[no-untyped-def]
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    api = "natural_exp_decay"
    _step(api, global_step)
    rate = a.number(api, "decay_rate", decay_rate)
    if isinstance(rate, int):
        raise CallError(
            f"{api}: decay_rate={rate!r} is an int, and TF cannot take exp of an int32 tensor; "
            f"write {float(rate)!r}"
        )
    # natural_exp_rate = math_ops.exp(math_ops.negative(decay_rate)): a float32 tensor
    natural = np.float32(f.exp(np.float32(-f.scalar(rate))))
    schedule = NaturalExpDecay(
        a.float_rate(api, "learning_rate", learning_rate),
        _steps(api, "decay_steps", decay_steps),
        natural,
        bool(staircase),
    )
    return schedule


def inverse_time_decay(  # type: ignore[no-untyped-def]
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    api = "inverse_time_decay"
    _step(api, global_step)
    return InverseTimeDecay(
        a.float_rate(api, "learning_rate", learning_rate),
        _steps(api, "decay_steps", decay_steps),
        a.number(api, "decay_rate", decay_rate),
        bool(staircase),
    )


def polynomial_decay(  # type: ignore[no-untyped-def]
    learning_rate,
    global_step,
    decay_steps,
    end_learning_rate=0.0001,
    power=1.0,
    cycle=False,
    name=None,
):
    api = "polynomial_decay"
    _step(api, global_step)
    return PolynomialDecay(
        a.float_rate(api, "learning_rate", learning_rate),
        _steps(api, "decay_steps", decay_steps),
        a.number(api, "end_learning_rate", end_learning_rate),
        a.number(api, "power", power),
        bool(cycle),
    )


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):  # type: ignore[no-untyped-def]
    api = "cosine_decay"
    _step(api, global_step)
    return CosineDecay(
        a.float_rate(api, "learning_rate", learning_rate),
        _steps(api, "decay_steps", decay_steps),
        a.number(api, "alpha", alpha),
        None,
        0,
    )


def cosine_decay_restarts(  # type: ignore[no-untyped-def]
    learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None
):
    api = "cosine_decay_restarts"
    _step(api, global_step)
    t_mul = a.number(api, "t_mul", t_mul)
    if not t_mul > 0:
        raise CallError(f"{api}: t_mul={t_mul!r} must be positive (cycle lengths grow by it)")
    return CosineDecayRestarts(
        a.float_rate(api, "learning_rate", learning_rate),
        _steps(api, "first_decay_steps", first_decay_steps),
        t_mul,
        a.number(api, "m_mul", m_mul),
        a.number(api, "alpha", alpha),
    )


def linear_cosine_decay(  # type: ignore[no-untyped-def]
    learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0, beta=0.001, name=None
):
    api = "linear_cosine_decay"
    _step(api, global_step)
    return LinearCosineDecay(
        a.float_rate(api, "learning_rate", learning_rate),
        _steps(api, "decay_steps", decay_steps),
        a.number(api, "num_periods", num_periods),
        a.number(api, "alpha", alpha),
        a.number(api, "beta", beta),
    )


def piecewise_constant(x, boundaries, values, name=None):  # type: ignore[no-untyped-def]
    api = "piecewise_constant"
    _step(api, x, "x")
    return k.piecewise(api, boundaries, values, "tf")


APIS: dict[str, Callable[..., Any]] = {
    function.__name__: function
    for function in (
        exponential_decay,
        piecewise_constant,
        polynomial_decay,
        natural_exp_decay,
        inverse_time_decay,
        cosine_decay,
        cosine_decay_restarts,
        linear_cosine_decay,
    )
}
