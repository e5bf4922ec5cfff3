"""Machine-readable output: one small writer per format, step rows or a summary of runs.

Writers take a binary stream and write bytes straight to it, chunk by chunk, so memory stays
flat however many steps are asked for. Rates are written as the shortest text that round-trips.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
from numpy.typing import NDArray

from lrcli.encode import encode_rows, rate_text

if TYPE_CHECKING:  # names for annotations only: a writer needs none of them loaded
    from lrcli.schedule import Schedule
    from lrcli.selection import Selection
    from lrcli.views import SummaryRow

Chunk = tuple[NDArray[np.int64], NDArray[np.float64]]

_JSON_ROW = (b'{"step": ', b', "lr": ', b"}")


def _write(out: BinaryIO, blocks: Iterable[memoryview]) -> None:
    # `write` per block, not `writelines`: some stream wrappers (click's test runner's
    # combined output among them) copy only what goes through `write`.
    for block in blocks:
        out.write(block)


def evaluated(schedule: Schedule, selection: Selection) -> Iterator[Chunk]:
    """The selected steps with their rates, chunk by chunk."""
    for steps in selection.chunks():
        yield steps, schedule(steps)


def write_csv(out: BinaryIO, chunks: Iterable[Chunk]) -> None:
    out.write(b"step,lr\n")
    for steps, rates in chunks:
        _write(out, encode_rows(steps, rates, b"", b",", b"\n"))


def write_jsonl(out: BinaryIO, chunks: Iterable[Chunk]) -> None:
    head, mid, tail = _JSON_ROW
    for steps, rates in chunks:
        _write(out, encode_rows(steps, rates, head, mid, tail + b"\n"))


def write_json(out: BinaryIO, chunks: Iterable[Chunk]) -> None:
    """An array with one object per line; the last object is the one without a comma."""
    head, mid, tail = _JSON_ROW
    out.write(b"[")
    pending: Chunk | None = None
    for chunk in chunks:
        if pending is not None:
            _json_rows(out, pending, b",")
        pending = chunk
    if pending is not None:
        steps, rates = pending
        _json_rows(out, (steps[:-1], rates[:-1]), b",")
        _write(out, encode_rows(steps[-1:], rates[-1:], b"\n  " + head, mid, tail))
    out.write(b"\n]\n")


def _json_rows(out: BinaryIO, chunk: Chunk, comma: bytes) -> None:
    head, mid, tail = _JSON_ROW
    steps, rates = chunk
    _write(out, encode_rows(steps, rates, b"\n  " + head, mid, tail + comma))


ROW_WRITERS: dict[str, Callable[[BinaryIO, Iterable[Chunk]], None]] = {
    "csv": write_csv,
    "json": write_json,
    "jsonl": write_jsonl,
}


def write_summary_csv(out: BinaryIO, rows: Iterable[SummaryRow]) -> None:
    out.write(b"first_step,last_step,lr,last_lr,shape\n")
    for first, last, lr, last_lr, shape in rows:
        end = "" if last is None else last
        last_text = "" if last_lr is None else rate_text(last_lr)
        out.write(f"{first},{end},{rate_text(lr)},{last_text},{shape}\n".encode())


def write_summary_jsonl(out: BinaryIO, rows: Iterable[SummaryRow]) -> None:
    import json  # loaded only here: startup time counts on the common csv path

    for row in rows:
        out.write(json.dumps(row._asdict(), allow_nan=False).encode() + b"\n")


def write_summary_json(out: BinaryIO, rows: Iterable[SummaryRow]) -> None:
    import json

    lines = [json.dumps(row._asdict(), allow_nan=False) for row in rows]
    out.write(("[\n  " + ",\n  ".join(lines) + "\n]\n").encode())


SUMMARY_WRITERS: dict[str, Callable[[BinaryIO, Iterable[SummaryRow]], None]] = {
    "csv": write_summary_csv,
    "json": write_summary_json,
    "jsonl": write_summary_jsonl,
}
