"""Hugging Face transformers' schedules (transformers 5.24, `transformers/optimization.py`).

Every one is a torch `LambdaLR`: the rate at step k is `base_lr * lr_lambda(k)`, base_lr
multiplied last, in Python floats. Each lambda is mirrored here on whole arrays, operation by
operation, including where Python divides two ints (correctly rounded) or compares with `max`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from lrcli.calls import CallError
from lrcli.frameworks import _args as a
from lrcli.schedule import MAX_STEP
from lrcli.smooth import Floats, Phase, Phased, Steps, phases_from_edges

NAMESPACES = ("transformers", "transformers.optimization")

REFUSED = {
    "get_reduce_on_plateau_schedule": "its rate depends on the metric your training reports, "
    "which lrcli cannot know",
    "get_greedy_schedule": "its rate depends on the metric your training reports",
}

_EXACT = 2**53


def _int_div(numerator: Steps, denominator: int) -> Floats:
    """`numerator / denominator` for Python ints: the correctly rounded quotient."""
    if denominator < _EXACT and (not len(numerator) or abs(numerator).max() < _EXACT):
        return numerator.astype(np.float64) / float(denominator)
    return np.array([n / denominator for n in numerator.tolist()], dtype=np.float64)


def _warmup(steps: Steps, warmup: int) -> Floats:
    """float(current_step) / float(max(1, num_warmup_steps))"""
    return steps.astype(np.float64) / float(max(1, warmup))


class _Lambda(Phased):
    """`base_lr * lr_lambda(step)`, as LambdaLR computes it."""

    framework = "transformers"
    warmup = 0
    starts_at_zero = True
    """Whether the warmup's first step is rate 0."""

    def __init__(self, base_lr: float) -> None:
        self.base_lr = base_lr

    def lam(self, steps: Steps) -> Floats:
        raise NotImplementedError

    def rates(self, steps: Steps) -> Floats:
        return self.base_lr * self.lam(steps)

    @property
    def description(self) -> str:
        return f"transformers {self.api} · float64, base_lr × lr_lambda(step)"

    def notes(self, first: int, last: int) -> Iterator[str]:
        if self.warmup > 0 and self.starts_at_zero and first == 0:
            yield (
                f"step 0 trains at rate 0.0: {self.api}'s warmup starts from 0 "
                f"(step / {self.warmup}), so the first update does nothing"
            )


class ConstantSchedule(_Lambda):
    api = "get_constant_schedule"

    def lam(self, steps: Steps) -> Floats:
        return np.ones(len(steps))  # _get_constant_lambda returns the int 1

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        yield from phases_from_edges([0], ["constant"], first, last)


class ConstantWithWarmup(_Lambda):
    api = "get_constant_schedule_with_warmup"

    def __init__(self, base_lr: float, warmup: int) -> None:
        super().__init__(base_lr)
        self.warmup = warmup

    def lam(self, steps: Steps) -> Floats:
        # float(current_step) / float(max(1.0, num_warmup_steps)), then 1.0
        ramp = steps.astype(np.float64) / float(max(1.0, self.warmup))
        return np.where(steps < self.warmup, ramp, 1.0)

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        yield from phases_from_edges([0, self.warmup], ["linear", "constant"], first, last)

    @property
    def end(self) -> int:
        return self.warmup


class _Decay(_Lambda):
    """A warmup to base_lr, then a decay over `num_training_steps`."""

    decay_shape = "linear"
    settled_shape = "constant"

    def __init__(self, base_lr: float, warmup: int, total: int) -> None:
        super().__init__(base_lr)
        self.warmup, self.total = warmup, total

    @property
    def settle(self) -> int:
        """The first step of the phase after the decay."""
        return max(self.total, self.warmup)

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        starts = [0, self.warmup, self.settle]
        shapes = ["linear", self.decay_shape, self.settled_shape]
        yield from phases_from_edges(starts, shapes, first, last)

    @property
    def end(self) -> int:
        return self.settle

    def _progress(self, steps: Steps) -> Floats:
        # float(current_step - W) / float(max(1, num_training_steps - W)), W the warmup steps
        return (steps - self.warmup).astype(np.float64) / float(max(1, self.total - self.warmup))


class LinearWithWarmup(_Decay):
    api = "get_linear_schedule_with_warmup"

    def lam(self, steps: Steps) -> Floats:
        # max(0.0, float(num_training_steps - current_step) / float(max(1, T - W)))
        left = (self.total - steps).astype(np.float64) / float(max(1, self.total - self.warmup))
        return np.where(steps < self.warmup, _warmup(steps, self.warmup), np.maximum(0.0, left))


class CosineWithWarmup(_Decay):
    api = "get_cosine_schedule_with_warmup"
    decay_shape = settled_shape = "cosine"

    def __init__(self, base_lr: float, warmup: int, total: int, cycles: float) -> None:
        super().__init__(base_lr, warmup, total)
        self.cycles = cycles

    def _factor(self, steps: Steps) -> Floats:
        # 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
        turn = math.pi * float(self.cycles) * 2.0
        return 0.5 * (1.0 + np.cos(turn * self._progress(steps)))

    def lam(self, steps: Steps) -> Floats:
        decay = np.maximum(0.0, self._factor(steps))
        return np.where(steps < self.warmup, _warmup(steps, self.warmup), decay)

    def notes(self, first: int, last: int) -> Iterator[str]:
        yield from super().notes(first, last)
        yield from _rises_again(self, last)


def _rises_again(schedule: _Decay, last: int) -> Iterator[str]:
    after = schedule.settle
    if last > after:
        here, then = schedule(np.array([after, after + 1], dtype=np.int64)).tolist()
        if then > here:
            yield (
                f"{schedule.api} does not stop at num_training_steps={schedule.total}: "
                f"the cosine rises again after step {after} ({here!r} -> {then!r} at step "
                f"{after + 1})"
            )


class CosineWithMinLr(CosineWithWarmup):
    api = "get_cosine_with_min_lr_schedule_with_warmup"

    def __init__(self, base_lr: float, warmup: int, total: int, cycles: float, rate: float):
        super().__init__(base_lr, warmup, total, cycles)
        self.rate = rate

    def lam(self, steps: Steps) -> Floats:
        # factor = factor * (1 - min_lr_rate) + min_lr_rate; max(0, factor)
        factor = self._factor(steps) * (1 - self.rate) + self.rate
        decay = np.maximum(0.0, factor)
        return np.where(steps < self.warmup, _warmup(steps, self.warmup), decay)


class CosineWithMinLrRate(_Decay):
    """The `_lr_rate` variant: warms up with (k + 1) / W and decays one step earlier."""

    api = "get_cosine_with_min_lr_schedule_with_warmup_lr_rate"
    decay_shape = settled_shape = "cosine"
    starts_at_zero = False

    def __init__(
        self,
        base_lr: float,
        warmup: int,
        total: int,
        cycles: float,
        rate: float,
        warmup_rate: float | None,
    ) -> None:
        super().__init__(base_lr, warmup, total)
        self.cycles, self.rate, self.warmup_rate = cycles, rate, warmup_rate

    @property
    def settle(self) -> int:
        return max(self.total - 1, self.warmup)

    def lam(self, steps: Steps) -> Floats:
        k, w, t = steps.astype(np.float64), float(self.warmup), float(self.total)
        if self.warmup_rate is None:
            ramp = (k + 1.0) / max(1.0, w)
        else:
            r = float(self.warmup_rate)
            ramp = r + (1.0 - r) * k / max(1, w - 1)
        progress = (k - w + 1.0) / max(1.0, t - w)
        factor = 0.5 * (1.0 + np.cos(math.pi * self.cycles * 2.0 * progress))
        decay = np.maximum(0.0, factor * (1 - self.rate) + self.rate)
        return np.where(k < w, ramp, decay)

    def notes(self, first: int, last: int) -> Iterator[str]:
        yield from _rises_again(self, last)


class HardRestarts(_Decay):
    api = "get_cosine_with_hard_restarts_schedule_with_warmup"
    decay_shape = "cosine"

    def __init__(self, base_lr: float, warmup: int, total: int, cycles: int) -> None:
        super().__init__(base_lr, warmup, total)
        self.cycles = cycles

    def lam(self, steps: Steps) -> Floats:
        progress = self._progress(steps)
        # 0.5 * (1.0 + math.cos(math.pi * ((float(num_cycles) * progress) % 1.0)))
        wave = 0.5 * (1.0 + np.cos(math.pi * np.fmod(float(self.cycles) * progress, 1.0)))
        decay = np.where(progress >= 1.0, 0.0, np.maximum(0.0, wave))
        return np.where(steps < self.warmup, _warmup(steps, self.warmup), decay)

    def restarts(self) -> list[int]:
        """The steps where the cosine starts again: cycles * progress passes a whole number."""
        found = []
        span = self.total - self.warmup
        for i in range(1, int(self.cycles)):
            guess = self.warmup + (i * span) // int(self.cycles)
            near = np.arange(max(guess - 2, self.warmup), guess + 4, dtype=np.int64)
            turns = np.floor(float(self.cycles) * self._progress(near))
            hit = near[turns >= i]
            if len(hit) and hit[0] < self.settle:
                found.append(int(hit[0]))
        return found

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        starts = [0, self.warmup, *self.restarts(), self.settle]
        shapes = ["linear", *["cosine"] * (len(starts) - 2), "constant"]
        yield from phases_from_edges(starts, shapes, first, last)


class PolynomialWithWarmup(_Decay):
    api = "get_polynomial_decay_schedule_with_warmup"

    def __init__(self, base_lr: float, warmup: int, total: int, lr_end: float, power: float):
        super().__init__(base_lr, warmup, total)
        self.lr_end, self.power = lr_end, power
        self.decay_shape = "linear" if power == 1 else "polynomial"

    def lam(self, steps: Steps) -> Floats:
        lr_init = self.base_lr  # optimizer.defaults["lr"]
        decay_steps = self.total - self.warmup
        inside = (steps >= self.warmup) & (steps <= self.total)
        # pct_remaining = 1 - (current_step - num_warmup_steps) / decay_steps
        done = (
            _int_div(steps[inside] - self.warmup, decay_steps)
            if decay_steps
            else steps[inside] * 0.0
        )
        pct = 1 - done
        decay = np.empty(len(steps))
        decay[inside] = (
            (lr_init - self.lr_end) * np.float_power(pct, float(self.power)) + self.lr_end
        ) / lr_init
        out = np.where(steps < self.warmup, _warmup(steps, self.warmup), self.lr_end / lr_init)
        out[inside] = decay[inside]
        return out


class InverseSqrt(_Lambda):
    api = "get_inverse_sqrt_schedule"

    def __init__(self, base_lr: float, warmup: int, timescale: int) -> None:
        super().__init__(base_lr)
        self.warmup, self.timescale = warmup, timescale

    def lam(self, steps: Steps) -> Floats:
        shift = self.timescale - self.warmup
        after = steps >= self.warmup
        out = _warmup(steps, self.warmup)
        moved = steps[after]
        safe = moved < _EXACT - abs(shift)
        quotient = np.empty(len(moved))
        # (current_step + shift) / timescale: two Python ints, correctly rounded
        quotient[safe] = _int_div(moved[safe] + shift, self.timescale)
        quotient[~safe] = [(int(k) + shift) / self.timescale for k in moved[~safe].tolist()]
        out[after] = 1.0 / np.sqrt(quotient)
        return out

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        yield from phases_from_edges([0, self.warmup], ["linear", "inverse-sqrt"], first, last)

    @property
    def end(self) -> int:
        return self.warmup + 9 * self.timescale  # the rate is down to base_lr / sqrt(10)


class WarmupStableDecay(_Lambda):
    api = "get_wsd_schedule"

    def __init__(
        self,
        base_lr: float,
        warmup: int,
        stable: int,
        decay: int,
        warmup_type: str,
        decay_type: str,
        ratio: float,
        cycles: float,
    ) -> None:
        super().__init__(base_lr)
        self.warmup, self.stable, self.decay = warmup, stable, decay
        self.warmup_type, self.decay_type, self.ratio, self.cycles = (
            warmup_type,
            decay_type,
            ratio,
            cycles,
        )
        self.starts_at_zero = ratio == 0

    def _shaped(self, factor: Floats) -> Floats:
        # factor * (1.0 - min_lr_ratio) + min_lr_ratio; max(0.0, factor)
        return np.maximum(0.0, factor * (1.0 - self.ratio) + self.ratio)

    def lam(self, steps: Steps) -> Floats:
        w, s, d = self.warmup, self.stable, self.decay
        progress = _warmup(steps, w)
        if self.warmup_type == "linear":
            up = progress
        elif self.warmup_type == "cosine":
            up = 0.5 * (1.0 - np.cos(math.pi * progress))
        else:
            with np.errstate(invalid="ignore"):
                up = 1.0 - np.sqrt(1.0 - progress)
        down_progress = (steps - w - s).astype(np.float64) / float(max(1, d))
        if self.decay_type == "linear":
            down = 1.0 - down_progress
        elif self.decay_type == "cosine":
            down = 0.5 * (1.0 + np.cos(math.pi * float(self.cycles) * 2.0 * down_progress))
        else:
            with np.errstate(invalid="ignore"):
                down = 1.0 - np.sqrt(down_progress)
        return np.select(
            [steps < w, steps < w + s, steps < w + s + d],
            [self._shaped(up), 1.0, self._shaped(down)],
            float(self.ratio),
        )

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        w, s, d = self.warmup, self.stable, self.decay
        starts = [0, w, w + s, w + s + d]
        shapes = [self.warmup_type, "constant", self.decay_type, "constant"]
        shapes = ["linear" if x == "linear" else x for x in shapes]
        yield from phases_from_edges(starts, shapes, first, last)

    @property
    def end(self) -> int:
        return self.warmup + self.stable + self.decay


# --- The API: transformers' signatures, defaults and checks --------------------------------


def _steps(api: str, name: str, value: Any) -> int:
    return a.integer(api, name, value, minimum=0)


def _lr(optimizer: Any, api: str) -> float:
    return a.optimizer(api, optimizer).lr(api)


def get_constant_schedule(optimizer, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "get_constant_schedule"
    a.start_at_zero(api, last_epoch)
    return ConstantSchedule(_lr(optimizer, api))


def get_constant_schedule_with_warmup(optimizer, num_warmup_steps, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "get_constant_schedule_with_warmup"
    a.start_at_zero(api, last_epoch)
    return ConstantWithWarmup(
        _lr(optimizer, api), _steps(api, "num_warmup_steps", num_warmup_steps)
    )


def _warmup_total(api: str, warmup: Any, total: Any) -> tuple[int, int]:
    return _steps(api, "num_warmup_steps", warmup), _steps(api, "num_training_steps", total)


def get_linear_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "get_linear_schedule_with_warmup"
    a.start_at_zero(api, last_epoch)
    return LinearWithWarmup(
        _lr(optimizer, api), *_warmup_total(api, num_warmup_steps, num_training_steps)
    )


def get_cosine_schedule_with_warmup(  # type: ignore[no-untyped-def]
    optimizer, num_warmup_steps, num_training_steps, num_cycles=0.5, last_epoch=-1
):
    api = "get_cosine_schedule_with_warmup"
    a.start_at_zero(api, last_epoch)
    warmup, total = _warmup_total(api, num_warmup_steps, num_training_steps)
    return CosineWithWarmup(
        _lr(optimizer, api), warmup, total, a.number(api, "num_cycles", num_cycles)
    )


def get_cosine_with_hard_restarts_schedule_with_warmup(  # type: ignore[no-untyped-def]
    optimizer, num_warmup_steps, num_training_steps, num_cycles=1, last_epoch=-1
):
    api = "get_cosine_with_hard_restarts_schedule_with_warmup"
    a.start_at_zero(api, last_epoch)
    warmup, total = _warmup_total(api, num_warmup_steps, num_training_steps)
    cycles = a.number(api, "num_cycles", num_cycles)
    if cycles != int(cycles) or cycles < 1:
        raise CallError(
            f"{api}: num_cycles={cycles!r} must be a whole number of restarts, at least 1"
        )
    return HardRestarts(_lr(optimizer, api), warmup, total, int(cycles))


def get_polynomial_decay_schedule_with_warmup(  # type: ignore[no-untyped-def]
    optimizer, num_warmup_steps, num_training_steps, lr_end=1e-7, power=1.0, last_epoch=-1
):
    api = "get_polynomial_decay_schedule_with_warmup"
    a.start_at_zero(api, last_epoch)
    warmup, total = _warmup_total(api, num_warmup_steps, num_training_steps)
    lr_init = _lr(optimizer, api)
    lr_end = a.number(api, "lr_end", lr_end)
    if not lr_init > lr_end:
        raise CallError(f"{api}: lr_end={lr_end!r} must be smaller than the initial lr {lr_init!r}")
    if warmup == total:
        raise CallError(
            f"{api}: num_warmup_steps equals num_training_steps ({total}), and transformers "
            f"divides by zero at step {total}"
        )
    return PolynomialWithWarmup(lr_init, warmup, total, lr_end, a.number(api, "power", power))


def get_inverse_sqrt_schedule(optimizer, num_warmup_steps, timescale=None, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "get_inverse_sqrt_schedule"
    a.start_at_zero(api, last_epoch)
    warmup = _steps(api, "num_warmup_steps", num_warmup_steps)
    if timescale is None:
        timescale = warmup or 10_000
    return InverseSqrt(
        _lr(optimizer, api), warmup, a.integer(api, "timescale", timescale, minimum=1)
    )


def _min_rate(api: str, lr: float, min_lr: Any, min_lr_rate: Any) -> float:
    if min_lr is not None and min_lr_rate is not None:
        raise CallError(f"{api}: give min_lr or min_lr_rate, not both")
    if min_lr is not None:
        return a.number(api, "min_lr", min_lr) / lr  # min_lr / optimizer.defaults["lr"]
    if min_lr_rate is None:
        raise CallError(f"{api} needs min_lr or min_lr_rate")
    return a.number(api, "min_lr_rate", min_lr_rate)


def get_cosine_with_min_lr_schedule_with_warmup(  # type: ignore[no-untyped-def]
    optimizer,
    num_warmup_steps,
    num_training_steps,
    num_cycles=0.5,
    last_epoch=-1,
    min_lr=None,
    min_lr_rate=None,
):
    api = "get_cosine_with_min_lr_schedule_with_warmup"
    a.start_at_zero(api, last_epoch)
    warmup, total = _warmup_total(api, num_warmup_steps, num_training_steps)
    lr = _lr(optimizer, api)
    rate = _min_rate(api, lr, min_lr, min_lr_rate)
    return CosineWithMinLr(lr, warmup, total, a.number(api, "num_cycles", num_cycles), rate)


def get_cosine_with_min_lr_schedule_with_warmup_lr_rate(  # type: ignore[no-untyped-def]
    optimizer,
    num_warmup_steps,
    num_training_steps,
    num_cycles=0.5,
    last_epoch=-1,
    min_lr=None,
    min_lr_rate=None,
    warmup_lr_rate=None,
):
    api = "get_cosine_with_min_lr_schedule_with_warmup_lr_rate"
    a.start_at_zero(api, last_epoch)
    warmup, total = _warmup_total(api, num_warmup_steps, num_training_steps)
    lr = _lr(optimizer, api)
    rate = _min_rate(api, lr, min_lr, min_lr_rate)
    if warmup_lr_rate is not None:
        warmup_lr_rate = a.number(api, "warmup_lr_rate", warmup_lr_rate)
    cycles = a.number(api, "num_cycles", num_cycles)
    return CosineWithMinLrRate(lr, warmup, total, cycles, rate, warmup_lr_rate)


def get_wsd_schedule(  # type: ignore[no-untyped-def]
    optimizer,
    num_warmup_steps,
    num_decay_steps,
    num_training_steps=None,
    num_stable_steps=None,
    warmup_type="linear",
    decay_type="cosine",
    min_lr_ratio=0,
    num_cycles=0.5,
    last_epoch=-1,
):
    api = "get_wsd_schedule"
    a.start_at_zero(api, last_epoch)
    warmup = _steps(api, "num_warmup_steps", num_warmup_steps)
    decay = _steps(api, "num_decay_steps", num_decay_steps)
    if num_training_steps is None and num_stable_steps is None:
        raise CallError(f"{api} needs num_training_steps or num_stable_steps")
    types = ("linear", "cosine", "1-sqrt")
    warmup_type = a.choice(api, "warmup_type", warmup_type, types)
    decay_type = a.choice(api, "decay_type", decay_type, types)
    if num_stable_steps is None:
        stable = _steps(api, "num_training_steps", num_training_steps) - warmup - decay
        if stable < 0:
            raise CallError(
                f"{api}: num_training_steps={num_training_steps} is less than "
                f"num_warmup_steps + num_decay_steps ({warmup + decay})"
            )
    else:
        stable = _steps(api, "num_stable_steps", num_stable_steps)
    return WarmupStableDecay(
        _lr(optimizer, api),
        warmup,
        stable,
        decay,
        warmup_type,
        decay_type,
        a.number(api, "min_lr_ratio", min_lr_ratio),
        a.number(api, "num_cycles", num_cycles),
    )


_BY_TYPE: dict[str, Callable[..., Any]] = {
    "linear": get_linear_schedule_with_warmup,
    "cosine": get_cosine_schedule_with_warmup,
    "cosine_with_restarts": get_cosine_with_hard_restarts_schedule_with_warmup,
    "polynomial": get_polynomial_decay_schedule_with_warmup,
    "constant": get_constant_schedule,
    "constant_with_warmup": get_constant_schedule_with_warmup,
    "inverse_sqrt": get_inverse_sqrt_schedule,
    "cosine_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup,
    "cosine_warmup_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    "warmup_stable_decay": get_wsd_schedule,
}


def get_scheduler(  # type: ignore[no-untyped-def]
    name, optimizer, num_warmup_steps=None, num_training_steps=None, scheduler_specific_kwargs=None
):
    """`get_scheduler("cosine", optimizer, ...)`: the table behind `lr_scheduler_type`."""
    api = "get_scheduler"
    if name in ("reduce_lr_on_plateau", "greedy"):
        raise CallError(f"{api}: {name!r} depends on the metric your training reports")
    kind = a.choice(api, "name", name, tuple(_BY_TYPE))
    function = _BY_TYPE[kind]
    extra = scheduler_specific_kwargs or {}
    if not isinstance(extra, dict):
        raise CallError(f"{api}: scheduler_specific_kwargs must be a dict")
    keywords: list[tuple[str, Any]] = []
    if kind != "constant":
        if num_warmup_steps is None:
            raise CallError(f"{api}: {kind!r} needs num_warmup_steps")
        keywords.append(("num_warmup_steps", num_warmup_steps))
    if kind not in ("constant", "constant_with_warmup", "inverse_sqrt"):
        if num_training_steps is None and kind != "warmup_stable_decay":
            raise CallError(f"{api}: {kind!r} needs num_training_steps")
        keywords.append(("num_training_steps", num_training_steps))
    if kind not in ("constant", "constant_with_warmup"):
        keywords.extend(extra.items())
    return function(**a.bind(function.__name__, function, (optimizer,), keywords))


APIS: dict[str, Callable[..., Any]] = {
    function.__name__: function
    for function in (
        get_constant_schedule,
        get_constant_schedule_with_warmup,
        get_linear_schedule_with_warmup,
        get_cosine_schedule_with_warmup,
        get_cosine_with_hard_restarts_schedule_with_warmup,
        get_polynomial_decay_schedule_with_warmup,
        get_inverse_sqrt_schedule,
        get_cosine_with_min_lr_schedule_with_warmup,
        get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
        get_wsd_schedule,
        get_scheduler,
    )
}
