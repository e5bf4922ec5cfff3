"""Bulk formatting writes exactly what Python's `repr` writes, for every float64."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from lrcli import shortest


def texts(values: NDArray[np.float64]) -> list[bytes]:
    text, length = shortest.format_floats(values)
    raw = text.view(np.uint8).reshape(len(values), 32)
    return [raw[i, :n].tobytes() for i, n in enumerate(length.tolist())]


def block_texts(values: NDArray[np.float64], at: int = 0) -> list[bytes]:
    """`format_block`'s rows, `at` bytes into their words after a lead of "#"s, each with the
    exponent it left out put back; the lead must come through unchanged."""
    words = np.full((4, len(values)), 0xFFFF_FFFF_FFFF_FFFF, dtype=np.uint64)
    length = np.empty(len(values), dtype=np.int64)
    exponent = shortest.format_block(values, words, length, at, int.from_bytes(b"#" * at, "little"))
    raw = np.ascontiguousarray(words.T).view(np.uint8).reshape(len(values), 32)
    assert (raw[:, :at] == ord("#")).all()
    return [raw[i, at : at + n].tobytes() + exponent for i, n in enumerate(length.tolist())]


def reprs(values: NDArray[np.float64]) -> list[bytes]:
    return [repr(v).encode() for v in values.tolist()]


def from_bits(bits: list[int]) -> NDArray[np.float64]:
    return np.array(bits, dtype=np.uint64).view(np.float64)


bit_patterns = st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=40)


@given(bit_patterns)
def test_any_bit_pattern_reads_as_repr(bits: list[int]) -> None:
    values = from_bits(bits)
    assert texts(values) == reprs(values)
    assert block_texts(values, len(bits) % 8) == reprs(values)


@given(
    st.lists(st.integers(0, 2**52 - 1), min_size=1, max_size=40),
    st.integers(0, 0x7FF),
    st.booleans(),
    st.integers(0, 7),
)
def test_rows_sharing_sign_and_exponent_read_as_repr(
    mantissas: list[int], exponent: int, negative: bool, at: int
) -> None:
    # One sign and exponent in a block: the tables are read once, as numbers, not per row.
    values = from_bits([m | (exponent << 52) | (negative << 63) for m in mantissas])
    assert texts(values) == reprs(values)
    assert block_texts(values, at) == reprs(values)


@pytest.mark.parametrize("edge", [1e-4, 1e-5, 1e15, 1e16, 2.0**-14, 1.0])
def test_a_block_of_one_exponent_reads_as_repr(edge: float) -> None:
    # A whole block of consecutive floats: one exponent (or two, at an edge), every row new.
    start = np.array([edge]).view(np.uint64)[0] - np.uint64(shortest.BLOCK // 2)
    bits = start + np.arange(2 * shortest.BLOCK + 3, dtype=np.uint64)
    values = np.concatenate([bits.view(np.float64), -bits.view(np.float64)])
    assert texts(values) == reprs(values)
    for start in range(0, len(values), shortest.BLOCK):
        block = values[start : start + shortest.BLOCK]
        for at in (0, 2, 7):  # no offset; one folded into the shift; one too far for that
            assert block_texts(block, at) == reprs(block)


@given(st.lists(st.integers(1, 2**52 - 1), min_size=1, max_size=40), st.booleans())
def test_subnormals_read_as_repr(mantissas: list[int], negative: bool) -> None:
    values = from_bits([m | (negative << 63) for m in mantissas])
    assert texts(values) == reprs(values)


@given(st.lists(st.floats(width=32, allow_nan=False), min_size=1, max_size=40))
def test_float32_widened_reads_as_repr(values32: list[float]) -> None:
    values = np.array(values32, dtype=np.float32).astype(np.float64)
    assert texts(values) == reprs(values)


@given(
    st.lists(
        st.tuples(st.integers(-(10**17), 10**17), st.integers(-30, 30)), min_size=1, max_size=40
    )
)
def test_short_decimals_read_as_repr(pairs: list[tuple[int, int]]) -> None:
    # Few digits: Dragonbox's larger divisor, and its exact checks, come into play.
    values = np.array([float(f"{m}e{k}") for m, k in pairs])
    assert texts(values) == reprs(values)


@given(st.lists(st.floats(min_value=1e-12, max_value=1.0), min_size=1, max_size=40))
def test_learning_rates_read_as_repr(rates: list[float]) -> None:
    values = np.array(rates)
    assert texts(values) == reprs(values)


def neighbours(values: NDArray[np.float64], ulps: int = 2) -> NDArray[np.float64]:
    """The values, each with the floats up to `ulps` steps either side, and their negatives."""
    around = [values]
    up, down = values, values
    for _ in range(ulps):
        up, down = np.nextafter(up, np.inf), np.nextafter(down, -np.inf)
        around += [up, down]
    both = np.concatenate(around)
    return np.concatenate([both, -both])


def test_powers_of_two_and_their_neighbours_read_as_repr() -> None:
    values = neighbours(np.ldexp(1.0, np.arange(-1074, 1024)))
    values = values[np.isfinite(values)]
    assert texts(values) == reprs(values)


def test_powers_of_ten_and_their_neighbours_read_as_repr() -> None:
    values = neighbours(np.array([float(f"1e{k}") for k in range(-323, 309)]))
    values = values[np.isfinite(values)]
    assert texts(values) == reprs(values)


@pytest.mark.parametrize("edge", [1e-4, 1e16, 1e-5, 1e15, 1e-100, 1e100])
def test_either_side_of_a_change_of_notation_reads_as_repr(edge: float) -> None:
    # repr writes 0.0001 but 9.999999999999999e-05, 1e+16 but 9999999999999998.0.
    values = neighbours(np.array([edge]), ulps=200)
    assert texts(values) == reprs(values)


def test_notation_examples() -> None:
    values = np.array(
        [1e-05, 0.0001, 2.9999999999999997e-05, 1e16, 1234567890123456.0, -0.0, 0.0, 5e-324]
    )
    assert texts(values) == [
        b"1e-05",
        b"0.0001",
        b"2.9999999999999997e-05",
        b"1e+16",
        b"1234567890123456.0",
        b"-0.0",
        b"0.0",
        b"5e-324",
    ]


def test_inf_and_nan_fall_back_to_repr() -> None:
    values = np.array([math.inf, -math.inf, math.nan, 1.5])
    assert texts(values) == [b"inf", b"-inf", b"nan", b"1.5"]


def test_integers_whose_product_sits_at_a_carry_read_as_repr() -> None:
    # Round numbers from 1e15 to 1e22: the estimated low product lands in its window of doubt.
    values = np.array([float(f"{m}e{k}") for m in range(1, 1000, 7) for k in range(15, 23)])
    assert texts(values) == reprs(values)


def test_many_blocks_of_mixed_layouts_read_as_repr() -> None:
    # More than one block, every layout in one block: the general path's rows merged back.
    rng = np.random.default_rng(12)
    values = rng.integers(0, 2**64, 3 * shortest.BLOCK + 5, dtype=np.uint64).view(np.float64)
    values[::7] = rng.standard_normal(len(values[::7])) * 10.0 ** rng.integers(
        -6, 18, len(values[::7])
    )
    values[::11] = 0.0
    values[::13] = rng.integers(0, 100, len(values[::13])) / 10
    assert texts(values) == reprs(values)
