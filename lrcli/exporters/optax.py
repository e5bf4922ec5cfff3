"""`--to optax`: a function of the step count, as optax's own schedules are.

optax's calls where they fit, chained with `optax.join_schedules` where one call cannot say
the schedule (each child counts from 0 at its boundary). Else a closure in `jax.numpy`,
float32. optax counts steps in int32: a schedule with an edge past 2**31 - 1 is refused.
"""

from __future__ import annotations

from typing import Any

from lrcli.exporters import ExportError, Port
from lrcli.exporters import _plan as plan_
from lrcli.exporters._native import model, r
from lrcli.frameworks import optax as o
from lrcli.schedule import Dtype
from lrcli.smooth import Phased

INT32_MAX = 2**31 - 1
OPS = plan_.Ops.jitted("jnp")


def same(s: Any) -> str | None:
    """The optax call that builds the optax schedule `s`."""
    if isinstance(s, o.Constant):
        return f"optax.constant_schedule({r(s.value)})"
    if isinstance(s, o.Polynomial):
        return (
            f"optax.polynomial_schedule({r(s.init)}, {r(s.end_value)}, {r(s.power)}, "
            f"{s.steps}, transition_begin={s.begin})"
        )
    if isinstance(s, o.Cosine):
        return (
            f"optax.cosine_decay_schedule({r(s.init)}, {s.steps}, alpha={r(s.alpha)}, "
            f"exponent={r(s.exponent)})"
        )
    if isinstance(s, o.Exponential):
        end = "None" if s.end_value is None else r(s.end_value)
        return (
            f"optax.exponential_decay({r(s.init)}, {s.steps}, {r(s.rate)}, "
            f"transition_begin={s.begin}, staircase={s.staircase}, end_value={end})"
        )
    if isinstance(s, o.Join):
        children = [same(c) for c in s.children]
        if any(c is None for c in children):
            return None
        return _join([c for c in children if c is not None], s.boundaries)
    if isinstance(s, o.Interpolate):
        pairs = ", ".join(f"{b}: {r(x)}" for b, x in s.pairs)
        return f"optax.piecewise_interpolate_schedule({s.kind!r}, {r(s.init)}, {{{pairs}}})"
    return None


def _join(children: list[str], boundaries: list[int]) -> str:
    if len(children) == 1:
        return children[0]
    inner = "".join(f"        {c},\n" for c in children)
    return f"optax.join_schedules(\n    schedules=[\n{inner}    ],\n    boundaries={boundaries},\n)"


def piece_call(p: plan_.Piece) -> str | None:
    """One piece as an optax call counting from 0 at the piece's start."""
    if p.kind == "const":
        return f"optax.constant_schedule({r(p.a)})"
    if not p.whole:
        return None
    n = int(p.n)
    if plan_.is_ramp(p):
        return f"optax.linear_schedule({r(p.a)}, {r(p.b)}, {n})"
    if p.kind == "poly" and p.clamp:
        return f"optax.polynomial_schedule({r(p.a)}, {r(p.b)}, {r(p.power)}, {n})"
    if p.kind == "cosine" and p.clamp and p.a != 0:
        return f"optax.cosine_decay_schedule({r(p.a)}, {n}, alpha={r(p.b / p.a)})"
    if p.kind == "exp":
        return f"optax.exponential_decay({r(p.a)}, {n}, {r(p.b)}, staircase={p.stair})"
    return None


def from_plan(plan: plan_.Plan) -> str | None:
    if (
        len(plan) == 2
        and plan_.is_ramp(plan[0])
        and plan[0].start == 0
        and plan[1].kind == "cosine"
        and plan[1].clamp
        and plan[1].whole
        and plan[1].start == plan[0].n
        and plan[0].b == plan[1].a != 0
    ):
        # optax's decay_steps counts the warmup in; end_value is an absolute rate
        w, d = int(plan[0].n), int(plan[1].n)
        return (
            f"optax.warmup_cosine_decay_schedule(init_value={r(plan[0].a)}, "
            f"peak_value={r(plan[1].a)}, warmup_steps={w}, decay_steps={w + d}, "
            f"end_value={r(plan[1].b)})"
        )
    calls = [piece_call(p) for p in plan]
    if any(c is None for c in calls):
        return None
    return _join([c for c in calls if c is not None], [p.start for p in plan[1:]])


def _check_int32(schedule: Phased, plan: plan_.Plan | None) -> None:
    edges = [p.start for p in plan] if plan else []
    edges.append(schedule.end)
    if max(edges) > INT32_MAX:
        raise ExportError(
            f"optax counts steps in int32 (its step counter stops at {INT32_MAX}): "
            f"{schedule.api} changes at step {max(edges)}, which optax never reaches"
        )


def port(schedule: Phased) -> Port:
    plan = plan_.describe(schedule)
    _check_int32(schedule, plan)
    call = same(schedule)
    how = "Native: the same optax call."
    if call is None and plan is not None:
        call = from_plan(plan)
        how = "Native: " + (call or "").split("(", 1)[0] + "."
    if call is not None:
        modelled = model(call)
        if modelled is not None:
            body = f"import optax\n\nschedule = {call}\n"
            notes = _notes(call)
            return Port(body, modelled, Dtype.FLOAT32, how, notes)
    if plan is None:
        raise ExportError(f"exporting {schedule.api} to optax is not supported yet")
    lines = [
        "def schedule(count):",
        '    """The rate at step `count`, in float32 as optax schedules compute."""',
        "    s = jnp.asarray(count).astype(jnp.float32)",
        *plan_.float32_code(plan, OPS),
    ]
    body = "import jax.numpy as jnp\n\n\n" + "\n".join(lines) + "\n"
    how = "A closure in jax.numpy computing the schedule's formula in float32 (no optax call fits)."
    return Port(body, plan_.model32(plan, jit=OPS.jit), Dtype.FLOAT32, how)


def _notes(call: str) -> tuple[str, ...]:
    if "warmup_cosine_decay_schedule" in call:
        return (
            "optax's decay_steps counts the warmup steps too; end_value is a rate, not a ratio.",
        )
    if "join_schedules" in call:
        return ("join_schedules restarts each schedule's count at 0 at its boundary.",)
    return ()
