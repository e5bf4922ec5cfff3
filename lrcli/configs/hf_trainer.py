"""Hugging Face `TrainingArguments` as JSON or YAML, with the Trainer's step arithmetic (5.24).

The Trainer counts T optimizer updates from the data when `max_steps` is not set, rounds a
warmup ratio up, and steps the scheduler once per update. The arithmetic is spelled out in
`Reading.explain`, since that is where the surprises are.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from lrcli.calls import clip
from lrcli.configs import FIELD, Facts, Reading
from lrcli.frameworks import _args, transformers
from lrcli.schedule import ScheduleError

KIND = "hf-trainer"

_MARKS = ("lr_scheduler_type", "per_device_train_batch_size", "learning_rate", "num_train_epochs")


def detect(path: Path, data: Any) -> bool:
    return isinstance(data, dict) and sum(key in data for key in _MARKS) >= 2


def _number(data: dict[str, Any], key: str, default: Any) -> Any:
    value = data.get(key, default)
    if isinstance(value, str):
        hint = ""
        try:
            float(value)
            hint = (
                f"; YAML reads {value} as text (YAML 1.1 floats need a dot and a signed "
                "exponent, such as 3.0e-4), and transformers would fail on it too"
            )
        except ValueError:
            pass
        raise ScheduleError(FIELD, f"{key} is the string {clip(value)!r}, not a number{hint}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScheduleError(FIELD, f"{key} = {clip(repr(value))} is not a number")
    return value


def _plural(n: float, one: str) -> str:
    return f"{n:,} {one}" if n == 1 else f"{n:,} {one}s"


def read(path: Path, data: Any, facts: Facts) -> Reading:
    if "warmup_ratio" in data and data.get("warmup_steps", 0) not in (0, None):
        raise ScheduleError(FIELD, "the file sets both warmup_ratio and warmup_steps; keep one")
    lr = facts.held("lr", _number(data, "learning_rate", 5e-5), "learning_rate")
    kind = data.get("lr_scheduler_type", "linear")
    kwargs = data.get("lr_scheduler_kwargs") or {}
    if isinstance(kwargs, str):  # TrainingArguments turns a JSON string into a dict
        try:
            kwargs = json.loads(kwargs)
        except ValueError:
            raise ScheduleError(FIELD, "lr_scheduler_kwargs is a string but not JSON") from None
    if not isinstance(kwargs, dict):
        raise ScheduleError(FIELD, "lr_scheduler_kwargs must be a mapping")
    explain: list[str] = []
    max_steps = _number(data, "max_steps", -1)
    if max_steps > 0:
        total = int(max_steps)
        explain.append(f"max_steps = {total:,} updates (the data plays no part)")
    else:
        total = _count_updates(data, facts, explain)
    warmup = _warmup(data, total, explain)
    optimizer = _args.Optimizer(lr)
    try:
        schedule = transformers.APIS["get_scheduler"](
            kind,
            optimizer,
            num_warmup_steps=warmup,
            num_training_steps=total,
            scheduler_specific_kwargs=kwargs,
        )
    except ScheduleError as e:
        raise ScheduleError(FIELD, f"lr_scheduler_type {kind!r}: {e}") from None
    explain.append(
        f"get_scheduler({kind!r}, num_warmup_steps={warmup:,}, num_training_steps={total:,}) "
        f"at learning_rate {lr!r}, stepped after every update"
    )
    return Reading(schedule, KIND, explain, last_update=total - 1)


def _count_updates(data: dict[str, Any], facts: Facts, explain: list[str]) -> int:
    """T as `Trainer.set_initial_training_values` counts it from the data."""
    epochs = _number(data, "num_train_epochs", 3.0)
    samples = facts.need(
        "train_samples",
        f"num_train_epochs is {epochs:g} and max_steps is not set: give --train-samples (and "
        "--world-size if not 1) to count the steps",
    )
    world = facts.get("world_size", 1)
    batch = _held_int(data, facts, "per_device_train_batch_size", "batch_size", 8)
    accum = _held_int(data, facts, "gradient_accumulation_steps", "grad_accum", 1)
    drop = bool(data.get("dataloader_drop_last", False))
    batches = samples // batch if drop else -(-samples // batch)
    kept = " (last batch dropped)" if drop else " (last batch kept)"
    line = f"{samples:,} samples / {batch:,} per device = {_step(samples, batch, batches)} batches"
    if world > 1:
        per = batches // world if drop or batches % world == 0 else batches // world + 1
        line += f", / {world} processes = {_step(batches, world, per)} per process"
    else:
        per = batches
    line += kept if samples % batch or (world > 1 and batches % world) else ""
    updates = max(per // accum + int(per % accum > 0), 1)
    if accum > 1:
        line += f"; / {accum} accumulation = {_step(per, accum, updates)} updates per epoch"
        line += " (rounded up)" if per % accum else ""
    else:
        line += f"; {updates:,} updates per epoch"
    total = math.ceil(epochs * updates)
    line += f"; x {epochs:g} epoch{'' if epochs == 1 else 's'} = {total:,} steps"
    explain.append(line)
    return int(total)


def _held_int(data: dict[str, Any], facts: Facts, key: str, fact: str, default: int) -> int:
    if key in data:
        value = facts.held(fact, _number(data, key, default), key)
    else:
        value = facts.get(fact, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ScheduleError(FIELD, f"{key} = {clip(repr(value))} must be a whole number >= 1")
    return int(value)


def _step(a: int, b: int, result: int) -> str:
    """`a / b` and what the Trainer makes of it: "3,250" or "406.25 -> 407"."""
    if a % b == 0:
        return f"{a // b:,}"
    return f"{a / b:,.2f}".rstrip("0").rstrip(".") + f" -> {result:,}"


def _warmup(data: dict[str, Any], total: int, explain: list[str]) -> int:
    """`TrainingArguments.get_warmup_steps(T)`: an int count, or ceil(T * ratio) below 1."""
    steps = _number(data, "warmup_steps", 0)
    if "warmup_ratio" in data and not steps:
        ratio = _number(data, "warmup_ratio", 0.0)
        warmup = math.ceil(total * ratio)
        explain.append(
            f"warmup_ratio {ratio:g} of {total:,} = {total * ratio!r} -> {warmup:,} steps "
            "(rounded up; transformers 5 refuses warmup_ratio: write warmup_steps: "
            f"{ratio:g})"
        )
        return int(warmup)
    if steps >= 1:
        return int(steps)
    warmup = math.ceil(total * steps)
    if steps:
        explain.append(
            f"warmup {steps * 100:g}% of {total:,} = {total * steps!r} -> {warmup:,} steps"
            " (rounded up)"
        )
    return int(warmup)
