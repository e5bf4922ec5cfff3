"""optax, Keras 3 and TF1 schedules: properties against plain formulas, notes, and bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrcli.calls import CallError
from lrcli.frameworks import parse
from lrcli.smooth import Phased

EPS32 = 2.0**-23
f32 = np.float32


def at(schedule: Phased, *steps: int) -> list[float]:
    return schedule(np.array(steps, dtype=np.int64)).tolist()


def contiguous(schedule: Phased, first: int, last: int) -> None:
    phases = list(schedule.phases(first, last))
    assert phases[0].first == first and phases[-1].last == last
    for before, after in itertools.pairwise(phases):
        assert after.first == before.last + 1 and before.first <= before.last


rates = st.sampled_from([1e-4, 3e-4, 1e-3, 0.01, 0.1, 0.5, 1.0, 2.5])
lengths = st.integers(1, 5000)


@settings(max_examples=60, deadline=None)
@given(init=rates, end=st.sampled_from([0.0, 1e-6, 1e-4]), steps=lengths, begin=st.integers(0, 50))
def test_optax_linear_schedule_follows_the_formula_and_holds_its_ends(init, end, steps, begin):
    s = parse(f"optax.linear_schedule({init!r}, {end!r}, {steps}, {begin})")
    k = np.arange(0, begin + steps + 3, dtype=np.int64)
    got = s(k)
    assert len(set(got[: begin + 1].tolist())) == 1  # (init - end) * 1 + end until begin
    frac = 1 - np.clip(k - begin, 0, steps) / steps
    reference = (init - end) * frac + end
    assert np.abs(got - reference).max() <= 4 * EPS32 * max(init, end)
    assert np.all(np.diff(got) <= 0)  # never rises on its way down
    contiguous(s, 0, begin + steps + 2)


@settings(max_examples=60, deadline=None)
@given(init=rates, steps=st.integers(1, 300), rate=st.sampled_from([0.5, 0.9, 0.96, 0.1]))
def test_optax_staircase_is_constant_on_each_stair_and_decays_at_its_edges(init, steps, rate):
    s = parse(f"optax.exponential_decay({init!r}, {steps}, {rate!r}, staircase=True)")
    last = 5 * steps
    got = s(np.arange(last + 1, dtype=np.int64))
    for phase in s.phases(0, last):
        assert phase.shape == "constant"
        assert len(set(got[phase.first : phase.last + 1].tolist())) == 1
        if phase.first:
            assert got[phase.first] < got[phase.first - 1]
    starts = [p.first for p in s.phases(0, last)]
    # each stair starts at k*T or one step later (where XLA's k * fl32(1/T) is just below k)
    assert all(b in (k * steps, k * steps + 1) for k, b in enumerate(starts))


@settings(max_examples=60, deadline=None)
@given(init=rates, steps=lengths, alpha=st.sampled_from([0.0, 0.01, 0.1]))
def test_keras_cosine_decay_matches_the_formula_and_ends_at_alpha(init, steps, alpha):
    s = parse(f"keras.optimizers.schedules.CosineDecay({init!r}, {steps}, alpha={alpha!r})")
    k = np.arange(0, steps + 3, dtype=np.int64)
    got = s(k)
    reference = init * (
        (1 - alpha) * 0.5 * (1 + np.cos(np.pi * np.minimum(k, steps) / steps)) + alpha
    )
    assert np.abs(got - reference).max() <= 8 * EPS32 * init
    assert np.all(np.diff(got) <= 0)
    assert got[-1] == got[steps]
    contiguous(s, 0, steps + 2)


@settings(max_examples=40, deadline=None)
@given(
    steps=st.integers(2, 200),
    t_mul=st.sampled_from([1.0, 1.5, 2.0, 3.0]),
    m_mul=st.sampled_from([1.0, 0.9, 0.5]),
)
def test_keras_restarts_begin_each_cycle_at_a_jump_up(steps, t_mul, m_mul):
    s = parse(f"keras.optimizers.schedules.CosineDecayRestarts(1.0, {steps}, {t_mul!r}, {m_mul!r})")
    last = int(steps * (1 + t_mul + t_mul**2)) + 2
    got = s(np.arange(last + 1, dtype=np.int64))
    phases = list(s.phases(0, last))
    contiguous(s, 0, last)
    for phase in phases[1:]:
        assert got[phase.first] > got[phase.first - 1]
        assert np.all(np.diff(got[phase.first : phase.last + 1]) <= 0)


@settings(max_examples=40, deadline=None)
@given(init=rates, steps=st.integers(2, 100), power=st.sampled_from([1.0, 2.0, 0.5]))
def test_tf_polynomial_cycle_restarts_one_step_after_each_multiple(init, steps, power):
    s = parse(
        f"tf.train.polynomial_decay({init!r}, global_step, {steps}, 0.0, {power!r}, cycle=True)"
    )
    got = s(np.arange(4 * steps + 2, dtype=np.int64))
    for k in (1, 2, 3):
        assert got[k * steps] == 0.0
        assert got[k * steps + 1] > 0.0
    assert [p.first for p in s.phases(0, 3 * steps)] == [0, steps + 1, 2 * steps + 1]


@settings(max_examples=30, deadline=None)
@given(first=st.integers(0, 10**6), size=st.integers(1, 70_000))
def test_rates_of_a_range_do_not_depend_on_how_it_is_chunked(first, size):
    s = parse("optax.warmup_cosine_decay_schedule(0.0, 1e-3, 1000, 500_000, 1e-5)")
    steps = np.arange(first, first + size, dtype=np.int64)
    whole = s(steps)
    parts = np.concatenate([s(steps[i : i + 32_768]) for i in range(0, size, 32_768)])
    assert whole.tobytes() == parts.tobytes()


def test_float32_rates_are_widened_exactly() -> None:
    for call in (
        "optax.constant_schedule(0.1)",
        "keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)",
        "tf.compat.v1.train.cosine_decay(0.1, global_step, 10)",
    ):
        assert at(parse(call), 0) == [0.10000000149011612]


def test_tf_piecewise_constant_as_written_in_scripts() -> None:
    s = parse("tf.train.piecewise_constant(global_step, [5, 10, 15], [0.1, 0.05, 0.01, 0.001])")
    assert at(s, 5, 6) == [float(f32(0.1)), float(f32(0.05))]


def test_optax_piecewise_constant_switches_at_the_boundary() -> None:
    s = parse("optax.piecewise_constant_schedule(0.1, {5: 0.5})")
    assert at(s, 4, 5) == [float(f32(0.1)), float(f32(f32(0.1) * f32(0.5)))]


def test_staircase_late_under_jit_and_warned() -> None:
    s = parse("optax.exponential_decay(1.0, 41, 0.5, staircase=True)")
    assert at(s, 40, 41, 42) == [1.0, 1.0, 0.5]
    assert any("step 41" in n and "late" in n for n in s.notes(0, 100))


def test_linear_schedule_ends_negative_under_jit_and_warned() -> None:
    s = parse("optax.linear_schedule(0.3, 0.0, 9999)")
    assert at(s, 9999, 10**6) == [-2.745946581228509e-09] * 2
    assert any("overshoots" in n for n in s.notes(0, 10**4))


def test_fractional_power_past_the_end_is_nan_and_warned() -> None:
    s = parse("optax.polynomial_schedule(0, 0.0005, 0.5, 20, 100000)")
    assert math.isnan(at(s, 100020)[0])
    assert any("NaN from step 100020" in n for n in s.notes(0, 200_000))


def test_warmup_constant_with_no_warmup_never_reaches_peak() -> None:
    s = parse("optax.warmup_constant_schedule(0, 0.7, 0)")
    assert at(s, 0, 10**6) == [0.0, 0.0]
    assert any("never reaches" in n for n in s.notes(0, 10))


def test_optax_step_count_saturates_at_int32() -> None:
    s = parse("optax.cosine_decay_schedule(1.0, 2**31 - 1)")
    assert at(s, 2**31 - 1) == at(s, 2**40)
    assert any("int32" in n for n in s.notes(0, 2**32))
    assert list(s.phases(2**31, 2**32))[-1].shape == "constant"


def test_tf_rounds_the_step_to_float32_so_a_staircase_moves_early() -> None:
    s = parse("tf.compat.v1.train.exponential_decay(1.0, global_step, 16777217, 0.5, True)")
    # 16777216 is already float32(16777217): the stair falls one step early
    assert at(s, 16777215, 16777216) == [1.0, 0.5]
    assert list(s.phases(0, 2 * 16777217))[1].first == 16777216


def test_keras_decay_steps_exclude_the_warmup_where_optax_includes_it() -> None:
    keras = parse(
        "keras.optimizers.schedules.CosineDecay(0.0, 100, warmup_target=1.0, warmup_steps=10)"
    )
    optax = parse("optax.warmup_cosine_decay_schedule(0.0, 1.0, 10, 100)")
    assert [p.first for p in keras.phases(0, 200)] == [0, 10, 110]
    assert [p.first for p in optax.phases(0, 200)] == [0, 10, 100]


def test_cosine_decay_restarts_late_restart_is_modelled() -> None:
    s = parse("tf.compat.v1.train.cosine_decay_restarts(1.0, global_step, 20, 1.1)")
    assert at(s, 42)[0] == 0.0 and at(s, 43)[0] > 0.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            "optax.linear_schedule(0.1, 0.0, 10, transitoin_begin=3)",
            "no argument 'transitoin_begin'",
        ),
        ("keras.optimizers.schedules.ExponentialDecay(0.1, decay_rate=0.5)", "needs 'decay_steps'"),
        ("keras.optimizers.schedules.CosineDecay(0.1, 0)", "decay_steps` must be > 0"),
        ("tf.train.exponential_decay(0.1, global_step, 0, 0.5)", "decay_steps=0 must be positive"),
        ("optax.cosine_decay_schedule(0.1, 0)", "requires positive decay_steps"),
        ("optax.warmup_cosine_decay_schedule(0.0, 0.1, -5, 100)", "warmup_steps=-5"),
        ("optax.warmup_cosine_decay_schedule(0.0, 0.1, 100, 100)", "decay_steps=100 must be more"),
        (
            "optax.join_schedules([optax.constant_schedule(1), optax.constant_schedule(2)], [])",
            "2 schedules need 1 boundaries",
        ),
        ("optax.join_schedules([0.1], [])", "must be an optax schedule call"),
        ("exponential_decay(0.1, 10, 0.5)", "ambiguous: it could be optax.exponential_decay and"),
        ("tf.train.noisy_linear_cosine_decay(0.1, global_step, 10)", "Gaussian noise"),
        ("tf.train.natural_exp_decay(0.1, global_step, 10, 1)", "decay_rate=1 is an int"),
        ("tf.train.cosine_decay(0.1, 5, 10)", "global_step must be the identifier global_step"),
        ("tf.train.cosine_decay(0.1, None, 10)", "global_step is required"),
        ("optax.linear_schedule(0.1, 0.0, 2**31)", "int32"),
        ("optax.piecewise_interpolate_schedule('cubic', 0.1, {})", "interpolate_type='cubic'"),
        ("optax.piecewise_constant_schedule(0.1, {5: -0.5})", "negative"),
        ("keras.optimizers.schedules.PiecewiseConstantDecay([5, 10], [0.1])", "1 less than"),
        ("optax.sgdr_schedule([{'init_value': 0.0, 'peak': 0.1}])", "no argument 'peak'"),
    ],
)
def test_bad_input_names_the_api_and_argument(call: str, message: str) -> None:
    with pytest.raises(CallError) as error:
        parse(call)
    assert message in str(error.value)
