"""timm's args.yaml: golden records bit for bit, the schedulers against a transcription of
timm 1.0.31's `_get_lr`, and the errors a user sees."""

from __future__ import annotations

import bisect
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lrcli.configs import Facts, MissingFact, read_config
from lrcli.frameworks import _args, parse, timm
from lrcli.schedule import ScheduleError
from lrcli.stepping import PerEpoch

HERE = Path(__file__).parent / "golden" / "configs"
RECORDS = [
    record
    for record in map(json.loads, (HERE / "configs.jsonl").read_text().splitlines())
    if record["kind"] == "timm"
]


@pytest.mark.parametrize("record", RECORDS, ids=[r["file"] for r in RECORDS])
def test_golden_record_bit_for_bit(record: dict[str, Any]) -> None:
    needs = record["needs"]
    facts = Facts(steps_per_epoch=needs["updates_per_epoch"], world_size=needs.get("world_size"))
    reading = read_config(HERE / record["file"], facts)
    assert reading.kind == "timm"
    got = reading.schedule(np.array(record["steps"], dtype=np.int64))
    assert got.tolist() == record["lr"]
    assert reading.last_update == record["steps"][-1]


def test_six_timm_records() -> None:
    assert len(RECORDS) == 6


# --- timm 1.0.31's _get_lr, transcribed (torch and noise left out), one step at a time ------


class RefCycles:
    """cosine_lr.py, poly_lr.py and tanh_lr.py share this shape; `kind` picks the curve."""

    def __init__(self, kind: str, lr: float, t_initial: int, lr_min: float = 0.0,
                 cycle_mul: float = 1.0, cycle_decay: float = 1.0, cycle_limit: int = 1,
                 warmup_t: int = 0, warmup_lr_init: float = 0.0, warmup_prefix: bool = False,
                 k_decay: float = 1.0, power: float = 0.5, lb: float = -7.0,
                 ub: float = 3.0) -> None:  # fmt: skip
        self.kind, self.base_values = kind, [lr]
        self.t_initial, self.lr_min = t_initial, lr_min
        self.cycle_mul, self.cycle_decay, self.cycle_limit = cycle_mul, cycle_decay, cycle_limit
        self.warmup_t, self.warmup_lr_init, self.warmup_prefix = (
            warmup_t,
            warmup_lr_init,
            warmup_prefix,
        )
        self.k_decay, self.power, self.lb, self.ub = k_decay, power, lb, ub
        if self.warmup_t:
            t_v = (
                self._get_lr(self.warmup_t)
                if kind == "tanh" and not warmup_prefix
                else self.base_values
            )
            self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in t_v]
        else:
            self.warmup_steps = [1 for _ in self.base_values]

    def _get_lr(self, t: int) -> list[float]:
        if t < self.warmup_t:
            return [self.warmup_lr_init + t * s for s in self.warmup_steps]
        if self.warmup_prefix:
            t = t - self.warmup_t
        if self.cycle_mul != 1:
            i = math.floor(math.log(1 - t / self.t_initial * (1 - self.cycle_mul), self.cycle_mul))
            t_i = self.cycle_mul**i * self.t_initial
            t_curr = t - (1 - self.cycle_mul**i) / (1 - self.cycle_mul) * self.t_initial
        else:
            i = t // self.t_initial
            t_i = self.t_initial
            t_curr = t - (self.t_initial * i)
        gamma = self.cycle_decay**i
        lr_max_values = [v * gamma for v in self.base_values]
        k = self.k_decay
        if not i < self.cycle_limit:
            return [self.lr_min for _ in self.base_values]
        if self.kind == "cosine":
            return [
                self.lr_min
                + 0.5 * (lr_max - self.lr_min) * (1 + math.cos(math.pi * t_curr**k / t_i**k))
                for lr_max in lr_max_values
            ]
        if self.kind == "poly":
            return [
                self.lr_min + (lr_max - self.lr_min) * (1 - t_curr**k / t_i**k) ** self.power
                for lr_max in lr_max_values
            ]
        tr = t_curr / t_i
        return [
            self.lr_min
            + 0.5 * (lr_max - self.lr_min) * (1 - math.tanh(self.lb * (1.0 - tr) + self.ub * tr))
            for lr_max in lr_max_values
        ]


class RefStep:
    """step_lr.py (float decay_t) and multistep_lr.py (a list of milestones)."""

    def __init__(self, lr: float, decay_t: Any, decay_rate: float = 1.0, warmup_t: int = 0,
                 warmup_lr_init: float = 0.0, warmup_prefix: bool = True) -> None:  # fmt: skip
        self.base_values, self.decay_t, self.decay_rate = [lr], decay_t, decay_rate
        self.warmup_t, self.warmup_lr_init, self.warmup_prefix = (
            warmup_t,
            warmup_lr_init,
            warmup_prefix,
        )
        if self.warmup_t:
            self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in self.base_values]
        else:
            self.warmup_steps = [1 for _ in self.base_values]

    def _get_lr(self, t: int) -> list[float]:
        if t < self.warmup_t:
            return [self.warmup_lr_init + t * s for s in self.warmup_steps]
        if self.warmup_prefix:
            t = t - self.warmup_t
        if isinstance(self.decay_t, list):
            count = bisect.bisect_right(self.decay_t, t + 1)
            return [v * (self.decay_rate**count) for v in self.base_values]
        return [v * (self.decay_rate ** (t // self.decay_t)) for v in self.base_values]


class RefWSD:
    """wsd_lr.py."""

    def __init__(self, lr: float, t_initial: int, decay_t: int, lr_min: float = 0.0,
                 stable_fn: str = "constant", stable_timescale: float | None = None,
                 stable_power: float = 0.5, decay_fn: str = "1-sqrt", decay_power: float = 0.5,
                 decay_ratio: float = 0.1, warmup_t: int = 0,
                 warmup_lr_init: float = 0.0) -> None:  # fmt: skip
        if stable_fn != "constant" and stable_timescale is None:
            stable_timescale = warmup_t
        self.base_values, self.t_initial, self.decay_t, self.lr_min = (
            [lr],
            t_initial,
            decay_t,
            lr_min,
        )
        self.stable_fn, self.stable_timescale, self.stable_power = (
            stable_fn,
            stable_timescale,
            stable_power,
        )
        self.decay_fn, self.decay_power, self.decay_ratio = decay_fn, decay_power, decay_ratio
        self.warmup_t, self.warmup_lr_init = warmup_t, warmup_lr_init
        if self.warmup_t:
            self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in self.base_values]
        else:
            self.warmup_steps = [1 for _ in self.base_values]

    def _stable(self, t_s: float) -> float:
        if self.stable_fn == "constant":
            return 1.0
        power = 0.5 if self.stable_fn == "rsqrt" else self.stable_power
        assert self.stable_timescale is not None
        return (1.0 + t_s / self.stable_timescale) ** -power

    def _decay(self, frac: float) -> float:
        if self.decay_fn == "linear":
            return 1.0 - frac
        if self.decay_fn == "1-sqrt":
            return 1.0 - math.sqrt(frac)
        if self.decay_fn == "cosine":
            return 0.5 * (1.0 + math.cos(math.pi * frac))
        if self.decay_fn == "power":
            return 1.0 - frac**self.decay_power
        r = self.decay_ratio
        return (r**frac - r) / (1.0 - r)

    def _get_lr(self, t: int) -> list[float]:
        if t < self.warmup_t:
            return [self.warmup_lr_init + t * s for s in self.warmup_steps]
        t_s = t - self.warmup_t
        stable_lrs = [max(v * self._stable(t_s), self.lr_min) for v in self.base_values]
        t_decay = t_s - (self.t_initial - self.decay_t)
        if t_decay <= 0:
            return stable_lrs
        decay = self._decay(min(t_decay / self.decay_t, 1.0))
        return [self.lr_min + (lr - self.lr_min) * decay for lr in stable_lrs]


def _same(schedule: timm.TimmScheduler, ref: Any, steps: list[int]) -> None:
    expected = []
    kept = []
    for t in steps:
        try:
            expected.append(ref._get_lr(t)[0])
        except ValueError:  # math domain error: cycle_mul < 1 past the end of its cycles
            continue
        kept.append(t)
    got = schedule.get_lr(np.array(kept, dtype=np.int64)).tolist()
    assert got == expected
    # the rate in force: the constructor's value at t = 0, _get_lr(t) after
    rates = schedule(np.array(kept, dtype=np.int64)).tolist()
    initial = ref.warmup_lr_init if ref.warmup_t else ref.base_values[0]
    assert rates == [initial if t == 0 else e for t, e in zip(kept, expected, strict=True)]


rates = st.sampled_from([0.1, 0.01, 3e-4, 0.0008, 5e-5, 1.0, 0.4])
small = st.sampled_from([0.0, 0.0, 1e-6, 1e-5, 5e-6, 1e-7])
steps = st.lists(st.integers(0, 3000), min_size=1, max_size=40)
warmups = st.integers(0, 30)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["cosine", "poly", "tanh"]),
    lr=rates,
    t_initial=st.integers(1, 400),
    lr_min=small,
    cycle_mul=st.sampled_from([1.0, 1.0, 1.5, 2.0, 0.5, 0.9, 1.1]),
    cycle_decay=st.sampled_from([1.0, 0.5, 0.1, 0.8]),
    cycle_limit=st.integers(0, 5),
    warmup_t=warmups,
    warmup_lr_init=small,
    warmup_prefix=st.booleans(),
    k_decay=st.sampled_from([1.0, 2.0, 0.5, 1.5]),
    power=st.sampled_from([0.5, 1.0, 0.1, 2.0]),
    steps=steps,
)
def test_cycle_schedulers_match_timm(
    kind: str,
    lr: float,
    t_initial: int,
    lr_min: float,
    cycle_mul: float,
    cycle_decay: float,
    cycle_limit: int,
    warmup_t: int,
    warmup_lr_init: float,
    warmup_prefix: bool,
    k_decay: float,
    power: float,
    steps: list[int],
) -> None:
    common = dict(
        t_initial=t_initial,
        lr_min=lr_min,
        cycle_mul=cycle_mul,
        cycle_decay=cycle_decay,
        cycle_limit=cycle_limit,
        warmup_t=warmup_t,
        warmup_lr_init=warmup_lr_init,
        warmup_prefix=warmup_prefix,
    )
    extra: dict[str, Any] = {}
    if kind in ("cosine", "poly"):
        extra["k_decay"] = k_decay
    if kind == "poly":
        extra["power"] = power
    api = {"cosine": "CosineLRScheduler", "poly": "PolyLRScheduler", "tanh": "TanhLRScheduler"}
    try:
        ref = RefCycles(kind, lr, **common, **extra)  # type: ignore[arg-type]
    except ValueError:  # tanh's constructor evaluates the curve at warmup_t
        with pytest.raises(ScheduleError, match="math domain error"):
            timm.APIS[api[kind]](_args.Optimizer(lr), **common, **extra)
        return
    schedule = timm.APIS[api[kind]](_args.Optimizer(lr), **common, **extra)
    _same(schedule, ref, [*steps, t_initial, t_initial + warmup_t, t_initial + warmup_t - 1])


@settings(max_examples=200, deadline=None)
@given(
    lr=rates,
    decay_t=st.one_of(st.integers(1, 200), st.sampled_from([2.4, 2.4 * 1251, 0.7, 3.5])),
    decay_rate=st.sampled_from([0.1, 0.97, 0.98, 0.5, 1.0]),
    warmup_t=warmups,
    warmup_lr_init=small,
    warmup_prefix=st.booleans(),
    steps=steps,
)
def test_step_matches_timm(
    lr: float,
    decay_t: float,
    decay_rate: float,
    warmup_t: int,
    warmup_lr_init: float,
    warmup_prefix: bool,
    steps: list[int],
) -> None:
    args = (decay_t, decay_rate, warmup_t, warmup_lr_init, warmup_prefix)
    schedule = timm.APIS["StepLRScheduler"](_args.Optimizer(lr), *args)
    _same(schedule, RefStep(lr, *args), steps)


@settings(max_examples=200, deadline=None)
@given(
    lr=rates,
    milestones=st.lists(st.integers(0, 500), max_size=5).map(sorted),
    decay_rate=st.sampled_from([0.1, 0.5, 0.2]),
    warmup_t=warmups,
    warmup_lr_init=small,
    warmup_prefix=st.booleans(),
    steps=steps,
)
def test_multistep_matches_timm(
    lr: float,
    milestones: list[int],
    decay_rate: float,
    warmup_t: int,
    warmup_lr_init: float,
    warmup_prefix: bool,
    steps: list[int],
) -> None:
    args = (milestones, decay_rate, warmup_t, warmup_lr_init, warmup_prefix)
    schedule = timm.APIS["MultiStepLRScheduler"](_args.Optimizer(lr), *args)
    _same(schedule, RefStep(lr, *args), [*steps, *milestones, *(m - 1 for m in milestones if m)])


@settings(max_examples=200, deadline=None)
@given(
    lr=rates,
    t_initial=st.integers(1, 2000),
    decay_share=st.floats(0.001, 1.0),
    lr_min=small,
    stable_fn=st.sampled_from(["constant", "rsqrt", "power"]),
    timescale=st.sampled_from([None, 7, 100.0, 2.5]),
    stable_power=st.sampled_from([0.5, 0.3, 1.0]),
    decay_fn=st.sampled_from(["linear", "1-sqrt", "cosine", "power", "exp"]),
    decay_power=st.sampled_from([0.5, 2.0, 1.0]),
    decay_ratio=st.sampled_from([0.1, 0.01, 0.5]),
    warmup_t=st.integers(1, 30),
    warmup_lr_init=small,
    steps=steps,
)
def test_wsd_matches_timm(
    lr: float,
    t_initial: int,
    decay_share: float,
    lr_min: float,
    stable_fn: str,
    timescale: float | None,
    stable_power: float,
    decay_fn: str,
    decay_power: float,
    decay_ratio: float,
    warmup_t: int,
    warmup_lr_init: float,
    steps: list[int],
) -> None:
    decay_t = max(1, min(t_initial, round(decay_share * t_initial)))
    args = (lr, t_initial, decay_t, lr_min, stable_fn, timescale, stable_power, decay_fn)
    kwargs = dict(
        decay_power=decay_power,
        decay_ratio=decay_ratio,
        warmup_t=warmup_t,
        warmup_lr_init=warmup_lr_init,
    )
    schedule = timm.APIS["WSDLRScheduler"](_args.Optimizer(lr), *args[1:], **kwargs)
    ref = RefWSD(*args, **kwargs)  # type: ignore[arg-type]
    edge = warmup_t + t_initial
    _same(schedule, ref, [*steps, edge - decay_t, edge - decay_t + 1, edge - 1, edge, edge + 1])


def test_pasted_call_builds_a_timm_scheduler() -> None:
    schedule = parse(
        "timm.scheduler.CosineLRScheduler(optimizer, t_initial=300, warmup_t=5, "
        "warmup_lr_init=1e-6, lr_min=1e-5)",
        lr=0.01,
    )
    ref = RefCycles("cosine", 0.01, 300, lr_min=1e-5, warmup_t=5, warmup_lr_init=1e-6)
    assert isinstance(schedule, timm.Cosine)
    _same(schedule, ref, list(range(0, 400)))


def test_plateau_is_refused() -> None:
    with pytest.raises(ScheduleError, match="PlateauLRScheduler: its rate depends on the metric"):
        parse("timm.scheduler.PlateauLRScheduler(optimizer)", lr=0.1)


def test_cycle_mul_below_one_refuses_steps_past_its_cycles() -> None:
    schedule = parse("CosineLRScheduler(optimizer, t_initial=10, cycle_mul=0.5)", lr=0.1)
    schedule.check_steps(19, "steps")
    with pytest.raises(ScheduleError, match="from step 20 on timm raises 'math domain error'"):
        schedule.check_steps(20, "steps")


# --- The config file: errors and explain -------------------------------------------------


def _args_yaml(tmp_path: Path, **changes: Any) -> Path:
    data = yaml.safe_load((HERE / "files" / "timm-00-cosine.args.yaml").read_text())
    data.update(changes)
    path = tmp_path / "args.yaml"
    path.write_text(yaml.safe_dump(data, default_flow_style=False))
    return path


def test_missing_steps_per_epoch_says_which_option(tmp_path: Path) -> None:
    path = _args_yaml(tmp_path, lr=0.01)
    with pytest.raises(MissingFact) as e:
        read_config(path, Facts())
    assert e.value.field == "steps_per_epoch"
    assert str(e.value) == (
        "timm steps its scheduler by epoch or by update, so lrcli needs the updates in one "
        "epoch: give --steps-per-epoch (train.py's updates_per_epoch, "
        "(len(loader_train) + grad_accum_steps - 1) // grad_accum_steps)"
    )


def test_null_lr_needs_the_world_size(tmp_path: Path) -> None:
    with pytest.raises(MissingFact) as e:
        read_config(HERE / "files" / "timm-00-cosine.args.yaml", Facts(steps_per_epoch=782))
    assert e.value.field == "world_size"
    assert str(e.value) == (
        "lr is null in args.yaml, so train.py computes it from lr_base and the global batch: "
        "give --world-size (the number of processes), or --lr with the rate it computed"
    )


def test_null_lr_takes_lr_instead_of_the_world_size() -> None:
    path = HERE / "files" / "timm-00-cosine.args.yaml"
    with_lr = read_config(path, Facts(steps_per_epoch=782, lr=0.01))
    with_world = read_config(path, Facts(steps_per_epoch=782, world_size=2))
    steps = np.arange(0, 164220, 97, dtype=np.int64)
    assert with_lr.schedule(steps).tolist() == with_world.schedule(steps).tolist()


def test_unknown_sched(tmp_path: Path) -> None:
    path = _args_yaml(tmp_path, sched="cosine_restarts")
    with pytest.raises(ScheduleError) as e:
        read_config(path, Facts(steps_per_epoch=100, world_size=1))
    assert str(e.value) == (
        "sched 'cosine_restarts' is not a timm 1.0.31 scheduler lrcli knows; it knows cosine, "
        "tanh, step, multistep, poly, wsd, rsqrt, constant, none"
    )


def test_plateau_sched_is_refused(tmp_path: Path) -> None:
    path = _args_yaml(tmp_path, sched="plateau")
    with pytest.raises(ScheduleError, match=r"^sched 'plateau': PlateauLRScheduler's rate"):
        read_config(path, Facts(steps_per_epoch=100, world_size=1))


def test_lr_noise_is_refused(tmp_path: Path) -> None:
    path = _args_yaml(tmp_path, lr_noise=[0.4, 0.9])
    with pytest.raises(ScheduleError, match=r"^lr_noise = \[0.4, 0.9\]: timm adds noise"):
        read_config(path, Facts(steps_per_epoch=100, world_size=1))


def test_detects_args_yaml_and_not_other_kinds() -> None:
    for record in RECORDS:
        data = yaml.safe_load((HERE / record["file"]).read_text())
        assert timm_detect(data)
    hf = HERE / "files" / "hf-trainer-02-cosine_with_min_lr.yaml"
    if hf.exists():
        assert not timm_detect(yaml.safe_load(hf.read_text()))


def timm_detect(data: Any) -> bool:
    from lrcli.configs import detect

    return detect(Path("args.yaml"), data) == "timm"


def test_explain_lines_for_a_cosine_from_lr_base() -> None:
    reading = read_config(
        HERE / "files" / "timm-00-cosine.args.yaml", Facts(steps_per_epoch=782, world_size=2)
    )
    assert reading.explain == [
        "lr is null: lr_base 0.005 x (256 per process x 2 processes x 4 accumulation = 2,048 / "
        "lr_base_size 512), sqrt for opt 'adamw' (lr_base_scale empty): 0.005 x 2.0 = 0.01",
        "sched 'cosine': timm CosineLRScheduler, t_initial 200 epochs down to lr_min 0.0",
        "warmup 5 epochs from warmup_lr 1e-05 to lr, updates 0..3,909, a prefix: the schedule "
        "starts after it",
        "stepped per epoch: update k runs at _get_lr(k // 782); epoch 0 (updates 0..781) at "
        "the constructor's value 1e-05",
        "run: 205 + cooldown 5 = 210 epochs x 782 = 164,220 updates, last update 164,219",
    ]
    assert isinstance(reading.schedule, PerEpoch)
    assert reading.schedule.first_epoch == 1e-05


def test_sched_on_updates_multiplies_every_time(tmp_path: Path) -> None:
    path = _args_yaml(tmp_path, lr=0.01, sched_on_updates=True)
    reading = read_config(path, Facts(steps_per_epoch=782))
    schedule = reading.schedule
    assert isinstance(schedule, timm.Cosine)
    assert (schedule.t_initial, schedule.warmup_t) == (200 * 782, 5 * 782)
    assert reading.last_update == 210 * 782 - 1
