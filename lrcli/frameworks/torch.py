"""PyTorch's `torch.optim.lr_scheduler`, as torch 2.13 computes it, in float64.

Step k is `optimizer.param_groups[0]["lr"]` after k calls of `scheduler.step()`. Most of
torch's schedulers are recursive: each step starts from the optimizer's current rate, so the
rate at step k is the result of k float operations, and the closed forms in torch's docs give
other floats. lrcli walks the recursion (`Walk`); `closed_form=True` answers with torch's
`_get_closed_form_lr` instead. Comments name the lines of torch/optim/lr_scheduler.py mirrored.
"""

from __future__ import annotations

import copy
import itertools
import math
from abc import abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lrcli.calls import CallError
from lrcli.frameworks import _args as a
from lrcli.schedule import MAX_STEP, ScheduleError
from lrcli.smooth import (
    Floats,
    Phase,
    Phased,
    Steps,
    Walk,
    affine_walk,
    phases_from_edges,
    product_walk,
)

NAMESPACES = ("torch.optim.lr_scheduler", "torch.optim")

REFUSED = {
    "LambdaLR": "its rate comes from a Python function lrcli cannot run; "
    "write the schedule it computes as one lrcli knows",
    "MultiplicativeLR": "its factor comes from a Python function lrcli cannot run",
    "ReduceLROnPlateau": "its rate depends on the metric your training reports, "
    "which lrcli cannot know",
}


class TorchScheduler(Phased):
    """A torch scheduler: standalone, or a child of SequentialLR or ChainedScheduler."""

    framework = "torch"

    def __init__(self, base_lr: float) -> None:
        self.base_lr = base_lr
        """The optimizer's `initial_lr`, which torch's closed forms start from."""

    def restarted(self, value: float) -> TorchScheduler:
        """This scheduler with `value` at its step 0, as SequentialLR starts a later child."""
        return self

    def closed_start(self) -> float:
        """The rate at step 0 by torch's `_update_lr(0)`: how SequentialLR starts a child."""
        return float(self(np.zeros(1, dtype=np.int64))[0])


class _Product(Walk, TorchScheduler):
    """`lr = lr * factor` at the steps where the rate changes: a pure product, walked exactly.

    The walk counts events, not steps: StepLR changes once per `step_size` steps, so step
    10**15 of StepLR(step_size=10**9) is a million multiplications, not 10**15.
    """

    initial: float | None = None
    """What the constructor multiplies the current rate by at step 0 (None: nothing)."""

    def __init__(self, base_lr: float) -> None:
        TorchScheduler.__init__(self, base_lr)
        Walk.__init__(self)
        self._first: float | None = None

    def start(self) -> float:
        if self._first is not None:
            return self._first
        return self.base_lr if self.initial is None else self.base_lr * self.initial

    def restarted(self, value: float) -> TorchScheduler:
        child = copy.copy(self)
        Walk.__init__(child)
        child._first = value
        return child

    @abstractmethod
    def events(self, steps: Steps) -> Steps:
        """How many changes the rate has had by each step."""

    @abstractmethod
    def factors(self, events: Steps) -> Floats:
        """The factor of each event (numbered from 1)."""

    @property
    def settle_step(self) -> int:
        """The step of the last change (MAX_STEP: it keeps changing)."""
        if self.settles == MAX_STEP:
            return MAX_STEP
        lo, hi = 0, MAX_STEP  # the first step whose event count reaches `settles`
        while lo < hi:
            mid = (lo + hi) // 2
            if self.events(np.array([mid], dtype=np.int64))[0] >= self.settles:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def step_factors(self, steps: Steps) -> Floats:
        """The factor each step multiplies by: 1.0 where the rate does not change."""
        now, before = self.events(steps), self.events(np.maximum(steps - 1, 0))
        changed = (now > before) & (steps > 0)
        return np.where(changed, self.factors(np.maximum(now, 1)), 1.0)

    def positions(self, steps: Steps) -> Steps:
        return super().positions(self.events(steps))

    def advance(self, before: float, first: int, count: int) -> Floats:
        return product_walk(before, self.factors(first + np.arange(count, dtype=np.int64)))


class StepLR(_Product):
    api = "StepLR"
    stationary = True

    def __init__(self, base_lr: float, step_size: int, gamma: float) -> None:
        super().__init__(base_lr)
        self.step_size, self.gamma = step_size, gamma

    def events(self, steps: Steps) -> Steps:
        return steps // self.step_size  # `last_epoch % step_size == 0` multiplies by gamma

    def factors(self, events: Steps) -> Floats:
        return np.full(len(events), self.gamma, dtype=np.float64)

    def closed(self, steps: Steps) -> Floats:
        # base_lr * self.gamma ** (self.last_epoch // self.step_size)
        count = (steps // self.step_size).astype(float)
        return np.asarray(self.base_lr * np.float_power(self.gamma, count), dtype=np.float64)

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        k = first // self.step_size
        while k * self.step_size <= last:
            lo, hi = k * self.step_size, min((k + 1) * self.step_size - 1, MAX_STEP)
            yield Phase(max(lo, first), min(hi, last), "constant")
            k += 1

    @property
    def end(self) -> int:
        return 3 * self.step_size


class MultiStepLR(_Product):
    api = "MultiStepLR"

    def __init__(self, base_lr: float, milestones: Sequence[int], gamma: float) -> None:
        super().__init__(base_lr)
        self.counts = Counter(milestones)
        self.gamma = gamma
        self.edges = np.array(sorted(m for m in self.counts if m > 0), dtype=np.int64)
        if 0 in self.counts:
            self.initial = gamma ** self.counts[0]  # `lr * gamma ** milestones[0]` at step 0

    def events(self, steps: Steps) -> Steps:
        return np.searchsorted(self.edges, steps, side="right").astype(np.int64)

    def factors(self, events: Steps) -> Floats:
        # group["lr"] * self.gamma ** self.milestones[self.last_epoch]
        powers = [self.gamma ** self.counts[int(m)] for m in self.edges]
        return np.array(powers, dtype=np.float64)[events - 1]

    def closed(self, steps: Steps) -> Floats:
        every = np.array(sorted(self.counts.elements()), dtype=np.int64)
        count = np.searchsorted(every, steps, side="right").astype(float)
        return np.asarray(self.base_lr * np.float_power(self.gamma, count), dtype=np.float64)

    @property
    def settles(self) -> int:
        return len(self.edges)

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        starts = [0, *self.edges.tolist()]
        yield from phases_from_edges(starts, ["constant"] * len(starts), first, last)

    @property
    def end(self) -> int:
        return int(self.edges[-1]) if len(self.edges) else 0


class ConstantLR(_Product):
    api = "ConstantLR"

    def __init__(self, base_lr: float, factor: float, total_iters: int) -> None:
        super().__init__(base_lr)
        self.factor, self.total_iters = factor, total_iters
        self.initial = factor  # group["lr"] * self.factor at last_epoch 0

    def events(self, steps: Steps) -> Steps:
        if self.total_iters == 0:
            return np.zeros_like(steps)
        return (steps >= self.total_iters).astype(np.int64)

    def factors(self, events: Steps) -> Floats:
        return np.full(len(events), 1.0 / self.factor)  # group["lr"] * (1.0 / self.factor)

    @property
    def settles(self) -> int:
        return 1

    def closed(self, steps: Steps) -> Floats:
        # base_lr * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
        reached = (steps >= self.total_iters).astype(float)
        return self.base_lr * (self.factor + reached * (1 - self.factor))

    def closed_start(self) -> float:
        return float(self.closed(np.zeros(1, dtype=np.int64))[0])

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        yield from phases_from_edges([0, self.total_iters], ["constant"] * 2, first, last)

    @property
    def end(self) -> int:
        return self.total_iters


class LinearLR(_Product):
    api = "LinearLR"

    def __init__(self, base_lr: float, start: float, end: float, total_iters: int) -> None:
        super().__init__(base_lr)
        self.start_factor, self.end_factor, self.total_iters = start, end, total_iters
        self.initial = start  # group["lr"] * self.start_factor at last_epoch 0

    def events(self, steps: Steps) -> Steps:
        return np.minimum(steps, self.total_iters)

    def factors(self, events: Steps) -> Floats:
        # 1.0 + (end - start) / (total_iters * start + (last_epoch - 1) * (end - start))
        s, e = self.start_factor, self.end_factor
        k = events.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 + (e - s) / (self.total_iters * s + (k - 1) * (e - s))

    @property
    def settles(self) -> int:
        return self.total_iters

    def closed(self, steps: Steps) -> Floats:
        # base_lr * (start + (end - start) * min(total_iters, last_epoch) / total_iters)
        s, e = self.start_factor, self.end_factor
        done = np.minimum(steps, self.total_iters).astype(float)
        return self.base_lr * (s + (e - s) * done / self.total_iters)

    def closed_start(self) -> float:
        return float(self.closed(np.zeros(1, dtype=np.int64))[0])

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        shape = "constant" if self.start_factor == self.end_factor else "linear"
        yield from phases_from_edges([0, self.total_iters], [shape, "constant"], first, last)

    @property
    def end(self) -> int:
        return self.total_iters


class ExponentialLR(_Product):
    api = "ExponentialLR"
    stationary = True

    def __init__(self, base_lr: float, gamma: float) -> None:
        super().__init__(base_lr)
        self.gamma = gamma

    def events(self, steps: Steps) -> Steps:
        return steps

    def factors(self, events: Steps) -> Floats:
        return np.full(len(events), self.gamma, dtype=np.float64)

    def closed(self, steps: Steps) -> Floats:
        power = np.float_power(self.gamma, steps.astype(float))
        return np.asarray(self.base_lr * power, dtype=np.float64)

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        shape = "constant" if self.gamma == 1 else "exponential"
        yield from phases_from_edges([0], [shape], first, last)

    @property
    def end(self) -> int:
        # Far enough to see the decay: where the rate is down to about 1% (at most 10**6).
        if 0 < self.gamma < 1:
            return min(10**6, max(10, math.ceil(math.log(0.01) / math.log(self.gamma))))
        return 100


class PolynomialLR(_Product):
    api = "PolynomialLR"

    def __init__(self, base_lr: float, total_iters: int, power: float) -> None:
        super().__init__(base_lr)
        self.total_iters, self.power = total_iters, power

    def events(self, steps: Steps) -> Steps:
        return np.minimum(steps, self.total_iters)

    def factors(self, events: Steps) -> Floats:
        # ((1.0 - last_epoch / total_iters) / (1.0 - (last_epoch - 1) / total_iters)) ** power
        k, total = events.astype(np.float64), float(self.total_iters)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (1.0 - k / total) / (1.0 - (k - 1) / total)
        return np.float_power(ratio, float(self.power))

    @property
    def settles(self) -> int:
        return self.total_iters

    def closed(self, steps: Steps) -> Floats:
        done = np.minimum(steps, self.total_iters).astype(float)
        return self.base_lr * np.float_power(1.0 - done / self.total_iters, float(self.power))

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        shape = "linear" if self.power == 1 else "polynomial"
        yield from phases_from_edges([0, self.total_iters], [shape, "constant"], first, last)

    @property
    def end(self) -> int:
        return self.total_iters


class CosineAnnealingLR(Walk, TorchScheduler):
    """torch's recursive cosine: each step rescales the distance to eta_min by a cos ratio."""

    api = "CosineAnnealingLR"

    def __init__(self, base_lr: float, T_max: int, eta_min: float) -> None:
        TorchScheduler.__init__(self, base_lr)
        Walk.__init__(self)
        self.T_max, self.eta_min = T_max, eta_min
        self._first = base_lr

    def start(self) -> float:
        return self._first

    def restarted(self, value: float) -> TorchScheduler:
        child = copy.copy(self)
        Walk.__init__(child)
        child._first = value
        return child

    def closed_start(self) -> float:
        # eta_min + (base_lr - eta_min) * (1 + cos(0)) / 2
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(0.0)) / 2

    def updates(self, k: Steps) -> tuple[Floats, NDArray[np.bool_], float]:
        """Each step's cos ratio, where torch adds instead (the ratio is x/0 there), and what."""
        kf, t = k.astype(np.float64), self.T_max
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = (1 + np.cos(np.pi * kf / t)) / (1 + np.cos(np.pi * (kf - 1) / t))
        # group["lr"] + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2 at k = T_max + 1 + 2j T_max
        rise = (self.base_lr - self.eta_min) * (1 - math.cos(math.pi / t)) / 2
        return ratios, (k - 1 - t) % (2 * t) == 0, rise

    def advance(self, before: float, first: int, count: int) -> Floats:
        k = first + np.arange(count, dtype=np.int64)
        ratios, bumped, rise = self.updates(k)
        bumps = np.flatnonzero(bumped)
        if not len(bumps):
            return affine_walk(before, ratios.tolist(), self.eta_min)
        parts, lr, lo = [], before, 0
        for bump in [*bumps.tolist(), count]:
            part = affine_walk(lr, ratios[lo:bump].tolist(), self.eta_min)
            parts.append(part)
            lr = float(part[-1]) if len(part) else lr
            if bump < count:
                lr = lr + rise
                parts.append(np.array([lr]))
            lo = bump + 1
        return np.concatenate(parts)

    def closed(self, steps: Steps) -> Floats:
        # eta_min + (base_lr - eta_min) * (1 + cos(pi * last_epoch / T_max)) / 2
        k = steps.astype(np.float64)
        cos = np.cos(np.pi * k / self.T_max)
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + cos) / 2

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        # Down to eta_min at T_max, then back up (torch does not stop), and so on.
        k = first // self.T_max
        while k * self.T_max <= last:
            lo, hi = k * self.T_max, min((k + 1) * self.T_max - 1, MAX_STEP)
            yield Phase(max(lo, first), min(hi, last), "cosine")
            k += 1

    @property
    def end(self) -> int:
        return self.T_max

    def notes(self, first: int, last: int) -> Iterator[str]:
        if last > self.T_max:
            yield (
                f"CosineAnnealingLR reaches eta_min at step {self.T_max} (T_max) and then rises "
                "again along the cosine: torch does not stop it; set T_max to your training length"
            )


class CosineAnnealingWarmRestarts(TorchScheduler):
    """`eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2`, restarting at T_i."""

    api = "CosineAnnealingWarmRestarts"

    def __init__(self, base_lr: float, T_0: int, T_mult: int, eta_min: float) -> None:
        super().__init__(base_lr)
        self.T_0, self.T_mult, self.eta_min = T_0, T_mult, eta_min
        restarts, length, at = [0], T_0, T_0
        while at <= MAX_STEP:
            restarts.append(at)
            length *= T_mult
            at += length
            if T_mult == 1 and len(restarts) > 2:
                break  # evenly spaced: computed by division below
        self.restarts = restarts

    def _cycle(self, steps: Steps) -> tuple[Steps, Floats]:
        """T_cur and T_i at each step."""
        if self.T_mult == 1:
            return steps % self.T_0, np.full(len(steps), float(self.T_0))
        starts = np.array(self.restarts, dtype=np.int64)
        i = np.searchsorted(starts, steps, side="right") - 1
        lengths = np.array([self.T_0 * self.T_mult**j for j in range(len(starts))], dtype=float)
        return steps - starts[i], lengths[i]

    def rates(self, steps: Steps) -> Floats:
        t_cur, t_i = self._cycle(steps)
        cos = np.cos(np.pi * t_cur.astype(np.float64) / t_i)
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + cos) / 2

    def _restart_list(self, last: int) -> list[int]:
        if self.T_mult == 1:
            return list(range(0, min(last, MAX_STEP - self.T_0) + 1, self.T_0))
        return [r for r in self.restarts if r <= last]

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        if self.T_mult == 1:
            k = first // self.T_0
            while k * self.T_0 <= last:
                lo, hi = k * self.T_0, min((k + 1) * self.T_0 - 1, MAX_STEP)
                yield Phase(max(lo, first), min(hi, last), "cosine")
                k += 1
            return
        yield from phases_from_edges(self.restarts, ["cosine"] * len(self.restarts), first, last)

    @property
    def end(self) -> int:
        starts = self._restart_list(MAX_STEP) if self.T_mult > 1 else [0, self.T_0, 2 * self.T_0]
        return starts[min(2, len(starts) - 1)]


class OneCycleLR(TorchScheduler):
    api = "OneCycleLR"

    def __init__(
        self,
        max_lr: float,
        total: int,
        pct_start: float,
        strategy: str,
        div_factor: float,
        final_div_factor: float,
        three_phase: bool,
    ) -> None:
        initial = max_lr / div_factor  # group["initial_lr"] = max_lrs[idx] / div_factor
        super().__init__(initial)
        self.div_factor, self.final_div_factor, self.three_phase = (
            div_factor,
            final_div_factor,
            three_phase,
        )
        self.max_lr, self.total, self.pct_start, self.strategy = max_lr, total, pct_start, strategy
        self.min_lr = initial / final_div_factor
        if three_phase:
            self.plan = [
                (float(pct_start * total) - 1, initial, max_lr),
                (float(2 * pct_start * total) - 2, max_lr, initial),
                (total - 1, initial, self.min_lr),
            ]
        else:
            self.plan = [
                (float(pct_start * total) - 1, initial, max_lr),
                (total - 1, max_lr, self.min_lr),
            ]
        start = 0.0
        for i, (end, _, _) in enumerate(self.plan):
            last = i == len(self.plan) - 1
            reached = (end >= 0 if i == 0 else end > start) or last
            if reached and end == start:
                raise CallError(
                    f"OneCycleLR: phase {i + 1} is 0 steps long (pct_start={pct_start}, "
                    f"total_steps={total}), and torch divides by zero there"
                )
            start = end

    def rates(self, steps: Steps) -> Floats:
        k = steps.astype(np.float64)
        out = np.empty(len(steps), dtype=np.float64)
        todo = np.ones(len(steps), dtype=bool)
        start_step = 0.0
        for i, (end_step, lo, hi) in enumerate(self.plan):
            mine = todo & ((k <= end_step) | (i == len(self.plan) - 1))
            pct = (k[mine] - start_step) / (end_step - start_step)
            if self.strategy == "cos":
                # end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
                out[mine] = hi + (lo - hi) / 2.0 * (np.cos(np.pi * pct) + 1)
            else:
                out[mine] = (hi - lo) * pct + lo  # (end - start) * pct + start
            todo &= ~mine
            start_step = end_step
        return out

    def check_steps(self, largest: int, field: str) -> None:
        if largest > self.total:
            raise ScheduleError(
                field,
                f"OneCycleLR stops at total_steps={self.total}: torch raises ValueError at "
                f"step {self.total + 1}, so step {largest} does not exist",
            )

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        shape = "cosine" if self.strategy == "cos" else "linear"
        starts, start = [0], 0
        for end, _, _ in self.plan[:-1]:
            start = max(start, math.floor(end) + 1)
            starts.append(start)
        ends = [*(s - 1 for s in starts[1:]), self.total]
        for lo, hi in zip(starts, ends, strict=True):
            lo, hi = max(lo, first), min(hi, last)
            if lo <= hi:
                yield Phase(lo, hi, shape)

    @property
    def end(self) -> int:
        return self.total

    def notes(self, first: int, last: int) -> Iterator[str]:
        peak = self.plan[0][0] + 1
        if 0 < peak <= self.total and peak != math.floor(peak):
            # The peak falls between two steps: the highest rate is one of them.
            near = np.array([math.floor(peak) - 1, math.floor(peak)], dtype=np.int64)
            values = self.rates(near).tolist()
            best = int(np.argmax(values))
            yield (
                f"OneCycleLR never reaches max_lr={self.max_lr!r}: pct_start * total_steps = "
                f"{peak!r} is not a whole number, so the highest rate is {values[best]!r} at "
                f"step {int(near[best])}"
            )


class CyclicLR(TorchScheduler):
    api = "CyclicLR"

    def __init__(
        self, base_lr: float, max_lr: float, up: int, down: int, mode: str, gamma: float
    ) -> None:
        super().__init__(base_lr)
        self.max_lr, self.mode, self.gamma = max_lr, mode, gamma
        self.up, self.down = up, down
        self.total_size = float(up) + float(down)
        self.step_ratio = float(up) / self.total_size

    def rates(self, steps: Steps) -> Floats:
        k = steps.astype(np.float64)
        cycle = np.floor(1 + k / self.total_size)  # math.floor(1 + last_epoch / total_size)
        x = 1.0 + k / self.total_size - cycle
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(
                x <= self.step_ratio, x / self.step_ratio, (x - 1) / (self.step_ratio - 1)
            )
        height = (self.max_lr - self.base_lr) * scale
        if self.mode == "triangular":
            return self.base_lr + height * 1.0
        if self.mode == "triangular2":
            with np.errstate(over="ignore"):  # far cycles: 1 / inf is 0, as torch's is
                halving = 1 / np.float_power(2.0, cycle - 1)
            return np.asarray(self.base_lr + height * halving, dtype=np.float64)
        return self.base_lr + height * np.float_power(self.gamma, k)  # exp_range: per iteration

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        # Rising from each cycle start, falling from its peak (steps with x <= up / total rise).
        size = self.up + self.down
        k = first // size
        while k * size <= last:
            for lo, hi in (
                (k * size, k * size + self.up),
                (k * size + self.up + 1, (k + 1) * size - 1),
            ):
                lo, hi = max(lo, first), min(hi, last, MAX_STEP)
                if lo <= hi:
                    yield Phase(lo, hi, "cyclic")
            k += 1

    @property
    def end(self) -> int:
        return 2 * (self.up + self.down)


class SequentialLR(TorchScheduler):
    """Each child in turn; at a milestone the next child starts from its closed form at 0."""

    api = "SequentialLR"

    def __init__(self, base_lr: float, children: Sequence[TorchScheduler], milestones: list[int]):
        super().__init__(base_lr)
        self.milestones = milestones
        self.children = [children[0]] + [
            child.restarted(child.closed_start()) for child in children[1:]
        ]
        self.starts = [0, *milestones]

    def rates(self, steps: Steps) -> Floats:
        which = np.searchsorted(np.array(self.milestones, dtype=np.int64), steps, side="right")
        out = np.empty(len(steps), dtype=np.float64)
        for i, child in enumerate(self.children):
            mine = which == i
            if mine.any():
                out[mine] = child(steps[mine] - self.starts[i])
        return out

    def closed_variant(self) -> Phased | None:
        children = [c.closed_variant() or c for c in self.children]
        if all(c is o for c, o in zip(children, self.children, strict=True)):
            return None
        variant = copy.copy(self)
        variant.children = children  # type: ignore[assignment]
        return variant

    def _spans(self, first: int, last: int) -> Iterator[tuple[int, TorchScheduler, int, int]]:
        ends = [*(m - 1 for m in self.milestones), MAX_STEP]
        for start, end, child in zip(self.starts, ends, self.children, strict=True):
            lo, hi = max(start, first), min(end, last)
            if lo <= hi:
                yield start, child, lo, hi

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        for start, child, lo, hi in self._spans(first, last):
            for phase in child.phases(lo - start, hi - start):
                yield Phase(phase.first + start, phase.last + start, phase.shape)

    def check_steps(self, largest: int, field: str) -> None:
        for start, child, _, hi in self._spans(0, largest):
            child.check_steps(hi - start, field)

    @property
    def end(self) -> int:
        return self.starts[-1] + self.children[-1].end

    @property
    def description(self) -> str:
        walks = any(isinstance(c, Walk) for c in self.children)
        how = "recursive, as torch steps it" if walks else "closed form"
        return f"torch SequentialLR · float64, {how}"

    def notes(self, first: int, last: int) -> Iterator[str]:
        for i, milestone in enumerate(self.milestones):
            if not first <= milestone <= last or milestone == 0:
                continue
            # What the previous child would give at the milestone, against what the next does.
            step = np.array([milestone - self.starts[i]], dtype=np.int64)
            before = float(self.children[i](step)[0])
            after = float(self.children[i + 1](np.zeros(1, dtype=np.int64))[0])
            if abs(after - before) > 1e-6 * max(abs(after), abs(before)):
                yield (
                    f"SequentialLR jumps at milestone {milestone}: {self.children[i].api} would "
                    f"give {before!r} there, and {self.children[i + 1].api} starts from "
                    f"{after!r} (each child starts again from the optimizer's initial lr)"
                )


class ChainedScheduler(Walk, TorchScheduler):
    """Every child steps the same rate in turn, in list order (torch's ChainedScheduler.step)."""

    api = "ChainedScheduler"

    def __init__(self, base_lr: float, children: Sequence[TorchScheduler]) -> None:
        TorchScheduler.__init__(self, base_lr)
        Walk.__init__(self)
        self.children = list(children)

    def start(self) -> float:
        lr = self.base_lr
        for child in self.children:  # each constructor applies its step 0 in turn
            if isinstance(child, _Product):
                lr = lr if child.initial is None else lr * child.initial
            elif not isinstance(child, CosineAnnealingLR):
                lr = float(child(np.zeros(1, dtype=np.int64))[0])  # a closed form sets the rate
        return lr

    def advance(self, before: float, first: int, count: int) -> Floats:
        steps = first + np.arange(count, dtype=np.int64)
        products = [child for child in self.children if isinstance(child, _Product)]
        if len(products) == len(self.children):
            # Products only: the factors interleaved, rounded one after another as torch does.
            factors = np.stack([c.step_factors(steps) for c in products], axis=1)
            n = len(products)
            return product_walk(before, factors.ravel())[n - 1 :: n]
        return self._loop(before, steps)

    def _loop(self, before: float, steps: Steps) -> Floats:
        """One step at a time, each child's update in list order."""
        updates: list[tuple[str, list[float], tuple[list[bool], float, float] | None]] = []
        for child in self.children:
            if isinstance(child, _Product):
                updates.append(("mul", child.step_factors(steps).tolist(), None))
            elif isinstance(child, CosineAnnealingLR):
                ratios, bumped, rise = child.updates(steps)
                updates.append(("cos", ratios.tolist(), (bumped.tolist(), rise, child.eta_min)))
            else:
                updates.append(("set", child(steps).tolist(), None))
        out: list[float] = []
        lr = before
        for i in range(len(steps)):
            for kind, values, extra in updates:
                if kind == "mul":
                    lr = lr * values[i]
                elif kind == "set":
                    lr = values[i]
                elif extra is not None:
                    bumps, rise, eta = extra
                    lr = lr + rise if bumps[i] else values[i] * (lr - eta) + eta
            out.append(lr)
        return np.array(out, dtype=np.float64)

    @property
    def settles(self) -> int:
        products = [child for child in self.children if isinstance(child, _Product)]
        if len(products) == len(self.children):
            return max(child.settle_step for child in products)
        return MAX_STEP

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        """Phases end wherever a child's phase ends; lazily, for children that never stop."""
        streams = [child.phases(first, last) for child in self.children]
        current = [next(stream) for stream in streams]
        lo = first
        while lo <= last:
            hi = min(p.last for p in current)
            moving = sorted({p.shape for p in current} - {"constant"})
            shape = "constant" if not moving else moving[0] if len(moving) == 1 else "mixed"
            yield Phase(lo, hi, shape)
            lo = hi + 1
            if lo > last:
                return
            current = [
                p if p.last >= lo else next(s) for p, s in zip(current, streams, strict=True)
            ]

    @property
    def end(self) -> int:
        return max(child.end for child in self.children)


# --- The API: torch's signatures, defaults and checks --------------------------------------

# torch 2.13 signatures; the function bodies check what torch checks (or fails on later).


def _lr(optimizer: Any, api: str) -> float:
    return a.optimizer(api, optimizer).lr(api)


def _steplr(optimizer, step_size, gamma=0.1, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "StepLR"
    a.start_at_zero(api, last_epoch)
    return StepLR(
        _lr(optimizer, api),
        a.integer(api, "step_size", step_size, minimum=1),
        a.number(api, "gamma", gamma),
    )


def _multisteplr(optimizer, milestones, gamma=0.1, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "MultiStepLR"
    a.start_at_zero(api, last_epoch)
    return MultiStepLR(
        _lr(optimizer, api),
        a.integers(api, "milestones", milestones),
        a.number(api, "gamma", gamma),
    )


def _constantlr(optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "ConstantLR"
    a.start_at_zero(api, last_epoch)
    factor = a.number(api, "factor", factor)
    if factor > 1.0 or factor < 0:
        raise CallError(f"{api}: factor={factor!r} must be between 0 and 1 (torch refuses it)")
    if factor == 0:
        raise CallError(f"{api}: factor=0 makes torch divide by zero at total_iters")
    return ConstantLR(
        _lr(optimizer, api), factor, a.integer(api, "total_iters", total_iters, minimum=0)
    )


def _linearlr(optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "LinearLR"
    a.start_at_zero(api, last_epoch)
    start = a.number(api, "start_factor", start_factor)
    end = a.number(api, "end_factor", end_factor)
    if start > 1.0 or start <= 0:
        raise CallError(
            f"{api}: start_factor={start!r} must be above 0 and at most 1 (torch refuses it)"
        )
    if end > 1.0 or end < 0:
        raise CallError(f"{api}: end_factor={end!r} must be between 0 and 1 (torch refuses it)")
    total = a.integer(api, "total_iters", total_iters, minimum=0)
    return LinearLR(_lr(optimizer, api), start, end, total)


def _exponentiallr(optimizer, gamma, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "ExponentialLR"
    a.start_at_zero(api, last_epoch)
    return ExponentialLR(_lr(optimizer, api), a.number(api, "gamma", gamma))


def _polynomiallr(optimizer, total_iters=5, power=1.0, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "PolynomialLR"
    a.start_at_zero(api, last_epoch)
    total = a.integer(api, "total_iters", total_iters, minimum=1)
    return PolynomialLR(_lr(optimizer, api), total, a.number(api, "power", power))


def _cosineannealinglr(optimizer, T_max, eta_min=0.0, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "CosineAnnealingLR"
    a.start_at_zero(api, last_epoch)
    t_max = a.integer(api, "T_max", T_max, minimum=1)
    return CosineAnnealingLR(_lr(optimizer, api), t_max, a.number(api, "eta_min", eta_min))


def _cosineannealingwarmrestarts(optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "CosineAnnealingWarmRestarts"
    a.start_at_zero(api, last_epoch)
    t_0 = a.integer(api, "T_0", T_0, minimum=1)
    t_mult = a.integer(api, "T_mult", T_mult, minimum=1)
    return CosineAnnealingWarmRestarts(
        _lr(optimizer, api), t_0, t_mult, a.number(api, "eta_min", eta_min)
    )


def _onecyclelr(  # type: ignore[no-untyped-def]
    optimizer,
    max_lr,
    total_steps=None,
    epochs=None,
    steps_per_epoch=None,
    pct_start=0.3,
    anneal_strategy="cos",
    cycle_momentum=True,
    base_momentum=0.85,
    max_momentum=0.95,
    div_factor=25.0,
    final_div_factor=1e4,
    three_phase=False,
    last_epoch=-1,
):
    api = "OneCycleLR"
    a.optimizer(api, optimizer)
    a.start_at_zero(api, last_epoch)
    if total_steps is not None:
        total = a.integer(api, "total_steps", total_steps, minimum=1)
    elif epochs is not None and steps_per_epoch is not None:
        total = a.integer(api, "epochs", epochs, minimum=1) * a.integer(
            api, "steps_per_epoch", steps_per_epoch, minimum=1
        )
    else:
        raise CallError(f"{api} needs total_steps, or epochs and steps_per_epoch")
    if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
        raise CallError(
            f"{api}: pct_start={pct_start!r} must be a float between 0 and 1 (torch refuses it)"
        )
    strategy = a.choice(api, "anneal_strategy", anneal_strategy, ("cos", "linear"))
    if isinstance(max_lr, (list, tuple)):
        if len(max_lr) != 1:
            raise CallError(
                f"{api}: max_lr has {len(max_lr)} values for the optimizer's 1 param group"
            )
        max_lr = max_lr[0]
    return OneCycleLR(
        a.number(api, "max_lr", max_lr),
        total,
        pct_start,
        strategy,
        a.number(api, "div_factor", div_factor),
        a.number(api, "final_div_factor", final_div_factor),
        bool(three_phase),
    )


def _cycliclr(  # type: ignore[no-untyped-def]
    optimizer,
    base_lr,
    max_lr,
    step_size_up=2000,
    step_size_down=None,
    mode="triangular",
    gamma=1.0,
    scale_fn=None,
    scale_mode="cycle",
    cycle_momentum=True,
    base_momentum=0.8,
    max_momentum=0.9,
    last_epoch=-1,
):
    api = "CyclicLR"
    a.optimizer(api, optimizer)
    a.start_at_zero(api, last_epoch)
    if scale_fn is not None:
        raise CallError(f"{api}: scale_fn is a Python function lrcli cannot run")
    up = a.integer(api, "step_size_up", step_size_up, minimum=1)
    down = (
        up
        if step_size_down is None
        else a.integer(api, "step_size_down", step_size_down, minimum=0)
    )
    values = []
    for name, value in (("base_lr", base_lr), ("max_lr", max_lr)):
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                raise CallError(
                    f"{api}: {name} has {len(value)} values for the optimizer's 1 param group"
                )
            value = value[0]
        values.append(a.number(api, name, value))
    mode = a.choice(api, "mode", mode, ("triangular", "triangular2", "exp_range"))
    return CyclicLR(values[0], values[1], up, down, mode, a.number(api, "gamma", gamma))


def _children(api: str, schedulers: Any) -> list[TorchScheduler]:
    if not isinstance(schedulers, (list, tuple)) or not schedulers:
        raise CallError(f"{api}: schedulers must be a list of at least one scheduler call")
    for child in schedulers:
        if not isinstance(child, TorchScheduler):
            raise CallError(f"{api}: every item of schedulers must be a torch scheduler call")
        if isinstance(child, (SequentialLR, ChainedScheduler, OneCycleLR, CyclicLR)):
            raise CallError(
                f"{api}: lrcli does not model {child.api} inside {api} (it changes the "
                "optimizer's initial lr); show it on its own"
            )
    return list(schedulers)


def _sequentiallr(optimizer, schedulers, milestones, last_epoch=-1):  # type: ignore[no-untyped-def]
    api = "SequentialLR"
    opt = a.optimizer(api, optimizer)
    a.start_at_zero(api, last_epoch)
    children = _children(api, schedulers)
    steps = a.integers(api, "milestones", milestones)
    if len(steps) != len(children) - 1:
        raise CallError(
            f"{api}: {len(children)} schedulers need {len(children) - 1} milestones, "
            f"and {len(steps)} were given"
        )
    if any(b <= a_ for a_, b in itertools.pairwise(steps)):
        raise CallError(f"{api}: milestones={steps} must be in increasing order")
    return SequentialLR(opt.lr(api), children, steps)


def _chainedscheduler(schedulers, optimizer=None):  # type: ignore[no-untyped-def]
    api = "ChainedScheduler"
    children = _children(api, schedulers)
    return ChainedScheduler(children[0].base_lr, children)


APIS: dict[str, Callable[..., Any]] = {
    "StepLR": _steplr,
    "MultiStepLR": _multisteplr,
    "ConstantLR": _constantlr,
    "LinearLR": _linearlr,
    "ExponentialLR": _exponentiallr,
    "PolynomialLR": _polynomiallr,
    "CosineAnnealingLR": _cosineannealinglr,
    "CosineAnnealingWarmRestarts": _cosineannealingwarmrestarts,
    "OneCycleLR": _onecyclelr,
    "CyclicLR": _cycliclr,
    "SequentialLR": _sequentiallr,
    "ChainedScheduler": _chainedscheduler,
}
