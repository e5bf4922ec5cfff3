"""Training logs that record the learning rate: which rate each logged step ran at.

Each kind of log is one module here that declares `KIND`, `detect(path) -> bool` and
`read(path, columns) -> Log`; adding a kind is a new module and one line in `KINDS`. A log is
read as far as it goes: a truncated file, a hole, a repeated step or a rate that is not a
number become warnings, never a failure, so the part that was written can still be checked.

Each kind also knows which schedule step k its step numbers hold (`offset`: k = s + offset),
as the tool that writes it logs them (see tests/golden/logs/README.md).
"""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from lrcli.calls import clip
from lrcli.schedule import MAX_STEP, ScheduleError

KINDS = {
    "trainer-state": "trainer_state",
    "tensorboard": "tensorboard",
    "csv": "table",
    "jsonl": "table",
}
"""Kind name -> module of this package, in the order `detect` asks them."""

FIELD = "LOG"

STEP_NAMES = (
    "step",
    "global_step",
    "trainer/global_step",
    "train/global_step",
    "_step",
    "iteration",
)
"""Step columns, keys or fields lrcli recognises, in order of preference (case is ignored)."""
RATE_NAMES = ("lr", "learning_rate", "train/learning_rate", "train/lr", "learning-rate")
"""Rate columns, keys or tags recognised by name; `lr-<optimizer>` (Lightning) and
`<run> - <name>` (a W&B export) are recognised too."""

HF_RATE = "train/learning_rate"
"""The name the Trainer's callbacks (TensorBoard, W&B) give the lr: its step s holds k = s - 1."""


class Columns(NamedTuple):
    """The step and rate columns (or keys, or tag) the user named, where the names are not
    obvious."""

    step: str | None = None
    rate: str | None = None


class Log(NamedTuple):
    """The learning rates a log holds, in the log's order, and how its steps map to k."""

    path: Path
    kind: str
    steps: NDArray[np.int64]
    """The steps as logged."""
    rates: NDArray[np.float64]
    single: bool
    """The rates were stored as float32 (TensorBoard's `simple_value`)."""
    offset: int
    """Schedule step k = logged step + offset, as the writing tool logs."""
    alignment: str
    """Why that offset, in words."""
    where: str
    """Which field, column or tag holds the rate and which the step."""
    warnings: list[str]
    length: int | None = None
    """The run's planned number of updates, where the log says it (the Trainer's max_steps)."""


class LogError(ScheduleError):
    def __init__(self, message: str) -> None:
        super().__init__(FIELD, message)


def name(path: Path) -> str:
    return repr(clip(str(path), 60))


def read_log(path: Path | str, columns: Columns | None = None) -> Log:
    """The log at `path` (a file, or a folder holding one), cleaned: entries in step order,
    one per step, with a finite rate; what had to be dropped is said in `warnings`."""
    path = Path(path)
    if not path.exists():
        raise LogError(f"{name(path)}: no such file or folder")
    if path.is_dir():
        path = _in_folder(path)
    for kind in dict.fromkeys(KINDS.values()):
        module = importlib.import_module(f"lrcli.logs.{kind}")
        if module.detect(path):
            return clean(module.read(path, columns or Columns()))
    raise LogError(
        f"{name(path)} is not a log lrcli reads: a trainer_state.json, a TensorBoard event "
        "file, or a CSV or JSON Lines file with a step and a learning-rate column"
    )


def _in_folder(folder: Path) -> Path:
    """The log in a Trainer output or checkpoint folder, or the one event file under it."""
    state = folder / "trainer_state.json"
    if state.is_file():
        return state
    checkpoints = sorted(
        (p for p in folder.glob("checkpoint-*/trainer_state.json")),
        key=lambda p: int(p.parent.name.split("-")[-1]) if p.parent.name[11:].isdigit() else -1,
    )
    if checkpoints:
        return checkpoints[-1]
    events = sorted(folder.rglob("events.out.tfevents.*"))
    if len(events) == 1:
        return events[0]
    if events:
        listed = ", ".join(repr(str(e.relative_to(folder))) for e in events[:3])
        raise LogError(
            f"{name(folder)} holds {len(events)} event files ({clip(listed, 120)}); name one"
        )
    raise LogError(
        f"{name(folder)} holds no trainer_state.json, checkpoint-*/trainer_state.json or "
        "TensorBoard event file; name the log file"
    )


def clean(log: Log) -> Log:
    """Drop what cannot be checked, with a warning each: rates that are not finite numbers,
    and repeated steps (the last entry stands); note holes."""
    steps, rates, warnings = log.steps, log.rates, list(log.warnings)
    bad = ~np.isfinite(rates)
    if bad.any():
        shown = ", ".join(str(s) for s in steps[bad][:3].tolist())
        more = f" and {int(bad.sum()) - 3} more" if bad.sum() > 3 else ""
        warnings.append(
            f"the rate is not a number at step{'s' if bad.sum() > 1 else ''} {shown}{more}: "
            "left out"
        )
        steps, rates = steps[~bad], rates[~bad]
    if len(steps) and (np.diff(steps) <= 0).any():
        counts = Counter(steps.tolist())
        repeated = sorted(s for s, c in counts.items() if c > 1)
        if repeated:
            shown = ", ".join(str(s) for s in repeated[:3])
            more = f" and {len(repeated) - 3} more" if len(repeated) > 3 else ""
            warnings.append(
                f"step {shown}{more} {'is' if len(repeated) == 1 else 'are'} logged more than "
                "once (a resumed run?): the last entry of each is checked"
            )
        # The last entry of each step, in step order.
        unique, last = np.unique(steps[::-1], return_index=True)
        steps, rates = unique, rates[::-1][last]
    if len(steps) > 2:
        gaps = np.diff(steps)
        stride = int(np.bincount(np.minimum(gaps, 1_000_000)).argmax()) if len(gaps) else 1
        holes = np.flatnonzero(gaps > stride)
        if stride >= 1 and len(holes):
            i = int(holes[0])
            more = f" ({len(holes) - 1} more holes)" if len(holes) > 1 else ""
            warnings.append(
                f"the log has a hole: no entry between step {int(steps[i])} and step "
                f"{int(steps[i + 1])}{more}; the steps logged are checked"
            )
    if not len(steps):
        raise LogError(f"{name(log.path)} holds no learning rate to check")
    return log._replace(steps=steps, rates=rates, warnings=warnings)


def pick(names: list[str], given: str | None, option: str, what: str, path: Path) -> str:
    """The column (key, tag) holding `what`: the one given, or the one recognised by name."""
    if given is not None:
        if given in names:
            return given
        folded = [n for n in names if n.lower() == given.lower()]
        if len(folded) == 1:
            return folded[0]
        raise ScheduleError(
            option.lstrip("-").replace("-", "_"),
            f"{given!r} is not in {name(path)}; it has {clip(', '.join(names), 120)}",
        )
    wanted = STEP_NAMES if what == "step" else RATE_NAMES
    lowered = {n.lower(): n for n in names}
    for candidate in wanted:
        if candidate in lowered:
            return lowered[candidate]
    if what == "rate":
        guesses = [n for n in names if _rate_like(n)]
        if len(guesses) == 1:
            return guesses[0]
        if guesses:
            raise ScheduleError(
                option.lstrip("-").replace("-", "_"),
                f"{name(path)} has {len(guesses)} learning-rate columns "
                f"({clip(', '.join(guesses), 100)}); say which with {option}",
            )
    raise ScheduleError(
        option.lstrip("-").replace("-", "_"),
        f"{name(path)} has no {what} column lrcli recognises ({clip(', '.join(names), 100)}); "
        f"say which with {option}",
    )


def _rate_like(column: str) -> bool:
    """`lr-AdamW` (Lightning's LearningRateMonitor), `run - train/learning_rate` (W&B)."""
    low = column.lower()
    if low.endswith(("__min", "__max", "momentum")):
        return False
    tail = low.rsplit(" - ", 1)[-1]
    return low.startswith("lr-") or tail in RATE_NAMES or tail.endswith("/learning_rate")


def hf_offset(rate_column: str) -> tuple[int, str]:
    """k = s - 1 for the Trainer's lr (logged before the scheduler steps, transformers
    >= 4.51); k = s for a plain loop that logs the lr it is about to train with."""
    if rate_column.lower().rsplit(" - ", 1)[-1] == HF_RATE:
        return -1, (
            f"{HF_RATE} is the Trainer's: step s holds the rate update s used, schedule step "
            "k = s - 1 (transformers 4.51 or later; --offset 0 for older)"
        )
    return 0, "step s holds schedule step k = s (--offset N if the loop logs otherwise)"


def steps_array(values: list[int]) -> NDArray[np.int64]:
    return np.array(values, dtype=np.int64) if values else np.zeros(0, dtype=np.int64)


def whole_step(value: object) -> int | None:
    """A logged step as an int (W&B writes 12.0), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_STEP else None
    if isinstance(value, float) and value.is_integer() and 0 <= value <= MAX_STEP:
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text) if text else None
        except ValueError:
            return None
        if number is not None and number.is_integer() and 0 <= number <= MAX_STEP:
            return int(text) if text.isdigit() else int(number)
    return None


def rate_value(value: object) -> float | None:
    """A logged rate as a float (NaN stays NaN, to be reported), or None when empty."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            return float("nan")
    return float("nan")
