"""Machine-readable output: one small writer per format, step rows or a summary of runs.

Writers take a binary stream and write bytes straight to it, chunk by chunk, so memory stays
flat however many steps are asked for. Rates are written as the shortest text that round-trips.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

from lrcli.encode import encode_rows
from lrcli.schedule import Schedule
from lrcli.selection import Run, Selection

Chunk = tuple[NDArray[np.int64], NDArray[np.float64]]

_JSON_ROW = (b'{"step": ', b', "lr": ', b"}")


def evaluated(schedule: Schedule, selection: Selection) -> Iterator[Chunk]:
    """The selected steps with their rates, chunk by chunk."""
    for steps in selection.chunks():
        yield steps, schedule(steps)


def write_csv(out: BinaryIO, chunks: Iterable[Chunk]) -> None:
    out.write(b"step,lr\n")
    for steps, rates in chunks:
        out.writelines(encode_rows(steps, rates, b"", b",", b"\n"))


def write_jsonl(out: BinaryIO, chunks: Iterable[Chunk]) -> None:
    head, mid, tail = _JSON_ROW
    for steps, rates in chunks:
        out.writelines(encode_rows(steps, rates, head, mid, tail + b"\n"))


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
        out.writelines(encode_rows(steps[-1:], rates[-1:], b"\n  " + head, mid, tail))
    out.write(b"\n]\n")


def _json_rows(out: BinaryIO, chunk: Chunk, comma: bytes) -> None:
    head, mid, tail = _JSON_ROW
    steps, rates = chunk
    out.writelines(encode_rows(steps, rates, b"\n  " + head, mid, tail + comma))


ROW_WRITERS: dict[str, Callable[[BinaryIO, Iterable[Chunk]], None]] = {
    "csv": write_csv,
    "json": write_json,
    "jsonl": write_jsonl,
}


def summary_records(runs: Iterable[Run], open_end: bool) -> Iterator[dict[str, int | float | None]]:
    """One record per run; with `open_end`, the final segment's run has no last step."""
    for run in runs:
        last = None if open_end and run.final else run.last_step
        yield {"first_step": run.first_step, "last_step": last, "lr": run.rate}


def write_summary_csv(out: BinaryIO, records: Iterable[dict[str, int | float | None]]) -> None:
    out.write(b"first_step,last_step,lr\n")
    for r in records:
        last = "" if r["last_step"] is None else r["last_step"]
        out.write(f"{r['first_step']},{last},{r['lr']!r}\n".encode())


def write_summary_jsonl(out: BinaryIO, records: Iterable[dict[str, int | float | None]]) -> None:
    for record in records:
        out.write(json.dumps(record, allow_nan=False).encode() + b"\n")


def write_summary_json(out: BinaryIO, records: Iterable[dict[str, int | float | None]]) -> None:
    lines = [json.dumps(record, allow_nan=False) for record in records]
    out.write(("[\n  " + ",\n  ".join(lines) + "\n]\n").encode())


SUMMARY_WRITERS: dict[str, Callable[[BinaryIO, Iterable[dict[str, int | float | None]]], None]] = {
    "csv": write_summary_csv,
    "json": write_summary_json,
    "jsonl": write_summary_jsonl,
}
