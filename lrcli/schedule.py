"""Learning-rate schedules: what rate a schedule gives at each training step.

This is lrcli's Python API. It knows nothing of click or rich: it takes numbers and numpy
arrays, validates them, and raises `ScheduleError` (a `ValueError`) with a message a user
can act on. Every evaluation is vectorised over whole arrays of steps.
"""

from __future__ import annotations

import enum
import itertools
import math
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from numbers import Integral, Real
from typing import NamedTuple, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lrcli.numbers import elide

E = TypeVar("E", bound=enum.Enum)

MAX_STEP = 2**63 - 1
"""The largest step: TensorFlow's global step is an int64."""

CHUNK = 32_768
"""Steps evaluated at once when streaming. Measured fastest: a chunk's text stays in L2 cache."""


class ScheduleError(ValueError):
    """A schedule or step selection that cannot be built. `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Convention(str, enum.Enum):
    """Which side of a boundary the boundary step itself belongs to."""

    TF = "tf"
    KERAS = "keras"
    TORCH = "torch"
    OPTAX = "optax"

    @property
    def boundary_keeps_old(self) -> bool:
        """True where a step equal to a boundary still gets the earlier rate (TF, Keras)."""
        return self in (Convention.TF, Convention.KERAS)

    @property
    def rule(self) -> str:
        if self.boundary_keeps_old:
            return "a boundary step keeps the earlier rate"
        return "a boundary step takes the new rate"


class Dtype(str, enum.Enum):
    """The precision rates are computed in; float32 rates are widened exactly to float64."""

    FLOAT64 = "float64"
    FLOAT32 = "float32"


class Segment(NamedTuple):
    """A stretch of steps `first..last` (inclusive) over which the rate is `rate`.

    `final` marks the segment that goes on to `MAX_STEP`, past any range shown.
    A segment no step reaches has `first > last`.
    """

    first: int
    last: int
    rate: float
    final: bool = False

    @property
    def empty(self) -> bool:
        return self.first > self.last

    @property
    def span(self) -> str:
        """The steps in words: "steps 6-10", "step 6", "steps 16 on"."""
        if self.last == MAX_STEP:
            return f"steps {self.first} on"
        if self.first == self.last:
            return f"step {self.first}"
        return f"steps {self.first}-{self.last}"


class Schedule(ABC):
    """A learning-rate schedule: evaluates an array of steps to an array of float64 rates."""

    @abstractmethod
    def __call__(self, steps: ArrayLike) -> NDArray[np.float64]:
        """The rate at each step, as float64 (float32 rates widened exactly)."""

    @property
    def default_last(self) -> int:
        """The last step worth showing when none is asked for."""
        return 0

    @property
    def description(self) -> str:
        """One line for a person: what kind of schedule this is and how it is computed."""
        return type(self).__name__

    def segments(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Segment]:
        """The maximal runs of one rate within `first..last`.

        This default evaluates every step in chunks; schedules that know their segments
        override it to answer without touching each step.
        """
        first, last = check_step(first, "first"), check_step(last, "last")
        run_first, run_rate = first, math.nan
        for start in range(first, last + 1, CHUNK):
            steps = start + np.arange(min(CHUNK, last - start + 1), dtype=np.int64)
            rates = self(steps)
            if start == first:
                run_rate = float(rates[0])
            # Compare bit patterns, so 0.0 and -0.0 (printed differently) are different rates.
            bits = np.concatenate(([np.float64(run_rate)], rates)).view(np.uint64)
            for i in np.flatnonzero(bits[1:] != bits[:-1]):
                yield Segment(run_first, int(steps[i]) - 1, run_rate)
                run_first, run_rate = int(steps[i]), float(rates[i])
        yield Segment(run_first, last, run_rate)


def check_step(step: object, field: str) -> int:
    """`step` as an int in 0..MAX_STEP, or a ScheduleError naming `field`."""
    if isinstance(step, bool) or not isinstance(step, Integral):
        raise ScheduleError(field, f"{elide(repr(step))} is not a whole number")
    value = int(step)
    if value < 0:
        raise ScheduleError(field, f"{elide(str(value))} is negative; steps start at 0")
    if value > MAX_STEP:
        raise ScheduleError(
            field, f"{elide(str(value))} is past the largest step {MAX_STEP} (int64)"
        )
    return value


def check_rate(value: object, field: str) -> float:
    """`value` as a finite float, or a ScheduleError naming `field`."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ScheduleError(field, f"{elide(repr(value))} is not a number")
    try:
        number = float(value)
    except OverflowError:
        raise ScheduleError(
            field, f"{elide(repr(value))} is too large: it overflows a float64"
        ) from None
    if not math.isfinite(number):
        raise ScheduleError(field, f"{elide(repr(value))} is not a finite number")
    return number


def as_steps(steps: ArrayLike) -> NDArray[np.int64]:
    """`steps` as a validated int64 array (0..MAX_STEP)."""
    array = np.asarray(steps)
    if array.size == 0:
        return np.zeros(array.shape, dtype=np.int64)  # `[]` is float64 to numpy: no steps
    if array.dtype.kind not in "iu":
        raise ScheduleError("steps", f"steps must be integers, not {array.dtype}")
    if array.size and (array.min() < 0 or array.max() > MAX_STEP):
        bad = array.min() if array.min() < 0 else array.max()
        raise ScheduleError("steps", f"{int(bad)} is outside 0..{MAX_STEP}")
    return array.astype(np.int64, copy=False)


class Form(str, enum.Enum):
    """How the rates were written: the arithmetic that turns the user's numbers into rates."""

    VALUES = "values"  # one rate per segment (TF, Keras)
    SCALES = "scales"  # an initial rate times cumulative scales, one after another (optax)
    MILESTONES = "milestones"  # base_lr * gamma ** count, chained per milestone (PyTorch)


class PiecewiseConstant(Schedule):
    """A rate that is constant between boundaries: TF's `piecewise_constant` and its kin.

    `boundaries` are strictly increasing steps; `values` has one more entry than them.
    The convention decides which side of a boundary the boundary step is on; the dtype
    decides the precision the rates are computed in. Build the optax and PyTorch ways
    of writing the same thing with `from_scales` and `from_milestones`.

    >>> s = PiecewiseConstant([5, 10, 15], [0.1, 0.05, 0.01, 0.001])
    >>> s([0, 5, 6, 15, 16]).tolist()
    [0.1, 0.1, 0.05, 0.01, 0.001]
    """

    form: Form
    """The arithmetic the rates came from, kept so exporters can write it natively."""
    inputs: tuple[float, ...]
    """The numbers as given: values; init_value then scales; or base_lr then gamma."""
    milestones: tuple[int, ...]
    """With `Form.MILESTONES`, the milestones as given (repeats included)."""

    def __init__(
        self,
        boundaries: Iterable[int],
        values: Iterable[float],
        *,
        convention: Convention | str = Convention.TF,
        dtype: Dtype | str = Dtype.FLOAT64,
    ) -> None:
        self.convention = _choice(Convention, convention, "convention")
        self.dtype = _choice(Dtype, dtype, "dtype")
        self.boundaries = _check_boundaries(boundaries, "boundaries", repeats=False)
        numbers = tuple(check_rate(v, "values") for v in items_of(values, "values"))
        if len(numbers) != len(self.boundaries) + 1:
            raise ScheduleError(
                "values",
                f"{_count(len(numbers), 'value')} for {_count(len(self.boundaries), 'boundary')}; "
                f"give exactly {len(self.boundaries) + 1}, one more than the boundaries",
            )
        self.form, self.inputs, self.milestones = Form.VALUES, numbers, ()
        self.rates = _round_all(numbers, self.dtype, "values")
        # Built once: every chunk of every evaluation searches and indexes these.
        self._bounds = np.asarray(self.boundaries, dtype=np.int64)
        self._rates = np.asarray(self.rates, dtype=np.float64)

    @classmethod
    def from_scales(
        cls,
        init_value: float,
        boundaries: Iterable[int],
        scales: Iterable[float],
        *,
        convention: Convention | str = Convention.TF,
        dtype: Dtype | str = Dtype.FLOAT64,
    ) -> PiecewiseConstant:
        """optax's form: from each boundary on, the rate is multiplied by that boundary's scale.

        The products are taken one after another in the dtype, as optax does in float32.
        """
        bounds = _check_boundaries(boundaries, "boundaries", repeats=False)
        first = check_rate(init_value, "init_value")
        factors = tuple(check_rate(s, "scales") for s in items_of(scales, "scales"))
        if len(factors) != len(bounds):
            raise ScheduleError(
                "scales",
                f"{_count(len(factors), 'scale')} for {_count(len(bounds), 'boundary')}; "
                "give exactly one scale per boundary",
            )
        for factor in factors:
            if factor < 0:
                raise ScheduleError(
                    "scales", f"{factor!r} is negative; optax refuses negative scales"
                )
        values = cls._chained(first, factors, dtype, "scales")
        schedule = cls(bounds, values, convention=convention, dtype=dtype)
        schedule.form, schedule.inputs = Form.SCALES, (first, *factors)
        return schedule

    @classmethod
    def from_milestones(
        cls,
        base_lr: float,
        milestones: Iterable[int],
        gamma: float,
        *,
        convention: Convention | str = Convention.TF,
        dtype: Dtype | str = Dtype.FLOAT64,
    ) -> PiecewiseConstant:
        """PyTorch's `MultiStepLR` form: at each milestone the rate is multiplied by gamma.

        Milestones may repeat; a milestone given n times multiplies by `gamma ** n` at once,
        and the rate is chained from one milestone to the next (`lr * gamma ** count`),
        exactly as `MultiStepLR.step()` computes it.
        """
        given = _check_boundaries(milestones, "milestones", repeats=True)
        lr = check_rate(base_lr, "base_lr")
        factor = check_rate(gamma, "gamma")
        counts = Counter(given)
        bounds = tuple(sorted(counts))
        if _choice(Dtype, dtype, "dtype") is Dtype.FLOAT32:
            g = np.float32(factor)
            factors: tuple[float, ...] = tuple(float(g ** np.float32(counts[b])) for b in bounds)
        else:
            factors = tuple(factor ** counts[b] for b in bounds)
        values = cls._chained(lr, factors, dtype, "gamma")
        schedule = cls(bounds, values, convention=convention, dtype=dtype)
        schedule.form, schedule.inputs, schedule.milestones = Form.MILESTONES, (lr, factor), given
        return schedule

    def with_dtype(self, dtype: Dtype | str) -> PiecewiseConstant:
        """The same schedule, its rates computed again from the same inputs in `dtype`."""
        style = {"convention": self.convention, "dtype": dtype}
        if self.form is Form.SCALES:
            return PiecewiseConstant.from_scales(
                self.inputs[0], self.boundaries, self.inputs[1:], **style
            )
        if self.form is Form.MILESTONES:
            base_lr, gamma = self.inputs
            return PiecewiseConstant.from_milestones(base_lr, self.milestones, gamma, **style)
        return PiecewiseConstant(self.boundaries, self.inputs, **style)

    @staticmethod
    def _chained(
        first: float, factors: Sequence[float], dtype: Dtype | str, field: str
    ) -> tuple[float, ...]:
        """first, first*f1, (first*f1)*f2, ...: each product rounded to the dtype in turn."""
        with np.errstate(over="ignore", under="ignore"):
            if _choice(Dtype, dtype, "dtype") is Dtype.FLOAT32:
                rate32 = np.float32(first)
                values = [float(rate32)]
                for factor in factors:
                    rate32 = np.float32(np.float32(factor) * rate32)
                    values.append(float(rate32))
            else:
                rate = first
                values = [rate]
                for factor in factors:
                    rate = rate * factor
                    values.append(rate)
        for value in values:
            if not math.isfinite(value):
                raise ScheduleError(field, f"the rate overflows {dtype_name(dtype)}")
        return tuple(values)

    @property
    def starts(self) -> tuple[int, ...]:
        """The first step of each segment after the first (may be MAX_STEP + 1: never)."""
        shift = 1 if self.convention.boundary_keeps_old else 0
        return tuple(b + shift for b in self.boundaries)

    @property
    def all_segments(self) -> tuple[Segment, ...]:
        """Every segment of the schedule, including any that no step reaches."""
        firsts = (0, *self.starts)
        lasts = (*(s - 1 for s in self.starts), MAX_STEP)
        return tuple(
            Segment(f, last, r, final=f <= last == MAX_STEP)
            for f, last, r in zip(firsts, lasts, self.rates, strict=True)
        )

    @property
    def description(self) -> str:
        return f"{self.convention.value} convention: {self.convention.rule} · {self.dtype.value}"

    @property
    def default_last(self) -> int:
        """One step past the last boundary, so that every segment shows."""
        return min(self.boundaries[-1] + 1, MAX_STEP) if self.boundaries else 0

    def index(self, steps: ArrayLike) -> NDArray[np.intp]:
        """The segment index (into `rates`) of each step."""
        array = as_steps(steps)
        if self.convention.boundary_keeps_old:
            return np.searchsorted(self._bounds, array, side="left")
        return np.searchsorted(self._bounds, array, side="right")

    def __call__(self, steps: ArrayLike) -> NDArray[np.float64]:
        return self._rates[self.index(steps)]

    def segments(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Segment]:
        first, last = check_step(first, "first"), check_step(last, "last")
        for segment in self.all_segments:
            lo, hi = max(segment.first, first), min(segment.last, last)
            if lo <= hi:
                yield Segment(lo, hi, segment.rate, segment.final)

    def __repr__(self) -> str:
        return (
            f"PiecewiseConstant(boundaries={list(self.boundaries)}, values={list(self.rates)}, "
            f"convention={self.convention.value!r}, dtype={self.dtype.value!r})"
        )


def dtype_name(dtype: Dtype | str) -> str:
    return _choice(Dtype, dtype, "dtype").value


def _choice(kind: type[E], value: object, field: str) -> E:
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(repr(m.value) for m in kind)
        raise ScheduleError(field, f"{value!r} is not one of {names}") from None


def _check_boundaries(steps: Iterable[int], field: str, *, repeats: bool) -> tuple[int, ...]:
    """Steps in increasing order; a repeat is allowed only where the form gives it a meaning."""
    checked = tuple(check_step(b, field) for b in items_of(steps, field))
    for before, after in itertools.pairwise(checked):
        if after < before:
            raise ScheduleError(
                field, f"{after} comes after {before}; list them in increasing order"
            )
        if after == before and not repeats:
            raise ScheduleError(
                field,
                f"{after} is repeated; each boundary starts a new segment once "
                "(TensorFlow and Keras would silently drop a value)",
            )
    return checked


def items_of(values: object, field: str) -> tuple[object, ...]:
    """`values` as a tuple, or a ScheduleError when it is no sequence of items."""
    if isinstance(values, (str, bytes)):
        raise ScheduleError(field, f"give a list, not the text {elide(repr(values))}")
    try:
        return tuple(values)  # type: ignore[arg-type]
    except TypeError:
        raise ScheduleError(field, f"give a list, not {elide(repr(values))}") from None


def _round_all(values: Sequence[float], dtype: Dtype, field: str) -> tuple[float, ...]:
    if dtype is Dtype.FLOAT64:
        return tuple(values)
    with np.errstate(over="ignore"):
        rounded = tuple(float(np.float32(v)) for v in values)
    for given, value in zip(values, rounded, strict=True):
        if not math.isfinite(value):
            raise ScheduleError(field, f"{given!r} overflows float32")
    return rounded


def _count(n: int, noun: str) -> str:
    plural = "boundaries" if noun == "boundary" else noun + "s"
    return f"{n} {noun if n == 1 else plural}"
