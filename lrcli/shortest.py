"""Python's `repr` of float64 arrays, computed by numpy: the shortest text that reads back the same.

`repr` of one float costs about a microsecond; smooth schedules have a different rate on every
row, so output at memory speed needs whole arrays at once. `format_floats(values)` gives each
row's text as little-endian bytes in four uint64 words, with its length; `format_into` writes
into the caller's arrays. `format_block` is the row packer's form (`lrcli.encode`): each word
a contiguous array, the text at a given byte of its first word, and an exponent common to the
block ("e-05") returned apart. The text is byte for byte `repr(float(value))`, for every float64.

1. Digits. Dragonbox (Junekey Jeon, 2020), in its nearest-rounding, ties-to-even form, which
   is `repr`'s choice: the shortest decimal that reads back the same, and of those the nearest.
   Its 64x128-bit product is built from 32-bit halves in uint64 arithmetic; the lowest partial
   product is only estimated, and the rows where the estimate could change the carry (about
   one in 2**31, more for some round integers) get the exact product. Dragonbox's own exact
   checks (an integer check, two parity checks: about one row in a hundred) run on the rows
   that need them. Zeros, powers of two (Dragonbox's shorter interval), inf and nan go to
   `repr`, row by row.
2. Text. Digits become ASCII eight at a time, from a table of "0000".."9999". `repr`'s layout
   is then made with per-row shifts: "d.ddde-XX" and "0.000ddd" (the rates of most schedules)
   by a fast path whose every exponent-dependent quantity comes from a table (read once, as a
   number, for a block whose rows share sign and exponent, as a smooth schedule's mostly do),
   "ddd.ddd" and the odd cases above by a general one, on their rows only.
"""

from __future__ import annotations

import functools
import threading

import numpy as np
from numpy.typing import NDArray

U64 = NDArray[np.uint64]
I64 = NDArray[np.int64]

WIDTH = 24
"""The most bytes `repr` of a float64 takes: `-2.2250738585072014e-308`."""

_K_MIN, _K_MAX = -292, 326  # the powers of ten Dragonbox needs for float64
_M32 = np.uint64(0xFFFF_FFFF)
_ALL = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
_ZEROS = np.uint64(0x3030_3030_3030_3030)  # "00000000"
_DOTS = np.uint64(0x2E2E_2E2E_2E2E_2E2E)  # "........"
_U = np.uint64


def _cache_entry(k: int) -> int:
    """Dragonbox's 128-bit multiplier for 10**k: 10**k scaled to 128 bits, rounded up."""
    if k >= 0:
        power: int = 10**k
        shift = 127 - (power.bit_length() - 1)
        return power << shift if shift >= 0 else -(-power // (1 << -shift))
    power = 10 ** (-k)
    return -(-(1 << (127 + power.bit_length())) // power)


@functools.cache
def _tables() -> dict[str, NDArray[np.uint64]]:
    """Built on first use, so that importing lrcli stays quick."""
    entries = [_cache_entry(k) for k in range(_K_MIN, _K_MAX + 1)]
    high = np.array([e >> 64 for e in entries], dtype=np.uint64)
    low = np.array([e & (2**64 - 1) for e in entries], dtype=np.uint64)
    digits4 = np.arange(10_000)[:, None] // np.array([1000, 100, 10, 1]) % 10 + ord("0")
    ascii4 = digits4.astype(np.uint8).view(np.uint32).ravel().astype(np.uint64)
    # The exponent part of `repr`'s scientific form, "e-05" or "e+308", for each E.
    exps = np.arange(-400, 400)
    suffixes = np.array(
        [int.from_bytes(f"e{e:+03d}".encode(), "little") for e in exps.tolist()], dtype=np.uint64
    )
    return {
        "h1": high >> _U(32),
        "h0": high & _M32,
        "high": high,
        "low": low,
        "l1": low >> _U(32),
        "ascii4": ascii4,
        "ascii4_high": ascii4 << _U(32),
        "pow10": np.array([10**k for k in range(20)], dtype=np.uint64),
        # Digits of 2**b, for b = 0..63: a number of b+1 bits has that many or one more.
        "digits_pow2": np.array([len(str(2**b)) for b in range(64)], dtype=np.uint64),
        "suffix": suffixes,
    }


def _mul_high(a: U64, b: U64) -> tuple[U64, U64]:
    """The 128-bit products a*b, as (high, low) 64-bit halves, exactly."""
    a1, a0 = a >> _U(32), a & _M32
    b1, b0 = b >> _U(32), b & _M32
    p00, p01, p10 = a0 * b0, a0 * b1, a1 * b0
    mid = (p00 >> _U(32)) + (p01 & _M32) + (p10 & _M32)
    high = a1 * b1 + (p01 >> _U(32)) + (p10 >> _U(32)) + (mid >> _U(32))
    return high, (mid << _U(32)) | (p00 & _M32)


def shortest_digits(values: NDArray[np.float64]) -> tuple[U64, I64, NDArray[np.bool_]]:
    """`(d, e, exact)`: |value| == d * 10**e, with d the digits `repr` shows (trailing zeros
    possible) where `exact` holds; rows where it does not must be formatted some other way."""
    t = _tables()
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)
    biased = ((bits >> _U(52)) & _U(0x7FF)).astype(np.int64)
    mantissa = bits & _U((1 << 52) - 1)
    normal = biased != 0
    # The float is fc * 2**e with fc = 2**52 + mantissa (normal) or mantissa (subnormal).
    fc = mantissa | (normal.astype(np.uint64) << _U(52))
    e = np.maximum(biased, 1) - 1075
    minus_k = ((e * 315653) >> 20) - 2  # floor(log10(2**e)) - kappa
    index = -minus_k - _K_MIN
    beta = e + ((-minus_k * 1741647) >> 19)  # 6..9 for float64
    two_fc = fc << _U(1)
    u = (two_fc | _U(1)) << beta.astype(np.uint64)
    # z = floor(u * cache / 2**128), with cache = high * 2**64 + low. u * high is exact; of
    # u * low only its top 64 bits count, estimated from below by u1 * l1 to within 2**33.
    u1, u0 = u >> _U(32), u & _M32
    h1, h0, l1 = t["h1"].take(index), t["h0"].take(index), t["l1"].take(index)
    p00, p01, p10 = u0 * h0, u0 * h1, u1 * h0
    mid = (p00 >> _U(32)) + (p01 & _M32) + (p10 & _M32)
    z = u1 * h1 + (p01 >> _U(32)) + (p10 >> _U(32)) + (mid >> _U(32))
    low = (mid << _U(32)) | (p00 & _M32)
    total = low + u1 * l1
    carry = total < low
    # Where the estimate leaves the carry in doubt (rare, but regular for some integers),
    # the top half of u * low is computed exactly. `low` becomes the exact fraction bits.
    rows = np.flatnonzero(~carry & (total >= _U(2**64 - 2**33)))
    if len(rows):
        whole, _ = _mul_high(u[rows], t["low"].take(index[rows]))
        total[rows] = low[rows] + whole
        carry[rows] = total[rows] < low[rows]
    z += carry

    s = z // _U(1000)
    r = (z - s * _U(1000)).astype(np.int64)
    delta = (((h1 << _U(32)) | h0) >> (63 - beta).astype(np.uint64)).astype(np.int64)
    even = (mantissa & _U(1)) == 0
    big = r < delta
    # Dragonbox's two exact checks, on the few rows that need them. With r == 0 and an odd
    # significand, the right endpoint is excluded: z must not be an integer.
    rows = np.flatnonzero(big & (r == 0) & ~even)
    if len(rows):
        whole, _ = _mul_high(u[rows], t["low"].take(index[rows]))
        integer = low[rows] + whole == 0
        rows = rows[integer]
        big[rows], s[rows], r[rows] = False, s[rows] - _U(1), 1000
    # With r == delta, the left endpoint decides.
    rows = np.flatnonzero(r == delta)
    if len(rows):
        parity, integer = _mul_parity(two_fc[rows] - _U(1), index[rows], beta[rows])
        big[rows] = parity | (integer & even[rows])
    # The smaller divisor: the nearest multiple of 10**kappa, with Dragonbox's correction.
    dist = r + 50 - (delta >> 1)
    tq = dist // 100
    y = s * _U(10) + tq.astype(np.uint64)
    tie = ~big & (dist == tq * 100)
    if tie.any():
        rows = np.flatnonzero(tie)
        parity, integer = _mul_parity(two_fc[rows], index[rows], beta[rows])
        approx = ((dist[rows] ^ 50) & 1).astype(bool)
        y[rows] -= (parity != approx) | ((y[rows] & _U(1)).astype(bool) & integer)
    digits = y + (s - y) * big
    exponent = minus_k + 2 + big
    # Zeros, powers of two (Dragonbox's shorter-interval case), inf and nan go to `repr`.
    exact = (mantissa != 0) & (biased != 0x7FF)
    return digits, exponent, exact


def _mul_parity(two_f: U64, index: I64, beta: I64) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Dragonbox's compute_mul_parity: the parity of floor(two_f * cache * 2**beta / 2**128)
    and whether it is an integer, from the low 128 bits of the 192-bit product."""
    t = _tables()
    top, bottom = _mul_high(two_f, t["low"].take(index))
    top = two_f * t["high"].take(index) + top
    b = beta.astype(np.uint64)
    parity = ((top >> (_U(64) - b)) & _U(1)).astype(bool)
    integer = ((top << b) | (bottom >> (_U(64) - b))) == 0
    return parity, integer


BLOCK = 32768
"""Rows per numpy pass: long enough that the cost of each call is mostly the arithmetic, short
enough that the scratch buffers (about 40 arrays of BLOCK uint64) stay small."""


def format_floats(values: NDArray[np.float64]) -> tuple[U64, I64]:
    """`(text, length)`: `repr(float(values[i]))` is the first `length[i]` (at most 24) bytes
    of row i of `text`, four little-endian uint64 words; the bytes after it are unspecified."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    text = np.empty((len(values), 4), dtype=np.uint64)
    length = np.empty(len(values), dtype=np.int64)
    format_into(values, text, length)
    return text, length


def format_into(values: NDArray[np.float64], text: U64, length: I64) -> None:
    """`format_floats` into the caller's arrays: `text` of shape (len(values), 4), C order."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    words = np.empty((3, BLOCK), dtype=np.uint64)
    for start in range(0, len(values), BLOCK):
        stop = min(start + BLOCK, len(values))
        _format_fast(values[start:stop], words[:, : stop - start], length[start:stop])
        text[start:stop, :3] = words[:, : stop - start].T


def format_block(
    values: NDArray[np.float64], words: U64, length: I64, at: int = 0, lead: int = 0
) -> bytes:
    """Up to BLOCK values at once, as the rows' words: `words[k, i]` is word k of row i, each
    word a contiguous array, which is what the row packer reads. Each row's text starts `at`
    bytes (0 to 7) into its first word, after the `at` bytes of `lead`: the packer's constant
    bytes and the text then share that word without a shift of their own. Three words, or four
    if `at` is not 0. Where every row's text ends in the same exponent ("e-05"), it is left out
    of `words` and `length` and returned: the caller writes it between rows, as a constant."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    return _format_fast(values, words, length, bare=True, at=at, lead=lead)


def _format_general(values: NDArray[np.float64], text: U64, length: I64) -> None:
    """Any float64, with a decimal point anywhere: per-row masks (see `_format_fast`)."""
    t = _tables()
    d, e10, exact = shortest_digits(values)
    d[~exact] = 1  # placeholders, replaced below
    neg = (values.view(np.uint64) >> _U(63)).astype(np.int64)

    # Left-align the digits: D has exactly 17 digits, the first one nonzero.
    bits = (d.astype(np.float64).view(np.uint64) >> _U(52)) - _U(1023)
    guess = t["digits_pow2"].take(bits.astype(np.intp))
    nd = (guess + (d >= t["pow10"].take(guess.astype(np.intp)))).astype(np.int64)
    big_d = d * t["pow10"].take(17 - nd)
    exp10 = e10 + nd - 1  # the value is d.ddd * 10**exp10

    # ASCII: S0 = digits 0-7, S1 = digits 8-15, S2 = digit 16.
    head = big_d // _U(10**9)
    rest = big_d - head * _U(10**9)
    middle = rest // _U(10)
    s2 = rest - middle * _U(10) + _U(0x30)
    s0, s1 = _ascii8(head, t), _ascii8(middle, t)
    # Significant digits: one past the last nonzero digit, found from a float's exponent.
    weight = (
        (s0 ^ _ZEROS).astype(np.float64)
        + (s1 ^ _ZEROS).astype(np.float64) * 2.0**64
        + (s2 - _U(0x30)).astype(np.float64) * 2.0**128
    )
    n_sig = (((weight.view(np.uint64) >> _U(52)) - _U(1023)) >> _U(3)).astype(np.int64) + 1

    # repr's layout: scientific below 1e-4 and from 1e16; "0.000ddd" for small fractions.
    sci = (exp10 < -4) | (exp10 > 15)
    small = ~sci & (exp10 < 0)
    plain = ~sci & ~small
    # The point goes before digit `point`; in "0.000ddd" it is in the prefix instead.
    point = np.where(plain, exp10 + 1, np.where(sci, 1, 17))
    body = np.where(
        plain, np.maximum(n_sig, exp10 + 2) + 1, np.where(sci, n_sig + (n_sig > 1), n_sig)
    )
    words = [s0, s1, s2]
    shifted = [s0 << _U(8), (s1 << _U(8)) | (s0 >> _U(56)), (s2 << _U(8)) | (s1 >> _U(56))]
    suffix = t["suffix"].take(exp10 + 400) * sci
    suffix_len = (4 + (np.abs(exp10) >= 100)) * sci
    at = (8 * point).astype(np.int64)
    end = (8 * body).astype(np.int64)
    for k in range(3):
        below = ~(_ALL << np.maximum(at - 64 * k, 0).astype(np.uint64))
        above = _ALL << np.maximum(at - 64 * k + 8, 0).astype(np.uint64)
        word = (words[k] & below) | (shifted[k] & above) | (_DOTS & ~(below | above))
        word &= ~(_ALL << np.maximum(end - 64 * k, 0).astype(np.uint64))
        # The exponent starts at byte `body`: its part in word k (shift counts that come out
        # negative wrap to huge ones, which shift everything out).
        word |= (suffix << (end - 64 * k).astype(np.uint64)) | (
            suffix >> (64 * k - end).astype(np.uint64)
        )
        words[k] = word
    # The prefix: "-", then "0." and zeros for small fractions.
    pre_len = neg + small * (1 - exp10)
    zeros = _U(0x3030_3030_2E30) & ~(_ALL << (8 * small * (1 - exp10)).astype(np.uint64))
    prefix = (neg.astype(np.uint64) * _U(0x2D)) | (zeros << (8 * neg).astype(np.uint64))
    ps = (8 * pre_len).astype(np.uint64)
    back = _U(64) - ps
    text[:, 0] = (words[0] << ps) | prefix
    text[:, 1] = (words[1] << ps) | (words[0] >> back)
    text[:, 2] = (words[2] << ps) | (words[1] >> back)
    length[:] = pre_len + body + suffix_len

    for row in np.flatnonzero(~exact).tolist():
        raw = repr(float(values[row])).encode()
        text[row, :3] = np.frombuffer(raw.ljust(WIDTH, b"\0"), dtype="<u8")
        length[row] = len(raw)


def _ascii8(v: U64, t: dict[str, U64]) -> U64:
    """Eight ASCII digits of v < 10**8, the first in the lowest byte."""
    high = v // _U(10_000)
    first: U64 = t["ascii4"].take(high.astype(np.intp))
    second: U64 = t["ascii4_high"].take((v - high * _U(10_000)).astype(np.intp))
    return first | second


@functools.cache
def _fast_tables() -> dict[str, NDArray[np.uint64] | NDArray[np.int64]]:
    """What depends only on a float's top 12 bits (sign and exponent), or on the sign and
    decimal exponent of its text, as tables: one lookup instead of several operations."""
    t = _tables()
    top = np.arange(4096, dtype=np.int64)
    biased = top & 0x7FF
    e = np.maximum(biased, 1) - 1075
    minus_k = ((e * 315653) >> 20) - 2
    index = np.clip(-minus_k - _K_MIN, 0, _K_MAX - _K_MIN)
    beta = e + ((-minus_k * 1741647) >> 19)
    hidden = np.where(biased != 0, 1 << 53, 0).astype(np.uint64)
    delta = t["high"][index] >> (63 - beta).astype(np.uint64)
    # Layout by li = E + 512 + 1024 * sign, for E the decimal exponent: "d.ddde-XX" and
    # "0.000ddd" here; "ddd.ddd" (0 <= E <= 15) is left to `_format_general`.
    exp10 = np.arange(2048) % 1024 - 512
    neg = np.arange(2048) // 1024
    sci = (exp10 < -4) | (exp10 > 15)
    zeros = (0x3030_3030_2E30 & ((1 << (8 * np.clip(1 - exp10, 0, 6))) - 1)) * ~sci
    prefix = 0x2D * neg | (np.where(sci, 0x2E00, zeros) << (8 * neg))
    shift = 8 * (np.where(sci, 1, 1 - exp10) + neg)
    suffix = t["suffix"].take(np.clip(exp10 + 400, 0, 799)) * sci
    suffix_len = (4 + (np.abs(exp10) >= 100)) * sci
    # E = minus_k + 1 + (number of digits, 17 or 16). Subnormals, inf and nan get E = 0 or 1,
    # which sends them to `_format_general`.
    exp = np.where((biased == 0) | (biased == 0x7FF), 1, minus_k + 18) + 512
    fast = sci | (exp10 < 0)
    return {
        "index": index,
        "shift": (11 - beta).astype(np.uint64),
        "add": (hidden + _U(1)) << beta.astype(np.uint64),
        "h1": t["h1"][index],
        "h0": t["h0"][index],
        "l1": t["l1"][index],
        "low": t["low"][index],
        "high": t["high"][index],
        "beta": beta,
        "delta": delta,
        "dist": ((delta >> _U(1)).astype(np.int64) - 50).astype(np.uint64),
        # E + 512 is this less 1 if the digits stay below 10**16: a normal float's significand
        # from Dragonbox has 16 or 17 digits.
        "exp": exp.astype(np.int64),
        "sig": np.clip((np.arange(2048) - 1023) // 8 + 1, 0, 17).astype(np.int64),
        "shift8": np.where(fast, shift, 0).astype(np.uint64),
        # Word 0 in "d.ddde-XX": the digits moved by the prefix, then the first digit moved
        # back before the point: minus first * 255 * 256**sign.
        "prefix": prefix.astype(np.uint64),
        "first": np.where(sci, 255 * 256**neg, 0).astype(np.uint64),
        # Length less the significant digits; 0 where `_format_general` takes over, so that
        # the exponent's store below stays inside its row.
        "base": np.select([sci, exp10 < 0], [1 + suffix_len + neg, 1 - exp10 + neg]).astype(
            np.int64
        ),
        "suffix": suffix,
        "suffix_len": suffix_len.astype(np.int64),
        "rows32": np.arange(BLOCK, dtype=np.int64) * 32,
    }


class _Scratch(threading.local):
    """Buffers of BLOCK uint64 handed out in turn and reused block after block: allocating
    fresh temporaries costs more than the arithmetic, as malloc returns freed memory to the
    system and every new array is faulted in again."""

    def __init__(self) -> None:
        self.buffers: list[U64] = []
        self.used = 0

    def __call__(self, n: int) -> U64:
        if self.used == len(self.buffers):
            self.buffers.append(np.empty(BLOCK, dtype=np.uint64))
        self.used += 1
        return self.buffers[self.used - 1][:n]


_scratch = _Scratch()


def _format_fast(
    values: NDArray[np.float64],
    words: U64,
    length: I64,
    bare: bool = False,
    at: int = 0,
    lead: int = 0,
) -> bytes:
    """Dragonbox and `repr`'s layout with few numpy operations, all into scratch buffers, and
    everything that depends only on the exponent from a table. The layouts "d.ddde-XX" and
    "0.000ddd" are made here; other rows are redone by `_format_general`. With `bare`, an
    exponent text common to every row is left out and returned; `at` and `lead` as in
    `format_block`."""
    f = _fast_tables()
    t = _tables()
    n = len(values)
    _scratch.used = 0
    o = functools.partial(_scratch, n)
    bits = values.view(np.uint64)
    top = np.right_shift(bits, _U(52), out=o()).view(np.int64)
    # A smooth schedule's rates share sign and exponent over long runs: then every table
    # entry is one number, and numpy broadcasts it for free instead of gathering it per row.
    one_top = _same(top)

    def lookup(name: str) -> U64:
        if one_top:
            return f[name][top[0]]  # type: ignore[no-any-return]
        # "wrap" with `out` is the quickest form of take; every index here is in range.
        return f[name].take(top, mode="wrap", out=o().view(f[name].dtype))

    low12 = np.left_shift(bits, _U(12), out=o())
    u = np.right_shift(low12, lookup("shift"), out=o())
    u |= lookup("add")
    h1, h0 = lookup("h1"), lookup("h0")
    u1, u0 = np.right_shift(u, _U(32), out=o()), np.bitwise_and(u, _M32, out=o())
    p00, p01, p10 = (
        np.multiply(u0, h0, out=o()),
        np.multiply(u0, h1, out=o()),
        np.multiply(u1, h0, out=o()),
    )
    z = np.multiply(u1, h1, out=o())
    mid = np.right_shift(p00, _U(32), out=o())
    tmp = o()
    mid += np.bitwise_and(p01, _M32, out=tmp)
    mid += np.bitwise_and(p10, _M32, out=tmp)
    z += np.right_shift(p01, _U(32), out=tmp)
    z += np.right_shift(p10, _U(32), out=tmp)
    z += np.right_shift(mid, _U(32), out=tmp)
    low = np.left_shift(mid, _U(32), out=mid)
    low |= np.bitwise_and(p00, _M32, out=tmp)
    total = np.multiply(u1, lookup("l1"), out=p00)
    total += low
    carry = np.less(total, low, out=o().view(np.bool_)[:n])
    rows = _where(total >= _U(2**64 - 2**33))  # never a carry: see shortest_digits
    if len(rows):
        whole, _ = _mul_high(u[rows], f["low"].take(top[rows]))
        carry[rows] = low[rows] + whole < low[rows]
    z += carry
    s = np.floor_divide(z, _U(1000), out=o())
    r = np.multiply(s, _U(1000), out=p01)
    np.subtract(z, r, out=r)
    delta = lookup("delta")
    small = np.greater_equal(r, delta, out=o().view(np.bool_)[:n])
    rows = _where(r == 0)  # below delta: needs z's integer check if odd
    if len(rows):
        rows = rows[(bits[rows] & _U(1)).astype(bool)]
        whole, _ = _mul_high(u[rows], f["low"].take(top[rows]))
        rows = rows[low[rows] + whole == 0]
        small[rows], s[rows], r[rows] = True, s[rows] - _U(1), _U(1000)
    dist = np.subtract(r, lookup("dist"), out=o())  # r stays: needed below
    tq = np.floor_divide(dist, _U(100), out=p10)
    hundred = np.multiply(tq, _U(100), out=tmp)
    tie = np.equal(dist, hundred, out=carry)
    # Dragonbox's parity checks: r == delta (is the left endpoint in?) and, on the smaller
    # divisor's path, a remainder that is a multiple of 100 (which way does y round?).
    edge = _where(np.equal(r, delta, out=o().view(np.bool_)[:n]))
    rows = np.flatnonzero(tie)
    if len(edge) or len(rows):
        both = np.concatenate([edge, rows])
        beta = f["beta"].take(top[both])
        two_f = (u[both] >> beta.astype(np.uint64)) - _U(1)
        two_f[: len(edge)] -= _U(1)
        parity, integer = _mul_parity(two_f, f["index"].take(top[both]), beta)
        small[edge] = ~(parity[: len(edge)] | (integer[: len(edge)] & ((bits[edge] & _U(1)) == 0)))
        keep = small[rows]
        rows, parity, integer = rows[keep], parity[len(edge) :][keep], integer[len(edge) :][keep]
        approx = ((dist[rows] ^ _U(50)) & _U(1)).astype(bool)
        odd = ((s[rows] * _U(10) + tq[rows]) & _U(1)).astype(bool)
        tq[rows] -= (parity != approx) | (odd & integer)
    tq *= small
    d = np.multiply(s, _U(10), out=s)
    d += tq

    # Digits left-aligned: D has 17 of them, the first nonzero; li = E + 512 + 1024 * sign.
    short = np.less(d, _U(10**16), out=tie)
    big_d = np.multiply(short, _U(9), out=u1)
    big_d += _U(1)
    big_d *= d
    # With one sign and exponent, rows differ in li only by `short`: no array needed.
    one_li = one_top and _same(short)
    if one_li:
        li_first = int(lookup("exp")) - int(short[0]) + (int(top[0]) >> 1 & 1024)
    else:
        li = np.subtract(lookup("exp"), short, out=o().view(np.int64))
        li += (np.right_shift(bits, _U(53), out=tmp) & _U(1024)).view(np.int64)
        one_li, li_first = _same(li), int(li[0])
    head = np.floor_divide(big_d, _U(10**9), out=d)
    rest = np.multiply(head, _U(10**9), out=z)
    np.subtract(big_d, rest, out=rest)
    middle = np.floor_divide(rest, _U(10), out=big_d)
    last = np.multiply(middle, _U(10), out=p00)
    np.subtract(rest, last, out=last)
    s0 = _ascii8_into(head, t, o(), o(), tmp)
    s1 = _ascii8_into(middle, t, o(), o(), tmp)
    weight, part = o().view(np.float64), o().view(np.float64)
    weight[...] = np.bitwise_xor(s0, _ZEROS, out=tmp)
    part[...] = np.bitwise_xor(s1, _ZEROS, out=tmp)
    part *= 2.0**64
    weight += part
    part[...] = last
    part *= 2.0**128
    weight += part
    n_sig = f["sig"].take(
        np.right_shift(weight.view(np.uint64), _U(52), out=tmp).view(np.int64),
        mode="wrap",
        out=o().view(np.int64),
    )

    def layout(name: str) -> U64:
        if one_li:
            return f[name][li_first]  # type: ignore[no-any-return]
        return f[name].take(li, mode="wrap", out=o().view(f[name].dtype))

    shift = layout("shift8")
    other = np.equal(shift, _U(0), out=tie)  # "ddd.ddd", subnormals, inf, nan
    other |= weight < 256.0  # one digit: no point
    other |= low12 == 0  # zeros and powers of two
    rows = _where(other)
    suffix_len = int(layout("suffix_len")) if one_li else -1
    # One layout for the block, its exponent (if any) left to the caller: the text is done.
    done = one_li and not len(rows) and (bare or not suffix_len)
    prefix, first_scale = layout("prefix"), layout("first")
    # Moving the text `at` bytes on is then part of its own shift, where that fits in a word.
    moved = done and at > 0 and int(shift) + 8 * at < 64
    if moved:
        shift, prefix = shift + _U(8 * at), (prefix << _U(8 * at)) + _U(lead)
        first_scale = first_scale << _U(8 * at)
    back = _U(64) - shift if one_li else np.subtract(_U(64), shift, out=o())
    word = np.left_shift(s0, shift, out=words[0])
    word += prefix
    first = np.bitwise_and(s0, _U(0xFF), out=tmp)
    first *= first_scale
    word -= first
    word = np.left_shift(s1, shift, out=words[1])
    word |= np.right_shift(s0, back, out=tmp)
    last += _U(0x30)
    word = np.left_shift(last, shift, out=words[2])
    word |= np.right_shift(s1, back, out=tmp)
    np.add(layout("base"), n_sig, out=length)
    if done:
        if at and not moved:
            _move(words, at, lead, tmp)
        if not suffix_len:  # "0.000ddd": no exponent
            return b""
        length -= suffix_len
        return layout("suffix").tobytes()[:suffix_len]
    # Rows with exponents of their own, and rows for `_format_general`: row by row, in a
    # copy with each row's bytes together. The exponent is written as a whole word.
    text = np.empty((n, 4), dtype=np.uint64)
    text[:, :3] = words[:3].T
    unaligned = np.ndarray((4 * n * 8 - 7,), dtype=np.uint64, buffer=text, strides=(1,))
    where = np.subtract(length, layout("suffix_len"), out=n_sig)
    where += f["rows32"][:n]
    unaligned[where] = layout("suffix")
    if len(rows):
        sub_text = np.empty((len(rows), 4), dtype=np.uint64)
        sub_length = np.empty(len(rows), dtype=np.int64)
        _format_general(values[rows], sub_text, sub_length)
        text[rows] = sub_text
        length[rows] = sub_length
    words[:3] = text[:, :3].T
    if at:
        _move(words, at, lead, tmp)
    return b""


def _move(words: U64, at: int, lead: int, tmp: U64) -> None:
    """Text in words[0..2] moved `at` bytes on, into words[0..3], after the bytes of `lead`."""
    up, down = _U(8 * at), _U(64 - 8 * at)
    np.right_shift(words[2], down, out=words[3])
    for k in (2, 1):
        words[k] <<= up
        words[k] |= np.right_shift(words[k - 1], down, out=tmp)
    words[0] <<= up
    words[0] |= _U(lead)


def _where(mask: NDArray[np.bool_]) -> I64:
    """`np.flatnonzero(mask)` for masks that are usually all false: `any` finds that in a
    third of the time."""
    return np.flatnonzero(mask) if mask.any() else _NO_ROWS


_NO_ROWS = np.empty(0, dtype=np.int64)


def _same(a: I64) -> bool:
    """Whether every entry of `a` is the same (the ends first: where they differ, as in a
    block of mixed rows, no pass over the array is needed)."""
    return bool(a[0] == a[-1]) and bool(a.min() == a.max())


def _ascii8_into(v: U64, t: dict[str, U64], out: U64, high: U64, tmp: U64) -> U64:
    """Eight ASCII digits of v < 10**8 into `out`, the first in the lowest byte."""
    np.floor_divide(v, _U(10_000), out=high)
    t["ascii4"].take(high.view(np.int64), mode="wrap", out=out)
    np.multiply(high, _U(10_000), out=tmp)
    np.subtract(v, tmp, out=high)
    out |= t["ascii4_high"].take(high.view(np.int64), mode="wrap", out=tmp)
    return out
