"""A schedule as textbook pieces, and the fallback code that computes them in each framework.

`describe(schedule)` reads a schedule's parameters into `Piece`s: from step `start` on, one
textbook shape (constant, linear, cosine, polynomial, exponential, inverse time, inverse
square root) of the step. Exporters match pieces to a target's native calls; where none fits,
`python_code` / `float32_code` write the pieces as a function in the target's own arithmetic,
and `model64` / `model32` compute exactly what that function computes, operation by operation,
so the closeness the snippet states is measured, never assumed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from lrcli.exporters._native import rf as _lit
from lrcli.frameworks import _f32 as f
from lrcli.frameworks import keras as k
from lrcli.frameworks import optax as o
from lrcli.frameworks import tf1
from lrcli.frameworks import torch as t
from lrcli.frameworks import transformers as h
from lrcli.schedule import PiecewiseConstant, Schedule
from lrcli.smooth import Floats, Steps

KINDS = ("const", "linear", "cosine", "poly", "exp", "invtime", "invsqrt")


@dataclass(frozen=True)
class Piece:
    """From step `start` on: `kind` of `j = step - origin` (clipped to `n` when `clamp`).

    const: a.  linear: a + (b - a) * (j / n).  cosine: b + (a - b) / 2 * (1 + cos(pi * j / n)).
    poly: (a - b) * (1 - j / n) ** power + b.  exp: a * b ** (j / n), floored with `stair`.
    invtime: a / (1 + b * (j / n)), floored with `stair`.  invsqrt: a / sqrt((j + b) / n).
    """

    start: int
    kind: str
    a: float
    b: float = 0.0
    n: float = 1.0
    origin: float | None = None
    power: float = 1.0
    stair: bool = False
    clamp: bool = True

    @property
    def at(self) -> float:
        return float(self.start if self.origin is None else self.origin)

    @property
    def whole(self) -> bool:
        """Its origin is its start and its length a whole number of steps."""
        return self.origin in (None, self.start) and float(self.n).is_integer()

    def shifted(self, by: int) -> Piece:
        origin = None if self.origin is None else self.origin + by
        return replace(self, start=self.start + by, origin=origin)


Plan = list[Piece]


def describe(schedule: Schedule) -> Plan | None:
    """The schedule as textbook pieces, or None where lrcli has no textbook form for it."""
    for kinds, read in _READERS:
        if isinstance(schedule, kinds):
            plan = read(schedule)
            return None if plan is None else _tidy(plan)
    return None


def _tidy(plan: Plan) -> Plan:
    """Pieces in order, each reaching at least one step; a repeated constant merged."""
    out: Plan = []
    for i, piece in enumerate(plan):
        if i + 1 < len(plan) and plan[i + 1].start <= piece.start:
            continue
        if out and piece.kind == "const" and out[-1].kind == "const" and out[-1].a == piece.a:
            continue
        out.append(piece)
    return out


def _join(parts: list[tuple[int, Plan | None]]) -> Plan | None:
    """Children's plans, each from its start, cut where the next child starts."""
    out: Plan = []
    for i, (start, plan) in enumerate(parts):
        if plan is None:
            return None
        end = parts[i + 1][0] if i + 1 < len(parts) else None
        for j, piece in enumerate(plan):
            moved = piece.shifted(start)
            later = plan[j + 1].start + start if j + 1 < len(plan) else None
            if end is not None and moved.start >= end:
                break
            if later is not None and later <= start:
                continue
            out.append(replace(moved, start=max(moved.start, start)))
    return out


def _cosine(start: int, a: float, b: float, n: float, clamp: bool = True) -> Piece:
    return Piece(start, "cosine", a, b, n, clamp=clamp)


# --- Readers: each family's parameters as pieces ------------------------------------------


def _optax(s: Any) -> Plan | None:
    if isinstance(s, o.Constant):
        return [Piece(0, "const", float(s.value))]
    if isinstance(s, o.Polynomial):
        kind = "poly"  # (init - end) * (1 - j / n) ** power + end, even for power 1
        head = [Piece(0, "const", s.init)] if s.begin else []
        return [*head, Piece(s.begin, kind, s.init, s.end_value, s.steps, power=float(s.power))]
    if isinstance(s, o.Cosine):
        if s.exponent != 1:
            return None
        return [_cosine(0, s.init, s.init * s.alpha, s.steps)]
    if isinstance(s, o.Exponential):
        if s.end_value is not None:
            return None
        head = [Piece(0, "const", s.init)] if s.begin else []
        return [*head, Piece(s.begin, "exp", s.init, s.rate, s.steps, stair=s.staircase)]
    if isinstance(s, o.Join):
        return _join(
            [(b, describe(c)) for b, c in zip([0, *s.boundaries], s.children, strict=True)]
        )
    if isinstance(s, o.Interpolate):
        values = [float(v) for v in s.values]
        plan = [
            Piece(
                s.bounds[i],
                s.kind if s.kind == "linear" else "cosine",
                values[i],
                values[i + 1],
                max(s.bounds[i + 1] - s.bounds[i], 1),
            )
            for i in range(len(s.bounds) - 1)
        ]
        return [*plan, Piece(s.bounds[-1], "const", values[-1])]
    return None


def _keras(s: Any) -> Plan | None:
    if isinstance(s, (k.ExponentialDecay, k.InverseTimeDecay)):
        kind = "exp" if isinstance(s, k.ExponentialDecay) else "invtime"
        return [Piece(0, kind, s.init, float(s.rate), s.steps, stair=s.staircase)]
    if isinstance(s, k.PolynomialDecay):
        if s.cycle:
            return None
        kind = "linear" if s.power == 1 else "poly"
        return [Piece(0, kind, s.init, s.end_value, s.steps, power=float(s.power))]
    if isinstance(s, k.CosineDecay):
        if s.warmup_target is None or s.warmup_steps == 0:
            top = s.init if s.warmup_target is None else s.warmup_target
            return [_cosine(0, top, top * s.alpha, s.steps)]
        if not float(s.warmup_steps).is_integer():
            return None
        w = int(s.warmup_steps)
        target = s.warmup_target
        return [
            Piece(0, "linear", s.init, target, w),
            _cosine(w, target, target * s.alpha, s.steps),
        ]
    return None


def _torch(s: Any) -> Plan | None:
    if isinstance(s, t.ExponentialLR):
        return [Piece(0, "exp", s.base_lr, s.gamma, 1)]
    if isinstance(s, t.StepLR):
        return [Piece(0, "exp", s.base_lr, s.gamma, s.step_size, stair=True)]
    if isinstance(s, t.MultiStepLR):
        plan, rate = [Piece(0, "const", s.base_lr * s.gamma ** s.counts.get(0, 0))], None
        rate = plan[0].a
        for edge in s.edges.tolist():
            rate = rate * s.gamma ** s.counts[edge]
            plan.append(Piece(edge, "const", rate))
        return plan
    if isinstance(s, t.ConstantLR):
        return [Piece(0, "const", s.base_lr * s.factor), Piece(s.total_iters, "const", s.base_lr)]
    if isinstance(s, t.LinearLR):
        a, b = s.base_lr * s.start_factor, s.base_lr * s.end_factor
        return [Piece(0, "linear", a, b, max(s.total_iters, 1))]
    if isinstance(s, t.PolynomialLR):
        return [Piece(0, "poly", s.base_lr, 0.0, s.total_iters, power=float(s.power))]
    if isinstance(s, t.CosineAnnealingLR):
        return [_cosine(0, s.base_lr, s.eta_min, s.T_max, clamp=False)]
    if isinstance(s, t.OneCycleLR):
        plan, start, origin = [], 0, 0.0
        kind = "cosine" if s.strategy == "cos" else "linear"
        for i, (end, lo, hi) in enumerate(s.plan):
            last = i == len(s.plan) - 1
            plan.append(Piece(start, kind, lo, hi, end - origin, origin=origin, clamp=not last))
            start, origin = max(start, math.floor(end) + 1), end
        return plan
    if isinstance(s, t.SequentialLR):
        return _join([(m, describe(c)) for m, c in zip(s.starts, s.children, strict=True)])
    return None


def _hf(s: Any) -> Plan | None:
    lr = s.base_lr
    if isinstance(s, h.ConstantWithWarmup):
        return [Piece(0, "linear", 0.0, lr, s.warmup), Piece(s.warmup, "const", lr)]
    if isinstance(s, h.ConstantSchedule):
        return [Piece(0, "const", lr)]
    warm = [Piece(0, "linear", 0.0, lr, s.warmup)] if getattr(s, "warmup", 0) else []
    if isinstance(s, h.LinearWithWarmup):
        return [*warm, Piece(s.warmup, "linear", lr, 0.0, max(1, s.total - s.warmup))]
    if isinstance(s, h.CosineWithMinLr):
        if s.cycles != 0.5:
            return None
        span = max(1, s.total - s.warmup)
        return [*warm, _cosine(s.warmup, lr, lr * s.rate, span, clamp=False)]
    if isinstance(s, h.CosineWithWarmup):
        if s.cycles != 0.5:
            return None
        return [*warm, _cosine(s.warmup, lr, 0.0, max(1, s.total - s.warmup), clamp=False)]
    if isinstance(s, h.PolynomialWithWarmup):
        kind = "linear" if s.power == 1 else "poly"
        n = s.total - s.warmup
        return [*warm, Piece(s.warmup, kind, lr, s.lr_end, n, power=float(s.power))]
    if isinstance(s, h.InverseSqrt):
        shift = s.timescale - s.warmup
        return [*warm, Piece(s.warmup, "invsqrt", lr, float(shift), s.timescale, origin=0)]
    if isinstance(s, h.WarmupStableDecay):
        if "1-sqrt" in (s.warmup_type, s.decay_type) or s.cycles != 0.5:
            return None
        low = lr * s.ratio
        w, st, d = s.warmup, s.stable, s.decay
        if s.warmup_type != "linear":
            return None  # a rising half cosine: no textbook piece yet
        up = Piece(0, "linear", low, lr, max(1, w))
        down = Piece(w + st, "linear" if s.decay_type == "linear" else "cosine", lr, low, max(1, d))
        return [up, Piece(w, "const", lr), down, Piece(w + st + d, "const", low)]
    return None


def _piecewise(s: Any) -> Plan | None:
    return [Piece(seg.first, "const", seg.rate) for seg in s.all_segments if not seg.empty]


_READERS: list[tuple[Any, Callable[[Any], Plan | None]]] = [
    (PiecewiseConstant, _piecewise),
    (o.OptaxSchedule, _optax),
    ((k.KerasSchedule,), _keras),
    (t.TorchScheduler, _torch),
    (h._Lambda, _hf),
]
_ = tf1  # tf1's classes are Keras's


# --- Code: the pieces as a function of the step --------------------------------------------


def python_code(plan: Plan, round32: bool) -> str:
    """`def rate(step)` in Python floats (float64), rounded to float32 at the end if asked."""
    lines = ["def rate(step):"]
    for i, piece in enumerate(plan):
        expr = _python_expr(piece)
        if round32:
            expr = f"float32({expr})"
        if i + 1 < len(plan):
            lines.append(f"    if step < {plan[i + 1].start}:")
            lines.append(f"        return {expr}")
        else:
            lines.append(f"    return {expr}")
    return "\n".join(lines) + "\n"


FLOAT32_HELPER = (
    "def float32(x):\n"
    '    """x rounded to float32, as the schedule\'s framework computes."""\n'
    '    return struct.unpack("f", struct.pack("f", x))[0]\n'
)


def _python_j(p: Piece) -> str:
    if p.whole and float(p.n).is_integer():
        n = int(p.n)
        return f"min(step - {p.start}, {n})" if p.clamp else f"(step - {p.start})"
    at = _lit(p.at)
    return f"min(step - {at}, {_lit(p.n)})" if p.clamp else f"(step - {at})"


def _python_n(p: Piece) -> str:
    return str(int(p.n)) if p.whole else _lit(p.n)


def _python_expr(p: Piece) -> str:
    j, n = _python_j(p), _python_n(p)
    if p.kind == "const":
        return _lit(p.a)
    if p.kind == "linear":
        return f"{_lit(p.a)} + {_lit(p.b - p.a)} * ({j} / {n})"
    if p.kind == "cosine":
        return f"{_lit(p.b)} + {_lit((p.a - p.b) * 0.5)} * (1.0 + math.cos(math.pi * ({j} / {n})))"
    if p.kind == "poly":
        return f"{_lit(p.a - p.b)} * (1.0 - {j} / {n}) ** {_lit(p.power)} + {_lit(p.b)}"
    j = f"(step - {p.start})" if p.whole else f"(step - {_lit(p.at)})"
    ratio = f"math.floor({j} / {n})" if p.stair else f"({j} / {n})"
    if p.kind == "exp":
        return f"{_lit(p.a)} * {_lit(p.b)} ** {ratio}"
    if p.kind == "invtime":
        return f"{_lit(p.a)} / (1.0 + {_lit(p.b)} * {ratio})"
    return f"{_lit(p.a)} / math.sqrt((step + {_lit(p.b)}) / {n})"  # invsqrt, origin 0


def model64(plan: Plan, round32: bool) -> Callable[[Steps], Floats]:
    """What `python_code(plan, round32)` returns at each step, in numpy float64."""

    def rates(steps: Steps) -> Floats:
        out = np.empty(len(steps), dtype=np.float64)
        for i, p in enumerate(plan):
            hi = plan[i + 1].start if i + 1 < len(plan) else None
            mine = steps >= p.start if i else np.ones(len(steps), dtype=bool)
            if hi is not None:
                mine &= steps < hi
            if mine.any():
                out[mine] = _value64(p, steps[mine])
        if round32:
            with np.errstate(over="ignore"):
                out = out.astype(np.float32).astype(np.float64)
        return out

    return rates


def _value64(p: Piece, steps: Steps) -> Floats:
    with np.errstate(all="ignore"):
        j = (steps - p.start).astype(np.float64) if p.whole else steps.astype(np.float64) - p.at
        n = float(p.n)
        if p.clamp and p.kind in ("linear", "cosine", "poly"):
            j = np.minimum(j, n)
        if p.kind == "const":
            return np.full(len(steps), p.a)
        if p.kind == "linear":
            return p.a + (p.b - p.a) * (j / n)
        if p.kind == "cosine":
            return p.b + (p.a - p.b) * 0.5 * (1.0 + np.cos(np.pi * (j / n)))
        if p.kind == "poly":
            return (p.a - p.b) * _pypow(1.0 - j / n, np.full(len(j), p.power)) + p.b
        ratio = np.floor(j / n) if p.stair else j / n
        if p.kind == "exp":
            return p.a * _pypow(np.full(len(j), p.b), ratio)
        if p.kind == "invtime":
            return p.a / (1.0 + p.b * ratio)
        return p.a / np.sqrt((steps.astype(np.float64) + p.b) / n)


def is_ramp(p: Piece) -> bool:
    """A straight line from a to b over n steps, clipped there, from its start."""
    return p.kind in ("linear", "poly") and p.power == 1 and p.clamp and p.whole


def whole_n(p: Piece) -> int:
    return int(p.n)


def _pypow(base: Floats, exponent: Floats) -> Floats:
    """`base ** exponent` as Python computes it (the C library's pow; numpy's own SIMD pow
    can differ in the last bit), once per distinct pair."""
    pairs, where = np.unique(np.stack([base, exponent]), axis=1, return_inverse=True)
    out = []
    for b, e in pairs.T.tolist():
        try:
            out.append(math.pow(b, e))
        except (ValueError, OverflowError):
            out.append(math.nan)
    return np.array(out, dtype=np.float64)[where.reshape(-1)]


@dataclass(frozen=True)
class Ops:
    """How a float32 framework spells the operations the pieces need."""

    where: str
    minimum: str
    cos: str
    sqrt: str
    power: str
    """Format of `base ** exponent`: `{0}` the base, `{1}` the exponent."""
    stair: str
    """Format of the whole number of `{1}`s in `{0}` (a staircase's count)."""
    const: str = "{}"
    """Format for a float32 constant: `jnp.float32({})`."""
    jit: bool = False
    """Compiled by XLA (optax under `jax.jit`): `model32` follows XLA's rewrites."""

    @classmethod
    def of(cls, module: str, power: str = "power") -> Ops:
        """Eager ops: `module.where`, `module.cos`, ...; constants as Python numbers."""
        return cls(
            where=f"{module}.where",
            minimum=f"{module}.minimum",
            cos=f"{module}.cos",
            sqrt=f"{module}.sqrt",
            power=f"{module}.{power}({{0}}, {{1}})",
            stair=f"{module}.floor({{0}} / {{1}})",
        )

    @classmethod
    def jitted(cls, module: str) -> Ops:
        """`jax.numpy` under `jax.jit`, written as optax writes its schedules (`x ** p`), so
        XLA's rewrites are the ones lrcli models for optax. A staircase is `floor_divide`:
        `floor(x / n)` would be `floor(x * float32(1/n))`, a stair late (47 * (1/47) < 1)."""
        return replace(
            cls.of(module),
            power="{0} ** {1}",
            stair=f"{module}.floor_divide({{0}}, {{1}})",
            jit=True,
        )


def float32_code(plan: Plan, ops: Ops, indent: str = "    ") -> list[str]:
    """Statements computing `rate` from the float32 step `s`, in the framework's ops."""
    lines = []
    for i, p in enumerate(plan):
        lines.append(f"{indent}r{i} = {_float32_expr(p, ops)}")
    out = f"r{len(plan) - 1}"
    for i in range(len(plan) - 2, -1, -1):
        out = f"{ops.where}(s < {ops.const.format(float(plan[i + 1].start))}, r{i}, {out})"
    lines.append(f"{indent}return {out}")
    return lines


def _float32_expr(p: Piece, ops: Ops) -> str:
    c = ops.const.format
    n = c(_lit(p.n))
    j = f"(s - {c(_lit(p.at))})"
    if p.clamp and p.kind in ("linear", "cosine", "poly"):
        j = f"{ops.minimum}({j}, {n})"
    if p.kind == "const":
        return f"s * 0.0 + {c(_lit(p.a))}"
    if p.kind == "linear":
        return f"{c(_lit(p.a))} + {c(_lit(p.b - p.a))} * ({j} / {n})"
    if p.kind == "cosine":
        half = c(_lit((p.a - p.b) * 0.5))
        return f"{c(_lit(p.b))} + {half} * (1.0 + {ops.cos}({c(_lit(math.pi))} * ({j} / {n})))"
    if p.kind == "poly":
        power = ops.power.format(f"(1.0 - {j} / {n})", c(_lit(p.power)))
        return f"{c(_lit(p.a - p.b))} * {power} + {c(_lit(p.b))}"
    ratio = ops.stair.format(j, n) if p.stair else f"({j} / {n})"
    if p.kind == "exp":
        return f"{c(_lit(p.a))} * {ops.power.format(c(_lit(p.b)), ratio)}"
    if p.kind == "invtime":
        return f"{c(_lit(p.a))} / (1.0 + {c(_lit(p.b))} * {ratio})"
    # sqrt(n / x), not 1 / sqrt(x / n): XLA would make that an approximate reciprocal sqrt
    return f"{c(_lit(p.a))} * {ops.sqrt}({n} / (s + {c(_lit(p.b))}))"


def model32(plan: Plan, jit: bool = False) -> Callable[[Steps], Floats]:
    """What `float32_code` computes, op by op in float32 (denormals flushed), widened; with
    `jit`, as XLA compiles it (`Ops.jitted`)."""
    value = _value_jit if jit else _value32

    def rates(steps: Steps) -> Floats:
        s = f.steps(steps)
        out = value(plan[-1], s)
        for i in range(len(plan) - 2, -1, -1):
            out = np.where(s < f.scalar(float(plan[i + 1].start)), value(plan[i], s), out)
        return f.widen(out)

    return rates


def _value32(p: Piece, s: f.F32) -> f.F32:
    one = np.float32(1)
    n = f.scalar(p.n)
    j = f.sub(s, f.scalar(p.at))
    if p.clamp and p.kind in ("linear", "cosine", "poly"):
        j = np.minimum(j, n)
    if p.kind == "const":
        return f.add(f.mul(s, np.float32(0)), f.scalar(p.a))
    if p.kind == "linear":
        return f.add(f.scalar(p.a), f.mul(f.scalar(p.b - p.a), f.div(j, n)))
    if p.kind == "cosine":
        wave = f.add(one, f.cos(f.mul(f.scalar(math.pi), f.div(j, n))))
        return f.add(f.scalar(p.b), f.mul(f.scalar((p.a - p.b) * 0.5), wave))
    if p.kind == "poly":
        base = f.sub(one, f.div(j, n))
        power = f.power(base, f.scalar(p.power))
        return f.add(f.mul(f.scalar(p.a - p.b), power), f.scalar(p.b))
    ratio = np.floor(f.div(j, n)) if p.stair else f.div(j, n)
    if p.kind == "exp":
        return f.mul(f.scalar(p.a), f.power(f.scalar(p.b), ratio))
    if p.kind == "invtime":
        return f.div(f.scalar(p.a), f.add(one, f.mul(f.scalar(p.b), ratio)))
    with np.errstate(invalid="ignore"):
        root = np.sqrt(f.div(n, f.add(s, f.scalar(p.b))))
    return f.mul(f.scalar(p.a), root)


def _value_jit(p: Piece, s: f.F32) -> f.F32:
    """`_float32_expr` for `Ops.jitted`, as XLA:CPU rewrites it (lrcli.frameworks.optax): a
    division by a constant is a multiply by its float32 reciprocal, constants are folded in
    float32, and a multiply feeding an add is fused."""
    one = np.float32(1)
    n = f.scalar(p.n)
    inv = f.recip(n)
    j = f.sub(s, f.scalar(p.at))
    if p.clamp and p.kind in ("linear", "cosine", "poly"):
        j = np.minimum(j, n)
    if p.kind == "const":
        return f.fma(s, np.float32(0), f.scalar(p.a))
    if p.kind == "linear":  # a + d * (j / n) = fma(j, d * (1/n), a)
        return f.fma(j, f.mul(f.scalar(p.b - p.a), inv), f.scalar(p.a))
    if p.kind == "cosine":  # cos(pi * (j / n)) = cos(j * (pi * (1/n)))
        wave = f.add(one, f.cos(f.mul(j, f.mul(f.scalar(math.pi), inv))))
        return f.fma(f.scalar((p.a - p.b) * 0.5), wave, f.scalar(p.b))
    if p.kind == "poly":
        base = f.fma(-j, inv, one)
        power = o.jpow(base, p.power)
        return f.fma(f.scalar(p.a - p.b), power, f.scalar(p.b))
    with np.errstate(all="ignore"):
        ratio = np.floor_divide(j, n) if p.stair else f.mul(j, inv)
    if p.kind == "exp":
        return f.mul(f.scalar(p.a), o.base_pow(p.b, ratio))
    if p.kind == "invtime":  # b * (j / n) = j * (b * (1/n)) when not floored
        times = (
            f.fma(f.scalar(p.b), ratio, one)
            if p.stair
            else f.fma(j, f.mul(f.scalar(p.b), inv), one)
        )
        return f.div(f.scalar(p.a), times)
    with np.errstate(invalid="ignore"):
        root = np.sqrt(f.div(n, f.add(s, f.scalar(p.b))))
    return f.mul(f.scalar(p.a), root)
