"""Rows of `<head><step><mid><rate><tail>` as bytes, built with numpy: the hot path of output.

Formatting millions of rows one at a time in Python is far too slow, so rows are assembled
in a byte matrix. Within a group of rows whose step has the same number of digits and whose
rate is the same, every row has the same width: the constant parts are broadcast into their
columns, and the step's digits are written four at a time from a table of "0000".."9999".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import NDArray

# "0000".."9999" as uint32 words, so that one gather writes four digits.
_DIGITS4 = (
    (np.arange(10_000)[:, None] // np.array([1000, 100, 10, 1]) % 10 + ord("0"))
    .astype(np.uint8)
    .view(np.uint32)
    .ravel()
)
_POWERS = np.array([10**k for k in range(1, 19)], dtype=np.int64)
# A word written for a step's leftmost digits may start up to 3 bytes before them. Those bytes
# belong to the row's head or to the previous row's tail, both written after the digits; before
# the first row they land in this padding.
_SPILL = 3


def rate_text(rate: float) -> str:
    """The shortest text that reads back as the same float64 (Python's `repr`)."""
    return repr(float(rate))


def encode_rows(
    steps: NDArray[np.int64],
    rates: NDArray[np.float64],
    head: bytes,
    mid: bytes,
    tail: bytes,
) -> Iterator[memoryview]:
    """The rows for `steps` and their `rates`, as consecutive blocks of bytes."""
    if not len(steps):
        return
    digits = 1 + np.searchsorted(_POWERS, steps, side="right")
    # Bit patterns, not values: 0.0 and -0.0 compare equal but print differently.
    bits = rates.view(np.uint64)
    cuts = np.flatnonzero((digits[1:] != digits[:-1]) | (bits[1:] != bits[:-1])) + 1
    bounds = [0, *cuts.tolist(), len(steps)]
    for lo, hi in itertools.pairwise(bounds):
        suffix = mid + rate_text(rates[lo]).encode() + tail
        yield _fixed_width(steps[lo:hi], int(digits[lo]), head, suffix)


def _fixed_width(steps: NDArray[np.int64], width: int, head: bytes, suffix: bytes) -> memoryview:
    """Rows of `head`, a `width`-digit step and `suffix`; the suffix must be 3 bytes or more."""
    assert len(suffix) >= _SPILL
    n, row = len(steps), len(head) + width + len(suffix)
    buffer = np.empty(_SPILL + n * row, dtype=np.uint8)
    end = _SPILL + len(head) + width  # where row 0's digits end in `buffer`
    rest = steps
    groups = -(-width // 4)
    for group in range(groups):
        if group < groups - 1:
            rest, word = np.divmod(rest, 10_000)
        else:
            word = rest  # the leftmost digits: fewer than 10,000 left
        column = as_strided(buffer[end - 4 :], shape=(n, 4), strides=(row, 1))
        column.view(np.uint32)[:, 0] = _DIGITS4[word]
        end -= 4
    rows = buffer[_SPILL:].reshape(n, row)
    if head:
        rows[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    rows[:, len(head) + width :] = np.frombuffer(suffix, dtype=np.uint8)
    return buffer[_SPILL:].data
