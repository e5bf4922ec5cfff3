"""DeepSpeed's schedules (deepspeed 0.19.8, `deepspeed/runtime/lr_schedules.py`).

Every class sets the optimizer's lr in its constructor (`last_batch_iteration = -1`), and the
engine calls `step()` after every optimizer update, so the first `step()` computes iteration 0
for update 1: update 0 runs at the constructor's value and update k >= 1 at `get_lr()` for
iteration j = k - 1. The whole schedule runs one update late. Each `get_lr` is mirrored here on
whole arrays, operation by operation, in Python's float arithmetic (`math.log` exactly, see
`exact_log`; ints divided as Python divides them, `max(0.0, x)` as Python picks).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lrcli.calls import CallError, clip
from lrcli.frameworks import _args as a
from lrcli.schedule import MAX_STEP
from lrcli.smooth import Floats, Phase, Phased, Steps, phases_from_edges

NAMESPACES = ("deepspeed.runtime.lr_schedules", "deepspeed.runtime", "deepspeed")

REFUSED: dict[str, str] = {}

LOG, LINEAR = "log", "linear"

_EXACT = 2**53
_WIDE = np.finfo(np.longdouble).nmant >= 63
_DOUBT = 0.475
"""How far from a double (in its ulps) the long-double logarithm may be before `math.log` is
asked: glibc's `log` is within 0.519 ulp, so a value nearer than 0.48 ulp to a double is that
double in libm too."""


def exact_log(x: Floats) -> Floats:
    """`math.log` at each (positive) x, exactly as libm gives it.

    numpy's SIMD `log` differs from libm's in about 1 argument in 20,000. The long-double
    logarithm, rounded, is libm's answer wherever it lies well inside a double's rounding
    interval; the other ~5% are asked of `math.log` itself.
    """
    if not _WIDE or not x.size:  # long double is double here: libm for every value
        return np.array([math.log(v) for v in x.tolist()], dtype=np.float64)
    wide = np.log(x.astype(np.longdouble))
    near = wide.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ulps = (wide - near) / np.spacing(near).astype(np.longdouble)
    mantissa, _ = np.frexp(near)
    doubt = ~(np.abs(ulps) <= _DOUBT) | (np.abs(mantissa) == 0.5)  # at a power of 2: ask
    where = np.flatnonzero(doubt)
    if where.size:
        near[where] = [math.log(v) for v in x[where].tolist()]
    return near


def _div(numerator: Steps, denominator: int | float) -> Floats:
    """`numerator / denominator` as Python divides an int by an int (correctly rounded) or by
    a float (the int rounded to float first)."""
    if isinstance(denominator, float) or (
        abs(denominator) < _EXACT and (not numerator.size or abs(numerator).max() < _EXACT)
    ):
        return numerator.astype(np.float64) / float(denominator)
    return np.array([n / denominator for n in numerator.tolist()], dtype=np.float64)


def _pick_max0(x: Floats) -> Floats:
    """Python's `max(0.0, x)`: 0.0 unless x > 0.0 (so -0.0 and nan give 0.0)."""
    return np.where(x > 0.0, x, 0.0)


def _text(value: Any) -> str:
    return repr(value)


class DeepSpeedSchedule(Phased):
    """A DeepSpeed scheduler: update 0 at `start`, update k >= 1 at `formula(k - 1)`."""

    framework = "deepspeed"
    start: float = 0.0
    """What the constructor writes into the optimizer: the rate of update 0."""

    def formula(self, j: Steps) -> Floats:
        """`get_lr()` with `last_batch_iteration = j` (j >= 0)."""
        raise NotImplementedError

    def rates(self, steps: Steps) -> Floats:
        out = self.formula(np.maximum(steps - 1, 0))
        return np.where(steps == 0, float(self.start), out)

    @property
    def description(self) -> str:
        return f"deepspeed {self.api} · float64, closed form, update k at get_lr(k - 1)"

    def arithmetic(self) -> list[str]:
        """What the schedule computes, a few lines for a person."""
        return []


# --- WarmupLR, WarmupDecayLR, WarmupCosineLR -----------------------------------------------


class _Warmup(DeepSpeedSchedule):
    """The warmup shared by the three: `g(j)` for j < W', then the rest."""

    def __init__(self, warmup: int, warmup_type: str, given_type: Any) -> None:
        self.warmup = max(2, warmup)  # self.warmup_num_steps = max(2, warmup_num_steps)
        self.warmup_type = warmup_type
        self.given_type = given_type
        self.inverse_log = 1.0 / math.log(self.warmup)  # self.inverse_log_warm_up

    def gamma(self, j: Steps) -> Floats:
        """`_get_gamma()` inside the warmup (j < W')."""
        if self.warmup_type == LOG:
            # self.inverse_log_warm_up * math.log(self.last_batch_iteration + 1)
            return self.inverse_log * exact_log((j + 1).astype(np.float64))
        return _div(j, self.warmup)  # self.last_batch_iteration / self.warmup_num_steps

    def warm(self, j: Steps) -> tuple[NDArray[np.bool_], Floats]:
        """The positions inside the warmup, and g there (0.0 elsewhere, never used)."""
        inside = j < self.warmup
        g = np.zeros(len(j), dtype=np.float64)
        if inside.any():
            g[inside] = self.gamma(j[inside])
        return inside, g

    @property
    def settle(self) -> int:
        """The first update of the last, flat phase."""
        return self.warmup + 1

    @property
    def end(self) -> int:
        return self.settle

    def notes(self, first: int, last: int) -> Iterator[str]:
        if self.warmup_type != self.given_type:
            yield (
                f"warmup_type={clip(repr(self.given_type))} is not 'log' or 'linear': DeepSpeed "
                f"logs a warning and warms up with 'log'"
            )

    def _g_text(self) -> str:
        if self.warmup_type == LOG:
            return f"g(j) = log(j + 1) / log({self.warmup})"
        return f"g(j) = j / {self.warmup}"

    def _warmup_text(self) -> str:
        return (
            f"W' = max(2, warmup_num_steps) = {self.warmup:,}, warmup_type "
            f"{self.warmup_type!r}: {self._g_text()}"
        )


class _MinMax(_Warmup):
    """WarmupLR and WarmupDecayLR: `min_lr + (delta_lr * gamma)`."""

    def __init__(self, low: Any, high: Any, warmup: int, warmup_type: str, given_type: Any) -> None:
        super().__init__(warmup, warmup_type, given_type)
        self.low, self.high = low, high
        self.start = float(low)  # get_lr() before the first step returns self.min_lrs
        self.delta = float(high - low)  # self.delta_lrs, with the values as written

    def rest(self, j: Steps) -> Floats:
        """`_get_gamma()` from W' on."""
        return np.ones(len(j), dtype=np.float64)

    def formula(self, j: Steps) -> Floats:
        inside, g = self.warm(j)
        if not inside.all():
            g[~inside] = self.rest(j[~inside])
        return float(self.low) + (self.delta * g)

    def notes(self, first: int, last: int) -> Iterator[str]:
        yield from super().notes(first, last)
        if first == 0 and last >= 1:
            nothing = " (the first two updates learn nothing)" if self.start == 0 else ""
            yield (
                f"step 0 and step 1 both train at {self.start!r}{nothing}: DeepSpeed's "
                f"{self.api} sets warmup_min_lr in its constructor and its first step() "
                "computes iteration 0, which is warmup_min_lr again, so the whole schedule "
                "runs one update late"
            )


class WarmupLRSchedule(_MinMax):
    api = "WarmupLR"

    def __init__(self, *args: Any, max_from_optimizer: bool = False) -> None:
        super().__init__(*args)
        self.max_from_optimizer = max_from_optimizer

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        yield from phases_from_edges([0, self.settle], [self.warmup_type, "constant"], first, last)

    def arithmetic(self) -> list[str]:
        where = " (the optimizer's lr)" if self.max_from_optimizer else ""
        return [
            self._warmup_text(),
            f"updates 1..{self.warmup:,}: warmup_min_lr + (warmup_max_lr - warmup_min_lr) * "
            f"g(k - 1), from {self.low!r} to warmup_max_lr {self.high!r}{where}; "
            f"{self.high!r} from update {self.settle:,} on",
        ]


class WarmupDecayLRSchedule(_MinMax):
    api = "WarmupDecayLR"

    def __init__(self, total: int | float, *args: Any, max_given: bool = True) -> None:
        super().__init__(*args)
        self.total = total
        self.max_given = max_given

    def rest(self, j: Steps) -> Floats:
        # max(0.0, float(T - j) / float(max(1.0, T - W')))
        if isinstance(self.total, int):
            left = (self.total - j).astype(np.float64)
        else:
            left = self.total - j.astype(np.float64)
        return _pick_max0(left / float(max(1.0, self.total - self.warmup)))

    @property
    def settle(self) -> int:
        # float(T - j) reaches 0 at j = ceil(T): update ceil(T) + 1
        return max(math.ceil(self.total) + 1, self.warmup + 1)

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        starts = [0, self.warmup + 1, self.settle]
        yield from phases_from_edges(starts, [self.warmup_type, "linear", "constant"], first, last)

    def notes(self, first: int, last: int) -> Iterator[str]:
        yield from super().notes(first, last)
        if not self.max_given and last > self.warmup // 2:
            yield (
                "WarmupDecayLR peaks at its default warmup_max_lr 0.001 whatever the "
                "optimizer's lr: DeepSpeed does not read the optimizer's lr for it; set "
                "warmup_max_lr in the scheduler's params"
            )
        if self.total < self.warmup:
            yield (
                f"total_num_steps={self.total!r} is less than warmup_num_steps "
                f"{self.warmup}: DeepSpeed warns and drops to warmup_min_lr {self.low!r} "
                f"right after the warmup, at update {self.warmup + 1:,}"
            )

    def arithmetic(self) -> list[str]:
        default = " (its default: not the optimizer's lr)" if not self.max_given else ""
        span = max(1.0, self.total - self.warmup)
        return [
            self._warmup_text(),
            f"updates 1..{self.warmup:,}: warmup_min_lr + (warmup_max_lr - warmup_min_lr) * "
            f"g(k - 1), from {self.low!r} to warmup_max_lr {self.high!r}{default}",
            f"updates {self.warmup + 1:,} on: warmup_min_lr + (warmup_max_lr - warmup_min_lr) "
            f"* max(0, (T - (k - 1)) / {span!r}), T = total_num_steps = {self.total!r}: "
            f"warmup_min_lr {self.low!r} from update {self.settle:,} on",
        ]


class WarmupCosineLRSchedule(_Warmup):
    api = "WarmupCosineLR"
    start = 0.0  # get_lr() before the first step returns 0.0 for every group

    def __init__(
        self,
        lr: float,
        total: int | float,
        low: float,
        warmup: int,
        floor: float,
        warmup_type: str,
        given_type: Any,
    ) -> None:
        super().__init__(warmup, warmup_type, given_type)
        self.lr, self.total, self.low, self.floor = lr, total, low, floor

    def ratio(self, j: Steps) -> Floats:
        """`get_lr_ratio()` at iteration j."""
        inside, g = self.warm(j)
        out = np.empty(len(j), dtype=np.float64)
        # self.warmup_min_ratio + ratio * (1. - self.warmup_min_ratio)
        out[inside] = self.low + g[inside] * (1.0 - self.low)
        after = j[~inside]
        if after.size:
            done = after - self.warmup + 1  # real_last_step
            # real_total_steps = max(1, T - W'); min(1.0, real_last_step / real_total_steps)
            span = max(1, self.total - self.warmup)
            progress = _div(done, span)
            progress = np.where(progress < 1.0, progress, 1.0)
            half = (1 + np.cos(math.pi * progress)) / 2
            out[~inside] = _pick_max0(self.floor + (1.0 - self.floor) * half)
        return out

    def formula(self, j: Steps) -> Floats:
        return self.lr * self.ratio(j)  # org_lr * lr_ratio

    @property
    def settle(self) -> int:
        # the progress reaches 1.0 at j = T - 1 (update T), or at once when T - W' < 1
        return max(math.ceil(self.total), self.warmup + 1)

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        starts = [0, self.warmup + 1, self.settle]
        yield from phases_from_edges(starts, [self.warmup_type, "cosine", "constant"], first, last)

    def notes(self, first: int, last: int) -> Iterator[str]:
        yield from super().notes(first, last)
        if first == 0:
            one = self.lr * self.low
            yield (
                f"step 0 trains at rate 0.0: WarmupCosineLR's constructor sets 0.0 whatever "
                f"warmup_min_ratio says, and its first step() computes iteration 0, so step 1 "
                f"trains at lr * warmup_min_ratio = {one!r} and the schedule runs one update late"
            )
        if self.warmup_type == LINEAR and last >= self.warmup:
            top, after = self(np.array([self.warmup, self.warmup + 1], dtype=np.int64)).tolist()
            yield (
                f"WarmupCosineLR never trains at lr {self.lr!r} with a linear warmup: its last "
                f"warmup update ({self.warmup:,}) runs at {top!r} ((W' - 1) / W' of the way) "
                f"and update {self.warmup + 1:,} is already on the cosine at {after!r}"
            )
        if self.total < self.warmup:
            yield (
                f"total_num_steps={self.total!r} is less than warmup_num_steps {self.warmup}: "
                f"DeepSpeed warns and drops to lr * cos_min_ratio right after the warmup"
            )

    def arithmetic(self) -> list[str]:
        floor = float(self(np.array([self.settle], dtype=np.int64))[0])
        return [
            self._warmup_text(),
            f"rate = lr * ratio, lr = {self.lr!r}: update 0 is 0.0; updates 1..{self.warmup:,} "
            f"ratio = warmup_min_ratio + g(k - 1) * (1 - warmup_min_ratio), warmup_min_ratio = "
            f"{self.low!r}",
            f"updates {self.warmup + 1:,} on: ratio = cos_min_ratio + (1 - cos_min_ratio) * "
            f"(1 + cos(pi * p)) / 2, p = min(1, (k - W') / {max(1, self.total - self.warmup)!r}),"
            f" cos_min_ratio = {self.floor!r}; {floor!r} from update {self.settle:,} on",
        ]


# --- OneCycle, LRRangeTest -----------------------------------------------------------------


class OneCycleSchedule(DeepSpeedSchedule):
    api = "OneCycle"

    def __init__(
        self,
        low: float,
        high: float,
        decay_rate: float,
        first: float,
        second: float,
        first_stairs: float,
        second_stairs: float,
        decay_size: float,
    ) -> None:
        self.low, self.high, self.decay_rate = low, high, decay_rate
        self.first, self.second = first, second
        self.total = first + second  # self.total_size
        self.ratio = first / self.total  # self.step_ratio
        self.first_stairs, self.second_stairs = first_stairs, second_stairs
        self.decay_size = decay_size
        # math.isclose(x, 0) with the default tolerances is x == 0
        self.decays = not (decay_size == 0 or decay_rate == 0)
        self.start = float(low)  # update_lr(optimizer.param_groups, self.min_lrs)

    def scale(self, b: Steps) -> Floats:
        """`_get_scale_factor()` with batch_iteration = b."""
        it = b.astype(np.float64)
        cycle = np.floor(1 + it / self.total)  # math.floor(1 + batch_iteration / total_size)
        x = 1.0 + it / self.total - cycle
        rising = x <= self.ratio
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(rising, x / self.ratio, (x - 1) / (self.ratio - 1))
            stairs = np.where(rising, float(self.first_stairs), float(self.second_stairs))
            counted = stairs > 0
            if counted.any():
                at = np.fmod(it, self.total)  # batch_iteration % self.total_size
                position = np.where(
                    at <= self.first,
                    at * stairs / self.first,
                    (self.total - at) * stairs / self.second,
                )
                scale = np.where(counted, np.floor(position) / stairs, scale)
        return np.asarray(scale, dtype=np.float64)

    def formula(self, j: Steps) -> Floats:
        cycling = j < self.total
        out = np.empty(len(j), dtype=np.float64)
        # cycle_min_lr + (cycle_max_lr - cycle_min_lr) * scale_factor
        out[cycling] = self.low + (self.high - self.low) * self.scale(j[cycling] + 1)
        if self.decays:
            # (last_batch_iteration - total_size + 1) / decay_step_size
            interval = (j[~cycling].astype(np.float64) - self.total + 1) / self.decay_size
            out[~cycling] = self.low / (1 + self.decay_rate * interval)
        else:
            out[~cycling] = self.low
        return out

    @property
    def peak(self) -> int:
        return math.floor(self.first)

    @property
    def end(self) -> int:
        return math.ceil(self.total) + 1  # the first update with j >= total_size

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        up = "staircase" if self.first_stairs > 0 else "cyclic"
        down = "staircase" if self.second_stairs > 0 else "cyclic"
        after = "inverse-time" if self.decays else "constant"
        yield from phases_from_edges([0, self.peak + 1, self.end], [up, down, after], first, last)

    def arithmetic(self) -> list[str]:
        stairs = []
        if self.first_stairs > 0:
            stairs.append(f"{self.first_stairs} stairs up")
        if self.second_stairs > 0:
            stairs.append(f"{self.second_stairs} stairs down")
        how = f" in {' and '.join(stairs)}" if stairs else ""
        lines = [
            f"one cycle of {self.first:g} + {self.second:g} updates from cycle_min_lr "
            f"{self.low!r} up to cycle_max_lr {self.high!r} at update {self.peak:,} and back "
            f"down at update {self.end - 1:,}{how} (its formula uses j + 1, so the delay "
            "cancels: update k at k)",
        ]
        if self.decays:
            lines.append(
                f"updates {self.end:,} on: cycle_min_lr / (1 + {self.decay_rate!r} * "
                f"(k - {self.total:g}) / {self.decay_size!r})"
            )
        else:
            lines.append(f"updates {self.end:,} on: cycle_min_lr {self.low!r} (no decay)")
        return lines


class LRRangeTestSchedule(DeepSpeedSchedule):
    api = "LRRangeTest"

    def __init__(self, low: float, size: int, rate: float, staircase: bool) -> None:
        self.low, self.size, self.rate, self.staircase = low, size, rate, staircase
        self.start = float(low)  # update_lr(self.optimizer.param_groups, self.min_lr)

    def formula(self, j: Steps) -> Floats:
        # float(self.last_batch_iteration + 1) / self.step_size, floored for the staircase
        interval = (j + 1).astype(np.float64) / self.size
        if self.staircase:
            interval = np.floor(interval)
            if isinstance(self.rate, int) and self.rate and len(interval):
                # math.floor gives a Python int: with an int step_rate, 1 + rate * interval is
                # exact integer arithmetic, rounded to a float only when min_lr multiplies it.
                big = np.abs(interval) * abs(self.rate) >= 2.0**53
                if big.any():
                    out = np.asarray(self.low * (1 + self.rate * interval), dtype=np.float64)
                    out[big] = [self.low * (1 + self.rate * int(i)) for i in interval[big].tolist()]
                    return out
        return np.asarray(self.low * (1 + self.rate * interval), dtype=np.float64)

    @property
    def end(self) -> int:
        return 0 if self.rate == 0 else 3 * self.size

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        if self.rate == 0:
            yield from phases_from_edges([0], ["constant"], first, last)
        elif not self.staircase:
            yield from phases_from_edges([0], ["linear"], first, last)
        else:
            k = first // self.size
            while k * self.size <= last:
                lo, hi = k * self.size, min((k + 1) * self.size - 1, MAX_STEP)
                yield Phase(max(lo, first), min(hi, last), "constant")
                k += 1

    def arithmetic(self) -> list[str]:
        interval = f"floor(k / {self.size})" if self.staircase else f"k / {self.size}"
        return [
            f"update k: lr_range_test_min_lr * (1 + {self.rate!r} * {interval}), "
            f"lr_range_test_min_lr = {self.low!r} (its formula uses j + 1, so the delay "
            "cancels: update k at k)"
        ]


# --- The API: DeepSpeed's signatures, defaults and checks ----------------------------------


def _fresh(api: str, last_batch_iteration: Any) -> None:
    if last_batch_iteration != -1:
        raise CallError(
            f"{api}: last_batch_iteration={clip(repr(last_batch_iteration))} resumes a "
            "schedule; lrcli shows it from the start (leave it at -1 and look at the later "
            "steps)"
        )


def _one(api: str, name: str, value: Any, label: str) -> Any:
    """`_format_param`: a number, or a list of one per parameter group (lrcli's optimizer has
    one)."""
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise CallError(
                f"{api}: expected 1 value for {label}, got {len(value)} (lrcli's optimizer "
                "has one parameter group)"
            )
        value = value[0]
    return a.number(api, name, value)


def _warmup_steps(api: str, value: Any) -> int:
    # if not isinstance(warmup_num_steps, int) or warmup_num_steps <= 0: raise ValueError
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise CallError(
            f"{api}: warmup_num_steps must be a positive integer, got {clip(repr(value))}"
        )
    return a.integer(api, "warmup_num_steps", value)


def _warmup_type(value: Any) -> str:
    """Only 'log' and 'linear'; anything else is 'log' (DeepSpeed logs a warning)."""
    return LINEAR if isinstance(value, str) and value == LINEAR else LOG


def _total(api: str, value: Any) -> int | float:
    number = a.number(api, "total_num_steps", value)
    if number < 0:
        raise CallError(f"{api}: total_num_steps={number!r} must be at least 0")
    if isinstance(number, int):
        return a.integer(api, "total_num_steps", number)
    return number


def _lr(optimizer: Any, api: str) -> float:
    return a.optimizer(api, optimizer).lr(api)


def _warmuplr(  # type: ignore[no-untyped-def]
    optimizer,
    warmup_min_lr=0.0,
    warmup_max_lr=None,
    warmup_num_steps=1000,
    warmup_type=LOG,
    last_batch_iteration=-1,
):
    api = "WarmupLR"
    steps = _warmup_steps(api, warmup_num_steps)
    a.optimizer(api, optimizer)
    from_optimizer = warmup_max_lr is None
    if from_optimizer:  # [group['lr'] for group in self.optimizer.param_groups]
        warmup_max_lr = _lr(optimizer, api)
    low = _one(api, "warmup_min_lr", warmup_min_lr, "min_lr")
    high = _one(api, "warmup_max_lr", warmup_max_lr, "max_lr")
    _fresh(api, last_batch_iteration)
    return WarmupLRSchedule(
        low, high, steps, _warmup_type(warmup_type), warmup_type, max_from_optimizer=from_optimizer
    )


def _warmupdecaylr(  # type: ignore[no-untyped-def]
    optimizer,
    total_num_steps,
    warmup_min_lr=0.0,
    warmup_max_lr=0.001,
    warmup_num_steps=1000,
    warmup_type=LOG,
    last_batch_iteration=-1,
):
    api = "WarmupDecayLR"
    steps = _warmup_steps(api, warmup_num_steps)
    a.optimizer(api, optimizer)
    low = _one(api, "warmup_min_lr", warmup_min_lr, "min_lr")
    high = _one(api, "warmup_max_lr", warmup_max_lr, "max_lr")
    total = _total(api, total_num_steps)
    _fresh(api, last_batch_iteration)
    return WarmupDecayLRSchedule(
        total,
        low,
        high,
        steps,
        _warmup_type(warmup_type),
        warmup_type,
        max_given=_default_max is not warmup_max_lr,
    )


_default_max = _warmupdecaylr.__defaults__[1]  # type: ignore[index]
"""The 0.001 object itself: `warmup_max_lr` left out is that object, whatever a file says."""


def _warmupcosinelr(  # type: ignore[no-untyped-def]
    optimizer,
    total_num_steps,
    warmup_min_ratio=0.0,
    warmup_num_steps=1000,
    cos_min_ratio=0.0001,
    warmup_type=LOG,
    last_batch_iteration=-1,
):
    api = "WarmupCosineLR"
    steps = _warmup_steps(api, warmup_num_steps)
    total = _total(api, total_num_steps)
    low = a.number(api, "warmup_min_ratio", warmup_min_ratio)
    floor = a.number(api, "cos_min_ratio", cos_min_ratio)
    _fresh(api, last_batch_iteration)
    lr = _lr(optimizer, api)  # self.org_lrs
    return WarmupCosineLRSchedule(
        lr, total, low, steps, floor, _warmup_type(warmup_type), warmup_type
    )


def _onecycle(  # type: ignore[no-untyped-def]
    optimizer,
    cycle_min_lr,
    cycle_max_lr,
    decay_lr_rate=0.0,
    cycle_first_step_size=2000,
    cycle_second_step_size=None,
    cycle_first_stair_count=0,
    cycle_second_stair_count=None,
    decay_step_size=0,
    cycle_momentum=True,
    cycle_min_mom=0.8,
    cycle_max_mom=0.9,
    decay_mom_rate=0.0,
    last_batch_iteration=-1,
):
    api = "OneCycle"
    a.optimizer(api, optimizer)
    # cycle_first_step_size = float(cycle_first_step_size), the second likewise or the first
    first = float(a.number(api, "cycle_first_step_size", cycle_first_step_size))
    second = (
        first
        if cycle_second_step_size is None
        else float(a.number(api, "cycle_second_step_size", cycle_second_step_size))
    )
    if first <= 0:
        raise CallError(f"{api}: cycle_first_step_size must be positive, got {first!r}")
    if second < 0:
        raise CallError(f"{api}: cycle_second_step_size must be non-negative, got {second!r}")
    up = a.number(api, "cycle_first_stair_count", cycle_first_stair_count)
    down = (
        up
        if cycle_second_stair_count is None
        else a.number(api, "cycle_second_stair_count", cycle_second_stair_count)
    )
    decay_size = a.number(api, "decay_step_size", decay_step_size)
    low = _one(api, "cycle_min_lr", cycle_min_lr, "cycle_min_lr")
    high = _one(api, "cycle_max_lr", cycle_max_lr, "cycle_max_lr")
    rate = a.number(api, "decay_lr_rate", decay_lr_rate)
    _fresh(api, last_batch_iteration)
    return OneCycleSchedule(low, high, rate, first, second, up, down, decay_size)


def _lrrangetest(  # type: ignore[no-untyped-def]
    optimizer,
    lr_range_test_min_lr=1e-3,
    lr_range_test_step_size=2000,
    lr_range_test_step_rate=1.0,
    lr_range_test_staircase=False,
    last_batch_iteration=-1,
):
    api = "LRRangeTest"
    a.optimizer(api, optimizer)
    low = _one(api, "lr_range_test_min_lr", lr_range_test_min_lr, "lr_range_test_min_lr")
    size = lr_range_test_step_size
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise CallError(
            f"{api}: lr_range_test_step_size must be a positive integer, got {clip(repr(size))}"
        )
    size = a.integer(api, "lr_range_test_step_size", size)
    rate = a.number(api, "lr_range_test_step_rate", lr_range_test_step_rate)
    if not isinstance(lr_range_test_staircase, bool):
        raise CallError(
            f"{api}: lr_range_test_staircase={clip(repr(lr_range_test_staircase))} must be "
            "True or False"
        )
    _fresh(api, last_batch_iteration)
    return LRRangeTestSchedule(low, size, rate, lr_range_test_staircase)


APIS: dict[str, Callable[..., Any]] = {
    "WarmupLR": _warmuplr,
    "WarmupDecayLR": _warmupdecaylr,
    "WarmupCosineLR": _warmupcosinelr,
    "OneCycle": _onecycle,
    "LRRangeTest": _lrrangetest,
}
