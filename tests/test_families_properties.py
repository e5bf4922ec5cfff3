"""Each family against a plain transcription of the framework's arithmetic, for any parameters.

Hypothesis draws the arguments; lrcli's vectorised walk or closed form must give the same
float64 as the one-float-at-a-time reference (tests/reference.py) at every step. Then the
phases: they tile the range, constant phases hold one rate, and edges sit where rates change.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcli
import reference as ref
from lrcli.schedule import MAX_STEP
from lrcli.smooth import Phased

LAST = 400
lrs = st.sampled_from([0.1, 3e-4, 0.0625, 1e-3, 7e-3, 2.5e-5, 1.0])
gammas = st.floats(0.05, 1.0)
factors = st.floats(0.01, 1.0)


def rates(call: str, lr: float | None = None, last: int = LAST) -> list[float]:
    schedule = lrcli.parse(call, lr=lr)
    return schedule(np.arange(last + 1)).tolist()


@settings(max_examples=40, deadline=None)
@given(lr=lrs, size=st.integers(1, 50), gamma=gammas)
def test_step_lr(lr: float, size: int, gamma: float) -> None:
    assert rates(f"StepLR(optimizer, {size}, {gamma!r})", lr) == ref.step_lr(lr, size, gamma, LAST)


@settings(max_examples=40, deadline=None)
@given(lr=lrs, ms=st.lists(st.integers(0, LAST + 10), max_size=6), gamma=gammas)
def test_multi_step_lr(lr: float, ms: list[int], gamma: float) -> None:
    ms.sort()
    call = f"MultiStepLR(optimizer, {ms}, gamma={gamma!r})"
    assert rates(call, lr) == ref.multi_step_lr(lr, ms, gamma, LAST)


@settings(max_examples=40, deadline=None)
@given(lr=lrs, factor=factors, total=st.integers(0, 60))
def test_constant_lr(lr: float, factor: float, total: int) -> None:
    call = f"ConstantLR(optimizer, factor={factor!r}, total_iters={total})"
    assert rates(call, lr) == ref.constant_lr(lr, factor, total, LAST)


@settings(max_examples=40, deadline=None)
@given(lr=lrs, start=factors, end=st.floats(0.0, 1.0), total=st.integers(1, 300))
def test_linear_lr(lr: float, start: float, end: float, total: int) -> None:
    call = f"LinearLR(optimizer, {start!r}, {end!r}, {total})"
    assert rates(call, lr) == ref.linear_lr(lr, start, end, total, LAST)


@settings(max_examples=40, deadline=None)
@given(lr=lrs, gamma=gammas)
def test_exponential_lr(lr: float, gamma: float) -> None:
    assert rates(f"ExponentialLR(optimizer, {gamma!r})", lr) == ref.exponential_lr(lr, gamma, LAST)


@settings(max_examples=40, deadline=None)
@given(lr=lrs, total=st.integers(1, 300), power=st.sampled_from([1, 2, 0.5, 0.9, 3.0, 1.7]))
def test_polynomial_lr(lr: float, total: int, power: float) -> None:
    call = f"PolynomialLR(optimizer, total_iters={total}, power={power!r})"
    assert rates(call, lr) == ref.polynomial_lr(lr, total, power, LAST)


@settings(max_examples=40, deadline=None)
@given(lr=lrs, t_max=st.integers(1, 150), eta=st.sampled_from([0.0, 0, 1e-5, 1e-7, 3e-4]))
def test_cosine_annealing_lr_follows_the_recursion(lr: float, t_max: int, eta: float) -> None:
    call = f"CosineAnnealingLR(optimizer, T_max={t_max}, eta_min={eta!r})"
    assert rates(call, lr) == ref.cosine_annealing_lr(lr, t_max, eta, LAST)


@settings(max_examples=40, deadline=None)
@given(lr=lrs, t_0=st.integers(1, 60), t_mult=st.integers(1, 3), eta=st.sampled_from([0.0, 1e-6]))
def test_warm_restarts(lr: float, t_0: int, t_mult: int, eta: float) -> None:
    call = f"CosineAnnealingWarmRestarts(optimizer, {t_0}, {t_mult}, {eta!r})"
    assert rates(call, lr) == ref.warm_restarts(lr, t_0, t_mult, eta, LAST)


@settings(max_examples=40, deadline=None)
@given(
    top=lrs,
    total=st.integers(20, LAST),
    pct=st.sampled_from([0.1, 0.25, 0.3, 0.45, 0.5]),
    strategy=st.sampled_from(["cos", "linear"]),
    div=st.sampled_from([25.0, 10, 100.0]),
    three=st.booleans(),
)
def test_one_cycle(
    top: float, total: int, pct: float, strategy: str, div: float, three: bool
) -> None:
    call = (
        f"OneCycleLR(optimizer, {top!r}, total_steps={total}, pct_start={pct!r}, "
        f"anneal_strategy={strategy!r}, div_factor={div!r}, three_phase={three})"
    )
    expected = ref.one_cycle(top, total, pct, strategy, div, 1e4, three, total)
    assert rates(call, last=total) == expected


@settings(max_examples=40, deadline=None)
@given(
    up=st.integers(1, 60),
    down=st.integers(0, 60),
    mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
    gamma=st.floats(0.9, 1.0),
)
def test_cyclic(up: int, down: int, mode: str, gamma: float) -> None:
    call = f"CyclicLR(optimizer, 1e-4, 0.1, {up}, {down}, mode={mode!r}, gamma={gamma!r})"
    assert rates(call) == ref.cyclic(1e-4, 0.1, up, down, mode, gamma, LAST)


@settings(max_examples=40, deadline=None)
@given(lr=lrs, warmup=st.integers(0, 100), span=st.integers(0, 300))
def test_hf_linear(lr: float, warmup: int, span: int) -> None:
    call = f"get_linear_schedule_with_warmup(optimizer, {warmup}, {warmup + span})"
    assert rates(call, lr) == ref.hf_linear(lr, warmup, warmup + span, LAST)


@settings(max_examples=40, deadline=None)
@given(
    lr=lrs,
    warmup=st.integers(0, 100),
    span=st.integers(1, 300),
    cycles=st.sampled_from([0.5, 1, 0.25, 2.5]),
    min_rate=st.sampled_from([None, 0.1, 0.01]),
)
def test_hf_cosine(
    lr: float, warmup: int, span: int, cycles: float, min_rate: float | None
) -> None:
    if min_rate is None:
        call = f"get_cosine_schedule_with_warmup(optimizer, {warmup}, {warmup + span}, {cycles!r})"
    else:
        call = (
            f"get_cosine_with_min_lr_schedule_with_warmup(optimizer, {warmup}, {warmup + span}, "
            f"{cycles!r}, min_lr_rate={min_rate!r})"
        )
    # Without a floor, `factor * (1 - 0.0) + 0.0` is `factor` exactly: one reference serves both.
    expected = ref.hf_cosine(lr, warmup, warmup + span, cycles, min_rate or 0.0, LAST)
    assert rates(call, lr) == expected


@settings(max_examples=40, deadline=None)
@given(
    lr=lrs,
    warmup=st.integers(0, 100),
    span=st.integers(1, 300),
    power=st.sampled_from([1.0, 2, 0.5, 3.0]),
)
def test_hf_polynomial(lr: float, warmup: int, span: int, power: float) -> None:
    call = (
        f"get_polynomial_decay_schedule_with_warmup(optimizer, {warmup}, {warmup + span}, "
        f"lr_end=1e-7, power={power!r})"
    )
    assert rates(call, lr) == ref.hf_polynomial(lr, warmup, warmup + span, 1e-7, power, LAST)


@settings(max_examples=40, deadline=None)
@given(lr=lrs, warmup=st.integers(0, 100), timescale=st.integers(1, 500))
def test_hf_inverse_sqrt(lr: float, warmup: int, timescale: int) -> None:
    call = f"get_inverse_sqrt_schedule(optimizer, {warmup}, timescale={timescale})"
    assert rates(call, lr) == ref.hf_inverse_sqrt(lr, warmup, timescale, LAST)


@settings(max_examples=40, deadline=None)
@given(
    lr=lrs,
    warmup=st.integers(0, 80),
    stable=st.integers(0, 150),
    decay=st.integers(0, 150),
    kinds=st.tuples(*[st.sampled_from(["linear", "cosine", "1-sqrt"])] * 2),
    ratio=st.sampled_from([0, 0.1, 0.0]),
)
def test_hf_wsd(
    lr: float, warmup: int, stable: int, decay: int, kinds: tuple[str, str], ratio: float
) -> None:
    call = (
        f"get_wsd_schedule(optimizer, {warmup}, {decay}, num_stable_steps={stable}, "
        f"warmup_type={kinds[0]!r}, decay_type={kinds[1]!r}, min_lr_ratio={ratio!r})"
    )
    expected = ref.hf_wsd(lr, warmup, stable, decay, *kinds, ratio, LAST)
    assert rates(call, lr) == expected


CALLS = [
    "StepLR(optimizer, 7, 0.5)",
    "MultiStepLR(optimizer, [10, 30, 30, 80])",
    "ConstantLR(optimizer, 0.25, 40)",
    "LinearLR(optimizer, 0.1, 1.0, 50)",
    "ExponentialLR(optimizer, 0.97)",
    "PolynomialLR(optimizer, 90, 2.0)",
    "CosineAnnealingLR(optimizer, 60, 1e-5)",
    "CosineAnnealingWarmRestarts(optimizer, 20, 2)",
    "OneCycleLR(optimizer, 0.1, total_steps=300)",
    "CyclicLR(optimizer, 0.001, 0.1, 25, 40)",
    "SequentialLR(optimizer, [LinearLR(optimizer, 0.01, total_iters=30), "
    "CosineAnnealingLR(optimizer, 200)], milestones=[30])",
    "ChainedScheduler([ConstantLR(optimizer, 0.5, 20), ExponentialLR(optimizer, 0.99)])",
    "get_constant_schedule_with_warmup(optimizer, 40)",
    "get_linear_schedule_with_warmup(optimizer, 40, 250)",
    "get_cosine_schedule_with_warmup(optimizer, 40, 250)",
    "get_cosine_with_hard_restarts_schedule_with_warmup(optimizer, 40, 250, num_cycles=3)",
    "get_polynomial_decay_schedule_with_warmup(optimizer, 40, 250, power=2.0)",
    "get_inverse_sqrt_schedule(optimizer, 40)",
    "get_cosine_with_min_lr_schedule_with_warmup(optimizer, 40, 250, min_lr=1e-5)",
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer, 40, 250, min_lr_rate=0.1)",
    "get_wsd_schedule(optimizer, 40, 60, num_training_steps=250, decay_type='1-sqrt')",
]


@settings(max_examples=60, deadline=None)
@given(call=st.sampled_from(CALLS), first=st.integers(0, 300), length=st.integers(0, 300))
def test_phases_tile_the_range_and_constant_phases_hold_one_rate(
    call: str, first: int, length: int
) -> None:
    schedule = lrcli.parse(call, lr=0.1)
    assert isinstance(schedule, Phased)
    last = first + length
    if "OneCycleLR" in call:
        last = min(last, 300)
        first = min(first, last)
    phases = list(schedule.phases(first, last))
    assert phases[0].first == first and phases[-1].last == last
    for before, after in itertools.pairwise(phases):
        assert after.first == before.last + 1
    values = schedule(np.arange(first, last + 1))
    for phase in phases:
        inside = values[phase.first - first : phase.last - first + 1]
        if phase.shape == "constant":
            assert len(set(inside.tolist())) == 1, phase
    assert all(p.last <= MAX_STEP for p in phases)


def test_phase_edges_sit_where_the_shape_changes() -> None:
    schedule = lrcli.parse("get_wsd_schedule(optimizer, 10, 20, num_stable_steps=30)", lr=1.0)
    assert [(p.first, p.last, p.shape) for p in schedule.phases(0, 100)] == [
        (0, 9, "linear"),
        (10, 39, "constant"),
        (40, 59, "cosine"),
        (60, 100, "constant"),
    ]
