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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lrcli.smooth import Phase

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
Ints = NDArray[np.int64]

MAX_INT = 2**63 - 1

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


_OFF_BY: ContextVar[int] = ContextVar("off_by", default=0)


@contextmanager
def libm_off_by(ulps: int) -> Iterator[None]:
    """Within: cos, exp and pow give the float32 one step down (-1) or up (1) wherever the C
    library could.

    glibc's `cosf`, `expf` and `powf` (ARM's optimized-routines since glibc 2.28) are not
    correctly rounded: their results are within 0.56, 0.502 and 0.82 ulp of the exact value.
    Where the exact value lies far enough from the float32 it rounds to, the library may give
    the neighbour on that side instead: a bound that must hold for the real library measures
    these two models as well."""
    token = _OFF_BY.set(ulps)
    try:
        yield
    finally:
        _OFF_BY.reset(token)


def _libm(exact: F64, error: float) -> F32:
    """`exact` rounded to float32 as a C library within `error` ulp may round it."""
    out = _round(exact)
    ulps = _OFF_BY.get()
    if not ulps:
        return out
    with np.errstate(all="ignore"):
        other = np.nextafter(out, np.float32(math.copysign(math.inf, ulps)))
        gap = np.abs(other.astype(np.float64) - out.astype(np.float64))
        toward = (exact - out.astype(np.float64)) * ulps  # > 0: exact lies toward `other`
        return ftz(np.where(toward >= (1 - error) * gap, other, out))


def _unary(function: Callable[[F64], F64], error: float = 0.5) -> Callable[[Any], F32]:
    def apply(x: Any) -> F32:
        with np.errstate(all="ignore"):
            return _libm(function(_f64(x)), error)

    return apply


cos = _unary(np.cos, 0.56)
"""glibc `cosf`, modelled as the float64 cosine rounded to float32."""
exp = _unary(np.exp, 0.502)
log = _unary(np.log)
"""`logf` (correctly rounded in practice; it decides restarts, a floor)."""
exp2 = _unary(np.exp2, 0.502)


def power(x: Any, y: Any) -> F32:
    """glibc `powf`, modelled as the float64 power rounded to float32."""
    with np.errstate(all="ignore"):
        return _libm(np.power(_f64(x), _f64(y)), 0.82)


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


def stair_starts(
    index: Callable[[Ints], Any], guess: Callable[[Ints], Any], first: int, limit: int
) -> Iterator[int]:
    """The first step of each stair of the non-decreasing `index`, from the stair holding
    `first` on, while below `limit`. `guess(ks)` gives the textbook first step of stairs ks.

    Edges are checked a batch at a time on whole arrays (is the guess the first step of its
    stair?); only where float32 moved an edge is it searched for step by step.
    """
    k = int(np.asarray(index(np.array([first], dtype=np.int64)))[0])
    start = 0 if k <= int(np.asarray(index(np.zeros(1, dtype=np.int64)))[0]) else None
    if start is None:
        g = int(min(max(float(np.asarray(guess(np.array([k])))[0]), 0), limit))
        start = first_reaching(index, k, g, 0, first)
    yield start
    batch = 256
    while start < limit:
        ks = np.arange(k + 1, k + 1 + batch, dtype=np.int64)
        with np.errstate(over="ignore", invalid="ignore"):
            raw = np.asarray(guess(ks), dtype=np.float64)
        far = ~(raw < limit)
        at: Ints = np.where(far, limit, np.maximum(raw, 1)).astype(np.int64)
        good = (np.asarray(index(at)) >= ks) & (np.asarray(index(at - 1)) < ks) & ~far
        for kk, gg, ok, beyond in zip(
            ks.tolist(), at.tolist(), good.tolist(), far.tolist(), strict=True
        ):
            if ok and gg > start:
                step = gg
            else:
                step = first_reaching(index, kk, gg, start, limit)
                if step <= start:  # the index skipped stair kk: it has no steps
                    continue
            if step > limit or (beyond and step >= limit):
                return
            start = step
            yield step
            if step >= limit:
                return
        k += batch
        batch = min(batch * 4, 1 << 16)


def stair_phases(
    index: Callable[[Ints], Any],
    guess: Callable[[Ints], Any],
    first: int,
    last: int,
    shape: str,
    limit: int,
) -> Iterator[Phase]:
    """One phase of `shape` per stair of `index` (see `stair_starts`) within first..last;
    the stair that starts at or past `limit` goes on to `last`."""
    starts = stair_starts(index, guess, first, min(limit, last + 1, MAX_INT))
    start = next(starts)
    for following in starts:
        if following - 1 >= first:
            yield Phase(max(start, first), min(following - 1, last), shape)
        start = following
        if start > last:
            return
    if start <= last:
        yield Phase(max(start, first), last, shape)
