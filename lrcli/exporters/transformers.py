"""`--to transformers`: a `transformers` schedule function on a torch optimizer.

A transformers schedule is written back as the same `get_*` call; a torch scheduler as
itself (transformers trains with torch's schedulers too). Other schedules use a `get_*`
function where one fits (`get_wsd_schedule` with no stable phase is a warmup and a cosine
that stops at its end, unlike `get_cosine_schedule_with_warmup`'s), else the torch
exporter's LambdaLR.
"""

from __future__ import annotations

from typing import Any

from lrcli.exporters import Port
from lrcli.exporters import _plan as plan_
from lrcli.exporters import torch as te
from lrcli.exporters._native import model, r
from lrcli.frameworks import transformers as h
from lrcli.schedule import Dtype
from lrcli.smooth import Phased


def same(s: Any) -> str | None:
    w, total = getattr(s, "warmup", 0), getattr(s, "total", 0)
    if isinstance(s, h.ConstantWithWarmup):
        return f"get_constant_schedule_with_warmup(optimizer, num_warmup_steps={w})"
    if isinstance(s, h.ConstantSchedule):
        return "get_constant_schedule(optimizer)"
    if isinstance(s, h.LinearWithWarmup):
        return f"get_linear_schedule_with_warmup(optimizer, {w}, {total})"
    if isinstance(s, h.CosineWithMinLr):
        return (
            f"get_cosine_with_min_lr_schedule_with_warmup(optimizer, {w}, {total}, "
            f"num_cycles={r(s.cycles)}, min_lr_rate={r(s.rate)})"
        )
    if isinstance(s, h.CosineWithWarmup):
        return f"get_cosine_schedule_with_warmup(optimizer, {w}, {total}, num_cycles={r(s.cycles)})"
    if isinstance(s, h.HardRestarts):
        return (
            f"get_cosine_with_hard_restarts_schedule_with_warmup(optimizer, {w}, {total}, "
            f"num_cycles={s.cycles})"
        )
    if isinstance(s, h.PolynomialWithWarmup):
        return (
            f"get_polynomial_decay_schedule_with_warmup(optimizer, {w}, {total}, "
            f"lr_end={r(s.lr_end)}, power={r(s.power)})"
        )
    if isinstance(s, h.InverseSqrt):
        return f"get_inverse_sqrt_schedule(optimizer, {w}, timescale={s.timescale})"
    if isinstance(s, h.CosineWithMinLrRate):
        warm = "" if s.warmup_rate is None else f", warmup_lr_rate={r(s.warmup_rate)}"
        return (
            f"get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer, {w}, {total}, "
            f"num_cycles={r(s.cycles)}, min_lr_rate={r(s.rate)}{warm})"
        )
    if isinstance(s, h.WarmupStableDecay):
        return (
            f"get_wsd_schedule(optimizer, {w}, {s.decay}, num_stable_steps={s.stable}, "
            f"warmup_type={s.warmup_type!r}, decay_type={s.decay_type!r}, "
            f"min_lr_ratio={r(s.ratio)}, num_cycles={r(s.cycles)})"
        )
    return None


def from_plan(plan: plan_.Plan) -> tuple[str, float] | None:
    """A get_* call for the pieces, and the optimizer lr it needs."""
    first, rest = plan[0], plan[1:]
    if len(plan) == 1 and first.kind == "const":
        return "get_constant_schedule(optimizer)", first.a
    warm = plan_.is_ramp(first) and first.start == 0 and first.a == 0 and first.b != 0
    w = int(first.n) if warm else 0
    decay = rest if warm else plan
    if not decay or decay[0].start != w:
        return None
    peak = decay[0].a
    if len(decay) == 1 and decay[0].kind == "const" and warm and first.b == peak:
        return f"get_constant_schedule_with_warmup(optimizer, num_warmup_steps={w})", peak
    if warm and first.b != peak:
        return None
    d = decay[0]
    if len(decay) == 1 and d.whole and d.b == 0 and plan_.is_ramp(d):
        return f"get_linear_schedule_with_warmup(optimizer, {w}, {w + int(d.n)})", peak
    cosine = len(decay) == 1 and d.whole and d.kind == "cosine" and d.clamp and peak != 0
    if cosine and (d.b == 0 or not warm):  # wsd's warmup starts at min_lr_ratio * lr
        return (
            f"get_wsd_schedule(optimizer, {w}, {int(d.n)}, num_stable_steps=0, "
            f"min_lr_ratio={r(d.b / peak)})",
            peak,
        )
    return None


def port(schedule: Phased) -> Port:
    call = same(schedule)
    lr = getattr(schedule, "base_lr", None)
    how = "Native: the same transformers function."
    if call is None:
        torch_port = te.native(schedule)
        if torch_port is not None:  # a torch scheduler: transformers trains with it as it is
            return torch_port._replace(
                how=torch_port.how + " (transformers trains with torch's schedulers.)"
            )
        plan = plan_.describe(schedule)
        found = from_plan(plan) if plan else None
        if found is not None:
            call, lr = found
            how = f"Native: transformers.{call.split('(', 1)[0]}."
    if call is not None and lr is not None:
        modelled = model(call, lr=lr)
        if modelled is not None:
            name = call.split("(", 1)[0]
            body = (
                f"import torch\nfrom transformers import {name}\n\n"
                + te.OPTIMIZER.format(lr=r(lr))
                + f"schedule = {call}\n"
            )
            return Port(body, modelled, Dtype.FLOAT64, how)
    return te.fallback(schedule, "transformers")
