"""Exporters: any schedule lrcli reads, written for another framework, with a true comment.

One module per target (`torch`, `transformers`, `optax`, `keras`, `tf1`), each with
`port(schedule) -> Port`: the code, and a model of what that code computes (a native call is
modelled by parsing it with lrcli's own framework models; a fallback by mirroring its
arithmetic). `export` measures the model against the source over every step of the
schedule's span and writes the comment from the measurement, so "Exact" is only said where
it holds. A target that cannot say a schedule raises `ScheduleError` (one line, exit 2).
Adding a target is a new module and one line in `TARGETS`.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np

from lrcli.encode import rate_text
from lrcli.frameworks import _f32 as f32
from lrcli.schedule import CHUNK, MAX_STEP, Dtype, ScheduleError
from lrcli.smooth import Floats, Phased, Steps

TARGETS = ("keras", "tf1", "torch", "optax", "transformers")
NAMES = {
    "keras": "Keras",
    "tf1": "TensorFlow",
    "torch": "PyTorch",
    "optax": "optax",
    "transformers": "transformers",
}

FULL = 1_000_000
"""Spans up to this many steps are compared at every step; longer ones around their edges."""
WINDOW = 2_000
SAMPLES = 250_000


class Port(NamedTuple):
    """Code for a target, and what that code computes at each step."""

    body: str
    """Everything after the comment: imports, a blank line, the code naming `schedule`."""
    model: Callable[[Steps], Floats]
    dtype: Dtype
    how: str
    """One line: the native call, or the fallback and why."""
    notes: tuple[str, ...] = ()
    backends: str = ""
    """Where the claim holds, for a target with several backends ("TensorFlow and JAX")."""
    elsewhere: tuple[tuple[str, Callable[[Steps], Floats] | None, str], ...] = ()
    """Other backends that compute otherwise: (name, what it computes, why it differs); the
    model None where lrcli cannot say."""


class Closeness(NamedTuple):
    exact: bool
    ulps: int
    """The largest difference, in ulps of the target's dtype, over what the code may compute."""
    step: int
    theirs: float
    ours: float
    compared: str
    last: int = 0
    """The last step compared: the statement holds for steps 0..last."""
    ulps32: int = 0
    """For a float32 source ported to a float64 target: the same difference in float32 ulps."""


class ExportError(ScheduleError):
    def __init__(self, message: str) -> None:
        super().__init__("SCHEDULE", message)


class Elsewhere(NamedTuple):
    """The closeness on another backend of the target: None where lrcli cannot say."""

    backend: str
    close: Closeness | None
    why: str


def port(schedule: Phased, target: str) -> tuple[Port, Closeness, list[Elsewhere]]:
    module = importlib.import_module(f"lrcli.exporters.{target}")
    made: Port = module.port(schedule)
    others = [
        Elsewhere(
            name, None if model is None else measure(schedule, made._replace(model=model)), why
        )
        for name, model, why in made.elsewhere
    ]
    return made, measure(schedule, made), others


def span(schedule: Phased) -> tuple[int, int]:
    """The last step compared (past the last phase edge) and how far the source allows."""
    end = min(schedule.end, MAX_STEP // 2)
    last = min(max(4 * end, end + 10_000), MAX_STEP // 2)
    try:
        schedule.check_steps(last, "steps")
    except ScheduleError:
        last = end
    return end, last


def steps_compared(schedule: Phased, last: int) -> tuple[list[Steps], str]:
    """Chunks of steps to compare, and how to say which."""
    if last + 1 <= FULL:
        chunks = [
            np.arange(lo, min(lo + CHUNK * 8, last + 1), dtype=np.int64)
            for lo in range(0, last + 1, CHUNK * 8)
        ]
        return chunks, f"every step 0-{last}"
    edges = {p.first for p in schedule.phases(0, last)} | {0, last}
    parts = [
        np.arange(max(0, e - WINDOW), min(last, e + WINDOW) + 1, dtype=np.int64) for e in edges
    ]
    every = math.ceil(last / SAMPLES)
    parts.append(np.arange(0, last + 1, every, dtype=np.int64))
    steps = np.unique(np.concatenate(parts))
    chunks = [steps[i : i + CHUNK * 8] for i in range(0, len(steps), CHUNK * 8)]
    how = (
        f"{len(steps):,} steps of 0-{last}: every step within {WINDOW:,} of a phase edge "
        f"and every {every:,}th step"
    )
    return chunks, how


def ordered(x: Floats, dtype: Dtype) -> Any:
    """Floats as integers in the same order, one apart per ulp of `dtype`."""
    if dtype is Dtype.FLOAT32:
        with np.errstate(over="ignore"):
            bits = x.astype(np.float32).view(np.int32).astype(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFF), bits)
    bits = x.astype(np.float64).view(np.int64)
    out: Any = np.where(bits < 0, -(bits & 0x7FFFFFFFFFFFFFFF), bits)
    return out


def ulps(ours: Floats, theirs: Floats, dtype: Dtype) -> Floats:
    """How far `theirs` is from `ours` (rounded to `dtype`), in ulps of `dtype`."""
    both_nan = np.isnan(ours) & np.isnan(theirs)
    one_nan = np.isnan(ours) ^ np.isnan(theirs)
    dist: Floats = np.abs(ordered(theirs, dtype) - ordered(ours, dtype)).astype(np.float64)
    dist[both_nan] = 0
    dist[one_nan] = np.inf
    return dist


def _candidates(made: Port, steps: Steps) -> Iterator[Floats]:
    """What the code computes at `steps`: in float32, also with the C library's cos, exp and
    pow an ulp low and an ulp high (they are not correctly rounded)."""
    yield made.model(steps)
    if made.dtype is Dtype.FLOAT32:
        for off in (-1, 1):
            with f32.libm_off_by(off):
                yield made.model(steps)


def measure(schedule: Phased, made: Port) -> Closeness:
    _, last = span(schedule)
    chunks, compared = steps_compared(schedule, last)
    exact, worst, at, theirs_at, ours_at, worst32 = True, -1.0, 0, 0.0, 0.0, 0.0
    for steps in chunks:
        ours = schedule(steps)
        for theirs in _candidates(made, steps):
            same = (ours == theirs) | (np.isnan(ours) & np.isnan(theirs))
            if same.all():
                continue
            exact = False
            dist = ulps(ours, theirs, made.dtype)
            i = int(np.argmax(dist))
            if dist[i] > worst:
                worst, at = float(dist[i]), int(steps[i])
                theirs_at, ours_at = float(theirs[i]), float(ours[i])
            if schedule.dtype is Dtype.FLOAT32 and made.dtype is Dtype.FLOAT64:
                worst32 = max(worst32, float(ulps(ours, theirs, Dtype.FLOAT32).max()))
    if exact:
        return Closeness(True, 0, 0, 0.0, 0.0, compared, last)
    if not math.isfinite(worst):
        raise ExportError(
            f"the code lrcli can write gives NaN or inf at step {at} where the schedule is "
            f"{rate_text(ours_at)}: no faithful port"
        )
    claimed = int(worst)
    return Closeness(False, claimed, at, theirs_at, ours_at, compared, last, int(worst32))


def header(
    schedule: Phased, target: str, made: Port, close: Closeness, others: list[Elsewhere]
) -> tuple[str, str]:
    """The comment at the top of the snippet, and the warning for stderr (empty when exact)."""
    name = NAMES[target]
    lines = [f"# lrcli's schedule ({schedule.description}) in {name}:", f"# {made.how}"]
    on = who = ""
    if made.backends:
        plural = "s" if " and " in made.backends else ""
        on = f" on {name}'s {made.backends} backend{plural}"
        who = f" on the {made.backends} backend{plural}"
    said, what = _claim(close, made.dtype)
    lines.append(f"# {said.format(on=on)}")
    warnings = [f"{name}{who} cannot give lrcli's rates exactly: {what}"] if what else []
    if not close.exact:
        lines.append(f"# (Compared at {close.compared}.)")
    for other in others:
        where = f" on the {other.backend} backend"
        if other.close is None:
            lines.append(f"# On the {other.backend} backend lrcli cannot say: {other.why}.")
            warnings.append(f"{name}{where}: lrcli cannot say how close ({other.why})")
            continue
        said, what = _claim(other.close, made.dtype)
        lines.append(f"# {said.format(on=where)} ({other.why})")
        if what:
            warnings.append(f"{name}{where} cannot give lrcli's rates exactly: {what}")
    if made.dtype is Dtype.FLOAT32 and warnings:
        lines.append("# The bound allows for the C library's cos, exp and pow being an ulp off.")
    lines += [f"# {note}" for note in made.notes]
    return "\n".join(lines) + "\n", warnings[0] if warnings else ""


def _claim(close: Closeness, dtype: Dtype) -> tuple[str, str]:
    """The sentence stating `close` (with `{on}` for where), and what differs ("": exact)."""
    if close.exact:
        return f"Exact{{on}}: it gives lrcli's rate at every step ({close.compared}).", ""
    unit = dtype.value
    extra = f" ({close.ulps32} ulps of float32)" if close.ulps32 else ""
    if close.ulps == 0:
        what = f"lrcli's rates rounded to {unit}, at every step"
    elif close.step == 0 and close.ours == close.theirs:
        what = f"within {close.ulps} ulps of {unit} of lrcli's rates"
    else:
        what = (
            f"within {close.ulps} ulps of {unit}{extra} of lrcli's rates; the largest "
            f"difference is at step {close.step}: {rate_text(close.theirs)} where lrcli "
            f"shows {rate_text(close.ours)}"
        )
    return f"Not exact{{on}}: {what}.", what
