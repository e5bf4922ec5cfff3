"""`--to keras`: a `keras.optimizers.schedules` object, called with the step.

Keras's classes where one fits (`CosineDecay` takes `warmup_target` and counts `decay_steps`
after the warmup; `alpha` is a fraction of the rate, not a rate). Else a
`LearningRateSchedule` subclass computing the schedule's formula with `keras.ops` in float32.
"""

from __future__ import annotations

from typing import Any

from lrcli.exporters import ExportError, Port
from lrcli.exporters import _plan as plan_
from lrcli.exporters._native import model, r, rf
from lrcli.frameworks import keras as k
from lrcli.frameworks import tf1
from lrcli.schedule import Dtype
from lrcli.smooth import Phased

NS = "keras.optimizers.schedules"
OPS = plan_.Ops.of("keras.ops")


def same(s: Any, ns: str = NS) -> str | None:
    """The Keras call for a Keras (or TF1, whose arithmetic is Keras's) schedule."""
    if isinstance(s, tf1.LinearCosineDecay):
        return None
    if isinstance(s, (k.ExponentialDecay, k.InverseTimeDecay)):
        name = "ExponentialDecay" if isinstance(s, k.ExponentialDecay) else "InverseTimeDecay"
        return f"{ns}.{name}({rf(s.init)}, {r(s.steps)}, {r(s.rate)}, staircase={s.staircase})"
    if isinstance(s, k.PolynomialDecay):
        return (
            f"{ns}.PolynomialDecay({rf(s.init)}, {r(s.steps)}, end_learning_rate="
            f"{rf(s.end_value)}, power={r(s.power)}, cycle={s.cycle})"
        )
    if isinstance(s, k.CosineDecay):
        warm = ""
        if s.warmup_target is not None:
            warm = f", warmup_target={rf(s.warmup_target)}, warmup_steps={r(s.warmup_steps)}"
        return f"{ns}.CosineDecay({rf(s.init)}, {r(s.steps)}, alpha={r(s.alpha)}{warm})"
    if isinstance(s, k.CosineDecayRestarts):
        return (
            f"{ns}.CosineDecayRestarts({rf(s.init)}, {r(s.steps)}, t_mul={r(s.t_mul)}, "
            f"m_mul={r(s.m_mul)}, alpha={r(s.alpha)})"
        )
    return None


def from_plan(plan: plan_.Plan) -> str | None:
    first = plan[0]
    if len(plan) == 1 and first.whole:
        if first.kind in ("exp", "invtime"):
            name = "ExponentialDecay" if first.kind == "exp" else "InverseTimeDecay"
            return (
                f"{NS}.{name}({rf(first.a)}, {int(first.n)}, {rf(first.b)}, "
                f"staircase={first.stair})"
            )
        if first.kind in ("linear", "poly") and first.clamp:
            return (
                f"{NS}.PolynomialDecay({rf(first.a)}, {int(first.n)}, end_learning_rate="
                f"{rf(first.b)}, power={r(first.power)})"
            )
        if first.kind == "cosine" and first.clamp and first.a != 0:
            return f"{NS}.CosineDecay({rf(first.a)}, {int(first.n)}, alpha={r(first.b / first.a)})"
    if (
        len(plan) == 2
        and plan_.is_ramp(first)
        and plan[1].kind == "cosine"
        and plan[1].clamp
        and plan[1].whole
        and plan[1].start == first.n
        and first.b == plan[1].a != 0
    ):
        # Keras counts decay_steps after the warmup; alpha is a fraction of warmup_target
        return (
            f"{NS}.CosineDecay({rf(first.a)}, decay_steps={int(plan[1].n)}, "
            f"alpha={r(plan[1].b / plan[1].a)}, warmup_target={rf(plan[1].a)}, "
            f"warmup_steps={int(first.n)})"
        )
    return None


BOTH = "TensorFlow and JAX"
"""The backends whose arithmetic lrcli models: eager ops compute the same on both."""


def _backends(modelled: Any) -> dict[str, Any]:
    """Where lrcli's Keras model (the TensorFlow backend's arithmetic) holds, and JAX where not."""
    jax = modelled.on_jax() if isinstance(modelled, k.KerasSchedule) else modelled
    if jax is modelled:
        return {"backends": BOTH}
    if jax is None:
        why = "XLA's own log decides the restarts, and a restart can come a step early or late"
    else:
        why = "XLA compiles ops.cond's branches and fuses their multiply-adds"
    return {"backends": "TensorFlow", "elsewhere": (("JAX", jax, why),)}


def port(schedule: Phased) -> Port:
    plan = plan_.describe(schedule)
    call = same(schedule)
    how = "Native: the same Keras schedule."
    if call is None and plan is not None:
        call = from_plan(plan)
        how = "Native: " + (call or "").split("(", 1)[0] + "."
    if call is not None:
        modelled = model(call)
        if modelled is not None:
            notes: tuple[str, ...] = ()
            if "warmup_target" in call and not isinstance(schedule, k.KerasSchedule):
                notes = (
                    "Keras counts decay_steps after the warmup; alpha is a fraction of "
                    "warmup_target.",
                )
            body = f"import keras\n\nschedule = {call}\n"
            return Port(body, modelled, Dtype.FLOAT32, how, notes, **_backends(modelled))
    if plan is None:
        raise ExportError(f"exporting {schedule.api} to keras is not supported yet")
    lines = [
        "class Schedule(keras.optimizers.schedules.LearningRateSchedule):",
        '    """The rate at `step`, in float32 as Keras schedules compute."""',
        "",
        "    def __call__(self, step):",
        '        s = keras.ops.cast(step, "float32")',
        *plan_.float32_code(plan, OPS, indent="        "),
    ]
    body = "import keras\n\n\n" + "\n".join(lines) + "\n\n\nschedule = Schedule()\n"
    how = (
        "A LearningRateSchedule computing the schedule's formula in float32 (no Keras class fits)."
    )
    return Port(body, plan_.model32(plan), Dtype.FLOAT32, how, backends=BOTH)
