"""A schedule stepped once per epoch: optimizer update k gets the rate of epoch k // S.

Most PyTorch loops and Lightning step the scheduler at the end of each epoch, so the rate is a
staircase over optimizer updates even when the schedule is smooth over epochs.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from lrcli.schedule import CHUNK, MAX_STEP, Schedule, Segment
from lrcli.smooth import Floats, Phase, Phased, Steps


class PerEpoch(Phased):
    """`inner` evaluated at `step // steps_per_epoch`, optionally with its own first epoch.

    `first_epoch` is the rate of the updates of epoch 0 where the training loop leaves the
    constructor's value in place (timm), instead of the inner schedule's rate at 0.
    """

    def __init__(self, inner: Schedule, steps_per_epoch: int, first_epoch: float | None = None):
        if steps_per_epoch < 1:
            raise ValueError("steps_per_epoch must be at least 1")
        self.inner = inner
        self.per = steps_per_epoch
        self.first_epoch = first_epoch
        self.dtype = getattr(inner, "dtype", self.dtype)
        self.framework = getattr(inner, "framework", "")
        self.api = getattr(inner, "api", type(inner).__name__)

    def rates(self, steps: Steps) -> Floats:
        out = self.inner(steps // self.per)
        if self.first_epoch is not None:
            out = np.where(steps < self.per, self.first_epoch, out)
        return out

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        inner = self.inner
        if isinstance(inner, Phased):
            source: Iterator[Phase] = inner.phases(first // self.per, last // self.per)
        else:
            source = (
                Phase(s.first, s.last, "constant")
                for s in inner.segments(first // self.per, last // self.per)
            )
        for phase in source:
            lo = max(first, phase.first * self.per)
            hi = min(
                last,
                MAX_STEP if phase.last >= MAX_STEP // self.per else (phase.last + 1) * self.per - 1,
            )
            if lo <= hi:
                # A smooth shape over epochs is a staircase over updates: say so ("cosine/epoch").
                yield Phase(lo, hi, phase.shape if phase.constant else f"{phase.shape}/epoch")

    @property
    def stepped(self) -> bool:
        return True  # the rate moves only at epoch boundaries

    def segments(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Segment]:
        """Runs of one rate: epochs compared in chunks, so memory stays flat."""
        run_first, run_rate = first, float(self.rates(np.array([first], dtype=np.int64))[0])
        for start in range(first // self.per + 1, last // self.per + 1, CHUNK):
            epochs = np.arange(start, min(start + CHUNK, last // self.per + 1), dtype=np.int64)
            rates = self.rates(epochs * self.per)
            bits = np.concatenate(([run_rate], rates)).view(np.uint64)
            for i in np.flatnonzero(bits[1:] != bits[:-1]).tolist():
                yield Segment(run_first, int(epochs[i]) * self.per - 1, run_rate)
                run_first, run_rate = int(epochs[i]) * self.per, float(rates[i])
        final = (
            isinstance(self.inner, Phased)
            and next(iter(self.inner.phases(last // self.per, MAX_STEP))).final
            and next(iter(self.inner.phases(last // self.per, MAX_STEP))).constant
        )
        yield Segment(run_first, last, run_rate, final)

    def notes(self, first: int, last: int) -> Iterator[str]:
        if isinstance(self.inner, Phased):
            for note in self.inner.notes(first // self.per, last // self.per):
                yield f"{note} (its steps are epochs here)"

    @property
    def end(self) -> int:
        inner_end = getattr(self.inner, "end", getattr(self.inner, "default_last", 0))
        return min(inner_end * self.per, MAX_STEP)

    def check_steps(self, largest: int, field: str) -> None:
        if isinstance(self.inner, Phased):
            self.inner.check_steps(largest // self.per, field)

    @property
    def description(self) -> str:
        caption = getattr(self.inner, "description", self.api)
        return f"{caption}, stepped per epoch of {self.per:,} updates"
