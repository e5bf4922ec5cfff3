"""float32 arithmetic as TensorFlow kernels and XLA:CPU do it, in numpy on whole arrays.

`+ - * /` and `sqrt` in numpy float32 are IEEE-correct, as the frameworks' are. What numpy does
not give is the rest, modelled here: a Python number rounded once where it meets a tensor
(`scalar`), an int64 step rounded once to float32 (`steps`), a fused multiply-add rounded once
(`fma`), the C library's `cosf`, `expf`, `logf`, `powf`, `exp2f` (computed in float64 and rounded
to float32: glibc's are not correctly rounded, so about 1% of arguments differ by an ulp), and
denormal results flushed to zero (`ftz`), as TF kernels and XLA:CPU do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
Ints = NDArray[np.int64]

TINY = float(np.finfo(np.float32).tiny)
"""2**-126: below it a float32 result is flushed to zero."""


def scalar(value: float | int) -> np.float32:
    """A Python number as float32: one rounding (an int is not rounded through float64 first)."""
    out: np.float32
    with np.errstate(over="ignore"):
        if isinstance(value, bool) or not isinstance(value, int):
            out = np.float32(value)
        elif abs(value) < 2**63:
            out = np.array([value], dtype=np.int64).astype(np.float32)[0]
        else:
            out = np.float32(math.copysign(2.0**64, value))
    return out


def steps(counts: Ints) -> F32:
    """int64 steps as float32, one rounding (2**54 + 2**30 + 1 -> 18014400656965632)."""
    return counts.astype(np.float32)


def ftz(x: Any) -> F32:
    """Denormal results flushed to (signed) zero."""
    x = np.asarray(x, dtype=np.float32)
    out: F32 = np.where(np.abs(x) < TINY, x * np.float32(0), x)
    return out


def _f64(x: Any) -> F64:
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def _round(x: F64) -> F32:
    with np.errstate(over="ignore", invalid="ignore"):
        return ftz(x.astype(np.float32))


def fma(a: Any, b: Any, c: Any) -> F32:
    """`a * b + c` rounded once (the product of two float32 is exact in float64)."""
    return _round(_f64(a) * _f64(b) + _f64(c))


def recip(d: Any) -> np.float32:
    """The float32 reciprocal XLA multiplies by instead of dividing by a constant `d`."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return np.float32(np.float32(1) / np.float32(d))  # type: ignore[no-any-return]


def _unary(function: Callable[[F64], F64]) -> Callable[[Any], F32]:
    def apply(x: Any) -> F32:
        with np.errstate(all="ignore"):
            return _round(function(_f64(x)))

    return apply


cos = _unary(np.cos)
"""glibc `cosf`, modelled as the float64 cosine rounded to float32."""
exp = _unary(np.exp)
log = _unary(np.log)
exp2 = _unary(np.exp2)


def power(x: Any, y: Any) -> F32:
    """glibc `powf`, modelled as the float64 power rounded to float32."""
    with np.errstate(all="ignore"):
        return _round(np.power(_f64(x), _f64(y)))


def mul(a: Any, b: Any) -> F32:
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return ftz(np.multiply(np.asarray(a, np.float32), np.asarray(b, np.float32)))


def add(a: Any, b: Any) -> F32:
    with np.errstate(over="ignore", invalid="ignore"):
        return ftz(np.add(np.asarray(a, np.float32), np.asarray(b, np.float32)))


def sub(a: Any, b: Any) -> F32:
    with np.errstate(over="ignore", invalid="ignore"):
        return ftz(np.subtract(np.asarray(a, np.float32), np.asarray(b, np.float32)))


def div(a: Any, b: Any) -> F32:
    with np.errstate(all="ignore"):
        return ftz(np.divide(np.asarray(a, np.float32), np.asarray(b, np.float32)))


def widen(x: Any) -> F64:
    """float32 values widened exactly to float64, as lrcli returns every rate."""
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def first_reaching(index: Callable[[Ints], Any], k: int, guess: int, lo: int, hi: int) -> int:
    """The first step in `lo..hi` where the non-decreasing `index(step)` is at least `k`.

    Tries a small window around `guess` first (the textbook edge), then bisects: a float32
    edge can be a step or, above 2**24, many steps away from the textbook one.
    """
    window = np.arange(max(lo, guess - 8), min(hi, guess + 8) + 1, dtype=np.int64)
    if len(window):
        reached = np.asarray(index(window)) >= k
        if reached.any() and not reached[0]:
            return int(window[int(np.argmax(reached))])
        if reached.any() and window[0] == lo:
            return lo
    if not np.asarray(index(np.array([hi], dtype=np.int64)))[0] >= k:
        return hi + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if np.asarray(index(np.array([mid], dtype=np.int64)))[0] >= k:
            hi = mid
        else:
            lo = mid + 1
    return lo
