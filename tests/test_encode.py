"""The byte encoder writes exactly what Python's own formatting would."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

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
