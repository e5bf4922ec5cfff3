"""Rows of `<head><step><mid><rate><tail>` as bytes, built with numpy: the hot path of output.

Formatting millions of rows one at a time in Python is far too slow, so rows are assembled
in a byte matrix. Within a group of rows whose step has the same number of digits and whose
rate is the same, every row has the same width: the constant parts are broadcast into their
columns, and the step's digits are written four at a time from a table of "0000".."9999".

Where most rows have a rate of their own (smooth schedules), the rates are formatted together
by `lrcli.shortest`, and rows of different widths are packed with whole 64-bit words. A block
is cut where its rates' sign or decimal exponent changes: within a run every row has the same
layout, the text goes straight into the packer's words, and the exponent ("e-05") is written
between rows as a constant.
"""

from __future__ import annotations

import functools
import itertools
import threading
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
_DIGITS4_64 = _DIGITS4.astype(np.uint64)
_ROWS = np.arange(shortest.BLOCK, dtype=np.int64)  # a block at most is packed at once
_NO_CUTS = np.empty(0, dtype=np.intp)
# Runs of rows of one layout a block is cut into at most (see `_layouts`): each costs the
# fixed ~150 us of a block's numpy calls; a block of more is laid out row by row instead.
_MAX_RUNS = 8
_LEAST_POWER = -323  # 10**-324 is no float
_POWERS = np.array([10**k for k in range(1, 19)], dtype=np.int64)
# A word written for a step's leftmost digits may start up to 3 bytes before them. Those bytes
# belong to the row's head or to the previous row's tail, both written after the digits; before
# the first row they land in this padding.
_SPILL = 3
# Rows per rate below which rates are formatted in bulk. A run of one rate costs about 15 us
# the old way (repr and a few numpy calls), a row about 70 ns in bulk. A handful of rates
# (a small `show`) is cheaper the old way whatever the rows.
_RUN_LENGTH = 200
_MIN_CHANGES = 16


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
    widths = _width_cuts(steps)
    # Bit patterns, not values: 0.0 and -0.0 compare equal but print differently.
    bits = rates.view(np.uint64)
    changed = bits[1:] != bits[:-1]
    changes = np.count_nonzero(changed)
    if changes >= _MIN_CHANGES and changes * _RUN_LENGTH >= len(steps):
        yield from _distinct_rates(steps, rates, widths, changed, head, mid, tail)
        return
    # The union of both kinds of cut, by a mask: np.union1d loads numpy.ma (5 ms at start-up).
    mask = np.zeros(len(steps), dtype=bool)
    mask[widths] = True
    mask[1:] |= changed
    cuts = np.flatnonzero(mask)
    bounds = [0, *cuts.tolist(), len(steps)]
    for lo, hi in itertools.pairwise(bounds):
        suffix = mid + rate_text(rates[lo]).encode() + tail
        yield _fixed_width(steps[lo:hi], len(str(steps[lo])), head, suffix)


def _width_cuts(steps: NDArray[np.int64]) -> NDArray[np.intp]:
    """Where the number of digits of the steps changes: for steps in order (any range), by
    searching the powers of ten among them; otherwise row by row."""
    low, high = int(steps.min()), int(steps.max())
    if low >= 0 and len(str(low)) == len(str(high)):  # the common case: one width
        return _NO_CUTS
    if len(steps) > 1 and bool(np.all(steps[1:] >= steps[:-1])):
        cuts = np.searchsorted(steps, _POWERS)  # ascending, as _POWERS is
        cuts = cuts[(cuts > 0) & (cuts < len(steps))]
        # Distinct values of a sorted array, without np.unique (which loads numpy.ma: 5 ms).
        return cuts[np.concatenate(([True], cuts[1:] != cuts[:-1]))] if len(cuts) else cuts
    digits = np.searchsorted(_POWERS, steps, side="right")
    return np.flatnonzero(digits[1:] != digits[:-1]) + 1


def _distinct_rates(
    steps: NDArray[np.int64],
    rates: NDArray[np.float64],
    widths: NDArray[np.intp],
    changed: NDArray[np.bool_],
    head: bytes,
    mid: bytes,
    tail: bytes,
) -> Iterator[memoryview]:
    """Rows whose rates mostly differ: by blocks, within runs of steps with the same number
    of digits. Where a block repeats rates, each is formatted once."""
    text = _buffers(shortest.BLOCK, 3, "text")
    length = _buffers(shortest.BLOCK, 1, "length")[0].view(np.int64)
    for lo, hi in itertools.pairwise([0, *widths.tolist(), len(steps)]):
        width = len(str(steps[lo]))
        for start in range(lo, hi, shortest.BLOCK):
            stop = min(start + shortest.BLOCK, hi)
            n = stop - start
            # Rows whose rate differs from the row before; with a quarter or more repeated,
            # each rate is formatted once (counting is cheaper than listing them).
            if 4 * int(np.count_nonzero(changed[start : stop - 1])) < 3 * n:
                firsts = np.flatnonzero(changed[start : stop - 1]) + 1
                picked = np.concatenate([[0], firsts])
                common = shortest.format_block(
                    rates[start:stop][picked], text[:, : len(picked)], length[: len(picked)]
                )
                run = np.zeros(n, dtype=np.intp)
                run[firsts] = 1
                np.cumsum(run, out=run)
                block_text = text.take(run, axis=1, mode="wrap")
                block_length = length.take(run, mode="wrap")
                packed = _packed(
                    steps[start:stop], width, block_text, block_length, head, mid, common + tail
                )
                yield _or_rows(packed, steps[start:stop], rates[start:stop], head, mid, tail)
                continue
            for a, b, exponent in _layouts(rates[start:stop]):
                part = slice(start + a, start + b)
                packed = _packed_rates(steps[part], width, rates[part], head, mid, tail, exponent)
                yield _or_rows(packed, steps[part], rates[part], head, mid, tail)


def _or_rows(
    packed: memoryview | None,
    steps: NDArray[np.int64],
    rates: NDArray[np.float64],
    head: bytes,
    mid: bytes,
    tail: bytes,
) -> memoryview:
    """`packed`, or if the rows were too short to pack by words, the rows one at a time."""
    if packed is not None:
        return packed
    rows = zip(steps.tolist(), rates.tolist(), strict=True)
    return memoryview(
        b"".join(head + b"%d" % s + mid + rate_text(r).encode() + tail for s, r in rows)
    )


def _layouts(rates: NDArray[np.float64]) -> list[tuple[int, int, bytes]]:
    """The runs of rows (start, stop) whose rates share a sign and a decimal exponent, each with
    the exponent text `repr` ends them with ("e-05", or none from 1e-4 to 1e16): one run, for
    most blocks. A block of many short runs stays whole, laid out row by row by `shortest`.

    A run with a row that `shortest` lays out on its own (a power of two, a single digit)
    comes back with its exponent in every row: `_packed_rates` then formats it again."""
    low, high = float(rates.min()), float(rates.max())
    if low > 0 or high < 0:  # one sign: the ends bound every row
        exponent = _decimal_exponent(abs(low))
        if exponent == _decimal_exponent(abs(high)):
            return [(0, len(rates), _exponent_text(exponent))]
    # The decimal exponent of repr(x) is k for powers[k] <= |x| < powers[k + 1], the powers
    # being the floats nearest 10**k: no shortest text can round to a power it is not.
    key = np.searchsorted(_powers_of_ten(), np.abs(rates), side="right")
    key <<= 1
    key |= np.signbit(rates)
    cuts = np.flatnonzero(key[1:] != key[:-1]) + 1
    if len(cuts) >= _MAX_RUNS:
        return [(0, len(rates), b"")]
    bounds = [0, *cuts.tolist(), len(rates)]
    return [
        (a, b, _exponent_text(int(key[a]) // 2 + _LEAST_POWER - 1) if rates[a] else b"")
        for a, b in itertools.pairwise(bounds)
    ]


def _decimal_exponent(x: float) -> int:
    """The decimal exponent of repr(x), for x > 0 (see `_layouts`)."""
    return int(np.searchsorted(_powers_of_ten(), x, side="right")) + _LEAST_POWER - 1


def _exponent_text(exponent: int) -> bytes:
    """How `repr` ends a float of this decimal exponent: "e-05", or nothing from 1e-4 to 1e16."""
    return b"" if -4 <= exponent < 16 else b"e%+03d" % exponent


@functools.cache
def _powers_of_ten() -> NDArray[np.float64]:
    """The floats nearest 10**k, from 1e-323 to 1e308, made on first use (start-up time)."""
    return np.array([float(f"1e{k}") for k in range(_LEAST_POWER, 309)])


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
    same width in every unit, so a unit's words are made with the same shifts for every row.
    The words are then shifted to their byte offsets in the output and stored whole; a word
    that two units share is put together last. The first unit's `tail` is dropped and one
    added at the end. None if a unit is shorter than 8 bytes (a word would span three units).
    """
    before = len(tail + head) + width + len(mid)  # bytes before the rate
    words = -(-(before + int(length.max())) // 8)
    units = _buffers(len(steps), words, "units")
    _constant_and_steps(units, steps, tail + head, width, mid, words)
    tmp = _buffers(len(steps), 1, "tmp")[0]
    for k in range(3):
        _place(units, text[k], before + 8 * k, tmp)
    return _pack(units, np.add(length, before, out=tmp.view(np.int64)), tail)


def _packed_rates(
    steps: NDArray[np.int64],
    width: int,
    rates: NDArray[np.float64],
    head: bytes,
    mid: bytes,
    tail: bytes,
    exponent: bytes,
) -> memoryview | None:
    """`_packed` for rates not yet formatted, which `shortest` writes straight into the units'
    words, where the text starts, so that it is not shifted into place a second time. Where it
    starts depends on the exponent the rates have in common (see `_layouts`): a wrong guess
    costs a second pass."""
    n = len(steps)
    length = _buffers(n, 1, "length")[0].view(np.int64)
    while True:
        sep = exponent + tail + head
        before = len(sep) + width + len(mid)
        slot, at = divmod(before, 8)  # the word where the rate starts, and the byte in it
        units = _buffers(n, slot + 4, "units")
        constant = sep + bytes(width) + mid
        lead = int.from_bytes(constant[8 * slot :], "little")
        common = shortest.format_block(rates, units[slot:], length, at, lead)
        if common == exponent:
            break
        exponent = common
    words = -(-(before + int(length.max())) // 8)
    _constant_and_steps(units, steps, sep, width, mid, slot)
    unit_len = np.add(length, before, out=_buffers(n, 1, "tmp")[0].view(np.int64))
    return _pack(units[:words], unit_len, exponent + tail)


def _constant_and_steps(
    units: NDArray[np.uint64],
    steps: NDArray[np.int64],
    sep: bytes,
    width: int,
    mid: bytes,
    words: int,
) -> None:
    """The constant bytes of the units' first `words` words (sep, space for the step, mid,
    zeros after), then the steps' digits ORed in, four from each table lookup."""
    constant = sep + bytes(width) + mid + bytes(8 * len(units))
    for j in range(words):
        units[j].fill(int.from_bytes(constant[8 * j : 8 * j + 8], "little"))
    rest, group, ascii4, tmp = _buffers(len(steps), 4, "digits")
    np.copyto(rest, steps, casting="unsafe")
    end = len(sep) + width  # where the digits still to place end
    while end > len(sep):
        size = min(4, end - len(sep))
        if end - size > len(sep):
            np.floor_divide(rest, np.uint64(10_000), out=tmp)
            np.multiply(tmp, np.uint64(10_000), out=group)
            np.subtract(rest, group, out=group)
            rest, tmp = tmp, rest
        else:  # the leftmost digits: fewer than 10,000 left
            group, rest = rest, group
        _DIGITS4_64.take(group.view(np.int64), mode="wrap", out=ascii4)
        if size < 4:
            ascii4 >>= np.uint64(8 * (4 - size))
        _place(units, ascii4, end - size, group, size)
        end -= size


def _pack(units: NDArray[np.uint64], unit_len: NDArray[np.int64], tail: bytes) -> memoryview | None:
    """The units, each `unit_len` bytes of its words, one after the other (see `_packed`),
    less the first unit's first `len(tail)` bytes and with `tail` after the last."""
    n, words = len(unit_len), len(units)
    if int(unit_len.min()) < 8:
        return None
    work = _buffers(n, 7, "pack")
    ends, starts, first, shift, back, tmp, group = work
    # Where each unit goes: word `first`, `shift` bits in.
    ends = np.cumsum(unit_len, out=ends.view(np.int64))
    starts = np.subtract(ends, unit_len, out=starts.view(np.int64))
    total = int(ends[-1])
    first = np.right_shift(starts, 3, out=first.view(np.int64))
    shift = np.bitwise_and(starts, 7, out=shift.view(np.int64)).view(np.uint64)
    shift <<= np.uint64(3)
    np.subtract(np.uint64(64), shift, out=back)
    out = np.empty(total // 8 + words + 2, dtype=np.uint64)
    # Word j of every unit, shifted into place, for j from the last down to 1: a unit's words
    # past its end land on later units' words, which a later pass (smaller j) writes over.
    shifted = _buffers(n, words + 1, "shifted")
    np.left_shift(units[0], shift, out=shifted[0])
    for j in range(1, words + 1):
        np.right_shift(units[j - 1], back, out=shifted[j])
        if j < words:
            shifted[j] |= np.left_shift(units[j], shift, out=tmp)
    for j in range(words, 0, -1):
        out[j:][first] = shifted[j]
    # Word 0 of each unit, which it shares with the unit before: the end of the earlier, then
    # the start of the later. (Unit 0 has none before it.)
    out[first[0]] = shifted[0, 0]
    offset = np.subtract(first[1:], first[:-1], out=tmp[: n - 1].view(np.int64))
    offset *= _local.shifted.shape[1]  # the row of `shifted` that holds the earlier's word
    offset += _ROWS[: n - 1]
    earlier = _local.shifted.reshape(-1).take(offset, mode="wrap", out=work[1, : n - 1])
    # The earlier's bytes are those below the later's start: ~(all << shift).
    mask = np.left_shift(np.uint64(0xFFFF_FFFF_FFFF_FFFF), shift[1:], out=group[: n - 1])
    earlier &= np.invert(mask, out=mask)
    earlier |= shifted[0, 1:]
    out[first[1:]] = earlier
    raw = out.view(np.uint8)
    raw[total : total + len(tail)] = np.frombuffer(tail, dtype=np.uint8)
    return raw[len(tail) : total + len(tail)].data


def _place(
    units: NDArray[np.uint64],
    value: NDArray[np.uint64],
    at: int,
    tmp: NDArray[np.uint64],
    size: int = 8,
) -> None:
    """OR `value` (`size` bytes of a word, the first in the lowest) into every unit at byte
    `at`."""
    j, bits = divmod(at, 8)
    if j < len(units):
        units[j] |= np.left_shift(value, np.uint64(8 * bits), out=tmp)
    if bits and bits + size > 8 and j + 1 < len(units):
        units[j + 1] |= np.right_shift(value, np.uint64(64 - 8 * bits), out=tmp)


_local = threading.local()


def _buffers(n: int, count: int, name: str = "work") -> NDArray[np.uint64]:
    """`count` rows of n uint64 (n up to 4 blocks), kept from one call to the next in this
    thread (see `shortest._Scratch`: fresh temporaries cost more than the arithmetic)."""
    held: NDArray[np.uint64] | None = getattr(_local, name, None)
    if held is None or held.shape[0] < count or held.shape[1] < n:
        held = np.empty((count, max(n, shortest.BLOCK)), dtype=np.uint64)
        setattr(_local, name, held)
    return held[:count, :n]


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
