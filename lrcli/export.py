"""Python code that builds a schedule in another framework, with the boundaries converted.

Each exporter writes the framework's own way of saying the schedule and models what the
framework will compute: the boundary side of its convention and the precision it computes in.
Where that model differs from lrcli's rates, the snippet says so in a comment, step by step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np

from lrcli.encode import rate_text
from lrcli.schedule import (
    Convention,
    Dtype,
    Form,
    PiecewiseConstant,
    Schedule,
    ScheduleError,
    Segment,
)

TARGETS = ("keras", "tf1", "torch", "optax", "transformers")
INT32_MAX = 2**31 - 1


class Mismatch(NamedTuple):
    """Steps `first..last` where the framework gives `theirs` and lrcli shows `ours`."""

    first: int
    last: int
    ours: float
    theirs: float


class Snippet(NamedTuple):
    code: str
    mismatches: tuple[Mismatch, ...]
    why: str
    """Why the framework cannot match, when it cannot."""
    warning: str = ""
    """What to warn about on stderr (schedules other than piecewise-constant)."""
    exact: bool = True
    ulps: int = 0
    """The stated largest difference in ulps of `dtype` (0 when exact)."""
    dtype: Dtype = Dtype.FLOAT64
    last: int = -1
    """The last step the statement was measured at (-1: every step, by construction)."""
    backends: str = ""
    """Where `exact` and `ulps` hold, for a target with backends: "TensorFlow and JAX"."""
    elsewhere: tuple[tuple[str, bool, int] | tuple[str, None, None], ...] = ()
    """The claim on other backends: (backend, exact, ulps); (backend, None, None) where lrcli
    cannot say."""


FLOAT32_TARGETS = {"keras": "Keras", "tf1": "TensorFlow", "optax": "optax"}
"""The targets that compute in float32, flushing subnormal results to 0 (XLA and TF on CPU)."""


def export(schedule: Schedule, target: str) -> Snippet:
    """Code that builds `schedule` in `target` (one of `TARGETS`), named `schedule`.

    Raises `ScheduleError` naming the input at fault when a rate cannot be written for the
    target at all (it overflows the target's float32, or the target cannot count that far):
    code that would not run is no answer, and neither is code that gives other rates
    without saying so. Schedules other than piecewise-constant go to `lrcli.exporters`.
    """
    if not isinstance(schedule, PiecewiseConstant):
        return _phased(schedule, target)
    if target in FLOAT32_TARGETS:
        for index, segment in enumerate(schedule.all_segments):
            if not segment.empty and not np.isfinite(_to_f32(segment.rate)):
                raise ScheduleError(
                    _input_field(schedule, index),
                    f"the rate {rate_text(segment.rate)} ({segment.span}) overflows float32, "
                    f"which {FLOAT32_TARGETS[target]} computes in",
                )
    return _EXPORTERS[target](schedule)


def _input_field(schedule: PiecewiseConstant, index: int) -> str:
    """The input a user changes to change the rate of segment `index`."""
    if schedule.form is Form.SCALES:
        return "init_value" if index == 0 else "scales"
    if schedule.form is Form.MILESTONES:
        return "base_lr" if index == 0 else "gamma"
    return "values"


def _to_f32(rate: float) -> np.float32:
    with np.errstate(over="ignore"):
        return np.float32(rate)  # type: ignore[no-any-return]


def _ftz(value: np.float32) -> np.float32:
    """`value`, or 0 of its sign where it is subnormal: float32 on XLA and TF's CPU threads
    runs with flush-to-zero and denormals-are-zero, so a subnormal rate is 0 there."""
    if value != 0 and abs(value) < np.finfo(np.float32).tiny:
        return np.float32(0.0 if value > 0 else -0.0)  # type: ignore[no-any-return]
    return value


def _keras(schedule: PiecewiseConstant) -> Snippet:
    live = _live(schedule)
    boundaries = _boundaries(live, Convention.KERAS)
    values = [_f32_text(s.rate) for s in live]
    notes = _int32_note(boundaries, "Keras on the JAX backend turns boundaries into int32")
    if boundaries:
        body = (
            "schedule = keras.optimizers.schedules.PiecewiseConstantDecay(\n"
            f"    boundaries={_list(map(str, boundaries))},\n"
            f"    values={_list(values)},\n"
            ")\n"
        )
    else:  # PiecewiseConstantDecay needs at least one boundary
        body = (
            "class Constant(keras.optimizers.schedules.LearningRateSchedule):\n"
            "    def __call__(self, step):\n"
            f'        return keras.ops.convert_to_tensor({values[0]}, dtype="float32")\n'
            "\n\n"
            "schedule = Constant()\n"
        )
    return _snippet(schedule, "Keras", "import keras\n", notes, body, _float32(live))


def _tf1(schedule: PiecewiseConstant) -> Snippet:
    live = _live(schedule)
    boundaries = _boundaries(live, Convention.TF)
    values = [_f32_text(s.rate) for s in live]
    if boundaries:
        rate = (
            "tf.compat.v1.train.piecewise_constant(\n"
            f"        global_step, boundaries={_list(map(str, boundaries))}, "
            f"values={_list(values)}\n    )"
        )
    else:
        rate = f"tf.constant({values[0]}, dtype=tf.float32)"
    body = (
        "def schedule(global_step):\n"
        '    """The learning-rate tensor for an int64 global-step tensor (TF1 graph code).\n'
        "\n"
        "    Under TF2's eager execution, piecewise_constant returns a function instead:\n"
        "    call it to get the tensor.\n"
        '    """\n'
        f"    return {rate}\n"
    )
    return _snippet(schedule, "TensorFlow", "import tensorflow as tf\n", [], body, _float32(live))


def _torch(schedule: PiecewiseConstant) -> Snippet:
    live = _live(schedule)
    optimizer = (
        "# PyTorch schedules an optimizer's rate: this one holds a placeholder parameter.\n"
        "# Use your model's optimizer instead, created with the same lr.\n"
        "optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr={lr})\n"
    )
    native = schedule.form is Form.MILESTONES and schedule.dtype is Dtype.FLOAT64
    # torch's optimizers refuse a negative lr; LambdaLR's factors may be negative.
    if native and len(live) == len(schedule.rates) and schedule.inputs[0] >= 0:
        # MultiStepLR chains lr * gamma ** count in float64, exactly as lrcli computes it.
        shift = 1 if schedule.convention.boundary_keeps_old else 0
        milestones = [m + shift for m in schedule.milestones]
        base_lr, gamma = schedule.inputs
        body = optimizer.format(lr=rate_text(base_lr)) + (
            "schedule = torch.optim.lr_scheduler.MultiStepLR(\n"
            f"    optimizer, milestones={_list(map(str, milestones))}, gamma={rate_text(gamma)}\n"
            ")\n"
        )
        return _snippet(schedule, "PyTorch", "import torch\n", [], body, [s.rate for s in live])
    # LambdaLR multiplies the optimizer's lr by what the function returns: with lr=1.0
    # the rate is the value itself, bit for bit, whatever arithmetic made it.
    starts = _boundaries(live, Convention.TORCH)
    body = optimizer.format(lr="1.0") + (
        f"starts = {_list(map(str, starts))}  # the first step of each new rate\n"
        f"rates = {_list(rate_text(s.rate) for s in live)}\n"
        "schedule = torch.optim.lr_scheduler.LambdaLR(\n"
        "    optimizer, lambda step: rates[bisect.bisect_right(starts, step)]\n"
        ")\n"
    )
    imports = "import bisect\n\nimport torch\n"
    return _snippet(schedule, "PyTorch", imports, [], body, [s.rate for s in live])


def _optax(schedule: PiecewiseConstant) -> Snippet:
    live = _live(schedule)
    boundaries = _boundaries(live, Convention.OPTAX)
    notes = _int32_note(boundaries, "JAX counts steps in int32 unless jax_enable_x64 is set")
    if schedule.form is Form.SCALES and len(live) == len(schedule.rates):
        init_value, *scales = schedule.inputs
        pairs = ", ".join(f"{b}: {rate_text(s)}" for b, s in zip(boundaries, scales, strict=True))
        body = (
            "schedule = optax.piecewise_constant_schedule(\n"
            f"    init_value={rate_text(init_value)}, boundaries_and_scales={{{pairs}}}\n"
            ")\n"
        )
        # optax multiplies one scale after another in float32, subnormals flushed to 0.
        rate = _ftz(_to_f32(init_value))
        model = [float(rate)]
        for scale in scales:
            with np.errstate(over="ignore", under="ignore"):
                rate = _ftz(np.float32(_ftz(_to_f32(scale)) * rate))
            model.append(float(rate))
        return _snippet(schedule, "optax", "import optax\n", notes, body, model)
    if len(live) == 1:  # its Python float becomes float32 as soon as jax or an optimizer uses it
        body = f"schedule = optax.constant_schedule({_f32_text(live[0].rate)})\n"
        return _snippet(schedule, "optax", "import optax\n", notes, body, _float32(live))
    constants = "".join(f"        optax.constant_schedule({_f32_text(s.rate)}),\n" for s in live)
    body = (
        "schedule = optax.join_schedules(\n"
        f"    schedules=[\n{constants}    ],\n"
        f"    boundaries={_list(map(str, boundaries))},\n"
        ")\n"
    )
    return _snippet(schedule, "optax", "import optax\n", notes, body, _float32(live))


_EXPORTERS: dict[str, Callable[[PiecewiseConstant], Snippet]] = {
    "keras": _keras,
    "tf1": _tf1,
    "torch": _torch,
    "optax": _optax,
    "transformers": _torch,  # transformers' schedules are torch schedulers
}


def _phased(schedule: Schedule, target: str) -> Snippet:
    from lrcli import exporters
    from lrcli.smooth import Phased

    if not isinstance(schedule, Phased):
        raise exporters.ExportError(f"exporting {type(schedule).__name__} is not supported yet")
    made, close, others = exporters.port(schedule, target)
    head, warning = exporters.header(schedule, target, made, close, others)
    gap = "\n" if made.body.startswith("import") else ""
    return Snippet(
        head + gap + made.body,
        (),
        "",
        warning=warning,
        exact=close.exact,
        ulps=close.ulps,
        dtype=made.dtype,
        last=close.last,
        backends=made.backends,
        elsewhere=tuple(
            (o.backend, None, None) if o.close is None else (o.backend, o.close.exact, o.close.ulps)
            for o in others
        ),
    )


def _live(schedule: PiecewiseConstant) -> list[Segment]:
    """The segments some step reaches; the others have no place in another framework."""
    return [s for s in schedule.all_segments if not s.empty]


def _boundaries(live: Sequence[Segment], convention: Convention) -> list[int]:
    """Where each new segment starts, written in `convention`'s terms."""
    shift = 1 if convention.boundary_keeps_old else 0
    return [s.first - shift for s in live[1:]]


def _float32(live: Sequence[Segment]) -> list[float]:
    """The rates a float32 framework gives: rounded to float32, subnormals flushed to 0."""
    return [float(_ftz(_to_f32(s.rate))) for s in live]


def _f32_text(rate: float) -> str:
    """The shortest text that gives the same float32 as `rate` once read as a Python float."""
    text = str(_to_f32(rate))
    return text if np.float32(float(text)) == _to_f32(rate) else rate_text(rate)


def _list(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _int32_note(boundaries: Sequence[int], why: str) -> list[str]:
    if any(b > INT32_MAX for b in boundaries):
        return [f"Boundaries past {INT32_MAX} may overflow: {why}."]
    return []


def _snippet(
    schedule: PiecewiseConstant,
    framework: str,
    imports: str,
    notes: list[str],
    body: str,
    theirs: list[float],
) -> Snippet:
    live = _live(schedule)
    mismatches = tuple(
        Mismatch(s.first, s.last, s.rate, rate)
        for s, rate in zip(live, theirs, strict=True)
        if rate != s.rate
    )
    why = f"{framework} computes rates in float32" if mismatches else ""
    how = f"{schedule.convention.value} convention, {schedule.dtype.value}"
    lines = [f"# lrcli's schedule ({how}) in {framework}:"]
    lines += [f"#   {s.span}: {rate_text(s.rate)}" for s in live]
    if mismatches:
        lines.append(f"# Not exact: {why}, so at some steps it gives another rate:")
        lines += [
            f"#   {Segment(m.first, m.last, m.ours).span}: "
            f"{rate_text(m.theirs)} where lrcli shows {rate_text(m.ours)}"
            for m in mismatches
        ]
        try:
            as_float32 = [s.rate for s in _live(schedule.with_dtype(Dtype.FLOAT32))]
        except ScheduleError:  # overflows float32 along the way
            as_float32 = []
        if as_float32 == theirs:
            lines.append("# (lrcli show --dtype float32 shows these rates.)")
    else:
        lines.append("# Exact: it gives lrcli's rate at every step.")
    lines += [f"# {note}" for note in notes]
    header = "\n".join(lines) + "\n"
    gap = "\n\n" if body.startswith(("def ", "class ")) else "\n"  # PEP 8's blank lines
    return Snippet(f"{header}{imports}{gap}{body}", mismatches, why)
