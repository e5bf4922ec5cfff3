"""The byte encoder writes exactly what Python's own formatting would."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from lrcli import MAX_STEP
from lrcli.encode import encode_rows

rows_st = st.lists(
    st.tuples(
        st.integers(0, MAX_STEP) | st.sampled_from([0, 9, 10, 9999, 10_000, MAX_STEP]),
        st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([0.0, -0.0, 0.1]),
    ),
    max_size=60,
)


@given(rows_st, st.sampled_from([(b"", b",", b"\n"), (b'{"step": ', b', "lr": ', b"}\n")]))
def test_rows_equal_python_formatting(
    rows: list[tuple[int, float]], template: tuple[bytes, bytes, bytes]
) -> None:
    head, mid, tail = template
    steps = np.array([s for s, _ in rows], dtype=np.int64)
    rates = np.array([r for _, r in rows], dtype=np.float64)
    got = b"".join(encode_rows(steps, rates, head, mid, tail))
    want = b"".join(head + b"%d" % s + mid + repr(r).encode() + tail for s, r in rows)
    assert got == want


def test_zero_and_negative_zero_are_written_apart() -> None:
    got = b"".join(encode_rows(np.array([1, 2]), np.array([0.0, -0.0]), b"", b",", b"\n"))
    assert got == b"1,0.0\n2,-0.0\n"


TEMPLATES = [
    (b"", b",", b"\n"),
    (b'{"step": ', b', "lr": ', b"}\n"),
    (b'\n  {"step": ', b', "lr": ', b"},"),
]


def python_rows(
    steps: NDArray[np.int64], rates: NDArray[np.float64], template: tuple[bytes, bytes, bytes]
) -> bytes:
    head, mid, tail = template
    return b"".join(
        head + f"{s}".encode() + mid + f"{r!r}".encode() + tail
        for s, r in zip(steps.tolist(), rates.tolist(), strict=True)
    )


def encoded(
    steps: NDArray[np.int64], rates: NDArray[np.float64], template: tuple[bytes, bytes, bytes]
) -> bytes:
    return b"".join(encode_rows(steps, rates, *template))


@pytest.mark.parametrize("template", TEMPLATES)
def test_smooth_schedule_rows_equal_python_formatting(template: tuple[bytes, bytes, bytes]) -> None:
    # A rate per row, steps crossing 10**4 and 10**5 inside a chunk and across blocks.
    steps = np.arange(9_000, 9_000 + 40_000 * 3, 3, dtype=np.int64)
    progress = (steps - steps[0]) / (steps[-1] - steps[0])
    rates = 3e-4 * np.maximum(0.0, 0.5 * (1.0 + np.cos(np.pi * progress)))
    assert encoded(steps, rates, template) == python_rows(steps, rates, template)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(
    "low, high", [(1e-5, 9e-5), (-9e-5, -1e-5), (1e-4, 9e-4), (1e-120, 9e-120)]
)
def test_blocks_of_one_layout_equal_python_formatting(
    template: tuple[bytes, bytes, bytes], low: float, high: float
) -> None:
    # Whole blocks whose rates share one exponent: it is written between rows, as a constant.
    steps = np.arange(995_000, 1_045_000, dtype=np.int64)
    rates = np.linspace(low, high, len(steps))
    assert encoded(steps, rates, template) == python_rows(steps, rates, template)


@pytest.mark.parametrize("template", TEMPLATES)
def test_blocks_crossing_layouts_equal_python_formatting(
    template: tuple[bytes, bytes, bytes],
) -> None:
    # Blocks cut where the exponent or sign changes, a zero and a power of two among them
    # (each laid out on its own), and blocks of too many short runs to cut.
    steps = np.arange(995_000, 1_095_000, dtype=np.int64)
    rates = np.geomspace(3e-7, 3e3, len(steps))
    rates[100] = 0.0
    rates[20_000:20_010] *= -1
    rates[20_020] = 2.0**-15  # in a run of e-05: the guess is wrong, the run formatted again
    rates[30_000] = 2.0**-12
    rates[70_000:] = np.tile([1e-5, -2e-3, 0.5, 3e17, 1e-300], 6_000)
    assert encoded(steps, rates, template) == python_rows(steps, rates, template)


@pytest.mark.parametrize("template", TEMPLATES)
def test_rates_in_short_runs_equal_python_formatting(template: tuple[bytes, bytes, bytes]) -> None:
    # float32 rates repeat for a few steps at a time: each is formatted once, then copied.
    steps = np.arange(10_000_000, 10_020_000, dtype=np.int64)
    rates = (1e-3 * (1 - (steps - steps[0]) / 3e7)).astype(np.float32).astype(np.float64)
    assert len(np.unique(rates)) < len(rates) < 50 * len(np.unique(rates))
    assert encoded(steps, rates, template) == python_rows(steps, rates, template)


@given(
    st.lists(st.integers(0, MAX_STEP), min_size=1, max_size=300),
    st.sampled_from(TEMPLATES),
    st.integers(0, 2**32),
)
def test_steps_in_any_order_with_their_own_rates_equal_python_formatting(
    steps_list: list[int], template: tuple[bytes, bytes, bytes], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    steps = np.array(steps_list, dtype=np.int64)
    rates = rng.integers(0, 2**64, len(steps), dtype=np.uint64).view(np.float64)
    assert encoded(steps, rates, template) == python_rows(steps, rates, template)


def test_rows_too_short_to_pack_equal_python_formatting() -> None:
    # "1,0.1\n" is 6 bytes: fewer than a word, so these go one at a time.
    steps = np.arange(20, dtype=np.int64)
    rates = np.array([0.1, 0.2, 0.3, 0.5, 1e-05, 0.25, 0.0, -0.0, 2.0, 0.125] * 2)
    rates[10:] *= 3
    assert encoded(steps, rates, TEMPLATES[0]) == python_rows(steps, rates, TEMPLATES[0])
