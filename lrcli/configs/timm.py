"""The `args.yaml` timm's `train.py` writes: the schedule `create_scheduler_v2` builds from it.

`train.py` dumps its arguments right after parsing, so a run that took its lr from `lr_base`
has `lr: null` there and lrcli redoes the scaling (it needs the number of processes). Every
time in the schedule is in epochs, or in updates with `sched_on_updates` (multiplied by
train.py's `updates_per_epoch`, which lrcli takes from --steps-per-epoch). The scheduler is
stateless: update k runs at `_get_lr(k // U)` per epoch, `_get_lr(k)` per update, and during
epoch (or update) 0 at the value the constructor wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lrcli.calls import clip
from lrcli.configs import FIELD, Facts, Reading
from lrcli.frameworks import timm
from lrcli.schedule import Schedule, ScheduleError
from lrcli.stepping import PerEpoch

KIND = "timm"

_MARKS = (
    "epochs",
    "warmup_epochs",
    "warmup_lr",
    "min_lr",
    "cooldown_epochs",
    "sched_on_updates",
    "decay_epochs",
    "lr_base",
)

DEFAULTS: dict[str, Any] = {
    "sched": "cosine",
    "epochs": 300,
    "decay_epochs": 90,
    "decay_milestones": [90, 180, 270],
    "decay_rate": 0.1,
    "warmup_epochs": 5,
    "warmup_lr": 1e-5,
    "warmup_prefix": False,
    "min_lr": 0,
    "cooldown_epochs": 0,
    "sched_on_updates": False,
    "lr_cycle_mul": 1.0,
    "lr_cycle_decay": 0.5,
    "lr_cycle_limit": 1,
    "lr_k_decay": 1.0,
    "lr_noise": None,
    "lr_decay_fn": None,
    "lr_stable_timescale": None,
    "lr": None,
    "lr_base": 0.1,
    "lr_base_size": 256,
    "lr_base_scale": "",
    "batch_size": 128,
    "grad_accum_steps": 1,
    "opt": "sgd",
    "start_epoch": None,
}
"""train.py's argument defaults, for keys a hand-written `--config` file leaves out."""


def detect(path: Path, data: Any) -> bool:
    return isinstance(data, dict) and "sched" in data and sum(k in data for k in _MARKS) >= 2


def _get(data: dict[str, Any], key: str) -> Any:
    return data[key] if key in data else DEFAULTS[key]


def _number(data: dict[str, Any], key: str, *, whole: bool = False, empty: bool = False) -> Any:
    value = _get(data, key)
    if value is None and empty:
        return None
    if isinstance(value, str):
        hint = ""
        try:
            float(value)
            hint = "; YAML reads it as text (YAML 1.1 floats need a dot, such as 1.0e-05)"
        except ValueError:
            pass
        raise ScheduleError(FIELD, f"{key} is the string {clip(value)!r}, not a number{hint}")
    kind = int if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "a whole number" if whole else "a number"
        raise ScheduleError(FIELD, f"{key} = {clip(repr(value))} must be {what}")
    return value


def _plural(n: int, one: str) -> str:
    return f"{n:,} {one}" if n == 1 else f"{n:,} {one}s"


def read(path: Path, data: Any, facts: Facts) -> Reading:
    sched = _get(data, "sched")
    if sched == "plateau":
        raise ScheduleError(
            FIELD,
            "sched 'plateau': PlateauLRScheduler's rate depends on the metric your training "
            "reports, which lrcli cannot know",
        )
    if sched not in timm.SCHEDS:
        raise ScheduleError(
            FIELD,
            f"sched {clip(repr(sched))} is not a timm 1.0.31 scheduler lrcli knows; it knows "
            f"{', '.join(timm.SCHEDS)}",
        )
    noise = _get(data, "lr_noise")
    if noise is not None:
        raise ScheduleError(
            FIELD,
            f"lr_noise = {clip(repr(noise))}: timm adds noise drawn from torch's random "
            "generator, which lrcli does not reproduce; it can show the run with lr_noise: null",
        )
    explain: list[str] = []
    lr = _lr(data, facts, explain)
    per = facts.need(
        "steps_per_epoch",
        "timm steps its scheduler by epoch or by update, so lrcli needs the updates in one epoch: "
        "give --steps-per-epoch (train.py's updates_per_epoch, "
        "(len(loader_train) + grad_accum_steps - 1) // grad_accum_steps)",
    )
    if isinstance(per, bool) or not isinstance(per, int) or per < 1:
        raise ScheduleError("steps_per_epoch", f"{per!r} must be a whole number >= 1")
    epochs = _number(data, "epochs", whole=True)
    warmup = _number(data, "warmup_epochs", whole=True)
    cooldown = _number(data, "cooldown_epochs", whole=True)
    on_updates = bool(_get(data, "sched_on_updates"))
    prefix = bool(_get(data, "warmup_prefix"))
    decay_epochs = _number(data, "decay_epochs", empty=True)
    milestones = _get(data, "decay_milestones")
    if not isinstance(milestones, list) or any(
        isinstance(m, bool) or not isinstance(m, int) for m in milestones
    ):
        raise ScheduleError(
            FIELD, f"decay_milestones = {clip(repr(milestones))} must be a list of epochs"
        )
    timescale = _number(data, "lr_stable_timescale", empty=True)
    decay_fn = _get(data, "lr_decay_fn")
    try:
        schedule, num_epochs = timm.create_scheduler_v2(
            lr,
            sched=sched,
            num_epochs=epochs,
            decay_epochs=decay_epochs,
            decay_milestones=milestones,
            cooldown_epochs=cooldown,
            decay_rate=_number(data, "decay_rate"),
            min_lr=_number(data, "min_lr"),
            warmup_lr=_number(data, "warmup_lr"),
            warmup_epochs=warmup,
            warmup_prefix=prefix,
            cycle_mul=_number(data, "lr_cycle_mul"),
            cycle_decay=_number(data, "lr_cycle_decay"),
            cycle_limit=_number(data, "lr_cycle_limit"),
            k_decay=_number(data, "lr_k_decay"),
            decay_fn=decay_fn,
            stable_timescale=timescale,
            step_on_epochs=not on_updates,
            updates_per_epoch=per,
        )
    except ScheduleError as e:
        raise ScheduleError(FIELD, f"sched {sched!r}: {e}") from None
    unit = "updates" if on_updates else "epochs"
    explain.append(f"sched {sched!r}: timm {schedule.api}, {_details(schedule, unit)}")
    if schedule.warmup_t:
        where = (
            "a prefix: the schedule starts after it"
            if schedule.warmup_prefix
            else "inside epochs: the schedule runs on at the unshifted t"
        )
        explain.append(
            f"warmup {_plural(warmup, 'epoch')} from warmup_lr {schedule.warmup_lr_init!r} to "
            f"lr, updates 0..{warmup * per - 1:,}, {where}"
        )
    if on_updates:
        explain.append(
            f"stepped per update (sched_on_updates): every time in epochs x {per:,} updates; "
            f"update 0 at the constructor's value {schedule.initial!r}, update k at _get_lr(k)"
        )
        result: Schedule = schedule
    else:
        explain.append(
            f"stepped per epoch: update k runs at _get_lr(k // {per:,}); epoch 0 (updates "
            f"0..{per - 1:,}) at the constructor's value {schedule.initial!r}"
        )
        result = PerEpoch(schedule, per, first_epoch=schedule.initial)
    explain.append(_length(schedule, sched, epochs, warmup, cooldown, per, on_updates, num_epochs))
    start = _get(data, "start_epoch")
    if isinstance(start, int) and not isinstance(start, bool) and start > 0:
        explain.append(
            f"start_epoch {start}: train.py starts at epoch {start} (update {start * per:,}) "
            "at the rate these steps show there; earlier updates are not trained"
        )
    return Reading(result, KIND, explain, last_update=num_epochs * per - 1)


def _lr(data: dict[str, Any], facts: Facts, explain: list[str]) -> float:
    """lr from the file, or as train.py computes it from lr_base and the global batch."""
    file_lr = _number(data, "lr", empty=True)
    if file_lr:
        lr = facts.held("lr", file_lr, "lr")
        explain.append(f"lr {lr!r} (from the file)")
        return float(lr)
    if "lr" in facts.given and "world_size" not in facts.given:
        lr = facts.get("lr")
        explain.append(f"lr is null in the file: --lr {lr!r}, the rate train.py computed")
        return float(lr)
    world = facts.need(
        "world_size",
        "lr is null in args.yaml, so train.py computes it from lr_base and the global batch: "
        "give --world-size (the number of processes), or --lr with the rate it computed",
    )
    if isinstance(world, bool) or not isinstance(world, int) or world < 1:
        raise ScheduleError("world_size", f"{world!r} must be a whole number >= 1")
    batch = _number(data, "batch_size", whole=True)
    batch = facts.held("batch_size", batch, "batch_size")
    accum = _number(data, "grad_accum_steps", whole=True)
    accum = facts.held("grad_accum", accum, "grad_accum_steps")
    base, size = _number(data, "lr_base"), _number(data, "lr_base_size")
    scale, opt = _get(data, "lr_base_scale"), str(_get(data, "opt"))
    # global_batch_size = batch_size * world_size * grad_accum_steps
    global_batch = float(batch) * world * accum
    ratio = global_batch / size
    how = f"lr_base_scale {scale!r}"
    if not scale:
        scale = "sqrt" if any(o in opt.lower() for o in ("ada", "lamb")) else "linear"
        how = f"{scale} for opt {opt!r} (lr_base_scale empty)"
    if scale == "sqrt":
        ratio = ratio**0.5
    lr = base * ratio
    explain.append(
        f"lr is null: lr_base {base!r} x ({batch:,} per process x {world} processes x {accum} "
        f"accumulation = {int(global_batch):,} / lr_base_size {size:,}), {how}: "
        f"{base!r} x {ratio!r} = {lr!r}"
    )
    return float(facts.held("lr", lr, "lr computed from lr_base"))


def _details(s: timm.TimmScheduler, unit: str) -> str:
    if isinstance(s, timm.WSD):
        text = (
            f"stable + decay {s.t_initial:,} {unit}, the last {s.decay_t:,} decaying "
            f"({s.decay_fn}) to lr_min {s.lr_min!r}"
        )
        return text + (f", stable rsqrt over {s.timescale!r}" if s.stable_fn == "rsqrt" else "")
    if isinstance(s, timm.MultiStep):
        return (
            f"x {s.decay_rate!r} at milestones {s.milestones} {unit}, each applied at milestone - 1"
        )
    if isinstance(s, timm.Step):
        if s.decay_rate == 1:
            return "the lr held"
        return f"x {s.decay_rate!r} every {s.decay_t!r} {unit} (t // decay_t)"
    assert isinstance(s, timm._Cycles)
    text = f"t_initial {s.t_initial:,} {unit} down to lr_min {s.lr_min!r}"
    if isinstance(s, timm.Poly):
        text += f", power {s.power!r} (decay_rate)"
    if s.mul != 1 or s.limit != 1:
        text += f", {s.limit} cycles (cycle_mul {s.mul!r}, cycle_decay {s.decay!r})"
    k = getattr(s, "k", 1)
    if k != 1:
        text += f", k_decay {k!r}"
    return text


def _length(
    s: timm.TimmScheduler,
    sched: str,
    epochs: int,
    warmup: int,
    cooldown: int,
    per: int,
    on_updates: bool,
    num_epochs: int,
) -> str:
    total = f"{num_epochs} epochs x {per:,} = {num_epochs * per:,} updates"
    if isinstance(s, (timm._Cycles, timm.WSD)) and sched != "none":
        length = s.cycle_length()
        if on_updates:
            how = f"({length:,} + cooldown {cooldown * per:,}) // {per:,} updates"
        else:
            how = f"{length} + cooldown {cooldown}"
        return f"run: {how} = {total}, last update {num_epochs * per - 1:,}"
    how = f"epochs {epochs} + warmup {warmup}" if num_epochs != epochs else f"epochs {epochs}"
    ignored = f" (cooldown_epochs {cooldown} is not used by {sched!r})" if cooldown else ""
    return f"run: {how} = {total}, last update {num_epochs * per - 1:,}{ignored}"
