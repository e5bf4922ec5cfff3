"""Keras 3's learning-rate schedules (keras 3.15 on TensorFlow 2.21), in float32.

The rate at step k is `float(schedule(k))`: one eager call, each op a TF kernel on a float32
scalar (`keras/src/optimizers/schedules/learning_rate_schedule.py`). The step is converted to
float32 first (one rounding: above 2**24 neighbouring steps share a float32, so a staircase can
move a step early), Python numbers meet tensors as float32, `+ - * /` round after every op
(nothing is fused), `cos`, `pow`, `log` are glibc's `cosf`, `powf`, `logf` (modelled: float64,
rounded), and denormal results are flushed to zero.
"""

from __future__ import annotations

import copy
import math
from abc import abstractmethod
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from lrcli.calls import CallError
from lrcli.frameworks import _args as a
from lrcli.frameworks import _f32 as f
from lrcli.schedule import MAX_STEP, Dtype, PiecewiseConstant
from lrcli.smooth import Floats, Phase, Phased, Steps, phases_from_edges

NAMESPACES = (
    "keras.optimizers.schedules",
    "tf.keras.optimizers.schedules",
    "keras.src.optimizers.schedules",
)

REFUSED = {
    "LearningRateSchedule": "it is the base class; a subclass's __call__ is code lrcli cannot run",
}

F32 = f.F32
EXACT = 2**24
"""Above it float32 cannot hold every step: TF rounds the step before dividing."""


def _edge(index: Callable[[Steps], Any], k: int, guess: float, lo: int = 0) -> int:
    """The first step where `index` (non-decreasing in the step) reaches k."""
    g = int(min(max(guess, lo), MAX_STEP))
    return f.first_reaching(index, k, g, lo, MAX_STEP)


class KerasSchedule(Phased):
    """A schedule that is a function of the float32 step, evaluated op by op in float32."""

    framework = "keras"
    dtype = Dtype.FLOAT32

    @abstractmethod
    def value(self, s: F32) -> F32:
        """The rate at float32 steps `s`."""

    def rates(self, steps: Steps) -> Floats:
        return f.widen(self.value(f.steps(steps)))

    @property
    def description(self) -> str:
        return f"{self.framework} {self.api} · float32, one eager call per step"

    @property
    def decides(self) -> bool:
        """Whether the schedule has steps where it decides (staircase, restart, warmup end)."""
        return True

    def large_steps(self, last: int) -> Iterator[str]:
        if last > EXACT and self.decides:
            yield (
                f"{self.api} converts the step to float32: above 2**24 ({EXACT}) neighbouring "
                "steps share one float32, so the rate changes only every few steps there, "
                "and a staircase or restart edge can come a step early or late"
            )

    def notes(self, first: int, last: int) -> Iterator[str]:
        yield from self.large_steps(last)

    def on_jax(self) -> KerasSchedule | None:
        """The same schedule as Keras computes it on the JAX backend (lrcli models the
        TensorFlow backend): eager ops are the same; None where lrcli cannot say."""
        return self


class _Stairs(KerasSchedule):
    """`p = step / decay_steps`, floored with staircase: ExponentialDecay, InverseTimeDecay."""

    shape = "exponential"

    def __init__(self, init: float, steps: float, rate: float, staircase: bool) -> None:
        self.init, self.steps, self.rate, self.staircase = init, steps, rate, staircase

    @property
    def decides(self) -> bool:
        return self.staircase

    def exponent(self, s: F32) -> F32:
        p = f.div(s, f.scalar(self.steps))  # global_step_recomp / decay_steps
        return np.floor(p) if self.staircase else p

    def stair(self, steps: Steps) -> Steps:
        return np.floor(f.div(f.steps(steps), f.scalar(self.steps))).astype(np.int64)

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        if self.rate == 0 or not self.staircase:
            shape = "constant" if self.rate == 0 else self.shape
            yield from phases_from_edges([0], [shape], first, last)
            return
        yield from f.stair_phases(
            self.stair, lambda ks: ks * self.steps, first, last, "constant", MAX_STEP
        )

    @property
    def end(self) -> int:
        return min(MAX_STEP, math.ceil(3 * self.steps))


class ExponentialDecay(_Stairs):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`."""

    api = "ExponentialDecay"

    def value(self, s: F32) -> F32:
        rate = self.rate if isinstance(self.rate, np.float32) else f.scalar(self.rate)
        return f.mul(f.scalar(self.init), f.power(rate, self.exponent(s)))

    @property
    def end(self) -> int:
        if self.staircase:
            return super().end
        rate = float(self.rate)
        if 0 < rate < 1:
            return min(MAX_STEP, math.ceil(self.steps * math.log(0.01) / math.log(rate)))
        return min(MAX_STEP, math.ceil(10 * self.steps))


class InverseTimeDecay(_Stairs):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`."""

    api = "InverseTimeDecay"
    shape = "inverse-time"

    def value(self, s: F32) -> F32:
        denom = f.add(np.float32(1), f.mul(f.scalar(self.rate), self.exponent(s)))
        return f.div(f.scalar(self.init), denom)

    @property
    def end(self) -> int:
        if self.staircase or self.rate <= 0:
            return super().end
        return min(MAX_STEP, math.ceil(99 * self.steps / self.rate))  # down to 1%


class PolynomialDecay(KerasSchedule):
    """`(initial - end) * (1 - step / decay_steps) ** power + end`; `cycle` restarts it."""

    api = "PolynomialDecay"

    def __init__(self, init: float, steps: float, end: float, power: float, cycle: bool) -> None:
        self.init, self.steps, self.end_value, self.power, self.cycle = (
            init,
            steps,
            end,
            power,
            cycle,
        )

    @property
    def decides(self) -> bool:
        return self.cycle

    def multiplier(self, s: F32) -> F32:
        # where(step == 0, 1.0, ceil(step / decay_steps))
        return np.where(s == 0, np.float32(1), np.ceil(f.div(s, f.scalar(self.steps))))

    def value(self, s: F32) -> F32:
        init, end = f.scalar(self.init), f.scalar(self.end_value)
        steps: Any = f.scalar(self.steps)
        if self.cycle:
            steps = f.mul(steps, self.multiplier(s))
        else:
            s = np.minimum(s, steps)
        p = f.div(s, steps)
        decayed = f.power(f.sub(np.float32(1), p), f.scalar(self.power))
        return f.add(f.mul(f.sub(init, end), decayed), end)

    @property
    def shape(self) -> str:
        if self.init == self.end_value:
            return "constant"
        return "linear" if self.power == 1 else "polynomial"

    def cycles(self, steps: Steps) -> Steps:
        return self.multiplier(f.steps(steps)).astype(np.int64)

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        if not self.cycle:
            edge = _edge(
                lambda c: (f.steps(c) >= f.scalar(self.steps)).astype(np.int64), 1, self.steps
            )
            yield from phases_from_edges([0, edge], [self.shape, "constant"], first, last)
            return
        # cycle k (from 1) runs over steps (k-1)*T+1 .. k*T; step 0 is in cycle 1
        yield from f.stair_phases(
            self.cycles, lambda ks: (ks - 1) * self.steps + 1, first, last, self.shape, MAX_STEP
        )

    @property
    def end(self) -> int:
        return min(MAX_STEP, math.ceil(self.steps) + (1 if self.cycle else 0))

    def notes(self, first: int, last: int) -> Iterator[str]:
        yield from super().notes(first, last)
        if self.cycle and last > self.steps:
            t = math.ceil(self.steps)
            yield (
                f"{self.api}(cycle=True) reaches end_learning_rate at step {t} and jumps back "
                f"up at step {t + 1}: each cycle k*{t}+1 .. (k+1)*{t} decays over "
                f"decay_steps * (k+1) steps, from a lower start"
            )


class CosineDecay(KerasSchedule):
    """Cosine decay from `initial_learning_rate`, or a linear warmup to `warmup_target` first.

    `decay_steps` counts after the warmup (optax's warmup_cosine_decay_schedule counts it in).
    """

    api = "CosineDecay"

    def __init__(
        self,
        init: float,
        steps: float,
        alpha: float,
        warmup_target: float | None,
        warmup_steps: float,
    ) -> None:
        self.init, self.steps, self.alpha = init, steps, alpha
        self.warmup_target, self.warmup_steps = warmup_target, warmup_steps
        self.fused = False
        """The JAX backend: `ops.cond` compiles both branches with XLA, which fuses
        `a * b + c` (one rounding)."""

    def on_jax(self) -> CosineDecay:
        if self.warmup_target is None:  # no ops.cond: eager ops, as on TensorFlow
            return self
        out = copy.copy(self)
        out.fused = True
        return out

    def _mul_add(self, a: Any, b: Any, c: Any) -> F32:
        return f.fma(a, b, c) if self.fused else f.add(f.mul(a, b), c)

    @property
    def decides(self) -> bool:
        return self.warmup_target is not None

    def decay(self, s: F32, steps: np.float32, top: np.float32) -> F32:
        # completed_fraction = step / decay_steps; 0.5 * (1.0 + cos(pi * completed_fraction))
        fraction = f.div(s, steps)
        wave = f.mul(
            np.float32(0.5), f.add(np.float32(1), f.cos(f.mul(f.scalar(math.pi), fraction)))
        )
        # (1 - self.alpha) * cosine_decayed + self.alpha: alpha stays a Python number
        decayed = self._mul_add(f.scalar(1 - self.alpha), wave, f.scalar(self.alpha))
        return f.mul(top, decayed)

    def value(self, s: F32) -> F32:
        init, steps = f.scalar(self.init), f.scalar(self.steps)
        if self.warmup_target is None:
            return self.decay(np.minimum(s, steps), steps, init)
        target, warmup = f.scalar(self.warmup_target), f.scalar(self.warmup_steps)
        s = np.minimum(s, f.add(steps, warmup))
        # (warmup_target - initial) * (step / warmup_steps) + initial
        ramp = self._mul_add(f.sub(target, init), f.div(s, warmup), init)
        return np.where(s < warmup, ramp, self.decay(f.sub(s, warmup), steps, target))

    def _edges(self) -> tuple[int, int]:
        warmup = 0 if self.warmup_target is None else self.warmup_steps
        w32 = f.scalar(warmup)
        top = f.add(f.scalar(self.steps), w32) if warmup else f.scalar(self.steps)
        start = _edge(lambda c: (f.steps(c) >= w32).astype(np.int64), 1, warmup)
        done = _edge(lambda c: (f.steps(c) >= top).astype(np.int64), 1, warmup + self.steps)
        return start, done

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        start, done = self._edges()
        yield from phases_from_edges(
            [0, start, done], ["linear", "cosine", "constant"], first, last
        )

    @property
    def end(self) -> int:
        return self._edges()[1]


class CosineDecayRestarts(KerasSchedule):
    """SGDR: cosine cycles of first_decay_steps * t_mul**i steps, scaled by m_mul**i."""

    api = "CosineDecayRestarts"

    def __init__(self, init: float, steps: float, t_mul: float, m_mul: float, alpha: float):
        self.init, self.steps, self.t_mul, self.m_mul, self.alpha = init, steps, t_mul, m_mul, alpha

    def on_jax(self) -> CosineDecayRestarts | None:
        # With t_mul != 1 XLA's own log (not the C library's) decides the restart: unmodelled.
        return self if self.t_mul == 1 else None

    def restart(self, s: F32) -> tuple[F32, F32]:
        """(i_restart, completed_fraction within the cycle) at float32 steps."""
        t_mul = f.scalar(self.t_mul)
        fraction = f.div(s, f.scalar(self.steps))
        if t_mul == 1:
            i = np.floor(fraction)
            return i, f.sub(fraction, i)
        one = np.float32(1)
        # floor(log(1.0 - completed_fraction * (1.0 - t_mul)) / log(t_mul))
        inner = f.sub(one, f.mul(fraction, f.sub(one, t_mul)))
        i = np.floor(f.div(f.log(inner), f.log(t_mul)))
        grown = f.power(t_mul, i)
        sum_r = f.div(f.sub(one, grown), f.sub(one, t_mul))
        return i, f.div(f.sub(fraction, sum_r), grown)

    def value(self, s: F32) -> F32:
        i, fraction = self.restart(s)
        m_fac = f.power(f.scalar(self.m_mul), i)
        wave = f.add(np.float32(1), f.cos(f.mul(f.scalar(math.pi), fraction)))
        cosine = f.mul(f.mul(np.float32(0.5), m_fac), wave)  # 0.5 * m_fac * (1.0 + cos(...))
        alpha = f.scalar(self.alpha)
        decayed = f.add(f.mul(f.sub(np.float32(1), alpha), cosine), alpha)
        return f.mul(f.scalar(self.init), decayed)

    def index(self, steps: Steps) -> Steps:
        i = self.restart(f.steps(steps))[0]
        return np.nan_to_num(i, nan=0, posinf=2**62).astype(np.int64)

    def nominal(self, k: Any) -> Any:
        """The textbook step of restart k: first_decay_steps * (1 + t_mul + ... + t_mul**(k-1))."""
        if self.t_mul == 1:
            return self.steps * k
        with np.errstate(over="ignore"):
            return self.steps * (np.power(float(self.t_mul), k) - 1) / (self.t_mul - 1)

    def restarts(self, first: int, last: int) -> Iterator[int]:
        """The steps where a new cycle starts (as TF computes it), from the one before `first`."""
        return f.stair_starts(self.index, self.nominal, first, min(last + 1, MAX_STEP))

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        yield from f.stair_phases(self.index, self.nominal, first, last, "cosine", MAX_STEP)

    @property
    def end(self) -> int:
        return min(MAX_STEP, math.ceil(float(self.nominal(3))))

    def notes(self, first: int, last: int) -> Iterator[str]:
        yield from super().notes(first, last)
        if self.t_mul == 1 or first > EXACT:
            return
        starts = list(self.restarts(0, min(last, EXACT)))
        ks = np.arange(len(starts))
        exact = self.nominal(ks)
        whole = (exact == np.round(exact)) & (ks > 0)
        moved = whole & (np.array(starts) != exact) & (np.array(starts) >= first)
        for k in np.flatnonzero(moved)[:3].tolist():
            step, textbook = starts[k], int(exact[k])
            yield (
                f"{self.api} restarts at step {step}, not {textbook}: TF computes the restart "
                "index as floor(log(1 - f * (1 - t_mul)) / log(t_mul)) in float32, which comes "
                f"out one {'low' if step > textbook else 'high'} at step "
                f"{min(step, textbook)}"
            )


# --- The API: Keras 3's signatures, defaults and checks -----------------------------------


def _steps(api: str, name: str, value: Any) -> float:
    steps = a.number(api, name, value)
    if not steps > 0:
        raise CallError(f"{api}: argument `{name}` must be > 0; received {name}={steps!r}")
    if steps > MAX_STEP:
        raise CallError(f"{api}: {name}={steps!r} is past the largest step 2**63-1")
    return steps


def ExponentialDecay_(  # type: ignore[no-untyped-def]
    initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"
):
    api = "ExponentialDecay"
    return ExponentialDecay(
        a.float_rate(api, "initial_learning_rate", initial_learning_rate),
        _steps(api, "decay_steps", decay_steps),
        a.number(api, "decay_rate", decay_rate),
        bool(staircase),
    )


def PolynomialDecay_(  # type: ignore[no-untyped-def]
    initial_learning_rate,
    decay_steps,
    end_learning_rate=0.0001,
    power=1.0,
    cycle=False,
    name="PolynomialDecay",
):
    api = "PolynomialDecay"
    return PolynomialDecay(
        a.float_rate(api, "initial_learning_rate", initial_learning_rate),
        _steps(api, "decay_steps", decay_steps),
        a.number(api, "end_learning_rate", end_learning_rate),
        a.number(api, "power", power),
        bool(cycle),
    )


def InverseTimeDecay_(  # type: ignore[no-untyped-def]
    initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"
):
    api = "InverseTimeDecay"
    return InverseTimeDecay(
        a.float_rate(api, "initial_learning_rate", initial_learning_rate),
        _steps(api, "decay_steps", decay_steps),
        a.number(api, "decay_rate", decay_rate),
        bool(staircase),
    )


def CosineDecay_(  # type: ignore[no-untyped-def]
    initial_learning_rate,
    decay_steps,
    alpha=0.0,
    name="CosineDecay",
    warmup_target=None,
    warmup_steps=0,
):
    api = "CosineDecay"
    target = None if warmup_target is None else a.number(api, "warmup_target", warmup_target)
    warmup = a.number(api, "warmup_steps", warmup_steps)
    if warmup < 0:
        raise CallError(f"{api}: warmup_steps={warmup!r} must be at least 0")
    return CosineDecay(
        a.float_rate(api, "initial_learning_rate", initial_learning_rate),
        _steps(api, "decay_steps", decay_steps),
        a.number(api, "alpha", alpha),
        target,
        warmup,
    )


def CosineDecayRestarts_(  # type: ignore[no-untyped-def]
    initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"
):
    api = "CosineDecayRestarts"
    t_mul = a.number(api, "t_mul", t_mul)
    if not t_mul > 0:
        raise CallError(f"{api}: t_mul={t_mul!r} must be positive (cycle lengths grow by it)")
    return CosineDecayRestarts(
        a.float_rate(api, "initial_learning_rate", initial_learning_rate),
        _steps(api, "first_decay_steps", first_decay_steps),
        t_mul,
        a.number(api, "m_mul", m_mul),
        a.number(api, "alpha", alpha),
    )


def piecewise(api: str, boundaries: Any, values: Any, convention: str) -> PiecewiseConstant:
    """PiecewiseConstantDecay, tf piecewise_constant: a boundary step keeps the old value."""
    steps = a.integers(api, "boundaries", boundaries)
    if not isinstance(values, (list, tuple)):
        raise CallError(f"{api}: values={values!r} must be a list of rates")
    if len(steps) != len(values) - 1:
        raise CallError(
            f"{api}: the length of boundaries ({len(steps)}) should be 1 less than the "
            f"length of values ({len(values)})"
        )
    rates = [a.number(api, "values", v) for v in values]
    return PiecewiseConstant(steps, rates, convention=convention, dtype="float32")


def PiecewiseConstantDecay_(boundaries, values, name="PiecewiseConstant"):  # type: ignore[no-untyped-def]
    return piecewise("PiecewiseConstantDecay", boundaries, values, "keras")


APIS: dict[str, Callable[..., Any]] = {
    "ExponentialDecay": ExponentialDecay_,
    "PiecewiseConstantDecay": PiecewiseConstantDecay_,
    "PolynomialDecay": PolynomialDecay_,
    "InverseTimeDecay": InverseTimeDecay_,
    "CosineDecay": CosineDecay_,
    "CosineDecayRestarts": CosineDecayRestarts_,
}
