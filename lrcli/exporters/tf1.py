"""`--to tf1`: a function of the int64 `global_step` tensor returning the rate tensor.

`tf.compat.v1.train`'s decay functions where one fits (none has a warmup), else the formula
written with TF ops in float32. TensorFlow is optional: its tests skip where it is missing.
"""

from __future__ import annotations

from lrcli.exporters import ExportError, Port
from lrcli.exporters import _plan as plan_
from lrcli.exporters import keras as ke
from lrcli.exporters._native import model, r, rf
from lrcli.frameworks import keras as k
from lrcli.frameworks import tf1
from lrcli.schedule import Dtype
from lrcli.smooth import Phased

NS = "tf.compat.v1.train"
OPS = plan_.Ops.of("tf", power="pow")


def _call(plan: plan_.Plan | None, schedule: Phased) -> str | None:
    s = schedule
    if isinstance(s, tf1.LinearCosineDecay):
        return (
            f"{NS}.linear_cosine_decay({rf(s.init)}, global_step, {r(s.steps)}, "
            f"num_periods={r(s.periods)}, alpha={r(s.alpha)}, beta={r(s.beta)})"
        )
    if isinstance(s, k.CosineDecay) and s.warmup_target is None:
        return f"{NS}.cosine_decay({rf(s.init)}, global_step, {r(s.steps)}, alpha={r(s.alpha)})"
    if isinstance(s, k.CosineDecayRestarts):
        return (
            f"{NS}.cosine_decay_restarts({rf(s.init)}, global_step, {r(s.steps)}, "
            f"t_mul={r(s.t_mul)}, m_mul={r(s.m_mul)}, alpha={r(s.alpha)})"
        )
    if isinstance(s, k.PolynomialDecay):
        return (
            f"{NS}.polynomial_decay({rf(s.init)}, global_step, {r(s.steps)}, "
            f"end_learning_rate={rf(s.end_value)}, power={r(s.power)}, cycle={s.cycle})"
        )
    if isinstance(s, (k.ExponentialDecay, k.InverseTimeDecay)):
        name = "exponential_decay" if isinstance(s, k.ExponentialDecay) else "inverse_time_decay"
        return (
            f"{NS}.{name}({rf(s.init)}, global_step, {r(s.steps)}, {r(s.rate)}, "
            f"staircase={s.staircase})"
        )
    if plan is None or len(plan) != 1 or not plan[0].whole:
        return None
    p, n = plan[0], int(plan[0].n)
    if p.kind in ("exp", "invtime"):
        name = "exponential_decay" if p.kind == "exp" else "inverse_time_decay"
        return f"{NS}.{name}({rf(p.a)}, global_step, {n}, {rf(p.b)}, staircase={p.stair})"
    if p.kind in ("linear", "poly") and p.clamp:
        return (
            f"{NS}.polynomial_decay({rf(p.a)}, global_step, {n}, end_learning_rate={rf(p.b)}, "
            f"power={r(p.power)})"
        )
    if p.kind == "cosine" and p.clamp and p.a != 0:
        return f"{NS}.cosine_decay({rf(p.a)}, global_step, {n}, alpha={r(p.b / p.a)})"
    return None


NOTE = (
    "lrcli models TensorFlow's eager kernels (TF2 calling the returned function); in a TF1 "
    "graph, Grappler's arithmetic rewrites can move last bits.",
)
DOC = (
    '    """The learning-rate tensor for an int64 global-step tensor (TF1 graph code).\n'
    "\n"
    "    Under TF2's eager execution, the decay functions return a function instead:\n"
    "    call it to get the tensor.\n"
    '    """\n'
)


def port(schedule: Phased) -> Port:
    plan = plan_.describe(schedule)
    call = _call(plan, schedule)
    if call is not None:
        modelled = model(call)
        if modelled is not None:
            same = isinstance(schedule, k.KerasSchedule)
            how = "Native: " + call.split("(", 1)[0] + (", the same arithmetic." if same else ".")
            body = (
                f"import tensorflow as tf\n\n\ndef schedule(global_step):\n{DOC}    return {call}\n"
            )
            return Port(body, modelled, Dtype.FLOAT32, how, NOTE)
    if plan is None:
        raise ExportError(f"exporting {schedule.api} to tf1 is not supported yet")
    lines = [
        "def schedule(global_step):",
        '    """The learning-rate tensor for an int64 global-step tensor, in float32."""',
        "    s = tf.cast(global_step, tf.float32)",
        *plan_.float32_code(plan, OPS),
    ]
    body = "import tensorflow as tf\n\n\n" + "\n".join(lines) + "\n"
    how = "A function of global_step computing the schedule's formula with TF ops in float32."
    return Port(body, plan_.model32(plan), Dtype.FLOAT32, how, NOTE)


_ = ke
