"""Rows of `<head><step><mid><rate><tail>` as bytes, built with numpy: the hot path of output.

Formatting millions of rows one at a time in Python is far too slow, so rows are assembled
in a byte matrix. Within a group of rows whose step has the same number of digits and whose
rate is the same, every row has the same width: the constant parts are broadcast into their
columns, and the step's digits are written four at a time from a table of "0000".."9999".

Where most rows have a rate of their own (smooth schedules), the rates are formatted together
by `lrcli.shortest`, and rows of different widths are packed with whole 64-bit words.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import NDArray

from lrcli import shortest

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
# With at least one rate change per this many rows, rates are formatted in bulk.
_DISTINCT_SHARE = 8


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
    changed = bits[1:] != bits[:-1]
    if np.count_nonzero(changed) * _DISTINCT_SHARE >= len(steps):
        yield from _distinct_rates(steps, rates, digits, head, mid, tail)
        return
    cuts = np.flatnonzero((digits[1:] != digits[:-1]) | changed) + 1
    bounds = [0, *cuts.tolist(), len(steps)]
    for lo, hi in itertools.pairwise(bounds):
        suffix = mid + rate_text(rates[lo]).encode() + tail
        yield _fixed_width(steps[lo:hi], int(digits[lo]), head, suffix)


def _distinct_rates(
    steps: NDArray[np.int64],
    rates: NDArray[np.float64],
    digits: NDArray[np.int64],
    head: bytes,
    mid: bytes,
    tail: bytes,
) -> Iterator[memoryview]:
    """Rows whose rates mostly differ: by runs of steps with the same number of digits."""
    cuts = np.flatnonzero(digits[1:] != digits[:-1]) + 1
    for lo, hi in itertools.pairwise([0, *cuts.tolist(), len(steps)]):
        for start in range(lo, hi, shortest.BLOCK):
            stop = min(start + shortest.BLOCK, hi)
            text, length = shortest.format_floats(rates[start:stop])
            width = int(digits[lo])
            packed = _packed(steps[start:stop], width, text, length, head, mid, tail)
            if packed is None:  # rows too short to pack by words: one row at a time
                rows = zip(steps[start:stop].tolist(), rates[start:stop].tolist(), strict=True)
                yield memoryview(
                    b"".join(head + b"%d" % s + mid + rate_text(r).encode() + tail for s, r in rows)
                )
            else:
                yield packed


def _packed(
    steps: NDArray[np.int64],
    width: int,
    text: NDArray[np.uint64],
    length: NDArray[np.int64],
    head: bytes,
    mid: bytes,
    tail: bytes,
) -> memoryview | None:
    """Rows of `width`-digit steps and rates given as text words (see `shortest`).

    Each row is written as a unit `tail + head, step, mid, rate`: all but the rate have the
    same width in every unit, so a unit is a matrix row with the rate text last. The units'
    words are then shifted to their byte offsets in the output and stored whole; a word that
    two units share is put together last. The first unit's `tail` is dropped and one added at
    the end. None if a unit is shorter than 8 bytes (a word would span three units).
    """
    n = len(steps)
    sep = tail + head
    before = len(sep) + width + len(mid)  # bytes before the rate
    unit_len = before + length
    if int(unit_len.min()) < 8:
        return None
    words = -(-(before + shortest.WIDTH + _SPILL) // 8)
    row = 8 * words
    matrix = np.empty(8 + n * row, dtype=np.uint8)  # 8 spare bytes in front keep rows aligned
    end = 8 + len(sep) + width
    rest = steps
    groups = -(-width // 4)
    for group in range(groups):
        if group < groups - 1:
            rest, word = np.divmod(rest, 10_000)
        else:
            word = rest
        column = as_strided(matrix[end - 4 :], shape=(n, 4), strides=(row, 1))
        column.view(np.uint32)[:, 0] = _DIGITS4[word]
        end -= 4
    rows = matrix[8:].reshape(n, row)
    if sep:
        rows[:, : len(sep)] = np.frombuffer(sep, dtype=np.uint8)
    if mid:
        rows[:, before - len(mid) : before] = np.frombuffer(mid, dtype=np.uint8)
    rate_words = np.ndarray(
        (n, 3), dtype=np.uint64, buffer=matrix, offset=8 + before, strides=(row, 8)
    )
    rate_words[...] = text
    units = matrix[8:].view(np.uint64).reshape(n, words)

    ends = np.cumsum(unit_len)
    starts = ends - unit_len
    total = int(ends[-1])
    first = starts >> 3  # the output word each unit starts in
    shift = ((starts & 7) << 3).astype(np.uint64)
    back = np.uint64(64) - shift
    out = np.empty(total // 8 + words + 2, dtype=np.uint64)
    # Word j of every unit, shifted into place, for j from the last down: a unit's words past
    # its end land on later units' words, which a later pass (smaller j) then writes over.
    shifted = np.empty((words + 1, n), dtype=np.uint64)
    previous = np.zeros(n, dtype=np.uint64)
    for j in range(words + 1):
        current = units[:, j] if j < words else np.zeros(n, dtype=np.uint64)
        shifted[j] = (current << shift) | (previous >> back)
        previous = np.ascontiguousarray(current)
    for j in range(words, -1, -1):
        out[first + j] = shifted[j]
    # A word shared by two units: the end of the earlier, the start of the later.
    offset = first[1:] - first[:-1]
    earlier = shifted.ravel().take(offset * n + np.arange(n - 1))
    keep = ~(np.uint64(0xFFFF_FFFF_FFFF_FFFF) << shift[1:])
    out[first[1:]] = (earlier & keep) | shifted[0, 1:]
    raw = out.view(np.uint8)
    raw[total : total + len(tail)] = np.frombuffer(tail, dtype=np.uint8)
    return raw[len(tail) : total + len(tail)].data


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
