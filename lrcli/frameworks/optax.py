"""optax's schedules (optax 0.2.8 on jax 0.10.2), as a jitted training step computes them.

The rate at step k is `jax.jit(schedule)(jnp.int32(k))`: what `optax.sgd(schedule)` applies in
a jitted update. XLA:CPU rewrites the arithmetic of the source (`optax/schedules/_schedule.py`,
`_join.py`), and lrcli follows the rewrites (tests/golden/README.md): a division by a constant
is a multiplication by its float32 reciprocal, constants are folded in float32, `* 1` and `+ 0`
vanish, a multiply feeding an add is fused (one rounding), `x ** 0.5` is `fabs(sqrt(x))`,
`2 ** x` is `exp2f`, and denormals are flushed. The count is an int32: optax's step counter
stops at 2**31 - 1, so later steps get that step's rate.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from lrcli.calls import CallError
from lrcli.frameworks import _args as a
from lrcli.frameworks import _f32 as f
from lrcli.schedule import MAX_STEP, Dtype, PiecewiseConstant
from lrcli.smooth import Floats, Phase, Phased, Steps, phases_from_edges

NAMESPACES = ("optax", "optax.schedules")

REFUSED = {
    "inject_hyperparams": "it wraps an optimizer, not a schedule; paste the schedule call itself",
}

INT32_MAX = 2**31 - 1
F32 = f.F32


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def jpow(x: F32, power: float | int) -> F32:
    """`x ** power` under jit: a Python-int power by repeated squaring (`lax.integer_pow`);
    a float power of 0, 1, 2, 3 or -1 as multiplications, 0.5 as `fabs(sqrt(x))`, else `powf`."""
    if _is_int(power):
        n = abs(int(power))
        acc: F32 | None = None
        base = x
        while n:
            if n & 1:
                acc = base if acc is None else f.mul(acc, base)
            n >>= 1
            if n:
                base = f.mul(base, base)
        out = np.ones_like(x) if acc is None else acc
        return f.div(np.float32(1), out) if power < 0 else out
    p = float(power)
    if p == 0.0:
        return np.ones_like(x)
    if p == 1.0:
        return x
    if p == 2.0:
        return f.mul(x, x)
    if p == 3.0:
        return f.mul(f.mul(x, x), x)
    if p == -1.0:
        return f.div(np.float32(1), x)
    if p == 0.5:
        with np.errstate(invalid="ignore"):
            return np.abs(np.sqrt(x))
    return f.power(x, f.scalar(p))


def base_pow(base: float, p: F32) -> F32:
    """`base ** p` for a constant base under jit: 1 gives 1, a power of two is `exp2f(k * p)`."""
    b = f.scalar(base)
    if b == 1:
        return np.ones_like(p)
    mantissa, exponent = math.frexp(float(b))
    if mantissa == 0.5:
        k = exponent - 1
        return f.exp2(p if k == 1 else f.mul(np.float32(k), p))
    return f.power(b, p)


class OptaxSchedule(Phased):
    """An optax schedule: a pure function of the int32 step count, evaluated as under jit."""

    framework = "optax"
    dtype = Dtype.FLOAT32

    @abstractmethod
    def jit(self, count: Steps) -> F32:
        """The float32 rate for int32 counts (held in int64; a join passes negative ones)."""

    @abstractmethod
    def own_phases(self, first: int, last: int) -> Iterator[Phase]:
        """The phases on the schedule's own count axis, within first..last."""

    def remarks(self, first: int, last: int, offset: int) -> Iterator[str]:
        """Warnings about counts first..last; steps in them are reported plus `offset`."""
        return iter(())

    def rates(self, steps: Steps) -> Floats:
        return f.widen(self.jit(np.minimum(steps, INT32_MAX)))

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        held: Phase | None = None
        for phase in self.own_phases(first, min(last, INT32_MAX - 1)):
            if held is not None:
                yield held
            held = phase
        if last < INT32_MAX:
            if held is not None:
                yield held
            return
        # The count stops at INT32_MAX: a constant phase there just goes on; else a new one.
        if held is not None and held.constant and held.last == INT32_MAX - 1:
            yield Phase(held.first, last, "constant")
            return
        if held is not None:
            yield held
        yield Phase(max(first, INT32_MAX), last, "constant")

    def own_end(self) -> int:
        return 0

    @property
    def end(self) -> int:
        return min(self.own_end(), INT32_MAX)

    @property
    def description(self) -> str:
        return f"optax {self.api} · float32, as jax.jit computes it (int32 step)"

    def notes(self, first: int, last: int) -> Iterator[str]:
        if first <= INT32_MAX:
            yield from self.remarks(first, min(last, INT32_MAX), 0)
        if last > INT32_MAX:
            yield (
                f"optax counts steps in int32: its step counter stops at {INT32_MAX}, so every "
                "later step gets that step's rate (and a Python int step past it raises "
                "OverflowError in most optax schedules)"
            )


class Constant(OptaxSchedule):
    """`lambda count: value`: a Python number handed back unchanged (float32 under jit)."""

    api = "constant_schedule"

    def __init__(self, value: float | int, api: str = "constant_schedule") -> None:
        self.value = value
        self.api = api

    def jit(self, count: Steps) -> F32:
        return np.full(len(count), f.scalar(self.value), dtype=np.float32)

    def own_phases(self, first: int, last: int) -> Iterator[Phase]:
        yield from phases_from_edges([0], ["constant"], first, last)


class Polynomial(OptaxSchedule):
    """`(init - end) * (1 - count / T) ** power + end`, count clipped to 0..T after begin."""

    api = "polynomial_schedule"

    def __init__(
        self, init: float, end: float, power: float | int, steps: int, begin: int, api: str
    ) -> None:
        self.init, self.end_value, self.power = init, end, power
        self.steps, self.begin, self.api = steps, begin, api

    def frac(self, count: Steps) -> F32:
        c = np.clip(count - self.begin, 0, self.steps)
        # frac = 1 - count / transition_steps: 1 - c * fl32(1/T), fused
        return f.fma(-f.steps(c), f.recip(self.steps), np.float32(1))

    def jit(self, count: Steps) -> F32:
        fp = jpow(self.frac(count), self.power)
        # (init_value - end_value) * (frac**power) + end_value: the difference in Python
        return f.fma(f.scalar(self.init - self.end_value), fp, f.scalar(self.end_value))

    @property
    def shape(self) -> str:
        if self.init == self.end_value:
            return "constant"
        return "linear" if self.power == 1 else "polynomial"

    def own_phases(self, first: int, last: int) -> Iterator[Phase]:
        starts = [0, self.begin, self.begin + self.steps]
        yield from phases_from_edges(starts, ["constant", self.shape, "constant"], first, last)

    def own_end(self) -> int:
        return self.begin + self.steps

    def remarks(self, first: int, last: int, offset: int) -> Iterator[str]:
        done = self.begin + self.steps
        if not first <= done <= last or self.init == self.end_value:
            return
        at = np.array([done], dtype=np.int64)
        frac, value = float(self.frac(at)[0]), float(self.jit(at)[0])
        if frac >= 0:
            return
        if math.isnan(value):
            yield (
                f"{self.api} is NaN from step {done + offset} on under jax.jit: XLA computes "
                f"1 - count / {self.steps} as 1 - count * float32(1/{self.steps}), a tiny "
                f"negative number ({frac!r}), and its power {self.power!r} is NaN"
            )
        elif (value - float(f.scalar(self.end_value))) * (
            float(f.scalar(self.init)) - float(f.scalar(self.end_value))
        ) < 0:
            yield (
                f"{self.api} overshoots end_value={self.end_value!r} under jax.jit: from step "
                f"{done + offset} on the rate is {value!r}, because XLA computes "
                f"1 - count / {self.steps} as 1 - count * float32(1/{self.steps}) = {frac!r}"
            )


class Exponential(OptaxSchedule):
    """`init * decay_rate ** ((count - begin) / T)`, floored with staircase, clipped at end."""

    api = "exponential_decay"

    def __init__(
        self,
        init: float,
        steps: int,
        rate: float,
        begin: int,
        staircase: bool,
        end: float | None,
    ) -> None:
        self.init, self.steps, self.rate, self.begin = init, steps, rate, begin
        self.staircase, self.end_value = staircase, end

    def exponent(self, count: Steps) -> F32:
        # p = decreased_count / transition_steps: a multiply by fl32(1/T) under jit
        p = f.mul(f.steps(count - self.begin), f.recip(self.steps))
        return np.floor(p) if self.staircase else p

    def jit(self, count: Steps) -> F32:
        init = f.scalar(self.init)
        decayed = f.mul(init, base_pow(self.rate, self.exponent(count)))
        out = np.where(count - self.begin <= 0, init, decayed)
        if self.end_value is None:
            return out
        clip = np.maximum if self.rate < 1.0 else np.minimum
        return clip(out, f.scalar(self.end_value))

    def stair(self, count: Steps) -> Steps:
        """How many whole steps of the staircase count has gone down (under jit)."""
        p = self.exponent(np.maximum(count, self.begin))
        return np.nan_to_num(p, nan=0.0, posinf=INT32_MAX).astype(np.int64)

    def clip_step(self) -> int:
        """The first count at which end_value clips the rate (INT32_MAX + 1: never)."""
        if self.end_value is None or self.rate == 1:
            return INT32_MAX + 1
        bound = f.scalar(self.end_value)
        rate32 = f.scalar(self.rate)

        def clipped(count: Steps) -> Any:
            value = self.jit(count)
            return (value == bound) & (count > self.begin)

        if not clipped(np.array([INT32_MAX], dtype=np.int64))[0]:
            return INT32_MAX + 1
        if (rate32 < 1) == (f.scalar(self.init) <= bound):
            return 0 if clipped(np.array([0], dtype=np.int64))[0] else self.begin + 1
        return f.first_reaching(
            lambda c: clipped(c).astype(np.int64), 1, self.begin + 1, self.begin + 1, INT32_MAX
        )

    def own_phases(self, first: int, last: int) -> Iterator[Phase]:
        clip = self.clip_step()
        if self.rate == 1 or clip == 0:
            yield from phases_from_edges([0], ["constant"], first, last)
            return
        if not self.staircase:
            starts = [0, self.begin + 1, clip]
            yield from phases_from_edges(
                starts, ["constant", "exponential", "constant"], first, last
            )
            return
        yield from _stair_phases(self.stair, self.begin, self.steps, clip, first, last)

    def own_end(self) -> int:
        clip = self.clip_step()
        if clip <= INT32_MAX:
            return clip
        if self.staircase:
            return self.begin + 3 * self.steps
        if 0 < self.rate < 1:
            return self.begin + self.steps * max(1, math.ceil(math.log(0.01) / math.log(self.rate)))
        return self.begin + 10 * self.steps

    def remarks(self, first: int, last: int, offset: int) -> Iterator[str]:
        if not self.staircase:
            return
        lo = max(1, -(-(first - self.begin) // self.steps))
        hi = (last - self.begin) // self.steps
        if hi < lo:
            return
        ks = np.arange(lo, min(hi, lo + 2**20) + 1, dtype=np.int64)
        edges = self.begin + ks * self.steps
        late = ks[self.stair(edges) < ks]
        if len(late):
            k = int(late[0])
            step = self.begin + k * self.steps
            yield (
                f"exponential_decay's staircase comes late under jax.jit: at step "
                f"{step + offset} the rate is still that of stair {k - 1}, because XLA computes "
                f"{k * self.steps} / {self.steps} as {k * self.steps} * float32(1/{self.steps}), "
                f"just below {k}" + (f" ({len(late)} such steps)" if len(late) > 1 else "")
            )


def _stair_phases(
    stair: Any, begin: int, steps: int, clip: int, first: int, last: int
) -> Iterator[Phase]:
    """Constant phases between the staircase edges (found as jit computes them), up to `clip`."""
    if first < clip:
        yield from f.stair_phases(
            stair, lambda ks: begin + ks * steps, first, min(last, clip - 1), "constant", INT32_MAX
        )
    if clip <= last:
        yield Phase(max(clip, first), last, "constant")


class Cosine(OptaxSchedule):
    """`init * ((1 - alpha) * (0.5 * (1 + cos(pi * min(count, T) / T))) ** exponent + alpha)`."""

    api = "cosine_decay_schedule"

    def __init__(self, init: float, steps: int, alpha: float, exponent: float | int) -> None:
        self.init, self.steps, self.alpha, self.exponent = init, steps, alpha, exponent

    def jit(self, count: Steps) -> F32:
        t = float(self.steps)  # decay_steps turned into a Python float
        c = np.minimum(f.steps(count), f.scalar(t))
        # pi * count / decay_steps: one folded constant fl32(fl32(pi) * fl32(1/T))
        k = f.mul(f.scalar(math.pi), f.recip(f.scalar(t)))
        y = f.add(np.float32(1), f.cos(f.mul(c, k)))
        n = self.exponent
        init = f.scalar(self.init)
        if _is_int(n) or float(n) in (0.0, 1.0, 2.0, 3.0, -1.0):
            # (0.5 * y) ** n as multiplications: the 0.5 pulled out as 0.5 ** n and merged
            # with 1 - alpha (or with init when alpha is 0)
            half = f.scalar(0.5 ** float(n))
            yn = jpow(y, n)
        else:  # powf (or sqrt) of 0.5 * y itself
            half = np.float32(1)
            yn = jpow(f.mul(np.float32(0.5), y), n)
        if self.alpha == 0:
            return f.mul(f.mul(init, half), yn)
        scale = f.mul(f.scalar(1 - self.alpha), half)
        decayed = f.fma(scale, yn, f.scalar(self.alpha))
        return decayed if init == 1 else f.mul(init, decayed)

    def own_phases(self, first: int, last: int) -> Iterator[Phase]:
        shape = "constant" if self.init == 0 or self.alpha == 1 else "cosine"
        yield from phases_from_edges([0, self.steps], [shape, "constant"], first, last)

    def own_end(self) -> int:
        return self.steps


class Join(OptaxSchedule):
    """`join_schedules`: each schedule from its boundary on, counting from 0 there."""

    api = "join_schedules"

    def __init__(self, children: Sequence[OptaxSchedule], boundaries: Sequence[int]) -> None:
        self.children = list(children)
        self.boundaries = list(boundaries)

    def jit(self, count: Steps) -> F32:
        out = self.children[0].jit(count)
        for boundary, child in zip(self.boundaries, self.children[1:], strict=True):
            out = np.where(count < boundary, out, child.jit(count - boundary))
        return out

    def _spans(self, first: int, last: int) -> Iterator[tuple[int, OptaxSchedule, int, int]]:
        """(start, child, lo, hi): the steps lo..hi where `child` (started at `start`) rules."""
        starts = [0, *self.boundaries]
        for i, child in enumerate(self.children):
            later = [b for b in self.boundaries[i:] if b > starts[i]]
            end = min(later) - 1 if later else MAX_STEP
            # A later boundary at or before this one hides this child entirely.
            if any(b <= starts[i] for b in self.boundaries[i:]):
                continue
            lo, hi = max(starts[i], first), min(end, last)
            if lo <= hi:
                yield starts[i], child, lo, hi

    def own_phases(self, first: int, last: int) -> Iterator[Phase]:
        for start, child, lo, hi in self._spans(first, last):
            for phase in child.own_phases(lo - start, hi - start):
                yield Phase(phase.first + start, phase.last + start, phase.shape)

    def own_end(self) -> int:
        spans = list(self._spans(0, MAX_STEP))
        start, child, _, _ = spans[-1]
        return start + child.own_end()

    def remarks(self, first: int, last: int, offset: int) -> Iterator[str]:
        for start, child, lo, hi in self._spans(first, last):
            yield from child.remarks(lo - start, hi - start, offset + start)


class Interpolate(OptaxSchedule):
    """`piecewise_interpolate_schedule`: linear or cosine between cumulative scales."""

    api = "piecewise_interpolate_schedule"

    def __init__(self, kind: str, init: float, pairs: Sequence[tuple[int, float]], api: str):
        self.kind, self.api = kind, api
        self.init, self.pairs = init, list(pairs)
        self.bounds = [0, *(b for b, _ in pairs)]
        values = [f.scalar(init)]
        for _, scale in pairs:  # jnp.cumprod in float32, one product after another
            values.append(np.float32(f.mul(values[-1], f.scalar(scale))))
        self.values = np.array(values, dtype=np.float32)

    def jit(self, count: Steps) -> F32:
        b, v = self.bounds, self.values
        out = np.zeros(len(count), dtype=np.float32)
        for i in range(len(b) - 1):
            inside = (b[i] <= count) & (count < b[i + 1])
            if not inside.any():
                continue
            x = f.steps(count[inside] - b[i])
            size = max(b[i + 1] - b[i], 1)
            # pct = (count - bounds[:-1]) / interval_sizes: a multiply by each fl32(1/size)
            pct = f.mul(x, f.recip(size))
            if self.kind == "linear":
                # (end - start) * ((count - b) * fl32(1/size)) + start: the two constants
                # folded into one, the multiply-add fused
                slope = f.mul(f.sub(v[i + 1], v[i]), f.recip(size))
                out[inside] = f.fma(x, slope, v[i])
            else:
                # end + (start - end) / 2.0 * (cos(pi * pct) + 1), fused
                half = f.mul(f.sub(v[i], v[i + 1]), np.float32(0.5))
                wave = f.add(f.cos(f.mul(f.scalar(math.pi), pct)), np.float32(1))
                out[inside] = f.fma(half, wave, v[i + 1])
        return np.where(count >= b[-1], v[-1], out)

    def own_phases(self, first: int, last: int) -> Iterator[Phase]:
        v = self.values
        shapes = [
            "constant" if v[i] == v[i + 1] else self.kind for i in range(len(self.bounds) - 1)
        ]
        yield from phases_from_edges(self.bounds, [*shapes, "constant"], first, last)

    def own_end(self) -> int:
        return self.bounds[-1]


# --- The API: optax's signatures, defaults and checks -------------------------------------


def _count(api: str, name: str, value: Any, *, minimum: int | None = None) -> int:
    """A step argument: optax compares it with an int32 count, so it must fit in one."""
    steps = a.integer(api, name, value, minimum=minimum)
    if abs(steps) > INT32_MAX:
        raise CallError(
            f"{api}: {name}={steps} does not fit optax's int32 step count (jax raises "
            "OverflowError); the largest is 2**31 - 1"
        )
    return steps


def _schedule(api: str, name: str, value: Any) -> OptaxSchedule:
    if not isinstance(value, OptaxSchedule):
        raise CallError(
            f"{api}: {name} must be an optax schedule call, such as optax.constant_schedule(0.1)"
        )
    return value


def constant_schedule(value):  # type: ignore[no-untyped-def]
    return Constant(a.number("constant_schedule", "value", value))


def polynomial_schedule(init_value, end_value, power, transition_steps, transition_begin=0):  # type: ignore[no-untyped-def]
    return _polynomial(
        "polynomial_schedule", init_value, end_value, power, transition_steps, transition_begin
    )


def _polynomial(api: str, init: Any, end: Any, power: Any, steps: Any, begin: Any) -> OptaxSchedule:
    init = a.number(api, "init_value", init)
    end = a.number(api, "end_value", end)
    power = a.number(api, "power", power)
    steps = _count(api, "transition_steps", steps)
    begin = _count(api, "transition_begin", begin)
    if steps <= 0:  # optax logs it and hands back init_value unchanged
        return Constant(init, api)
    return Polynomial(init, end, power, steps, max(begin, 0), api)


def linear_schedule(init_value, end_value, transition_steps, transition_begin=0):  # type: ignore[no-untyped-def]
    return _polynomial(
        "linear_schedule", init_value, end_value, 1, transition_steps, transition_begin
    )


class WarmupConstant(Constant):
    """`warmup_constant_schedule` with warmup_steps <= 0: init_value for ever."""

    api = "warmup_constant_schedule"

    def __init__(self, value: float, peak: float) -> None:
        super().__init__(value, "warmup_constant_schedule")
        self.peak = peak

    def remarks(self, first: int, last: int, offset: int) -> Iterator[str]:
        if self.peak != self.value:
            yield (
                f"warmup_constant_schedule with warmup_steps <= 0 never reaches "
                f"peak_value={self.peak!r}: optax's linear_schedule then hands back "
                f"init_value={self.value!r} at every step"
            )


def warmup_constant_schedule(init_value, peak_value, warmup_steps):  # type: ignore[no-untyped-def]
    api = "warmup_constant_schedule"
    schedule = _polynomial(api, init_value, peak_value, 1, warmup_steps, 0)
    if isinstance(schedule, Constant):
        return WarmupConstant(schedule.value, a.number(api, "peak_value", peak_value))
    return schedule


def exponential_decay(  # type: ignore[no-untyped-def]
    init_value, transition_steps, decay_rate, transition_begin=0, staircase=False, end_value=None
):
    return _exponential(
        "exponential_decay",
        init_value,
        transition_steps,
        decay_rate,
        transition_begin,
        staircase,
        end_value,
    )


def _exponential(
    api: str, init: Any, steps: Any, rate: Any, begin: Any, staircase: Any, end: Any
) -> OptaxSchedule:
    init = a.number(api, "init_value", init)
    steps = _count(api, "transition_steps", steps)
    rate = a.number(api, "decay_rate", rate)
    begin = _count(api, "transition_begin", begin)
    if end is not None:
        end = a.number(api, "end_value", end)
    if steps <= 0 or rate == 0:  # optax logs it and hands back init_value unchanged
        return Constant(init, api)
    schedule = Exponential(init, steps, rate, max(begin, 0), bool(staircase), end)
    schedule.api = api
    return schedule


def cosine_decay_schedule(init_value, decay_steps, alpha=0.0, exponent=1.0):  # type: ignore[no-untyped-def]
    return _cosine("cosine_decay_schedule", init_value, decay_steps, alpha, exponent)


def _cosine(
    api: str, init: Any, steps: Any, alpha: Any, exponent: Any, name: str = "decay_steps"
) -> Cosine:
    init = a.number(api, "init_value", init)
    steps = a.integer(api, name, steps)
    if not steps > 0:
        raise CallError(f"{api} requires positive {name}, got {name}={steps}")
    schedule = Cosine(
        init, steps, a.number(api, "alpha", alpha), a.number(api, "exponent", exponent)
    )
    schedule.api = api
    return schedule


def _warmup(api: str, init: Any, peak: Any, warmup: Any) -> OptaxSchedule:
    steps = _count(api, "warmup_steps", warmup)
    if steps < 0:
        raise CallError(f"{api}: warmup_steps={steps} must be at least 0")
    schedule = _polynomial(api, init, peak, 1, steps, 0)
    return schedule


class Warmup(Join):
    """A linear warmup joined to a decay at warmup_steps (optax builds it with join_schedules)."""

    def __init__(self, api: str, warmup: OptaxSchedule, decay: OptaxSchedule, steps: int) -> None:
        super().__init__([warmup, decay], [steps])
        self.api = api


def warmup_cosine_decay_schedule(  # type: ignore[no-untyped-def]
    init_value, peak_value, warmup_steps, decay_steps, end_value=0.0, exponent=1.0
):
    return _warmup_cosine(init_value, peak_value, warmup_steps, decay_steps, end_value, exponent)


def _warmup_cosine(
    init_value: Any,
    peak_value: Any,
    warmup_steps: Any,
    decay_steps: Any,
    end_value: Any,
    exponent: Any,
) -> Warmup:
    api = "warmup_cosine_decay_schedule"
    peak = a.number(api, "peak_value", peak_value)
    end = a.number(api, "end_value", end_value)
    warmup = _warmup(api, init_value, peak, warmup_steps)
    steps = a.integer(api, "decay_steps", decay_steps)
    if not steps - warmup_steps > 0:
        raise CallError(
            f"{api}: decay_steps={steps} must be more than warmup_steps={warmup_steps}: it "
            "counts the warmup too (optax's cosine needs decay_steps - warmup_steps > 0)"
        )
    alpha = 0.0 if peak == 0.0 else end / peak  # in Python floats
    decay = _cosine(api, peak, steps - warmup_steps, alpha, exponent)
    return Warmup(api, warmup, decay, warmup_steps)


def warmup_exponential_decay_schedule(  # type: ignore[no-untyped-def]
    init_value,
    peak_value,
    warmup_steps,
    transition_steps,
    decay_rate,
    transition_begin=0,
    staircase=False,
    end_value=None,
):
    api = "warmup_exponential_decay_schedule"
    peak = a.number(api, "peak_value", peak_value)
    warmup = _warmup(api, init_value, peak, warmup_steps)
    decay = _exponential(
        api, peak, transition_steps, decay_rate, transition_begin, staircase, end_value
    )
    return Warmup(api, warmup, decay, warmup_steps)


def sgdr_schedule(cosine_kwargs):  # type: ignore[no-untyped-def]
    api = "sgdr_schedule"
    if not isinstance(cosine_kwargs, (list, tuple)) or not cosine_kwargs:
        raise CallError(
            f"{api}: cosine_kwargs must be a list of dicts, each the arguments of "
            "warmup_cosine_decay_schedule"
        )
    children, boundaries, step = [], [], 0
    for kwargs in cosine_kwargs:
        if not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
            raise CallError(
                f"{api}: each item of cosine_kwargs must be a dict of keyword arguments"
            )
        bound = a.bind(
            "warmup_cosine_decay_schedule", warmup_cosine_decay_schedule, (), tuple(kwargs.items())
        )
        children.append(_warmup_cosine(**bound))
        step += bound["decay_steps"]
        boundaries.append(step)
    schedule = Join(children, [_count(api, "decay_steps", b) for b in boundaries[:-1]])
    schedule.api = api
    return schedule


def join_schedules(schedules, boundaries):  # type: ignore[no-untyped-def]
    api = "join_schedules"
    if not isinstance(schedules, (list, tuple)) or not schedules:
        raise CallError(f"{api}: schedules must be a list of at least one optax schedule call")
    children = [_schedule(api, "schedules", s) for s in schedules]
    if not isinstance(boundaries, (list, tuple)):
        raise CallError(f"{api}: boundaries={boundaries!r} must be a list of steps")
    if len(boundaries) != len(children) - 1:
        raise CallError(
            f"{api}: {len(children)} schedules need {len(children) - 1} boundaries (one less), "
            f"and {len(boundaries)} were given"
        )
    steps = [_count(api, "boundaries", b, minimum=0) for b in boundaries]
    return Join(children, steps)


def _pairs(api: str, scales: Any) -> list[tuple[int, float]]:
    if scales is None:
        return []
    if not isinstance(scales, dict):
        raise CallError(f"{api}: boundaries_and_scales must be a dict {{step: scale}}")
    pairs = sorted(
        (_count(api, "boundaries_and_scales", b, minimum=0), s) for b, s in scales.items()
    )
    checked = [(b, a.number(api, "boundaries_and_scales", s)) for b, s in pairs]
    if any(s < 0 for _, s in checked):
        raise CallError(f"{api} expects non-negative scale factors (optax refuses {scales!r})")
    return checked


def piecewise_interpolate_schedule(interpolate_type, init_value, boundaries_and_scales=None):  # type: ignore[no-untyped-def]
    api = "piecewise_interpolate_schedule"
    kind = a.choice(api, "interpolate_type", interpolate_type, ("linear", "cosine"))
    init = a.number(api, "init_value", init_value)
    return Interpolate(kind, init, _pairs(api, boundaries_and_scales), api)


def piecewise_constant_schedule(init_value, boundaries_and_scales=None):  # type: ignore[no-untyped-def]
    api = "piecewise_constant_schedule"
    init = a.number(api, "init_value", init_value)
    pairs = _pairs(api, boundaries_and_scales)
    return PiecewiseConstant.from_scales(
        init,
        [b for b, _ in pairs],
        [s for _, s in pairs],
        convention="optax",
        dtype="float32",
    )


def _onecycle(api: str, kind: str, steps: Any, peak: Any, scales: dict[int, float]) -> Interpolate:
    pairs = sorted(scales.items())
    return Interpolate(kind, peak, pairs, api)


def _onecycle_steps(api: str, transition_steps: Any) -> int:
    steps = _count(api, "transition_steps", transition_steps)
    if steps <= 0:
        raise CallError(f"{api}: transition_steps={steps} must be positive")
    return steps


def linear_onecycle_schedule(  # type: ignore[no-untyped-def]
    transition_steps,
    peak_value,
    pct_start=0.3,
    pct_final=0.85,
    div_factor=25.0,
    final_div_factor=1e4,
):
    api = "linear_onecycle_schedule"
    steps = _onecycle_steps(api, transition_steps)
    peak = a.number(api, "peak_value", peak_value)
    start = a.number(api, "pct_start", pct_start)
    final = a.number(api, "pct_final", pct_final)
    div = a.number(api, "div_factor", div_factor)
    final_div = a.number(api, "final_div_factor", final_div_factor)
    if div == 0 or final_div == 0:
        raise CallError(f"{api}: div_factor and final_div_factor must not be 0")
    scales = {  # a dict literal: when two boundaries coincide, the later entry wins
        int(start * steps): div,
        int(final * steps): 1.0 / div,
        steps: 1.0 / final_div,
    }
    return Interpolate("linear", peak / div, _pairs(api, scales), api)


def cosine_onecycle_schedule(  # type: ignore[no-untyped-def]
    transition_steps, peak_value, pct_start=0.3, div_factor=25.0, final_div_factor=1e4
):
    api = "cosine_onecycle_schedule"
    steps = _onecycle_steps(api, transition_steps)
    peak = a.number(api, "peak_value", peak_value)
    start = a.number(api, "pct_start", pct_start)
    div = a.number(api, "div_factor", div_factor)
    final_div = a.number(api, "final_div_factor", final_div_factor)
    if div == 0 or final_div == 0:
        raise CallError(f"{api}: div_factor and final_div_factor must not be 0")
    scales = {int(start * steps): div, int(steps): 1.0 / (div * final_div)}
    return Interpolate("cosine", peak / div, _pairs(api, scales), api)


APIS: dict[str, Callable[..., Any]] = {
    function.__name__: function
    for function in (
        constant_schedule,
        linear_schedule,
        polynomial_schedule,
        exponential_decay,
        cosine_decay_schedule,
        warmup_cosine_decay_schedule,
        warmup_exponential_decay_schedule,
        warmup_constant_schedule,
        sgdr_schedule,
        cosine_onecycle_schedule,
        linear_onecycle_schedule,
        piecewise_interpolate_schedule,
        piecewise_constant_schedule,
        join_schedules,
    )
}
