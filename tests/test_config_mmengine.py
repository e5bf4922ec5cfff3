"""The mmengine config kind: param_scheduler as mmengine 0.10.7's Runner builds and steps it."""

from __future__ import annotations

import json
import math
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrcli.configs import Facts, MissingFact, read_config
from lrcli.schedule import ScheduleError

CONFIGS = Path(__file__).resolve().parent / "golden" / "configs"


def _records() -> list[dict[str, Any]]:
    with (CONFIGS / "configs.jsonl").open() as lines:
        records = [json.loads(line) for line in lines]
    return [r for r in records if r["kind"] == "mmengine"]


@pytest.mark.parametrize("record", _records(), ids=lambda r: Path(r["file"]).stem)
def test_golden_rates_are_the_runners_bit_for_bit(record: dict[str, Any]) -> None:
    needs = record["needs"]
    facts = Facts(steps_per_epoch=needs.get("iters_per_epoch"), world_size=needs.get("world_size"))
    reading = read_config(CONFIGS / record["file"], facts)
    assert reading.kind == "mmengine"
    got = reading.schedule(np.array(record["steps"], dtype=np.int64))
    assert got.tolist() == record["lr"]
    assert reading.last_update == record["steps"][-1]


def test_golden_set_has_all_six_mmengine_records() -> None:
    assert len(_records()) == 6


# --- A plain transcription of the Runner, one call at a time --------------------------------

INF = int(1e9)


class RefScheduler:
    """mmengine's _ParamScheduler and the chainable _get_value of each lr scheduler."""

    def __init__(self, group: dict[str, float], kind: str, kw: dict[str, Any]) -> None:
        self.group, self.kind, self.kw = group, kind, kw
        self.begin, self.end = kw.pop("begin", 0), kw.pop("end", INF)
        self.by_epoch = kw.pop("by_epoch", True)
        if kind == "OneCycleLR":
            self.total = kw.get("total_steps") or self.end - self.begin
            peak = kw["eta_max"]
            group["initial_lr"] = peak / kw.get("div_factor", 25.0)
            group["max_lr"] = peak
            group["min_lr"] = group["initial_lr"] / kw.get("final_div_factor", 1e4)
        group.setdefault("initial_lr", group["lr"])
        self.base = group["initial_lr"]
        self.total_iters = self.end - self.begin - 1
        if kind == "CosineAnnealingLR":
            self.T_max = kw.get("T_max") or (self.end - self.begin)
        if kind == "CosineRestartLR":
            self.cumulative = [sum(kw["periods"][: i + 1]) for i in range(len(kw["periods"]))]
        self.global_step, self.last_step = -1, -1
        self.step()

    def step(self) -> None:
        self.global_step += 1
        if self.begin <= self.global_step < self.end:
            self.last_step += 1
            self.group["lr"] = self.value()

    def eta_min(self) -> float:
        ratio = self.kw.get("eta_min_ratio")
        return self.kw.get("eta_min", 0.0) if ratio is None else self.base * ratio

    def value(self) -> float:
        lr, s, kw, kind = self.group["lr"], self.last_step, self.kw, self.kind
        if kind == "LinearLR":
            a, e = kw.get("start_factor", 1.0 / 3), kw.get("end_factor", 1.0)
            if s == 0:
                return lr * a
            return lr * (1.0 + (e - a) / (self.total_iters * a + (s - 1) * (e - a)))
        if kind == "ConstantLR":
            factor = kw.get("factor", 1.0 / 3)
            if s == 0:
                return lr * factor
            return lr * (1.0 / factor) if s == self.total_iters else lr
        if kind == "PolyLR":
            if s == 0:
                return lr
            eta, power = kw.get("eta_min", 0), kw.get("power", 1.0)
            return (lr - eta) * (1 - 1 / (self.total_iters - s + 1)) ** power + eta
        if kind == "MultiStepLR":
            counts = Counter(kw["milestones"])
            return lr * kw.get("gamma", 0.1) ** counts[s] if s in counts else lr
        if kind == "StepLR":
            if s == 0 or s % kw["step_size"] != 0:
                return lr
            return lr * kw.get("gamma", 0.1)
        if kind == "ExponentialLR":
            return lr if s == 0 else lr * kw["gamma"]
        if kind == "CosineAnnealingLR":
            eta, t = self.eta_min(), self.T_max
            if s == 0:
                return lr
            if (s - 1 - t) % (2 * t) == 0:
                return lr + (self.base - eta) * (1 - math.cos(math.pi / t)) / 2
            return (1 + math.cos(math.pi * s / t)) / (1 + math.cos(math.pi * (s - 1) / t)) * (
                lr - eta
            ) + eta
        if kind == "CosineRestartLR":
            idx = next((i for i, c in enumerate(self.cumulative) if s < c), None)
            if idx is None:
                return lr
            restart = 0 if idx == 0 else self.cumulative[idx - 1]
            period, step = kw["periods"][idx], s - restart
            if step == 0:
                return self.base * kw.get("restart_weights", (1,))[idx]
            eta = self.eta_min()
            return (1 + math.cos(math.pi * step / period)) / (
                1 + math.cos(math.pi * (step - 1) / period)
            ) * (lr - eta) + eta
        if kind == "OneCycleLR":
            pct_start, total = kw.get("pct_start", 0.3), self.total
            phases = [
                (float(pct_start * total) - 1, "initial_lr", "max_lr"),
                (total - 1, "max_lr", "min_lr"),
            ]
            start_step = 0.0
            for i, (end_step, lo, hi) in enumerate(phases):
                if s <= end_step or i == len(phases) - 1:
                    pct = (s - start_step) / (end_step - start_step)
                    a, b = self.group[lo], self.group[hi]
                    if kw.get("anneal_strategy", "cos") == "cos":
                        return b + (a - b) / 2.0 * (math.cos(math.pi * pct) + 1)
                    return (b - a) * pct + a
                start_step = end_step
        raise AssertionError(kind)


def runner_rates(
    lr: float, configs: list[dict[str, Any]], loop: str, length: int, per: int
) -> list[float]:
    """The lr of every iteration of the run: constructors, then the hook after each iteration
    (iteration schedulers) and after each epoch (epoch schedulers), in list order."""
    group = {"lr": lr}
    max_epochs = length if loop == "epoch" else 1
    max_iters = length * per if loop == "epoch" else length
    schedulers = []
    for config in configs:
        kw = dict(config)
        kind = kw.pop("type")
        kw.setdefault("end", max_epochs if kw.get("by_epoch", True) else max_iters)
        if kw.pop("convert_to_iter_based", False):  # build_iter_from_epoch
            kw["by_epoch"] = False
            kw["begin"] = int(kw.get("begin", 0) * per)
            kw["end"] = int(kw["end"] * per) if kw["end"] != INF else INF
            if kw.get("T_max") is not None:
                kw["T_max"] *= per
            for key in ("milestones", "periods"):
                if key in kw:
                    kw[key] = [m * per for m in kw[key]]
            if "step_size" in kw:
                kw["step_size"] *= per
        schedulers.append(RefScheduler(group, kind, kw))
    out = []
    for i in range(max_iters):
        out.append(group["lr"])
        for scheduler in schedulers:
            if not scheduler.by_epoch:
                scheduler.step()
        if loop == "epoch" and (i + 1) % per == 0:
            for scheduler in schedulers:
                if scheduler.by_epoch:
                    scheduler.step()
    return out


# --- Random configs: the Runner's rates against lrcli's -------------------------------------

floats = st.floats


def _range(draw: st.DrawFn, span: int) -> dict[str, Any]:
    """begin and end (or the Runner's default end) within a run of `span` units."""
    begin = draw(st.integers(0, max(span - 1, 0)))
    out: dict[str, Any] = {"begin": begin} if begin or draw(st.booleans()) else {}
    if draw(st.booleans()) or begin >= span:
        out["end"] = draw(st.integers(begin + 1, span + 3))
    return out


@st.composite
def scheduler(draw: st.DrawFn, span: int) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            [
                "LinearLR",
                "ConstantLR",
                "PolyLR",
                "MultiStepLR",
                "StepLR",
                "ExponentialLR",
                "CosineAnnealingLR",
                "CosineRestartLR",
                "OneCycleLR",
            ]
        )
    )
    config: dict[str, Any] = {"type": kind}
    if kind == "LinearLR":
        config["start_factor"] = draw(floats(1e-6, 1.0))
        if draw(st.booleans()):
            config["end_factor"] = draw(floats(0.0, 1.0))
    elif kind == "ConstantLR":
        config["factor"] = draw(floats(0.01, 1.0))
    elif kind == "PolyLR":
        config["eta_min"] = draw(st.sampled_from([0, 0.0, 1e-5, 1e-4]))
        config["power"] = draw(st.sampled_from([1.0, 0.9, 2, 0.5]))
    elif kind == "MultiStepLR":
        config["milestones"] = sorted(draw(st.lists(st.integers(0, span), max_size=4)))
        config["gamma"] = draw(floats(0.05, 1.0))
    elif kind == "StepLR":
        config["step_size"] = draw(st.integers(1, max(span // 2, 1)))
        config["gamma"] = draw(floats(0.05, 1.0))
    elif kind == "ExponentialLR":
        config["gamma"] = draw(floats(0.5, 1.0))
    elif kind == "CosineAnnealingLR":
        if draw(st.booleans()):
            config["T_max"] = draw(st.integers(1, max(span, 1)))
        if draw(st.booleans()):
            config["eta_min_ratio"] = draw(floats(0.0, 0.5))
        else:
            config["eta_min"] = draw(st.sampled_from([0.0, 1e-5, 1e-4]))
    elif kind == "CosineRestartLR":
        periods = draw(st.lists(st.integers(1, max(span // 2, 1)), min_size=1, max_size=3))
        config["periods"] = periods
        config["restart_weights"] = [draw(floats(0.1, 1.0)) for _ in periods]
        if draw(st.booleans()):
            config["eta_min_ratio"] = draw(floats(0.0, 0.5))
        else:
            config["eta_min"] = draw(st.sampled_from([0.0, 1e-5]))
    else:
        config["eta_max"] = draw(floats(1e-3, 1.0))
        config["pct_start"] = draw(floats(0.2, 0.5))
        config["anneal_strategy"] = draw(st.sampled_from(["cos", "linear"]))
    config.update(_range(draw, span))
    if kind == "OneCycleLR":
        # At least 10 calls, so that no phase is 0 calls long (mmengine divides by zero there).
        begin = config.get("begin", 0)
        config["end"] = max(config.get("end", span), begin + 10)
    return config


@st.composite
def run(draw: st.DrawFn) -> dict[str, Any]:
    loop = draw(st.sampled_from(["epoch", "iter"]))
    per = draw(st.integers(1, 40))
    length = draw(st.integers(1, 8)) if loop == "epoch" else draw(st.integers(1, 400))
    configs = []
    for _ in range(draw(st.integers(1, 3))):
        by_epoch = draw(st.booleans())
        convert = by_epoch and draw(st.booleans())
        # An iteration loop's max_epochs is 1: the default end of an epoch scheduler there.
        epochs = length if loop == "epoch" else 1
        if convert and loop == "iter":
            epochs = max(length // per, 1)
        iters = length * per if loop == "epoch" else length
        config = draw(scheduler(epochs if by_epoch else iters))
        config["by_epoch"] = by_epoch
        if convert:
            config["convert_to_iter_based"] = True
            if loop == "iter":
                config.setdefault("end", epochs)
        if config["type"] != "OneCycleLR" or all(c["type"] != "OneCycleLR" for c in configs):
            configs.append(config)  # a second OneCycleLR is refused (see below)
    lr = draw(floats(1e-5, 1.0))
    return {"loop": loop, "per": per, "length": length, "configs": configs, "lr": lr}


def _source(lr: float, loop: str, length: int, configs: list[dict[str, Any]]) -> str:
    if loop == "epoch":
        train = f"dict(type='EpochBasedTrainLoop', max_epochs={length}, val_interval=1)"
    else:
        train = f"dict(type='IterBasedTrainLoop', max_iters={length})"
    items = [
        "dict(" + ", ".join(f"{key}={value!r}" for key, value in config.items()) + ")"
        for config in configs
    ]
    return (
        f"train_cfg = {train}\n"
        f"optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr={lr!r}))\n"
        "param_scheduler = [\n" + "".join(f"    {item},\n" for item in items) + "]\n"
    )


def _read(source: str, **facts: Any) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.py"
        path.write_text(source)
        return read_config(path, Facts(**facts))


def _facts(case: dict[str, Any]) -> dict[str, Any]:
    needed = case["loop"] == "epoch" or any(c.get("convert_to_iter_based") for c in case["configs"])
    return {"steps_per_epoch": case["per"]} if needed else {}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(run())
def test_every_iteration_matches_a_plain_transcription_of_the_runner(case: dict[str, Any]) -> None:
    expected = runner_rates(
        case["lr"], [dict(c) for c in case["configs"]], case["loop"], case["length"], case["per"]
    )
    reading = _read(
        _source(case["lr"], case["loop"], case["length"], case["configs"]), **_facts(case)
    )
    assert reading.last_update == len(expected) - 1
    got = reading.schedule(np.arange(len(expected), dtype=np.int64))
    assert got.tolist() == expected


@settings(max_examples=100, deadline=None)
@given(run(), st.data())
def test_steps_asked_in_any_order_and_in_parts_agree(case: dict[str, Any], data: Any) -> None:
    source = _source(case["lr"], case["loop"], case["length"], case["configs"])
    reading = _read(source, **_facts(case))
    last = reading.last_update
    whole = reading.schedule(np.arange(last + 1, dtype=np.int64))
    again = _read(source, **_facts(case)).schedule
    picks = data.draw(st.lists(st.integers(0, last), min_size=1, max_size=20))
    for step in picks:  # one at a time, jumping back and forth over the checkpoints
        assert again(np.array([step], dtype=np.int64))[0] == whole[step]
    # The phases' edges are where the rate can change: segments read from them hold the rates.
    spread = [
        seg.rate
        for seg in reading.schedule.segments(0, last)
        for _ in range(seg.first, seg.last + 1)
    ]
    assert spread == whole.tolist()


# --- Facts, scaling and what the file may not say -------------------------------------------

MMDET = """\
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12, val_interval=1)
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.02, momentum=0.9))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', begin=0, end=12, by_epoch=True, milestones=[8, 11], gamma=0.1),
]
auto_scale_lr = dict(enable=True, base_batch_size=16)
train_dataloader = dict(batch_size=2, num_workers=2)
"""


def test_auto_scale_lr_multiplies_by_world_size_times_batch_over_base() -> None:
    reading = _read(MMDET, steps_per_epoch=100, world_size=4)
    expected = runner_rates(
        0.02 * (float(4 * 2) / float(16)),
        [
            dict(type="LinearLR", start_factor=0.001, by_epoch=False, begin=0, end=500),
            dict(type="MultiStepLR", begin=0, end=12, by_epoch=True, milestones=[8, 11]),
        ],
        "epoch",
        12,
        100,
    )
    assert reading.schedule(np.arange(1200)).tolist() == expected
    assert (
        "auto_scale_lr: lr 0.02 x (4 processes x 2 per batch) / base_batch_size 16"
        in (reading.explain[2])
    )


def test_auto_scale_lr_enabled_needs_the_world_size() -> None:
    with pytest.raises(MissingFact) as e:
        _read(MMDET, steps_per_epoch=100)
    assert e.value.field == "world_size"
    assert str(e.value) == (
        "auto_scale_lr.enable is True: give --world-size (the number of processes)"
    )


def test_auto_scale_lr_disabled_leaves_the_world_size_unused() -> None:
    source = MMDET.replace("enable=True", "enable=False")
    facts = Facts(steps_per_epoch=100, world_size=8)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.py"
        path.write_text(source)
        reading = read_config(path, facts)
    assert facts.unused() == ["--world-size"]
    assert reading.schedule(np.array([0]))[0] == 0.02 * 0.001
    assert "auto_scale_lr.enable is False: the lr stays as written" in reading.explain


def test_epoch_loop_without_steps_per_epoch_says_which_option() -> None:
    with pytest.raises(MissingFact) as e:
        _read(MMDET, world_size=1)
    assert e.value.field == "steps_per_epoch"
    assert str(e.value) == (
        "EpochBasedTrainLoop runs epochs of len(train_dataloader) iterations: give "
        "--steps-per-epoch (len(train_dataloader))"
    )


def test_convert_to_iter_based_in_an_iteration_loop_needs_steps_per_epoch() -> None:
    source = (
        "train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000)\n"
        "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.001))\n"
        "param_scheduler = [dict(type='LinearLR', by_epoch=True, begin=0, end=1, "
        "convert_to_iter_based=True)]\n"
    )
    with pytest.raises(MissingFact) as e:
        _read(source)
    assert str(e.value) == (
        "convert_to_iter_based counts epochs of len(train_dataloader) iterations: give "
        "--steps-per-epoch (len(train_dataloader))"
    )


def test_a_variable_in_param_scheduler_is_named() -> None:
    source = "max_epochs = 12\n" + MMDET.replace(
        "end=12, by_epoch=True", "end=max_epochs, by_epoch=True"
    )
    with pytest.raises(ScheduleError) as e:
        _read(source, steps_per_epoch=100, world_size=1)
    assert str(e.value) == (
        "param_scheduler: 'max_epochs' on line 6 is a variable lrcli does not run the file "
        "to learn; write the value itself"
    )


def test_arithmetic_in_a_value_is_refused() -> None:
    source = MMDET.replace("lr=0.02", "lr=0.01 * 2")
    with pytest.raises(ScheduleError) as e:
        _read(source, steps_per_epoch=100, world_size=1)
    assert str(e.value) == (
        "optim_wrapper: '0.01 * 2' on line 2 is not a literal lrcli can read without running "
        "the file; write the value itself"
    )


def test_an_unknown_scheduler_type_lists_the_known_ones() -> None:
    source = MMDET.replace("type='MultiStepLR'", "type='WarmupLR'")
    with pytest.raises(ScheduleError) as e:
        _read(source, steps_per_epoch=100, world_size=1)
    assert str(e.value) == (
        "param_scheduler[1]: type 'WarmupLR' is not an mmengine lr scheduler lrcli knows; it "
        "knows ConstantLR, CosineAnnealingLR, CosineRestartLR, ExponentialLR, LinearLR, "
        "MultiStepLR, OneCycleLR, PolyLR, StepLR"
    )


def test_reduce_on_plateau_is_refused_with_the_reason() -> None:
    source = MMDET.replace(
        "type='MultiStepLR', begin=0, end=12, by_epoch=True, milestones=[8, 11], gamma=0.1",
        "type='ReduceOnPlateauLR', monitor='loss'",
    )
    with pytest.raises(ScheduleError) as e:
        _read(source, steps_per_epoch=100, world_size=1)
    assert str(e.value) == (
        "param_scheduler[1]: ReduceOnPlateauLR: its rate depends on the metric your validation "
        "reports, which lrcli cannot know"
    )


def test_an_argument_the_scheduler_lacks_is_named() -> None:
    source = MMDET.replace("milestones=[8, 11]", "milestone=[8, 11]")
    with pytest.raises(ScheduleError) as e:
        _read(source, steps_per_epoch=100, world_size=1)
    assert str(e.value) == "param_scheduler[1]: MultiStepLR has no argument 'milestone'"


def test_end_not_after_begin_is_refused_as_mmengine_does() -> None:
    source = MMDET.replace("begin=0, end=500", "begin=500, end=500")
    with pytest.raises(ScheduleError) as e:
        _read(source, steps_per_epoch=100, world_size=1)
    assert str(e.value) == (
        "param_scheduler[0]: end 500 must be larger than begin 500 (mmengine raises)"
    )


def test_a_file_with_a_base_but_no_schedule_body_says_so() -> None:
    source = (
        "_base_ = ['../_base_/default_runtime.py']\n"
        "param_scheduler = [dict(type='StepLR', step_size=3)]\n"
    )
    with pytest.raises(ScheduleError) as e:
        _read(source)
    assert str(e.value) == (
        "the file has no optim_wrapper or train_cfg (the file inherits a _base_; lrcli reads "
        "one file: copy them in)"
    )


def test_a_python_file_with_param_scheduler_is_detected_as_mmengine() -> None:
    reading = read_config(CONFIGS / "files" / "mmengine-02-mmseg-poly.py", Facts())
    assert reading.kind == "mmengine"
    assert reading.schedule.description == (
        "mmengine Runner PolyLR · float64, recursive, as the Runner steps it"
    )


def test_iteration_loop_never_steps_an_epoch_scheduler_after_its_constructor() -> None:
    source = (
        "train_cfg = dict(type='IterBasedTrainLoop', max_iters=300)\n"
        "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n"
        "param_scheduler = [dict(type='LinearLR', start_factor=0.5, by_epoch=True, end=3),\n"
        "    dict(type='StepLR', step_size=1, gamma=0.5, by_epoch=True)]\n"
    )
    reading = _read(source)
    assert set(reading.schedule(np.arange(300)).tolist()) == {0.1 * 0.5}
    assert reading.explain[-1] == (
        "IterBasedTrainLoop steps epoch schedulers only after the last iteration: they never "
        "move (only their constructor's step counts)"
    )


def test_explain_for_rtmdet_names_each_scheduler_in_iterations() -> None:
    reading = read_config(
        CONFIGS / "files" / "mmengine-01-rtmdet-cosine.py", Facts(steps_per_epoch=916)
    )
    assert reading.explain == [
        "EpochBasedTrainLoop: 120 epochs x 916 iterations = 109,920 iterations, one optimizer "
        "update each",
        "lr 0.002 (optim_wrapper.optimizer.lr)",
        "LinearLR(1e-05 -> 1.0, total_iters = end - begin - 1 = 999): iterations begin 0, end "
        "1,000; stepped after every iteration",
        "CosineAnnealingLR(T_max=54,960, eta_min=0.0001): iterations begin 54,960, end "
        "109,920, converted from epochs 60 to 120 x 916 iterations; stepped after every "
        "iteration",
    ]


def test_explain_for_an_epoch_scheduler_says_where_it_moves() -> None:
    reading = read_config(
        CONFIGS / "files" / "mmengine-04-mmpretrain-multistep.py", Facts(steps_per_epoch=2503)
    )
    assert reading.explain[-1] == (
        "MultiStepLR(milestones=[30, 60, 90], gamma=0.1): epochs begin 0, end 100 (the run's "
        "length); stepped after every epoch: its call g moves the lr at iteration g x 2,503"
    )


def test_phases_of_a_warmup_then_epoch_milestones() -> None:
    reading = read_config(
        CONFIGS / "files" / "mmengine-00-mmdet-step.py", Facts(steps_per_epoch=3665)
    )
    phases = [(p.first, p.last, p.shape) for p in reading.schedule.phases(0, 87959)]
    assert phases == [
        (0, 0, "constant"),
        (1, 999, "linear"),
        (1000, 58639, "constant"),
        (58640, 80629, "constant"),
        (80630, 87959, "constant"),
    ]


def test_two_one_cycle_schedulers_are_refused() -> None:
    source = (
        "train_cfg = dict(type='IterBasedTrainLoop', max_iters=100)\n"
        "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n"
        "param_scheduler = [dict(type='OneCycleLR', eta_max=0.1, by_epoch=False),\n"
        "    dict(type='OneCycleLR', eta_max=0.2, by_epoch=False)]\n"
    )
    with pytest.raises(ScheduleError) as e:
        _read(source)
    assert str(e.value) == (
        "param_scheduler[1]: a second OneCycleLR overwrites the first one's initial_lr, max_lr "
        "and min_lr in the param group; lrcli reads one OneCycleLR per list"
    )
