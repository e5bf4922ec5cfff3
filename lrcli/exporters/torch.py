"""`--to torch`: a torch scheduler on an `optimizer` the snippet creates.

A torch scheduler is written back as the same call (exact: the same recursion). A transformers
schedule is a `LambdaLR` with transformers' own lambda, which is what its `get_*` returns. Any
other schedule is a `LambdaLR` over an optimizer with `lr=1.0`: LambdaLR multiplies the lr by
what the lambda returns, so the lambda's float is the rate, bit for bit. torch's own schedulers
recurse in float64 (`lr = lr * factor` step after step) and drift from a schedule computed
afresh at every step, so they are not used for other frameworks' schedules.
"""

from __future__ import annotations

from typing import Any

from lrcli.exporters import ExportError, Port
from lrcli.exporters import _plan as plan_
from lrcli.frameworks import torch as t
from lrcli.frameworks import transformers as h
from lrcli.schedule import Dtype
from lrcli.smooth import Phased

OPTIMIZER = (
    "# PyTorch schedules an optimizer's rate: this one holds a placeholder parameter.\n"
    "# Use your model's optimizer instead, created with the same lr.\n"
    "optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr={lr})\n"
)
NS = "torch.optim.lr_scheduler"


def _r(x: float) -> str:
    return repr(float(x))


def torch_call(s: Any) -> str | None:
    """The torch call that builds `s`, on `optimizer`; None for what has none."""
    if isinstance(s, t.StepLR):
        return f"{NS}.StepLR(optimizer, step_size={s.step_size}, gamma={_r(s.gamma)})"
    if isinstance(s, t.MultiStepLR):
        milestones = sorted(s.counts.elements())
        return f"{NS}.MultiStepLR(optimizer, milestones={milestones}, gamma={_r(s.gamma)})"
    if isinstance(s, t.ConstantLR):
        return f"{NS}.ConstantLR(optimizer, factor={_r(s.factor)}, total_iters={s.total_iters})"
    if isinstance(s, t.LinearLR):
        return (
            f"{NS}.LinearLR(optimizer, start_factor={_r(s.start_factor)}, "
            f"end_factor={_r(s.end_factor)}, total_iters={s.total_iters})"
        )
    if isinstance(s, t.ExponentialLR):
        return f"{NS}.ExponentialLR(optimizer, gamma={_r(s.gamma)})"
    if isinstance(s, t.PolynomialLR):
        return f"{NS}.PolynomialLR(optimizer, total_iters={s.total_iters}, power={_r(s.power)})"
    if isinstance(s, t.CosineAnnealingLR):
        return f"{NS}.CosineAnnealingLR(optimizer, T_max={s.T_max}, eta_min={_r(s.eta_min)})"
    if isinstance(s, t.CosineAnnealingWarmRestarts):
        return (
            f"{NS}.CosineAnnealingWarmRestarts(optimizer, T_0={s.T_0}, T_mult={s.T_mult}, "
            f"eta_min={_r(s.eta_min)})"
        )
    if isinstance(s, t.OneCycleLR):
        # cycle_momentum=False: the placeholder optimizer has no momentum to cycle
        return (
            f"{NS}.OneCycleLR(optimizer, max_lr={_r(s.max_lr)}, total_steps={s.total}, "
            f"pct_start={_r(s.pct_start)}, anneal_strategy={s.strategy!r}, "
            f"div_factor={_r(s.div_factor)}, final_div_factor={_r(s.final_div_factor)}, "
            f"three_phase={s.three_phase}, cycle_momentum=False)"
        )
    if isinstance(s, t.CyclicLR):
        return (
            f"{NS}.CyclicLR(optimizer, base_lr={_r(s.base_lr)}, max_lr={_r(s.max_lr)}, "
            f"step_size_up={s.up}, step_size_down={s.down}, mode={s.mode!r}, "
            f"gamma={_r(s.gamma)}, cycle_momentum=False)"
        )
    if isinstance(s, (t.SequentialLR, t.ChainedScheduler)):
        children = [torch_call(c) for c in s.children]
        if any(c is None for c in children):
            return None
        inner = "".join(f"        {c},\n" for c in children if c is not None)
        if isinstance(s, t.SequentialLR):
            return (
                f"{NS}.SequentialLR(\n    optimizer,\n    schedulers=[\n{inner}    ],\n"
                f"    milestones={s.milestones},\n)"
            )
        return f"{NS}.ChainedScheduler(\n    [\n{inner}    ],\n    optimizer=optimizer,\n)"
    return None


def _warm(w: int, one: str = "1") -> str:
    return f"    if step < {w}:\n        return float(step) / float(max({one}, {w}))\n"


def hf_lambda(s: Any) -> str | None:
    """transformers' lr_lambda for `s`, as `transformers/optimization.py` writes it."""
    if isinstance(s, h.ConstantWithWarmup):
        return f"def lr_lambda(step):\n{_warm(s.warmup, '1.0')}    return 1.0\n"
    if isinstance(s, h.ConstantSchedule):
        return "def lr_lambda(step):\n    return 1\n"
    w, total = getattr(s, "warmup", 0), getattr(s, "total", 0)
    progress = f"    progress = float(step - {w}) / float(max(1, {total} - {w}))\n"
    if isinstance(s, h.LinearWithWarmup):
        return (
            f"def lr_lambda(step):\n{_warm(w)}"
            f"    return max(0.0, float({total} - step) / float(max(1, {total} - {w})))\n"
        )
    if isinstance(s, h.CosineWithMinLr):
        return (
            f"def lr_lambda(step):\n{_warm(w)}{progress}"
            f"    factor = 0.5 * (1.0 + math.cos(math.pi * float({_r(s.cycles)}) * 2.0 "
            "* progress))\n"
            f"    factor = factor * (1 - {_r(s.rate)}) + {_r(s.rate)}\n"
            "    return max(0.0, factor)\n"
        )
    if isinstance(s, h.CosineWithWarmup):
        return (
            f"def lr_lambda(step):\n{_warm(w)}{progress}"
            f"    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float({_r(s.cycles)}) * 2.0 "
            "* progress)))\n"
        )
    if isinstance(s, h.HardRestarts):
        return (
            f"def lr_lambda(step):\n{_warm(w)}{progress}"
            "    if progress >= 1.0:\n        return 0.0\n"
            f"    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float({s.cycles}) * progress)"
            " % 1.0))))\n"
        )
    if isinstance(s, h.PolynomialWithWarmup):
        lr, end, decay = _r(s.base_lr), _r(s.lr_end), total - w
        return (
            f"def lr_lambda(step):\n{_warm(w)}"
            f"    if step > {total}:\n        return {end} / {lr}\n"
            f"    pct_remaining = 1 - (step - {w}) / {decay}\n"
            f"    decay = ({lr} - {end}) * pct_remaining ** {_r(s.power)} + {end}\n"
            f"    return decay / {lr}\n"
        )
    if isinstance(s, h.InverseSqrt):
        shift = s.timescale - w
        return (
            f"def lr_lambda(step):\n{_warm(w)}"
            f"    return 1.0 / math.sqrt((step + {shift}) / {s.timescale})\n"
        )
    if isinstance(s, h.CosineWithMinLrRate):
        if s.warmup_rate is None:
            ramp = f"(step + 1.0) / max(1.0, float({w}))"
        else:
            r = _r(s.warmup_rate)
            ramp = f"{r} + (1.0 - {r}) * float(step) / float(max(1, {w} - 1))"
        return (
            "def lr_lambda(step):\n"
            f"    if step < {w}:\n        return {ramp}\n"
            f"    progress = float(step - {w} + 1) / float(max(1, {total} - {w}))\n"
            f"    factor = 0.5 * (1.0 + math.cos(math.pi * float({_r(s.cycles)}) * 2.0 "
            "* progress))\n"
            f"    factor = factor * (1 - {_r(s.rate)}) + {_r(s.rate)}\n"
            "    return max(0.0, factor)\n"
        )
    if isinstance(s, h.WarmupStableDecay):
        return _wsd(s)
    return None


def _wsd(s: h.WarmupStableDecay) -> str:
    w, st, d, ratio = s.warmup, s.stable, s.decay, _r(s.ratio)
    up = {
        "linear": "progress",
        "cosine": "0.5 * (1.0 - math.cos(math.pi * progress))",
        "1-sqrt": "1.0 - math.sqrt(1.0 - progress)",
    }[s.warmup_type]
    down = {
        "linear": "1.0 - progress",
        "cosine": f"0.5 * (1.0 + math.cos(math.pi * float({_r(s.cycles)}) * 2.0 * progress))",
        "1-sqrt": "1.0 - math.sqrt(progress)",
    }[s.decay_type]
    return (
        "def lr_lambda(step):\n"
        f"    if step < {w}:\n"
        f"        progress = float(step) / float(max(1, {w}))\n"
        f"        factor = {up}\n"
        f"        return max(0.0, factor * (1.0 - {ratio}) + {ratio})\n"
        f"    if step < {w} + {st}:\n        return 1.0\n"
        f"    if step < {w} + {st} + {d}:\n"
        f"        progress = float(step - {w} - {st}) / float(max(1, {d}))\n"
        f"        factor = {down}\n"
        f"        return max(0.0, factor * (1.0 - {ratio}) + {ratio})\n"
        f"    return {ratio}\n"
    )


def native(schedule: Phased) -> Port | None:
    """The torch call itself, or transformers' LambdaLR: the source's own arithmetic."""
    call = torch_call(schedule)
    if call is not None:
        lr = _r(getattr(schedule, "base_lr", 1.0))
        body = "import torch\n\n" + OPTIMIZER.format(lr=lr) + f"schedule = {call}\n"
        api = call.split("(", 1)[0]
        return Port(body, schedule, Dtype.FLOAT64, f"Native: {api}, the same scheduler.")
    lam = hf_lambda(schedule)
    if lam is not None:
        assert isinstance(schedule, h._Lambda)
        imports = "import math\n\nimport torch\n" if "math." in lam else "import torch\n"
        body = (
            f"{imports}\n"
            + OPTIMIZER.format(lr=_r(schedule.base_lr))
            + "\n\n"
            + lam
            + "\n\n"
            + f"schedule = {NS}.LambdaLR(optimizer, lr_lambda)\n"
        )
        how = f"transformers' {schedule.api} is this LambdaLR: its own lambda, on the same lr."
        return Port(body, schedule, Dtype.FLOAT64, how)
    return None


def fallback(schedule: Phased, target: str = "torch") -> Port:
    """A LambdaLR over lr=1.0 whose lambda is the schedule's formula in Python floats."""
    plan = plan_.describe(schedule)
    if plan is None:
        raise ExportError(f"exporting {schedule.api} to {target} is not supported yet")
    round32 = schedule.dtype is Dtype.FLOAT32
    code = plan_.python_code(plan, round32)
    helper = plan_.FLOAT32_HELPER + "\n\n" if round32 else ""
    imports = [m for m in ("math", "struct") if f"{m}." in code + helper]
    head = "".join(f"import {m}\n" for m in imports) + ("\n" if imports else "") + "import torch\n"
    body = (
        f"{head}\n"
        + OPTIMIZER.format(lr="1.0")
        + "\n\n"
        + helper
        + code
        + "\n\n"
        + "# With lr=1.0, LambdaLR's rate is rate(step) itself.\n"
        + f"schedule = {NS}.LambdaLR(optimizer, rate)\n"
    )
    how = "A LambdaLR computing the schedule's formula in Python floats"
    if round32:
        how += f", rounded to float32 as {schedule.framework} computes"
    return Port(body, plan_.model64(plan, round32), Dtype.FLOAT64, how + ".")


def port(schedule: Phased) -> Port:
    return native(schedule) or fallback(schedule)
