"""A Hugging Face Trainer's `trainer_state.json`: `log_history` entries with `learning_rate`.

The Trainer (transformers 4.51 and later) logs, with `"step": s`, the rate optimizer update s
used: schedule step k = s - 1. A file cut short is read entry by entry as far as it goes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from lrcli.logs import Columns, Log, LogError, name, rate_value, steps_array, whole_step

KIND = "trainer-state"


def detect(path: Path) -> bool:
    if path.name == "trainer_state.json":
        return True
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as file:
            head = file.read(4096)
    except OSError:
        return False
    return b'"log_history"' in head or b'"global_step"' in head


def read(path: Path, columns: Columns) -> Log:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise LogError(f"{name(path)} cannot be read: {reason}") from None
    warnings: list[str] = []
    try:
        data = json.loads(text)
        history = data.get("log_history") if isinstance(data, dict) else None
        if not isinstance(history, list):
            raise LogError(f"{name(path)} has no log_history list: not a trainer_state.json")
    except ValueError:
        history = _salvage(text)
        if history is None:
            raise LogError(f"{name(path)} is not valid JSON and holds no log_history") from None
        warnings.append(
            f"{name(path)} ends early (cut off, or still being written): "
            f"{len(history)} complete log_history entries are checked"
        )
    step_key = columns.step or "step"
    rate_key = columns.rate or "learning_rate"
    steps: list[int] = []
    rates: list[float] = []
    for entry in history:
        if not isinstance(entry, dict) or rate_key not in entry:
            continue  # evaluation and summary entries have no learning_rate
        step, rate = whole_step(entry.get(step_key)), rate_value(entry[rate_key])
        if step is None or rate is None:
            warnings.append(f"a log_history entry has no usable {step_key!r}: left out")
            continue
        steps.append(step)
        rates.append(rate)
    if not steps:
        raise LogError(f"{name(path)} holds no log_history entry with {rate_key!r}")
    return Log(
        path=path,
        kind=KIND,
        steps=steps_array(steps),
        rates=np.array(rates, dtype=np.float64),
        single=False,
        offset=-1,
        alignment=(
            "the Trainer logs with step s the rate update s used: schedule step k = s - 1 "
            "(transformers 4.51 or later; --offset 0 for older)"
        ),
        where=f"log_history[].{rate_key} at log_history[].{step_key}",
        warnings=warnings,
        length=_max_steps(text),
    )


def _max_steps(text: str) -> int | None:
    """`max_steps`, which sort_keys writes after log_history (absent from a cut file)."""
    import re

    found = re.search(r'"max_steps":\s*(\d+)', text)
    return int(found[1]) if found else None


def _salvage(text: str) -> list[Any] | None:
    """The complete entries of `log_history` in a file cut short."""
    start = text.find('"log_history"')
    if start < 0:
        return None
    bracket = text.find("[", start)
    if bracket < 0:
        return None
    decoder = json.JSONDecoder()
    entries: list[Any] = []
    at = bracket + 1
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at >= len(text) or text[at] == "]":
            return entries
        try:
            entry, at = decoder.raw_decode(text, at)
        except ValueError:
            return entries
        entries.append(entry)
