"""Plain references: the frameworks' own arithmetic, transcribed, one Python float at a time.

These are deliberately the slow, obvious loops (torch's `get_lr` bodies and transformers'
lambdas, as in torch 2.13 and transformers 5.24), so lrcli's vectorised walks and closed
forms can be checked against them for any parameters Hypothesis draws.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable


def walk(start: float, update: Callable[[int, float], float], last: int) -> list[float]:
    """[lr at step 0, lr after one scheduler.step(), ...] up to `last`."""
    lr, out = start, [start]
    for k in range(1, last + 1):
        lr = update(k, lr)
        out.append(lr)
    return out


def step_lr(base: float, step_size: int, gamma: float, last: int) -> list[float]:
    return walk(base, lambda k, lr: lr * gamma if k % step_size == 0 else lr, last)


def multi_step_lr(base: float, milestones: list[int], gamma: float, last: int) -> list[float]:
    counts = Counter(milestones)
    start = base * gamma ** counts[0] if 0 in counts else base
    return walk(start, lambda k, lr: lr * gamma ** counts[k] if k in counts else lr, last)


def constant_lr(base: float, factor: float, total: int, last: int) -> list[float]:
    return walk(base * factor, lambda k, lr: lr * (1.0 / factor) if k == total else lr, last)


def linear_lr(base: float, start: float, end: float, total: int, last: int) -> list[float]:
    def update(k: int, lr: float) -> float:
        if k > total:
            return lr
        return lr * (1.0 + (end - start) / (total * start + (k - 1) * (end - start)))

    return walk(base * start, update, last)


def exponential_lr(base: float, gamma: float, last: int) -> list[float]:
    return walk(base, lambda k, lr: lr * gamma, last)


def polynomial_lr(base: float, total: int, power: float, last: int) -> list[float]:
    def update(k: int, lr: float) -> float:
        if k > total:
            return lr
        return lr * ((1.0 - k / total) / (1.0 - (k - 1) / total)) ** power

    return walk(base, update, last)


def cosine_annealing_lr(base: float, t_max: int, eta_min: float, last: int) -> list[float]:
    def update(k: int, lr: float) -> float:
        if (k - 1 - t_max) % (2 * t_max) == 0:
            return lr + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
        return (1 + math.cos(math.pi * k / t_max)) / (1 + math.cos(math.pi * (k - 1) / t_max)) * (
            lr - eta_min
        ) + eta_min

    return walk(base, update, last)


def warm_restarts(base: float, t_0: int, t_mult: int, eta_min: float, last: int) -> list[float]:
    out, t_cur, t_i = [], 0, t_0
    for k in range(last + 1):
        if k:
            t_cur += 1
            if t_cur >= t_i:
                t_cur, t_i = t_cur % t_i, t_i * t_mult
        out.append(eta_min + (base - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2)
    return out


def one_cycle(
    max_lr: float,
    total: int,
    pct: float,
    strategy: str,
    div: float,
    final_div: float,
    three: bool,
    last: int,
) -> list[float]:
    initial = max_lr / div
    low = initial / final_div
    if three:
        phases = [
            (float(pct * total) - 1, initial, max_lr),
            (float(2 * pct * total) - 2, max_lr, initial),
            (total - 1, initial, low),
        ]
    else:
        phases = [(float(pct * total) - 1, initial, max_lr), (total - 1, max_lr, low)]
    out = []
    for k in range(last + 1):
        start_step = 0.0
        for i, (end, lo, hi) in enumerate(phases):
            if k <= end or i == len(phases) - 1:
                p = (k - start_step) / (end - start_step)
                if strategy == "cos":
                    out.append(hi + (lo - hi) / 2.0 * (math.cos(math.pi * p) + 1))
                else:
                    out.append((hi - lo) * p + lo)
                break
            start_step = end
    return out


def cyclic(
    base: float, top: float, up: int, down: int, mode: str, gamma: float, last: int
) -> list[float]:
    total = float(up) + float(down)
    ratio = float(up) / total
    out = []
    for k in range(last + 1):
        cycle = math.floor(1 + k / total)
        x = 1.0 + k / total - cycle
        scale = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
        height = (top - base) * scale
        if mode == "triangular":
            out.append(base + height * 1.0)
        elif mode == "triangular2":
            out.append(base + height * (1 / 2.0 ** (cycle - 1)))
        else:
            out.append(base + height * gamma**k)
    return out


# transformers: base_lr * lambda(step)


def hf_linear(base: float, warmup: int, total: int, last: int) -> list[float]:
    def lam(k: int) -> float:
        if k < warmup:
            return float(k) / float(max(1, warmup))
        return max(0.0, float(total - k) / float(max(1, total - warmup)))

    return [base * lam(k) for k in range(last + 1)]


def hf_cosine(
    base: float, warmup: int, total: int, cycles: float, min_rate: float, last: int
) -> list[float]:
    def lam(k: int) -> float:
        if k < warmup:
            return float(k) / float(max(1, warmup))
        progress = float(k - warmup) / float(max(1, total - warmup))
        factor = 0.5 * (1.0 + math.cos(math.pi * float(cycles) * 2.0 * progress))
        factor = factor * (1 - min_rate) + min_rate
        return max(0, factor)

    return [base * lam(k) for k in range(last + 1)]


def hf_polynomial(
    base: float, warmup: int, total: int, end: float, power: float, last: int
) -> list[float]:
    def lam(k: int) -> float:
        if k < warmup:
            return float(k) / float(max(1, warmup))
        if k > total:
            return end / base
        pct = 1 - (k - warmup) / (total - warmup)
        return ((base - end) * pct**power + end) / base

    return [base * lam(k) for k in range(last + 1)]


def hf_inverse_sqrt(base: float, warmup: int, timescale: int, last: int) -> list[float]:
    def lam(k: int) -> float:
        if k < warmup:
            return float(k) / float(max(1, warmup))
        return 1.0 / math.sqrt((k + timescale - warmup) / timescale)

    return [base * lam(k) for k in range(last + 1)]


def hf_wsd(
    base: float,
    warmup: int,
    stable: int,
    decay: int,
    warmup_type: str,
    decay_type: str,
    ratio: float,
    last: int,
) -> list[float]:
    def lam(k: int) -> float:
        if k < warmup:
            p = float(k) / float(max(1, warmup))
            if warmup_type == "linear":
                f = p
            elif warmup_type == "cosine":
                f = 0.5 * (1.0 - math.cos(math.pi * p))
            else:
                f = 1.0 - math.sqrt(1.0 - p)
            return max(0.0, f * (1.0 - ratio) + ratio)
        if k < warmup + stable:
            return 1.0
        if k < warmup + stable + decay:
            p = float(k - warmup - stable) / float(max(1, decay))
            if decay_type == "linear":
                f = 1.0 - p
            elif decay_type == "cosine":
                f = 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * p))
            else:
                f = 1.0 - math.sqrt(p)
            return max(0.0, f * (1.0 - ratio) + ratio)
        return ratio

    return [base * lam(k) for k in range(last + 1)]
