"""DeepSpeed configs and pasted `deepspeed.runtime.lr_schedules` calls, bit for bit.

The golden records are what DeepSpeed 0.19.8's engine put in the optimizer (see
tests/golden/configs/README.md, section b). Hypothesis checks the vectorised schedules against
`Reference`, a plain transcription of DeepSpeed's `get_lr`, one Python float at a time.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcli
from lrcli.configs import ConflictingFact, Facts, MissingFact, detect, load, read_config
from lrcli.frameworks import deepspeed
from lrcli.schedule import ScheduleError

CONFIGS = Path(__file__).resolve().parent / "golden" / "configs"
RECORDS = [
    record
    for record in map(json.loads, (CONFIGS / "configs.jsonl").read_text().splitlines())
    if record["kind"] == "deepspeed"
]


def facts_for(record: dict[str, Any]) -> Facts:
    needs = record["needs"]
    return Facts(lr=float(needs["lr"])) if needs else Facts()


def steps_of(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


# --- Golden records ------------------------------------------------------------------------


def test_every_deepspeed_record_is_here() -> None:
    assert len(RECORDS) == 6


@pytest.mark.parametrize("record", RECORDS, ids=[r["file"] for r in RECORDS])
def test_golden_record_bit_for_bit(record: dict[str, Any]) -> None:
    reading = read_config(CONFIGS / record["file"], facts_for(record))
    assert reading.kind == "deepspeed"
    assert reading.last_update is None
    assert reading.schedule(steps_of(record["steps"])).tolist() == record["lr"]


@pytest.mark.parametrize("record", RECORDS, ids=[r["file"] for r in RECORDS])
def test_golden_file_is_detected_as_deepspeed(record: dict[str, Any]) -> None:
    path = CONFIGS / record["file"]
    assert detect(path, load(path)) == "deepspeed"


def _pasted(record: dict[str, Any], prefix: str) -> str:
    scheduler = json.loads((CONFIGS / record["file"]).read_text())["scheduler"]
    arguments = ", ".join(f"{k}={v!r}" for k, v in scheduler["params"].items())
    return f"{prefix}{scheduler['type']}(optimizer, {arguments})"


def _lr(record: dict[str, Any]) -> float | None:
    if record["needs"]:
        return float(record["needs"]["lr"])
    data = json.loads((CONFIGS / record["file"]).read_text())
    lr: float | None = data.get("optimizer", {}).get("params", {}).get("lr")
    return lr


@pytest.mark.parametrize("prefix", ["deepspeed.runtime.lr_schedules.", "lr_schedules.", ""])
@pytest.mark.parametrize("record", RECORDS, ids=[r["file"] for r in RECORDS])
def test_pasted_call_gives_the_golden_rates(record: dict[str, Any], prefix: str) -> None:
    schedule = lrcli.parse(_pasted(record, prefix), lr=_lr(record))
    assert schedule(steps_of(record["steps"])).tolist() == record["lr"]


def test_pasted_warmup_decay_call_from_the_brief() -> None:
    schedule = lrcli.parse(
        "deepspeed.runtime.lr_schedules.WarmupDecayLR(optimizer, total_num_steps=5000, "
        "warmup_max_lr=6e-4, warmup_num_steps=100)"
    )
    record = next(r for r in RECORDS if "WarmupDecayLR" in r["file"])
    assert schedule(steps_of(record["steps"])).tolist() == record["lr"]


def test_lr_is_read_only_by_the_schedules_that_use_it() -> None:
    built = lrcli.frameworks.build("WarmupLR(optimizer, warmup_max_lr=0.001)", lr=0.5)
    assert not built.lr_used
    built = lrcli.frameworks.build("WarmupLR(optimizer)", lr=0.5)
    assert built.lr_used
    built = lrcli.frameworks.build("WarmupCosineLR(optimizer, 100)", lr=0.5)
    assert built.lr_used
    for call in ("OneCycle(optimizer, 0.1, 1.0)", "LRRangeTest(optimizer)"):
        assert not lrcli.frameworks.build(call, lr=0.5).lr_used


def test_readme_facts_hold() -> None:
    warm = lrcli.parse("WarmupLR(optimizer, warmup_num_steps=1000, warmup_type='linear')", lr=5e-5)
    assert warm(steps_of([1000, 1001])).tolist() == [4.995e-05, 5e-05]
    decay = lrcli.parse(
        "WarmupDecayLR(optimizer, 5000, warmup_max_lr=0.0006, warmup_num_steps=100)"
    )
    assert decay(steps_of([100, 101])).tolist() == [0.0005999999999999998, 0.0006]
    assert decay(steps_of([5001, 10**12])).tolist() == [0.0, 0.0]
    cosine = lrcli.parse("WarmupCosineLR(optimizer, 1000, warmup_min_ratio=0.5)", lr=1.0)
    assert cosine(steps_of([0, 1])).tolist() == [0.0, 0.5]
    assert cosine(steps_of([10**15])).tolist() == [1.0 * 0.0001]


# --- Against a plain transcription of DeepSpeed's get_lr ---------------------------------


class Reference:
    """DeepSpeed 0.19.8's `get_lr()` for one param group, at `last_batch_iteration = j`."""

    def __init__(self, kind: str, lr: float, **p: Any) -> None:
        self.kind, self.lr, self.p = kind, lr, p
        if kind in ("WarmupLR", "WarmupDecayLR", "WarmupCosineLR"):
            self.warmup_num_steps = max(2, p["warmup_num_steps"])
            self.inverse_log_warm_up = 1.0 / math.log(self.warmup_num_steps)
            self.warmup_type = p["warmup_type"] if p["warmup_type"] in ("log", "linear") else "log"

    def update(self, k: int) -> float:
        """The rate of optimizer update k: the constructor's, then get_lr at k - 1."""
        if k == 0:
            key = {
                "WarmupLR": "warmup_min_lr",
                "WarmupDecayLR": "warmup_min_lr",
                "OneCycle": "cycle_min_lr",
                "LRRangeTest": "lr_range_test_min_lr",
            }.get(self.kind)
            return float(self.p[key]) if key else 0.0
        return float(getattr(self, self.kind)(k - 1))

    def _warm(self, j: int) -> float:
        if self.warmup_type == "log":
            return self.inverse_log_warm_up * math.log(j + 1)
        return j / self.warmup_num_steps

    def WarmupLR(self, j: int) -> float:
        low, high = self.p["warmup_min_lr"], self.p["warmup_max_lr"]
        gamma = self._warm(j) if j < self.warmup_num_steps else 1.0
        return low + ((high - low) * gamma)

    def WarmupDecayLR(self, j: int) -> float:
        low, high, total = self.p["warmup_min_lr"], self.p["warmup_max_lr"], self.p["total"]
        if j < self.warmup_num_steps:
            gamma = self._warm(j)
        else:
            gamma = max(0.0, float(total - j) / float(max(1.0, total - self.warmup_num_steps)))
        return low + ((high - low) * gamma)

    def WarmupCosineLR(self, j: int) -> float:
        w, total = self.warmup_num_steps, self.p["total"]
        if j < w:
            ratio = self._warm(j)
            ratio_delta = 1.0 - self.p["warmup_min_ratio"]
            return self.lr * (self.p["warmup_min_ratio"] + ratio * ratio_delta)
        real_last_step = j - w + 1
        real_total_steps = max(1, total - w)
        cosine_progress = min(1.0, real_last_step / real_total_steps)
        ratio_delta = 1.0 - self.p["cos_min_ratio"]
        ratio = (1 + math.cos(math.pi * cosine_progress)) / 2
        return self.lr * max(0.0, self.p["cos_min_ratio"] + ratio_delta * ratio)

    def OneCycle(self, j: int) -> float:
        p = self.p
        first = float(p["first"])
        second = float(p["second"]) if p["second"] is not None else first
        total_size = first + second
        step_ratio = first / total_size
        low, high = p["cycle_min_lr"], p["cycle_max_lr"]
        if j < total_size:
            batch_iteration = j + 1
            cycle = math.floor(1 + batch_iteration / total_size)
            x = 1.0 + batch_iteration / total_size - cycle
            if x <= step_ratio:
                scale_factor = x / step_ratio
                stair_count = p["up"]
            else:
                scale_factor = (x - 1) / (step_ratio - 1)
                stair_count = p["down"] if p["down"] is not None else p["up"]
            if stair_count > 0:
                cycle_iteration = batch_iteration % total_size
                if cycle_iteration <= first:
                    stair_position = cycle_iteration * stair_count / first
                else:
                    stair_position = (total_size - cycle_iteration) * stair_count / second
                scale_factor = math.floor(stair_position) / stair_count
            return low + (high - low) * scale_factor
        if p["decay_step_size"] == 0 or p["decay_lr_rate"] == 0:
            return float(low)
        decay_interval = (j - total_size + 1) / p["decay_step_size"]
        return low / (1 + p["decay_lr_rate"] * decay_interval)

    def LRRangeTest(self, j: int) -> float:
        p = self.p
        if p["staircase"]:
            interval: float = math.floor(float(j + 1) / p["size"])
        else:
            interval = float(j + 1) / p["size"]
        return p["lr_range_test_min_lr"] * (1 + p["rate"] * interval)


lrs = st.sampled_from([0.1, 3e-4, 6e-4, 1e-3, 5e-5, 2.5e-5, 1.0, 0.0625])
small = st.sampled_from([0.0, 0.0, 1e-6, 3e-5, 0.01])
warmups = st.integers(1, 300)
totals = st.integers(0, 800)
types = st.sampled_from(["log", "linear", "cos"])
far = st.lists(st.integers(0, 2**62), max_size=6)


def _compare(schedule: Any, reference: Reference, extra: list[int]) -> None:
    steps = list(range(0, 1001)) + extra
    expected = [reference.update(k) for k in steps]
    assert schedule(steps_of(steps)).tolist() == expected


@settings(max_examples=150, deadline=None)
@given(lrs, small, warmups, types, far)
def test_warmup_lr_matches_reference(
    high: float, low: float, warmup: int, kind: str, extra: list[int]
) -> None:
    call = (
        f"WarmupLR(optimizer, warmup_min_lr={low!r}, warmup_max_lr={high!r}, "
        f"warmup_num_steps={warmup}, warmup_type={kind!r})"
    )
    reference = Reference(
        "WarmupLR",
        0.0,
        warmup_min_lr=low,
        warmup_max_lr=high,
        warmup_num_steps=warmup,
        warmup_type=kind,
    )
    _compare(lrcli.parse(call), reference, extra)


@settings(max_examples=150, deadline=None)
@given(lrs, small, warmups, totals, types, far)
def test_warmup_decay_lr_matches_reference(
    high: float, low: float, warmup: int, total: int, kind: str, extra: list[int]
) -> None:
    call = (
        f"WarmupDecayLR(optimizer, {total}, warmup_min_lr={low!r}, warmup_max_lr={high!r}, "
        f"warmup_num_steps={warmup}, warmup_type={kind!r})"
    )
    reference = Reference(
        "WarmupDecayLR",
        0.0,
        total=total,
        warmup_min_lr=low,
        warmup_max_lr=high,
        warmup_num_steps=warmup,
        warmup_type=kind,
    )
    _compare(lrcli.parse(call), reference, extra)


@settings(max_examples=150, deadline=None)
@given(
    lrs,
    st.sampled_from([0.0, 0.01, 0.1, 0.5]),
    warmups,
    totals,
    st.sampled_from([0.0, 0.0001, 0.01, 0.1, -0.05]),
    types,
    far,
)
def test_warmup_cosine_lr_matches_reference(
    lr: float, low: float, warmup: int, total: int, floor: float, kind: str, extra: list[int]
) -> None:
    call = (
        f"WarmupCosineLR(optimizer, {total}, warmup_min_ratio={low!r}, "
        f"warmup_num_steps={warmup}, cos_min_ratio={floor!r}, warmup_type={kind!r})"
    )
    reference = Reference(
        "WarmupCosineLR",
        lr,
        total=total,
        warmup_min_ratio=low,
        warmup_num_steps=warmup,
        cos_min_ratio=floor,
        warmup_type=kind,
    )
    _compare(lrcli.parse(call, lr=lr), reference, extra)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([1e-4, 0.001, 0.01]),
    st.sampled_from([0.003, 0.1, 1.0]),
    st.integers(1, 300),
    st.none() | st.integers(0, 300),
    st.integers(0, 12),
    st.none() | st.integers(0, 12),
    st.sampled_from([0, 1, 100, 1000]),
    st.sampled_from([0.0, 0.5, 2.0]),
    far,
)
def test_one_cycle_matches_reference(
    low: float,
    high: float,
    first: int,
    second: int | None,
    up: int,
    down: int | None,
    decay_size: int,
    decay_rate: float,
    extra: list[int],
) -> None:
    call = (
        f"OneCycle(optimizer, {low!r}, {high!r}, decay_lr_rate={decay_rate!r}, "
        f"cycle_first_step_size={first}, cycle_second_step_size={second!r}, "
        f"cycle_first_stair_count={up}, cycle_second_stair_count={down!r}, "
        f"decay_step_size={decay_size})"
    )
    reference = Reference(
        "OneCycle",
        0.0,
        cycle_min_lr=low,
        cycle_max_lr=high,
        first=first,
        second=second,
        up=up,
        down=down,
        decay_step_size=decay_size,
        decay_lr_rate=decay_rate,
    )
    _compare(lrcli.parse(call), reference, extra)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([1e-6, 1e-3, 0.01]),
    st.integers(1, 2000),
    st.sampled_from([0.0, 0.5, 1.0, 3.0, 10]),
    st.booleans(),
    far,
)
def test_lr_range_test_matches_reference(
    low: float, size: int, rate: float, staircase: bool, extra: list[int]
) -> None:
    call = (
        f"LRRangeTest(optimizer, lr_range_test_min_lr={low!r}, lr_range_test_step_size={size}, "
        f"lr_range_test_step_rate={rate!r}, lr_range_test_staircase={staircase})"
    )
    reference = Reference(
        "LRRangeTest",
        0.0,
        lr_range_test_min_lr=low,
        size=size,
        rate=rate,
        staircase=staircase,
    )
    _compare(lrcli.parse(call), reference, extra)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(1.0, 1e300), min_size=1, max_size=2000) | st.just([]))
def test_exact_log_is_math_log(values: list[float]) -> None:
    x = np.array(values, dtype=np.float64)
    assert deepspeed.exact_log(x).tolist() == [math.log(v) for v in values]


def test_exact_log_over_a_long_warmup() -> None:
    x = np.arange(1, 400_001, dtype=np.float64)
    assert deepspeed.exact_log(x).tolist() == [math.log(v) for v in x.tolist()]


@pytest.mark.parametrize(
    "call",
    [
        "WarmupLR(optimizer, warmup_num_steps=50, warmup_type='linear')",
        "WarmupDecayLR(optimizer, 300, warmup_num_steps=50)",
        "WarmupDecayLR(optimizer, 30, warmup_num_steps=50)",
        "WarmupCosineLR(optimizer, 300, warmup_num_steps=50)",
        "OneCycle(optimizer, 0.01, 0.1, cycle_first_step_size=40, cycle_second_step_size=60)",
        "OneCycle(optimizer, 0.01, 0.1, 0.5, 40, cycle_first_stair_count=4, decay_step_size=10)",
        "LRRangeTest(optimizer, lr_range_test_step_size=30, lr_range_test_staircase=True)",
    ],
)
def test_phases_tile_and_constant_phases_hold_one_rate(call: str) -> None:
    schedule = lrcli.parse(call, lr=0.1)
    last = schedule.end + 100
    phases = list(schedule.phases(0, last))
    assert phases[0].first == 0 and phases[-1].last == last
    for before, after in itertools.pairwise(phases):
        assert after.first == before.last + 1
    for phase in phases:
        if phase.constant:
            rates = schedule(np.arange(phase.first, phase.last + 1))
            assert (rates == rates[0]).all(), phase


def test_phase_edges_of_warmup_decay() -> None:
    schedule = lrcli.parse("WarmupDecayLR(optimizer, 5000, warmup_num_steps=100)")
    assert [(p.first, p.shape) for p in schedule.phases(0, 6000)] == [
        (0, "log"),
        (101, "linear"),
        (5001, "constant"),
    ]
    assert schedule.end == 5001


# --- Notes ---------------------------------------------------------------------------------


def test_note_updates_zero_and_one_share_a_rate() -> None:
    schedule = lrcli.parse("WarmupLR(optimizer, warmup_max_lr=0.001)")
    assert list(schedule.notes(0, 10)) == [
        "step 0 and step 1 both train at 0.0 (the first two updates learn nothing): "
        "DeepSpeed's WarmupLR sets warmup_min_lr in its constructor and its first step() "
        "computes iteration 0, which is warmup_min_lr again, so the whole schedule runs one "
        "update late"
    ]
    assert list(schedule.notes(5, 10)) == []


def test_note_cosine_never_at_its_peak_with_linear_warmup() -> None:
    schedule = lrcli.parse(
        "WarmupCosineLR(optimizer, 1000, warmup_num_steps=500, warmup_type='linear')", lr=0.0003
    )
    assert list(schedule.notes(400, 600)) == [
        "WarmupCosineLR never trains at lr 0.0003 with a linear warmup: its last warmup update "
        "(500) runs at 0.00029939999999999996 ((W' - 1) / W' of the way) and update 501 is "
        "already on the cosine at 0.0002999970394245077"
    ]
    assert next(iter(schedule.notes(0, 100))).startswith(
        "step 0 trains at rate 0.0: WarmupCosineLR's constructor sets 0.0 whatever "
        "warmup_min_ratio says"
    )


def test_note_warmup_decay_default_max_ignores_the_optimizer() -> None:
    schedule = lrcli.parse("WarmupDecayLR(optimizer, 5000)")
    notes = list(schedule.notes(1, 2000))
    assert notes == [
        "WarmupDecayLR peaks at its default warmup_max_lr 0.001 whatever the optimizer's lr: "
        "DeepSpeed does not read the optimizer's lr for it; set warmup_max_lr in the "
        "scheduler's params"
    ]
    given = lrcli.parse("WarmupDecayLR(optimizer, 5000, warmup_max_lr=0.001)")
    assert list(given.notes(1, 2000)) == []


def test_unknown_warmup_type_is_log_with_a_note() -> None:
    odd = lrcli.parse("WarmupLR(optimizer, 0.0, 0.1, 100, 'cosine')")
    log = lrcli.parse("WarmupLR(optimizer, 0.0, 0.1, 100)")
    steps = np.arange(200)
    assert odd(steps).tolist() == log(steps).tolist()
    assert list(odd.notes(5, 10)) == [
        "warmup_type='cosine' is not 'log' or 'linear': DeepSpeed logs a warning and warms up "
        "with 'log'"
    ]


def test_warmup_below_two_steps_is_two() -> None:
    one = lrcli.parse("WarmupLR(optimizer, 0.0, 0.1, 1, 'linear')")
    assert one(steps_of([0, 1, 2, 3])).tolist() == [0.0, 0.0, 0.05, 0.1]


# --- Config files: facts, types, errors ----------------------------------------------------


def write(tmp_path: Path, data: Any, name: str = "ds_config.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_marker_only_file_is_deepspeed_and_says_it_has_no_scheduler(tmp_path: Path) -> None:
    path = write(tmp_path, {"train_micro_batch_size_per_gpu": 4, "zero_optimization": {}})
    with pytest.raises(ScheduleError) as e:
        read_config(path)
    assert str(e.value) == (
        "the DeepSpeed config has no scheduler with a type, so the rate is whatever the "
        "script's own scheduler makes it; show that one, or add "
        '"scheduler": {"type": ..., "params": {...}}'
    )


def test_lr_needed_without_optimizer_section(tmp_path: Path) -> None:
    path = write(
        tmp_path, {"scheduler": {"type": "WarmupCosineLR", "params": {"total_num_steps": 10}}}
    )
    with pytest.raises(MissingFact) as e:
        read_config(path)
    assert e.value.field == "lr"
    assert str(e.value) == (
        "the file has no optimizer section, so the script's own optimizer sets the lr, and "
        "WarmupCosineLR reads it: give --lr (the optimizer's learning rate)"
    )
    reading = read_config(path, Facts(lr=0.5))
    assert reading.schedule(steps_of([0, 1])).tolist() == [0.0, 0.0]


def test_lr_auto_is_a_missing_fact(tmp_path: Path) -> None:
    data = {
        "optimizer": {"type": "AdamW", "params": {"lr": "auto"}},
        "scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": 10}},
    }
    with pytest.raises(MissingFact) as e:
        read_config(write(tmp_path, data))
    assert str(e.value) == (
        'optimizer.params.lr is "auto" (the Hugging Face Trainer fills it in from its '
        "TrainingArguments: its learning_rate), and WarmupLR reads it: give --lr (the "
        "optimizer's learning rate)"
    )


def test_lr_not_read_leaves_lr_unused(tmp_path: Path) -> None:
    data = {"scheduler": {"type": "WarmupLR", "params": {"warmup_max_lr": 0.001}}}
    facts = Facts(lr=0.5)
    reading = read_config(write(tmp_path, data), facts)
    assert facts.unused() == ["--lr"]
    assert reading.explain[0] == "the optimizer's lr plays no part: WarmupLR sets the rate itself"


def test_lr_conflicting_with_the_file(tmp_path: Path) -> None:
    path = CONFIGS / "files/deepspeed-02-WarmupCosineLR.json"
    with pytest.raises(ConflictingFact) as e:
        read_config(path, Facts(lr=0.001))
    assert str(e.value) == (
        "--lr 0.001 disagrees with the file's optimizer.params.lr = 0.0003; leave --lr out, "
        "or change the file"
    )


def test_torch_scheduler_by_name_stepped_once_per_update(tmp_path: Path) -> None:
    data = {
        "optimizer": {"type": "SGD", "params": {"lr": 0.1}},
        "scheduler": {"type": "StepLR", "params": {"step_size": 3, "gamma": 0.5}},
    }
    reading = read_config(write(tmp_path, data))
    torch_built = lrcli.parse("torch.optim.lr_scheduler.StepLR(optimizer, 3, 0.5)", lr=0.1)
    steps = np.arange(20)
    assert reading.schedule(steps).tolist() == torch_built(steps).tolist()
    assert reading.explain == [
        "lr 0.1 from optimizer.params.lr (SGD)",
        "torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)",
        "DeepSpeed steps the scheduler once per optimizer update, after the step: update k "
        "runs at its rate after k steps",
    ]


@pytest.mark.parametrize(
    ("scheduler", "message"),
    [
        (
            {"type": "WarmupLR", "params": {"warmup_num_steps": 1000.0}},
            "scheduler WarmupLR: WarmupLR: warmup_num_steps must be a positive integer, got 1000.0",
        ),
        (
            {"type": "WarmupDecayLR", "params": {"total_num_steps": 10, "warmup_num_steps": 0}},
            "scheduler WarmupDecayLR: WarmupDecayLR: warmup_num_steps must be a positive "
            "integer, got 0",
        ),
        (
            {"type": "WarmupDecayLR", "params": {"warmup_num_steps": 10}},
            "scheduler WarmupDecayLR: WarmupDecayLR needs 'total_num_steps': it has no default",
        ),
        (
            {"type": "WarmupDecayLR", "params": {"total_num_steps": "auto"}},
            'scheduler.params.total_num_steps is "auto": the Hugging Face Trainer fills it in '
            "from its TrainingArguments, DeepSpeed alone cannot use it; write the number",
        ),
        (
            {"type": "WarmupLR"},
            'the scheduler has no "params": DeepSpeed calls WarmupLR(optimizer, **None) and '
            'fails; add "params": {}',
        ),
        (
            {"type": "WarmupLr", "params": {}},
            "scheduler type 'WarmupLr' is neither in deepspeed.runtime.lr_schedules nor in "
            'torch.optim.lr_scheduler (DeepSpeed: "does not recognize LR scheduler"); did you '
            "mean 'WarmupLR'?",
        ),
        (
            {"type": "ReduceLROnPlateau", "params": {}},
            "scheduler type ReduceLROnPlateau: its rate depends on the metric your training "
            "reports, which lrcli cannot know",
        ),
        (
            {"type": "OneCycle", "params": {"cycle_min_lr": 0.1}},
            "scheduler OneCycle: OneCycle needs 'cycle_max_lr': it has no default",
        ),
        (
            {
                "type": "OneCycle",
                "params": {"cycle_min_lr": 0.1, "cycle_max_lr": 1, "cycle_first_step_size": 0},
            },
            "scheduler OneCycle: OneCycle: cycle_first_step_size must be positive, got 0.0",
        ),
        (
            {"type": "LRRangeTest", "params": {"lr_range_test_step_size": 0}},
            "scheduler LRRangeTest: LRRangeTest: lr_range_test_step_size must be a positive "
            "integer, got 0",
        ),
        (
            {"type": "LRRangeTest", "params": {"lr_range_test_staircase": "yes"}},
            "scheduler LRRangeTest: LRRangeTest: lr_range_test_staircase='yes' must be True or "
            "False",
        ),
        (
            {"type": "WarmupLR", "params": {"warmup_max_lr": [0.1, 0.2]}},
            "scheduler WarmupLR: WarmupLR: expected 1 value for max_lr, got 2 (lrcli's "
            "optimizer has one parameter group)",
        ),
        (
            {"type": "WarmupLR", "params": {"warmup_max_lr": 0.1, "last_batch_iteration": 5}},
            "scheduler WarmupLR: WarmupLR: last_batch_iteration=5 resumes a schedule; lrcli "
            "shows it from the start (leave it at -1 and look at the later steps)",
        ),
        (
            {"type": "WarmupLR", "params": {"warmup_max_lr": 0.1, "warmup_steps": 5}},
            "scheduler WarmupLR: WarmupLR has no argument 'warmup_steps'; did you mean "
            "'warmup_num_steps'?",
        ),
    ],
)
def test_bad_scheduler_says_what_is_wrong(
    tmp_path: Path, scheduler: dict[str, Any], message: str
) -> None:
    data = {"optimizer": {"type": "Adam", "params": {"lr": 0.001}}, "scheduler": scheduler}
    with pytest.raises(ScheduleError) as e:
        read_config(write(tmp_path, data))
    assert str(e.value) == message


def test_list_of_one_value_per_group_is_one_group(tmp_path: Path) -> None:
    listed = {"type": "WarmupLR", "params": {"warmup_max_lr": [0.1], "warmup_num_steps": 10}}
    plain = {"type": "WarmupLR", "params": {"warmup_max_lr": 0.1, "warmup_num_steps": 10}}
    steps = np.arange(30)
    a = read_config(write(tmp_path, {"scheduler": listed}, "a.json")).schedule(steps)
    b = read_config(write(tmp_path, {"scheduler": plain}, "b.json")).schedule(steps)
    assert a.tolist() == b.tolist()


# --- Explain lines -------------------------------------------------------------------------

EXPLAIN = {
    "files/deepspeed-00-WarmupLR-linear.json": [
        "lr 5e-05 from --lr (the script's optimizer; the file does not say)",
        "deepspeed.runtime.lr_schedules.WarmupLR(optimizer, warmup_min_lr=0.0, "
        "warmup_num_steps=1000, warmup_type='linear')",
        "DeepSpeed steps the scheduler once per optimizer update, after the step: update 0 "
        "runs at the constructor's value, update k at the formula for k - 1",
        "W' = max(2, warmup_num_steps) = 1,000, warmup_type 'linear': g(j) = j / 1000",
        "updates 1..1,000: warmup_min_lr + (warmup_max_lr - warmup_min_lr) * g(k - 1), from "
        "0.0 to warmup_max_lr 5e-05 (the optimizer's lr); 5e-05 from update 1,001 on",
    ],
    "files/deepspeed-01-WarmupDecayLR.json": [
        "the optimizer's lr plays no part: WarmupDecayLR sets the rate itself",
        "deepspeed.runtime.lr_schedules.WarmupDecayLR(optimizer, total_num_steps=5000, "
        "warmup_max_lr=0.0006, warmup_num_steps=100, warmup_type='log')",
        "DeepSpeed steps the scheduler once per optimizer update, after the step: update 0 "
        "runs at the constructor's value, update k at the formula for k - 1",
        "W' = max(2, warmup_num_steps) = 100, warmup_type 'log': g(j) = log(j + 1) / log(100)",
        "updates 1..100: warmup_min_lr + (warmup_max_lr - warmup_min_lr) * g(k - 1), from 0.0 "
        "to warmup_max_lr 0.0006",
        "updates 101 on: warmup_min_lr + (warmup_max_lr - warmup_min_lr) * max(0, (T - (k - 1)) "
        "/ 4900), T = total_num_steps = 5000: warmup_min_lr 0.0 from update 5,001 on",
    ],
    "files/deepspeed-02-WarmupCosineLR.json": [
        "lr 0.0003 from optimizer.params.lr (AdamW)",
        "deepspeed.runtime.lr_schedules.WarmupCosineLR(optimizer, total_num_steps=1000, "
        "warmup_num_steps=500, warmup_min_ratio=0.01)",
        "DeepSpeed steps the scheduler once per optimizer update, after the step: update 0 "
        "runs at the constructor's value, update k at the formula for k - 1",
        "W' = max(2, warmup_num_steps) = 500, warmup_type 'log': g(j) = log(j + 1) / log(500)",
        "rate = lr * ratio, lr = 0.0003: update 0 is 0.0; updates 1..500 ratio = "
        "warmup_min_ratio + g(k - 1) * (1 - warmup_min_ratio), warmup_min_ratio = 0.01",
        "updates 501 on: ratio = cos_min_ratio + (1 - cos_min_ratio) * (1 + cos(pi * p)) / 2, "
        "p = min(1, (k - W') / 500), cos_min_ratio = 0.0001; 3e-08 from update 1,000 on",
    ],
    "files/deepspeed-03-OneCycle.json": [
        "the optimizer's lr plays no part: OneCycle sets the rate itself",
        "deepspeed.runtime.lr_schedules.OneCycle(optimizer, cycle_min_lr=0.0001, "
        "cycle_max_lr=0.003, decay_lr_rate=0.5, cycle_first_step_size=250, "
        "cycle_first_stair_count=10, cycle_second_stair_count=4, decay_step_size=1000, "
        "cycle_momentum=False, cycle_min_mom=0.85, cycle_max_mom=0.99, decay_mom_rate=0.0)",
        "DeepSpeed steps the scheduler once per optimizer update, after the step: update 0 "
        "runs at the constructor's value, update k at the formula for k - 1",
        "one cycle of 250 + 250 updates from cycle_min_lr 0.0001 up to cycle_max_lr 0.003 at "
        "update 250 and back down at update 500 in 10 stairs up and 4 stairs down (its formula "
        "uses j + 1, so the delay cancels: update k at k)",
        "updates 501 on: cycle_min_lr / (1 + 0.5 * (k - 500) / 1000)",
    ],
    "files/deepspeed-04-LRRangeTest.json": [
        "optimizer.params.lr 2e-05 (Adam) plays no part: LRRangeTest sets the rate itself",
        "deepspeed.runtime.lr_schedules.LRRangeTest(optimizer, lr_range_test_min_lr=1e-06, "
        "lr_range_test_step_size=1000, lr_range_test_step_rate=1.0, "
        "lr_range_test_staircase=True)",
        "DeepSpeed steps the scheduler once per optimizer update, after the step: update 0 "
        "runs at the constructor's value, update k at the formula for k - 1",
        "update k: lr_range_test_min_lr * (1 + 1.0 * floor(k / 1000)), lr_range_test_min_lr = "
        "1e-06 (its formula uses j + 1, so the delay cancels: update k at k)",
    ],
    "files/deepspeed-05-WarmupLR-log.json": [
        "the optimizer's lr plays no part: WarmupLR sets the rate itself",
        "deepspeed.runtime.lr_schedules.WarmupLR(optimizer, warmup_max_lr=0.0003, "
        "warmup_num_steps=50)",
        "DeepSpeed steps the scheduler once per optimizer update, after the step: update 0 "
        "runs at the constructor's value, update k at the formula for k - 1",
        "W' = max(2, warmup_num_steps) = 50, warmup_type 'log': g(j) = log(j + 1) / log(50)",
        "updates 1..50: warmup_min_lr + (warmup_max_lr - warmup_min_lr) * g(k - 1), from 0.0 "
        "to warmup_max_lr 0.0003; 0.0003 from update 51 on",
    ],
}


@pytest.mark.parametrize("record", RECORDS, ids=[r["file"] for r in RECORDS])
def test_explain_lines(record: dict[str, Any]) -> None:
    reading = read_config(CONFIGS / record["file"], facts_for(record))
    assert reading.explain == EXPLAIN[record["file"]]


def test_explain_says_warmup_decay_default_max_is_not_the_optimizers(tmp_path: Path) -> None:
    data = {
        "optimizer": {"type": "AdamW", "params": {"lr": 3e-4}},
        "scheduler": {"type": "WarmupDecayLR", "params": {"total_num_steps": 5000}},
    }
    reading = read_config(write(tmp_path, data))
    assert reading.explain[0] == (
        "optimizer.params.lr 0.0003 (AdamW) plays no part: WarmupDecayLR sets the rate itself"
    )
    assert reading.explain[4] == (
        "updates 1..1,000: warmup_min_lr + (warmup_max_lr - warmup_min_lr) * g(k - 1), from "
        "0.0 to warmup_max_lr 0.001 (its default: not the optimizer's lr)"
    )
    assert reading.schedule(steps_of([1001])).tolist() == [0.001]
