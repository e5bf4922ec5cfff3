"""CSV and JSON Lines logs: a step and a learning-rate column (W&B and Lightning exports,
a loop's own `csv.writer`).

The columns are recognised by name (`step`, `global_step`, `trainer/global_step`, `_step`;
`lr`, `learning_rate`, `train/learning_rate`, `lr-AdamW`, a W&B export's `run - lr`), or named
with --step-col and --lr-col. Rows without a rate (Lightning writes each metric on its own
row) are skipped. A last line without its line end may be cut short: it is left out.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from lrcli.logs import (
    Columns,
    Log,
    LogError,
    hf_offset,
    name,
    pick,
    rate_value,
    steps_array,
    whole_step,
)

KIND = "csv"


def detect(path: Path) -> bool:
    if path.suffix.lower() in (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".txt", ".log"):
        return True
    try:
        with path.open("rb") as file:
            first = file.readline(4096)
    except OSError:
        return False
    return first.lstrip().startswith(b"{") or b"," in first or b"\t" in first


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise LogError(f"{name(path)} cannot be read: {reason}") from None


def read(path: Path, columns: Columns) -> Log:
    text = _text(path)
    warnings: list[str] = []
    if text and not text.endswith(("\n", "\r")):
        cut = text.rfind("\n")
        warnings.append(
            f"{name(path)} does not end with a line end (cut off, or still being written): "
            "its last line is left out"
        )
        text = text[: cut + 1] if cut >= 0 else ""
    if text.lstrip().startswith("{"):
        records, names = _jsonl(text, path, warnings)
        kind = "jsonl"
    else:
        records, names = _csv(text, path)
        kind = KIND
    step_col = pick(names, columns.step, "--step-col", "step", path)
    rate_col = pick(names, columns.rate, "--lr-col", "rate", path)
    steps: list[int] = []
    rates: list[float] = []
    skipped = 0
    for record in records:
        rate = rate_value(record.get(rate_col))
        if rate is None:
            continue
        step = whole_step(record.get(step_col))
        if step is None:
            skipped += 1
            continue
        steps.append(step)
        rates.append(rate)
    if skipped:
        warnings.append(f"{skipped} rows have a rate but no whole {step_col!r}: left out")
    offset, alignment = hf_offset(rate_col)
    return Log(
        path=path,
        kind=kind,
        steps=steps_array(steps),
        rates=np.array(rates, dtype=np.float64),
        single=False,
        offset=offset,
        alignment=alignment,
        where=f"column {rate_col!r} at column {step_col!r}",
        warnings=warnings,
    )


def _csv(text: str, path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    sample = text[:4096]
    delimiter = "\t" if path.suffix.lower() == ".tsv" or "\t" in sample.split("\n", 1)[0] else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    names = [n for n in (reader.fieldnames or []) if n is not None]
    if not names:
        raise LogError(f"{name(path)} is empty: no header row")
    return list(reader), names


def _jsonl(text: str, path: Path, warnings: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    records: list[dict[str, Any]] = []
    names: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            warnings.append(f"line {number} of {name(path)} is not JSON: the log is read up to it")
            break
        if isinstance(record, dict):
            records.append(record)
            names.update(dict.fromkeys(str(k) for k in record))
    if not records:
        raise LogError(f"{name(path)} holds no JSON object per line")
    return records, list(names)
