"""timm's schedulers (timm 1.0.31, `timm/scheduler/*.py`), in float64.

A timm scheduler is stateless: `step(epoch)` and `step_update(num_updates)` write `_get_lr(t)`
into the optimizer, and the constructor writes `warmup_lr_init` (with a warmup) or leaves the
base lr. timm's own loop calls `step(e + 1)` at the end of epoch e (`step_update(n + 1)` after
update n), so the rate in force during epoch or update t is `_get_lr(t)` for t >= 1 and the
constructor's value at t = 0: that is the rate these classes give. `_get_lr` is mirrored on
whole arrays, operation by operation in Python's float semantics: `**` is `np.float_power`
(C `pow`, as Python's), `math.cos` is `np.cos` on this platform; `math.log` and `math.tanh`
are not numpy's, so cycle indices are found per cycle with `math.log`, and tanh calls
`math.tanh` on each element.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

import numpy as np

from lrcli.calls import CallError
from lrcli.frameworks import _args as a
from lrcli.schedule import MAX_STEP, ScheduleError
from lrcli.smooth import Floats, Phase, Phased, Steps

NAMESPACES = (
    "timm.scheduler",
    "timm.scheduler.cosine_lr",
    "timm.scheduler.step_lr",
    "timm.scheduler.multistep_lr",
    "timm.scheduler.poly_lr",
    "timm.scheduler.tanh_lr",
    "timm.scheduler.wsd_lr",
    "timm.scheduler.plateau_lr",
)

REFUSED = {
    "PlateauLRScheduler": "its rate depends on the metric your training reports, "
    "which lrcli cannot know",
}

_tanh = np.frompyfunc(math.tanh, 1, 1)
"""libm's tanh per element: numpy's tanh differs from it in the last bit for ~1 in 8 inputs."""


def _phases(pairs: Iterable[tuple[int, str]], first: int, last: int) -> Iterator[Phase]:
    """Phases from ascending (start, shape) pairs, the first at 0, clipped to `first..last`."""
    pending: tuple[int, str] | None = None
    for start, shape in pairs:
        if pending is not None and start > pending[0]:
            lo, hi = max(pending[0], first), min(start - 1, last)
            if lo <= hi:
                yield Phase(lo, hi, pending[1])
        # an empty phase (a start equal to the one before) gives way to the later shape
        pending = (start if pending is None else max(start, pending[0]), shape)
        if start > last:
            return
    if pending is not None:
        lo = max(pending[0], first)
        if lo <= last:
            yield Phase(lo, last, pending[1])


class TimmScheduler(Phased):
    """Warmup `warmup_lr_init + t * s`, then the scheduler's own rate (`after`)."""

    framework = "timm"

    def __init__(
        self, base_lr: float, warmup_t: int, warmup_lr_init: float, warmup_prefix: bool
    ) -> None:
        self.base_lr = base_lr
        self.warmup_t = warmup_t
        self.warmup_lr_init = warmup_lr_init
        self.warmup_prefix = warmup_prefix
        # self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in self.base_values]
        self.warmup_step = (base_lr - warmup_lr_init) / warmup_t if warmup_t else 1

    @property
    def initial(self) -> float:
        """What the constructor writes into the optimizer: the rate at t = 0."""
        return self.warmup_lr_init if self.warmup_t else self.base_lr

    @property
    def shift(self) -> int:
        """Where the schedule's own t = 0 lies: after the warmup when it is a prefix."""
        return self.warmup_t if self.warmup_prefix else 0

    @abstractmethod
    def after(self, t: Steps) -> Floats:
        """`_get_lr`'s else branch at each t (already shifted by a warmup prefix)."""

    @abstractmethod
    def edges(self, near: int = 0) -> Iterator[tuple[int, str]]:
        """Ascending (t, shape) where the rate after the warmup changes form, unshifted,
        starting at (0, shape); those well before `near` may be left out."""

    def get_lr(self, steps: Steps) -> Floats:
        """`_get_lr(t)` at each step, as timm computes it."""
        out = np.empty(len(steps), dtype=np.float64)
        warm = steps < self.warmup_t
        # self.warmup_lr_init + t * s
        out[warm] = self.warmup_lr_init + steps[warm].astype(np.float64) * self.warmup_step
        rest = steps[~warm]
        if len(rest):
            out[~warm] = self.after(rest - self.shift)
        return out

    def rates(self, steps: Steps) -> Floats:
        return np.where(steps == 0, float(self.initial), self.get_lr(steps))

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        def pairs() -> Iterator[tuple[int, str]]:
            if self.warmup_t:
                yield 0, "linear"
            for t, shape in self.edges(max(first - self.shift, 0)):
                yield min(max(t + self.shift, self.warmup_t), MAX_STEP), shape

        yield from _phases(pairs(), first, last)

    @property
    def end(self) -> int:
        edges = [t for t, _ in self._first_edges(4)]
        return min(max(edges[-1] + self.shift, self.warmup_t), MAX_STEP) if edges else 0

    def _first_edges(self, count: int) -> list[tuple[int, str]]:
        found = []
        for edge in self.edges():
            found.append(edge)
            if len(found) == count:
                break
        return found

    @property
    def description(self) -> str:
        return f"timm {self.api} · float64, _get_lr(t) (constructor's value at t = 0)"

    def notes(self, first: int, last: int) -> Iterator[str]:
        if first == 0:
            zero = float(self.get_lr(np.zeros(1, dtype=np.int64))[0])
            if zero != self.initial:
                yield (
                    f"t = 0 runs at the constructor's value {self.initial!r}; timm's "
                    f"_get_lr(0) is {zero!r}, which a loop calling step(0) would use"
                )
            if self.warmup_t and self.warmup_lr_init == 0:
                yield "t = 0 trains at rate 0.0: the warmup starts from warmup_lr_init=0"


class _Cycles(TimmScheduler):
    """Cosine, tanh and poly: cycles of `t_initial * cycle_mul ** i`, each at `cycle_decay ** i`."""

    shape = "cosine"

    def __init__(
        self,
        base_lr: float,
        t_initial: int,
        lr_min: float,
        cycle_mul: float,
        cycle_decay: float,
        cycle_limit: float,
        warmup_t: int,
        warmup_lr_init: float,
        warmup_prefix: bool,
    ) -> None:
        super().__init__(base_lr, warmup_t, warmup_lr_init, warmup_prefix)
        self.t_initial, self.lr_min = t_initial, lr_min
        self.mul, self.decay, self.limit = cycle_mul, cycle_decay, cycle_limit
        self._starts = [0]  # first t of cycle i, found one cycle at a time (cycle_mul != 1)
        self.dead = MAX_STEP
        """With cycle_mul < 1 the cycles add up to t_initial / (1 - cycle_mul); from there on
        timm's `math.log` raises "math domain error"."""
        if self.mul < 1:
            self.dead = self._first(lambda t: 1 - t / t_initial * (1 - self.mul) <= 0, 0, None)

    def _index(self, t: int) -> int:
        # i = math.floor(math.log(1 - t / self.t_initial * (1 - self.cycle_mul), self.cycle_mul))
        return math.floor(math.log(1 - t / self.t_initial * (1 - self.mul), self.mul))

    @staticmethod
    def _first(reached: Callable[[int], bool], lo: int, guess: float | None) -> int:
        """The smallest t >= lo where the monotone `reached` holds (MAX_STEP if none)."""
        if reached(lo):
            return lo
        hi = lo + 1
        if guess is not None and math.isfinite(guess):
            hi = max(hi, min(int(guess) + 2, MAX_STEP))
        while not reached(hi):
            if hi >= MAX_STEP:
                return MAX_STEP
            lo, hi = hi, min(hi + 2 * (hi - lo) + 1, MAX_STEP)
        while hi - lo > 1:  # reached(hi) and not reached(lo)
            mid = (lo + hi) // 2
            if reached(mid):
                hi = mid
            else:
                lo = mid
        return hi

    def _cycle_starts(self, upto: int) -> list[int]:
        """Starts of cycles 0, 1, ... until one is past `upto` or the cycle limit is reached."""
        starts = self._starts
        while starts[-1] <= upto and len(starts) <= self.limit and starts[-1] < self.dead:
            j = len(starts)
            guess = self.t_initial * (self.mul**j - 1) / (self.mul - 1)

            def reached(t: int, j: int = j) -> bool:
                return t >= self.dead or self._index(t) >= j

            found = self._first(
                reached,
                starts[-1],
                guess - 2 if guess < MAX_STEP else None,
            )
            starts.append(min(found, self.dead))
        return starts

    def cycle(self, t: Steps) -> tuple[Steps, Floats, Floats]:
        """The cycle i, t_curr and t_i of each t."""
        if self.mul == 1:
            i = t // self.t_initial  # t // self.t_initial, two ints
            t_curr = (t - self.t_initial * i).astype(np.float64)
            return i, t_curr, np.full(len(t), float(self.t_initial))
        starts = self._cycle_starts(int(t.max()))
        i = np.searchsorted(np.array(starts[1:], dtype=np.int64), t, side="right")
        count = len(starts)
        # t_i = self.cycle_mul ** i * self.t_initial
        t_is = np.array([self.mul**j * self.t_initial for j in range(count)], dtype=np.float64)
        # t - (1 - self.cycle_mul ** i) / (1 - self.cycle_mul) * self.t_initial
        offsets = [(1 - self.mul**j) / (1 - self.mul) * self.t_initial for j in range(count)]
        t_curr = t.astype(np.float64) - np.array(offsets, dtype=np.float64)[i]
        return i.astype(np.int64), t_curr, t_is[i]

    @abstractmethod
    def curve(self, lr_max: Floats, t_curr: Floats, t_i: Floats) -> Floats:
        """The rate inside a cycle."""

    def after(self, t: Steps) -> Floats:
        i, t_curr, t_i = self.cycle(t)
        inside = i < self.limit
        out = np.full(len(t), float(self.lr_min))
        # gamma = self.cycle_decay ** i; lr_max = v * gamma
        gamma = np.float_power(float(self.decay), i[inside].astype(np.float64))
        out[inside] = self.curve(self.base_lr * gamma, t_curr[inside], t_i[inside])
        if self.dead < MAX_STEP:
            out[t >= self.dead] = np.nan
        return out

    def edges(self, near: int = 0) -> Iterator[tuple[int, str]]:
        yield 0, self.shape
        j = 1
        while j <= self.limit:
            if self.mul == 1:
                start = j * self.t_initial
            else:
                starts = self._cycle_starts(MAX_STEP if j >= len(self._starts) else 0)
                if j >= len(starts):
                    return
                start = starts[j]
            if start >= min(MAX_STEP - self.shift, self.dead):
                return
            yield start, "constant" if j >= self.limit else self.shape
            j += 1

    def check_steps(self, largest: int, field: str) -> None:
        if largest - self.shift >= self.dead and largest >= self.warmup_t:
            raise ScheduleError(
                field,
                f"{self.api}: from step {self.dead + self.shift} on timm raises 'math domain "
                f"error': with cycle_mul={self.mul!r} < 1 the cycles add up to "
                f"t_initial / (1 - cycle_mul) = {self.t_initial / (1 - self.mul)!r} steps",
            )

    def cycle_length(self, cycles: int = 0) -> int:
        """`get_cycle_length()`: the cycles' length, plus the warmup when it is a prefix."""
        cycles = max(1, cycles or self.limit)  # type: ignore[assignment]
        if self.mul == 1.0:
            t = self.t_initial * cycles
        else:
            t = math.floor(-self.t_initial * (self.mul**cycles - 1) / (1 - self.mul))
        return t + self.warmup_t if self.warmup_prefix else t


class Cosine(_Cycles):
    api = "CosineLRScheduler"

    def __init__(self, *args: Any, k_decay: float) -> None:
        super().__init__(*args)
        self.k = k_decay

    def curve(self, lr_max: Floats, t_curr: Floats, t_i: Floats) -> Floats:
        k = float(self.k)
        # lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t_curr ** k / t_i ** k))
        angle = math.pi * np.float_power(t_curr, k) / np.float_power(t_i, k)
        out: Floats = self.lr_min + 0.5 * (lr_max - self.lr_min) * (1 + np.cos(angle))
        return out


class Poly(_Cycles):
    api = "PolyLRScheduler"
    shape = "polynomial"

    def __init__(self, *args: Any, power: float, k_decay: float) -> None:
        super().__init__(*args)
        self.power, self.k = power, k_decay

    def curve(self, lr_max: Floats, t_curr: Floats, t_i: Floats) -> Floats:
        k = float(self.k)
        # lr_min + (lr_max - lr_min) * (1 - t_curr ** k / t_i ** k) ** self.power
        left = 1 - np.float_power(t_curr, k) / np.float_power(t_i, k)
        return self.lr_min + (lr_max - self.lr_min) * np.float_power(left, float(self.power))


class Tanh(_Cycles):
    api = "TanhLRScheduler"
    shape = "tanh"

    def __init__(self, *args: Any, lb: float, ub: float) -> None:
        super().__init__(*args)
        self.lb, self.ub = lb, ub
        if self.warmup_t and not self.warmup_prefix:
            if self.warmup_t >= self.dead:
                raise CallError(
                    f"{self.api}: timm raises 'math domain error' in its constructor: the "
                    f"warmup ends at t={self.warmup_t}, past the end of the cycles "
                    f"(cycle_mul={self.mul!r} < 1)"
                )
            # t_v = self._get_lr(self.warmup_t): the warmup climbs to the curve's value there
            t_v = float(self.after(np.array([self.warmup_t], dtype=np.int64))[0])
            self.warmup_step = (t_v - self.warmup_lr_init) / self.warmup_t

    def curve(self, lr_max: Floats, t_curr: Floats, t_i: Floats) -> Floats:
        tr = t_curr / t_i
        # lr_min + 0.5 * (lr_max - lr_min) * (1 - math.tanh(lb * (1. - tr) + ub * tr))
        inner = self.lb * (1.0 - tr) + self.ub * tr
        tanh = np.asarray(_tanh(inner), dtype=np.float64)
        return self.lr_min + 0.5 * (lr_max - self.lr_min) * (1 - tanh)


class Step(TimmScheduler):
    """`lr * decay_rate ** (t // decay_t)`, `decay_t` an int or a float (2.4 epochs)."""

    api = "StepLRScheduler"

    def __init__(self, base_lr: float, decay_t: float, decay_rate: float, *warmup: Any) -> None:
        super().__init__(base_lr, *warmup)
        self.decay_t, self.decay_rate = decay_t, decay_rate

    def _count(self, t: Steps) -> Floats:
        if isinstance(self.decay_t, int):
            return (t // self.decay_t).astype(np.float64)
        # int // float is Python's float floor division, which np.floor_divide mirrors
        return np.floor_divide(t.astype(np.float64), float(self.decay_t))

    def after(self, t: Steps) -> Floats:
        # v * (self.decay_rate ** (t // self.decay_t))
        return self.base_lr * np.float_power(float(self.decay_rate), self._count(t))

    def _edge(self, n: int) -> int:
        """The first t with t // decay_t >= n."""
        guess = math.ceil(n * self.decay_t)
        t = max(guess - 2, 0)
        while t // self.decay_t < n:
            t += 1
        return t

    def edges(self, near: int = 0) -> Iterator[tuple[int, str]]:
        yield 0, "constant"
        if self.decay_rate == 1:
            return
        n = max(1, int(near // self.decay_t))
        while True:
            t = self._edge(n)
            if t >= MAX_STEP - self.shift:
                return
            yield t, "constant"
            n += 1

    @property
    def end(self) -> int:
        if self.decay_rate == 1:
            return self.warmup_t
        return super().end


class MultiStep(TimmScheduler):
    """`lr * decay_rate ** bisect_right(milestones, t + 1)`: milestone m applies at t = m - 1."""

    api = "MultiStepLRScheduler"

    def __init__(
        self, base_lr: float, milestones: list[int], decay_rate: float, *warmup: Any
    ) -> None:
        super().__init__(base_lr, *warmup)
        self.milestones, self.decay_rate = milestones, decay_rate

    def after(self, t: Steps) -> Floats:
        # bisect.bisect_right(self.decay_t, t + 1); v * (self.decay_rate ** count)
        count = np.searchsorted(np.array(self.milestones, dtype=np.int64), t + 1, side="right")
        return self.base_lr * np.float_power(float(self.decay_rate), count.astype(np.float64))

    def edges(self, near: int = 0) -> Iterator[tuple[int, str]]:
        yield 0, "constant"
        for m in sorted(set(self.milestones)):
            if m - 1 > 0 and m - 1 < MAX_STEP - self.shift:
                yield m - 1, "constant"

    @property
    def end(self) -> int:
        last = [t for t, _ in self.edges()][-1]
        return min(max(last + self.shift, self.warmup_t), MAX_STEP)

    def notes(self, first: int, last: int) -> Iterator[str]:
        yield from super().notes(first, last)
        if self.milestones and self.decay_rate != 1:
            m = self.milestones[0]
            yield (
                f"timm applies milestone m at t = m - 1 (milestone {m} at t = "
                f"{max(m - 1, 0) + self.shift}), one step before torch's MultiStepLR"
            )


class WSD(TimmScheduler):
    """Warmup, stable (`constant`, `rsqrt`, `power`) and decay to lr_min over the last decay_t."""

    api = "WSDLRScheduler"

    def __init__(
        self,
        base_lr: float,
        t_initial: int,
        decay_t: int,
        lr_min: float,
        stable_fn: str,
        stable_timescale: float | None,
        stable_power: float,
        decay_fn: str,
        decay_power: float,
        decay_ratio: float,
        warmup_t: int,
        warmup_lr_init: float,
    ) -> None:
        super().__init__(base_lr, warmup_t, warmup_lr_init, True)
        self.t_initial, self.decay_t, self.lr_min = t_initial, decay_t, lr_min
        self.stable_fn, self.timescale, self.stable_power = (
            stable_fn,
            stable_timescale,
            stable_power,
        )
        self.decay_fn, self.decay_power, self.decay_ratio = decay_fn, decay_power, decay_ratio

    def _stable(self, t_s: Steps) -> Floats:
        if self.stable_fn == "constant":
            return np.ones(len(t_s))
        power = 0.5 if self.stable_fn == "rsqrt" else self.stable_power
        assert self.timescale is not None
        # (1. + t_s / self.stable_timescale) ** -power
        base = 1.0 + t_s.astype(np.float64) / float(self.timescale)
        return np.float_power(base, -float(power))

    def _decay(self, frac: Floats) -> Floats:
        fn = self.decay_fn
        if fn == "linear":
            return 1.0 - frac
        if fn == "1-sqrt":
            return 1.0 - np.sqrt(frac)
        if fn == "cosine":
            return 0.5 * (1.0 + np.cos(math.pi * frac))
        if fn == "power":
            return 1.0 - np.float_power(frac, float(self.decay_power))
        r = float(self.decay_ratio)  # exp: (r ** frac - r) / (1. - r)
        out: Floats = (np.float_power(r, frac) - r) / (1.0 - r)
        return out

    def after(self, t_s: Steps) -> Floats:
        # max(v * self._stable(t_s), self.lr_min): the first unless lr_min is larger
        scaled = self.base_lr * self._stable(t_s)
        stable: Floats = np.where(self.lr_min > scaled, float(self.lr_min), scaled)
        t_decay = t_s - (self.t_initial - self.decay_t)
        going = t_decay > 0
        # min(t_decay / self.decay_t, 1.)
        ratio = t_decay[going].astype(np.float64) / float(self.decay_t)
        frac = np.where(ratio > 1.0, 1.0, ratio)
        out: Floats = stable.copy()
        out[going] = self.lr_min + (stable[going] - self.lr_min) * self._decay(frac)
        return out

    def edges(self, near: int = 0) -> Iterator[tuple[int, str]]:
        yield 0, "constant" if self.stable_fn == "constant" else "inverse-sqrt"
        yield self.t_initial - self.decay_t + 1, self.decay_fn  # t_decay > 0
        yield self.t_initial, "constant"  # min(t_decay / decay_t, 1.) is 1: lr_min

    def cycle_length(self, cycles: int = 0) -> int:
        return self.warmup_t + self.t_initial


# --- The API: timm's signatures, defaults and checks ----------------------------------------


def _lr(optimizer: Any, api: str) -> float:
    return a.optimizer(api, optimizer).lr(api)


def _no_noise(api: str, noise_range_t: Any) -> None:
    if noise_range_t is not None:
        raise CallError(
            f"{api}: noise_range_t={noise_range_t!r} adds noise drawn from torch's random "
            "generator, which lrcli does not reproduce; leave it None"
        )


def _warmup(api: str, warmup_t: Any, warmup_lr_init: Any, warmup_prefix: Any) -> tuple[Any, ...]:
    return (
        a.integer(api, "warmup_t", warmup_t, minimum=0),
        a.number(api, "warmup_lr_init", warmup_lr_init),
        bool(warmup_prefix),
    )


def _cycle_args(
    api: str, t_initial: Any, lr_min: Any, cycle_mul: Any, cycle_decay: Any, cycle_limit: Any
) -> tuple[Any, ...]:
    t_initial = a.integer(api, "t_initial", t_initial, minimum=1)  # assert t_initial > 0
    lr_min = a.number(api, "lr_min", lr_min)
    if lr_min < 0:
        raise CallError(f"{api}: lr_min={lr_min!r} must be >= 0 (timm asserts it)")
    cycle_mul = a.number(api, "cycle_mul", cycle_mul)
    if cycle_mul <= 0:
        raise CallError(
            f"{api}: cycle_mul={cycle_mul!r} must be above 0: timm takes math.log of it and "
            "raises 'math domain error'"
        )
    return (
        t_initial,
        lr_min,
        cycle_mul,
        a.number(api, "cycle_decay", cycle_decay),
        a.number(api, "cycle_limit", cycle_limit),
    )


def _cosine(  # type: ignore[no-untyped-def]
    optimizer,
    t_initial,
    lr_min=0.0,
    cycle_mul=1.0,
    cycle_decay=1.0,
    cycle_limit=1,
    warmup_t=0,
    warmup_lr_init=0.0,
    warmup_prefix=False,
    t_in_epochs=True,
    noise_range_t=None,
    noise_pct=0.67,
    noise_std=1.0,
    noise_seed=42,
    k_decay=1.0,
    initialize=True,
):
    api = "CosineLRScheduler"
    _no_noise(api, noise_range_t)
    cycles = _cycle_args(api, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit)
    warmup = _warmup(api, warmup_t, warmup_lr_init, warmup_prefix)
    k = a.number(api, "k_decay", k_decay)
    return Cosine(_lr(optimizer, api), *cycles, *warmup, k_decay=k)


def _tanh_scheduler(  # type: ignore[no-untyped-def]
    optimizer,
    t_initial,
    lb=-7.0,
    ub=3.0,
    lr_min=0.0,
    cycle_mul=1.0,
    cycle_decay=1.0,
    cycle_limit=1,
    warmup_t=0,
    warmup_lr_init=0.0,
    warmup_prefix=False,
    t_in_epochs=True,
    noise_range_t=None,
    noise_pct=0.67,
    noise_std=1.0,
    noise_seed=42,
    initialize=True,
):
    api = "TanhLRScheduler"
    _no_noise(api, noise_range_t)
    cycles = _cycle_args(api, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit)
    lb, ub = a.number(api, "lb", lb), a.number(api, "ub", ub)
    if not lb < ub:
        raise CallError(f"{api}: lb={lb!r} must be below ub={ub!r} (timm asserts it)")
    if cycles[4] < 0:
        raise CallError(f"{api}: cycle_limit={cycles[4]!r} must be >= 0 (timm asserts it)")
    warmup = _warmup(api, warmup_t, warmup_lr_init, warmup_prefix)
    if warmup[1] < 0:
        raise CallError(f"{api}: warmup_lr_init={warmup[1]!r} must be >= 0 (timm asserts it)")
    return Tanh(_lr(optimizer, api), *cycles, *warmup, lb=lb, ub=ub)


def _poly(  # type: ignore[no-untyped-def]
    optimizer,
    t_initial,
    power=0.5,
    lr_min=0.0,
    cycle_mul=1.0,
    cycle_decay=1.0,
    cycle_limit=1,
    warmup_t=0,
    warmup_lr_init=0.0,
    warmup_prefix=False,
    t_in_epochs=True,
    noise_range_t=None,
    noise_pct=0.67,
    noise_std=1.0,
    noise_seed=42,
    k_decay=1.0,
    initialize=True,
):
    api = "PolyLRScheduler"
    _no_noise(api, noise_range_t)
    cycles = _cycle_args(api, t_initial, lr_min, cycle_mul, cycle_decay, cycle_limit)
    warmup = _warmup(api, warmup_t, warmup_lr_init, warmup_prefix)
    return Poly(
        _lr(optimizer, api),
        *cycles,
        *warmup,
        power=a.number(api, "power", power),
        k_decay=a.number(api, "k_decay", k_decay),
    )


def _step(  # type: ignore[no-untyped-def]
    optimizer,
    decay_t,
    decay_rate=1.0,
    warmup_t=0,
    warmup_lr_init=0.0,
    warmup_prefix=True,
    t_in_epochs=True,
    noise_range_t=None,
    noise_pct=0.67,
    noise_std=1.0,
    noise_seed=42,
    initialize=True,
):
    api = "StepLRScheduler"
    _no_noise(api, noise_range_t)
    decay_t = a.number(api, "decay_t", decay_t)
    if decay_t <= 0:
        raise CallError(f"{api}: decay_t={decay_t!r} must be above 0 (timm divides by it)")
    warmup = _warmup(api, warmup_t, warmup_lr_init, warmup_prefix)
    return Step(_lr(optimizer, api), decay_t, a.number(api, "decay_rate", decay_rate), *warmup)


def _multistep(  # type: ignore[no-untyped-def]
    optimizer,
    decay_t,
    decay_rate=1.0,
    warmup_t=0,
    warmup_lr_init=0.0,
    warmup_prefix=True,
    t_in_epochs=True,
    noise_range_t=None,
    noise_pct=0.67,
    noise_std=1.0,
    noise_seed=42,
    initialize=True,
):
    api = "MultiStepLRScheduler"
    _no_noise(api, noise_range_t)
    milestones = a.integers(api, "decay_t", decay_t)
    if milestones != sorted(milestones):
        raise CallError(
            f"{api}: decay_t={decay_t!r} must be in ascending order (timm bisects it as it is)"
        )
    warmup = _warmup(api, warmup_t, warmup_lr_init, warmup_prefix)
    rate = a.number(api, "decay_rate", decay_rate)
    return MultiStep(_lr(optimizer, api), milestones, rate, *warmup)


_STABLE_FNS = ("constant", "rsqrt", "power")
_DECAY_FNS = ("linear", "1-sqrt", "cosine", "power", "exp")


def _wsd(  # type: ignore[no-untyped-def]
    optimizer,
    t_initial,
    decay_t,
    lr_min=0.0,
    stable_fn="constant",
    stable_timescale=None,
    stable_power=0.5,
    decay_fn="1-sqrt",
    decay_power=0.5,
    decay_ratio=0.1,
    warmup_t=0,
    warmup_lr_init=0.0,
    t_in_epochs=True,
    noise_range_t=None,
    noise_pct=0.67,
    noise_std=1.0,
    noise_seed=42,
    initialize=True,
):
    api = "WSDLRScheduler"
    _no_noise(api, noise_range_t)
    t_initial = a.integer(api, "t_initial", t_initial, minimum=1)
    decay_t = a.integer(api, "decay_t", decay_t)
    if not 0 < decay_t <= t_initial:
        raise CallError(f"{api}: decay_t={decay_t} must be in (0, t_initial={t_initial}]")
    lr_min = a.number(api, "lr_min", lr_min)
    if lr_min < 0:
        raise CallError(f"{api}: lr_min={lr_min!r} must be >= 0")
    stable_fn = a.choice(api, "stable_fn", stable_fn, _STABLE_FNS)
    decay_fn = a.choice(api, "decay_fn", decay_fn, _DECAY_FNS)
    decay_ratio = a.number(api, "decay_ratio", decay_ratio)
    if not 0.0 < decay_ratio < 1.0:
        raise CallError(f"{api}: decay_ratio={decay_ratio!r} must be in (0, 1)")
    decay_power = a.number(api, "decay_power", decay_power)
    stable_power = a.number(api, "stable_power", stable_power)
    if decay_power <= 0 or stable_power <= 0:
        name, value = (
            ("decay_power", decay_power) if decay_power <= 0 else ("stable_power", stable_power)
        )
        raise CallError(f"{api}: {name}={value!r} must be > 0")
    warmup_t = a.integer(api, "warmup_t", warmup_t, minimum=0)
    if stable_fn != "constant":
        if stable_timescale is None:
            stable_timescale = warmup_t
        stable_timescale = a.number(api, "stable_timescale", stable_timescale)
        if stable_timescale <= 0:
            raise CallError(
                f"{api}: stable_fn={stable_fn!r} needs a positive stable_timescale; it defaults "
                f"to warmup_t ({warmup_t}), set it when there is no warmup"
            )
    return WSD(
        _lr(optimizer, api),
        t_initial,
        decay_t,
        lr_min,
        stable_fn,
        stable_timescale,
        stable_power,
        decay_fn,
        decay_power,
        decay_ratio,
        warmup_t,
        a.number(api, "warmup_lr_init", warmup_lr_init),
    )


APIS: dict[str, Callable[..., Any]] = {
    "CosineLRScheduler": _cosine,
    "TanhLRScheduler": _tanh_scheduler,
    "PolyLRScheduler": _poly,
    "StepLRScheduler": _step,
    "MultiStepLRScheduler": _multistep,
    "WSDLRScheduler": _wsd,
}


SCHEDS = ("cosine", "tanh", "step", "multistep", "poly", "wsd", "rsqrt", "constant", "none")
"""`create_scheduler_v2`'s names lrcli follows ('plateau' depends on a metric)."""


def create_scheduler_v2(
    lr: float,
    sched: str = "cosine",
    num_epochs: int = 300,
    decay_epochs: float | None = None,
    decay_milestones: Iterable[int] = (90, 180, 270),
    cooldown_epochs: int = 0,
    decay_rate: float = 0.1,
    min_lr: float = 0.0,
    warmup_lr: float = 1e-5,
    warmup_epochs: int = 0,
    warmup_prefix: bool = False,
    cycle_mul: float = 1.0,
    cycle_decay: float = 0.1,
    cycle_limit: int = 1,
    k_decay: float = 1.0,
    decay_fn: str | None = None,
    stable_timescale: float | None = None,
    step_on_epochs: bool = True,
    updates_per_epoch: int = 0,
) -> tuple[TimmScheduler, int]:
    """timm's `scheduler_factory.create_scheduler_v2` (noise and plateau aside): the scheduler
    on an optimizer at `lr`, and the number of epochs the loop runs."""
    if decay_epochs is None:
        decay_epochs = 0.2 if sched in ("wsd", "rsqrt") else 90
    t_initial, warmup_t, decay_t, cooldown_t = (
        num_epochs,
        warmup_epochs,
        decay_epochs,
        cooldown_epochs,
    )
    timescale_t = stable_timescale
    milestones = list(decay_milestones)
    if not step_on_epochs:
        if updates_per_epoch <= 0:
            raise ScheduleError("updates_per_epoch", "must be set to the number of updates")
        t_initial *= updates_per_epoch
        warmup_t *= updates_per_epoch
        decay_t = decay_t * updates_per_epoch
        milestones = [d * updates_per_epoch for d in milestones]
        cooldown_t *= updates_per_epoch
        if timescale_t is not None:
            timescale_t = timescale_t * updates_per_epoch
    opt = a.Optimizer(lr)
    make = cast("dict[str, Callable[..., TimmScheduler]]", APIS)
    warmup = {"warmup_lr_init": warmup_lr, "warmup_t": warmup_t, "warmup_prefix": warmup_prefix}
    cycles = {"cycle_mul": cycle_mul, "cycle_decay": cycle_decay, "cycle_limit": cycle_limit}
    schedule: TimmScheduler
    if sched == "cosine":
        schedule = make["CosineLRScheduler"](
            opt, t_initial, lr_min=min_lr, **cycles, **warmup, k_decay=k_decay
        )
    elif sched == "tanh":
        schedule = make["TanhLRScheduler"](opt, t_initial, lr_min=min_lr, **cycles, **warmup)
    elif sched == "step":
        schedule = make["StepLRScheduler"](opt, decay_t, decay_rate=decay_rate, **warmup)
    elif sched in ("constant", "none"):
        # 'none' builds no scheduler: the optimizer keeps lr, as a constant without warmup does
        if sched == "none":
            warmup = {"warmup_lr_init": 0.0, "warmup_t": 0, "warmup_prefix": warmup_prefix}
        schedule = make["StepLRScheduler"](opt, 1, decay_rate=1.0, **warmup)
    elif sched == "multistep":
        schedule = make["MultiStepLRScheduler"](opt, milestones, decay_rate=decay_rate, **warmup)
    elif sched == "poly":
        schedule = make["PolyLRScheduler"](
            opt, power=decay_rate, t_initial=t_initial, lr_min=min_lr, k_decay=k_decay,
            **cycles, **warmup,
        )  # fmt: skip
    elif sched in ("wsd", "rsqrt"):
        t_sched = t_initial if warmup_prefix else t_initial - warmup_t
        if 0 < decay_epochs < 1:
            decay_t = decay_epochs * t_sched  # a fraction of the stable + decay length
        decay_t = round(decay_t)  # int(round(decay_t))
        if not 0 < decay_t <= t_sched:
            raise ScheduleError(
                "decay_epochs",
                f"{sched} needs 0 < decay_epochs <= epochs"
                f"{'' if warmup_prefix else ' - warmup_epochs'}: got decay {decay_t} and "
                f"stable + decay length {t_sched}",
            )
        schedule = make["WSDLRScheduler"](
            opt,
            t_initial=t_sched,
            decay_t=decay_t,
            lr_min=min_lr,
            stable_fn="rsqrt" if sched == "rsqrt" else "constant",
            stable_timescale=timescale_t,
            decay_fn=decay_fn or ("linear" if sched == "rsqrt" else "1-sqrt"),
            warmup_t=warmup_t,
            warmup_lr_init=warmup_lr,
        )
    else:
        raise ScheduleError("sched", f"{sched!r} is not one of {', '.join(SCHEDS)}")
    if isinstance(schedule, (_Cycles, WSD)) and sched != "none":
        total = schedule.cycle_length() + cooldown_t
        num_epochs = total if step_on_epochs else total // updates_per_epoch
    elif warmup_prefix:
        num_epochs += warmup_epochs
    return schedule, num_epochs
