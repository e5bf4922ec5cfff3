"""A DeepSpeed config JSON: `scheduler.type`/`params` on the optimizer of `optimizer.params.lr`.

`DeepSpeedEngine._scheduler_from_config` calls `getattr(lr_schedules, type)(optimizer, **params)`
(a name not there comes from `torch.optim.lr_scheduler`) and the engine steps it once per
optimizer update, after the update. DeepSpeed's own schedulers set the rate in their
constructors, so their whole schedule runs one update late. Batch sizes and ZeRO play no part.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lrcli.calls import CallError, clip
from lrcli.configs import FIELD, Facts, Reading
from lrcli.frameworks import _args, deepspeed, torch
from lrcli.schedule import Schedule, ScheduleError

KIND = "deepspeed"

_MARKS = ("train_micro_batch_size_per_gpu", "zero_optimization")

_AUTO = "the Hugging Face Trainer fills it in from its TrainingArguments"


def detect(path: Path, data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    block = data.get("scheduler")
    return (isinstance(block, dict) and "type" in block) or any(key in data for key in _MARKS)


def read(path: Path, data: Any, facts: Facts) -> Reading:
    name, params = _scheduler(data)
    function, qualified = _function(name)
    optimizer = data.get("optimizer")
    kind = optimizer.get("type") if isinstance(optimizer, dict) else None
    file_lr = _file_lr(optimizer)
    lr = None if file_lr is None else facts.held("lr", file_lr, "optimizer.params.lr")
    opt = _args.Optimizer(lr)
    try:
        schedule = _build(name, function, opt, params)
    except _args.MissingLr:
        lr = facts.need("lr", _why_lr(name, optimizer, file_lr))
        opt = _args.Optimizer(lr)
        schedule = _build(name, function, opt, params)
    explain = [_lr_line(name, kind, lr, file_lr, opt.read)]
    call = ", ".join(["optimizer", *(f"{k}={v!r}" for k, v in params.items())])
    explain.append(f"{qualified}({call})")
    if isinstance(schedule, deepspeed.DeepSpeedSchedule):
        explain.append(
            "DeepSpeed steps the scheduler once per optimizer update, after the step: update 0 "
            "runs at the constructor's value, update k at the formula for k - 1"
        )
        explain.extend(schedule.arithmetic())
    else:
        explain.append(
            "DeepSpeed steps the scheduler once per optimizer update, after the step: update k "
            "runs at its rate after k steps"
        )
    return Reading(schedule, KIND, explain, last_update=None)


def _scheduler(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    block = data.get("scheduler")
    if not isinstance(block, dict) or "type" not in block:
        raise ScheduleError(
            FIELD,
            "the DeepSpeed config has no scheduler with a type, so the rate is whatever the "
            "script's own scheduler makes it; show that one, or add "
            '"scheduler": {"type": ..., "params": {...}}',
        )
    name = block["type"]
    if not isinstance(name, str):
        raise ScheduleError(FIELD, f"scheduler.type = {clip(repr(name))} is not a name")
    params = block.get("params")
    if params is None:
        raise ScheduleError(
            FIELD,
            f'the scheduler has no "params": DeepSpeed calls {clip(name)}(optimizer, **None) '
            'and fails; add "params": {}',
        )
    if not isinstance(params, dict):
        raise ScheduleError(FIELD, f"scheduler.params = {clip(repr(params))} is not a mapping")
    for key, value in params.items():
        if value == "auto":
            raise ScheduleError(
                FIELD,
                f'scheduler.params.{key} is "auto": {_AUTO}, DeepSpeed alone cannot use it; '
                "write the number",
            )
    return name, params


def _function(name: str) -> tuple[Callable[..., Any], str]:
    """The scheduler DeepSpeed finds by `name`, and its qualified name."""
    if name in deepspeed.APIS:
        return deepspeed.APIS[name], f"deepspeed.runtime.lr_schedules.{name}"
    if name in torch.APIS:
        return torch.APIS[name], f"torch.optim.lr_scheduler.{name}"
    if name in torch.REFUSED:
        raise ScheduleError(FIELD, f"scheduler type {name}: {torch.REFUSED[name]}")
    known = [*deepspeed.APIS, *torch.APIS]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; lrcli knows {', '.join(known)}"
    raise ScheduleError(
        FIELD,
        f"scheduler type {clip(name)!r} is neither in deepspeed.runtime.lr_schedules nor in "
        f'torch.optim.lr_scheduler (DeepSpeed: "does not recognize LR scheduler"){hint}',
    )


def _file_lr(optimizer: Any) -> Any:
    """`optimizer.params.lr` as a number, or None where the file leaves it to someone else."""
    if not isinstance(optimizer, dict):
        return None
    params = optimizer.get("params") or {}
    if not isinstance(params, dict):
        raise ScheduleError(FIELD, f"optimizer.params = {clip(repr(params))} is not a mapping")
    lr = params.get("lr")
    if lr is None or lr == "auto":
        return None
    if isinstance(lr, bool) or not isinstance(lr, (int, float)):
        raise ScheduleError(FIELD, f"optimizer.params.lr = {clip(repr(lr))} is not a number")
    return lr


def _why_lr(name: str, optimizer: Any, file_lr: Any) -> str:
    if not isinstance(optimizer, dict):
        where = "the file has no optimizer section, so the script's own optimizer sets the lr"
    elif (optimizer.get("params") or {}).get("lr") == "auto":
        where = f'optimizer.params.lr is "auto" ({_AUTO}: its learning_rate)'
    else:
        where = "optimizer.params has no lr, so the optimizer's own default applies"
    return f"{where}, and {name} reads it: give --lr (the optimizer's learning rate)"


def _build(
    name: str, function: Callable[..., Any], opt: _args.Optimizer, params: dict[str, Any]
) -> Schedule:
    try:
        bound = _args.bind(name, function, (opt,), tuple(params.items()))
        schedule: Schedule = function(**bound)
    except _args.MissingLr:
        raise
    except CallError as e:
        raise ScheduleError(FIELD, f"scheduler {name}: {e}") from None
    return schedule


def _lr_line(name: str, kind: Any, lr: Any, file_lr: Any, read: bool) -> str:
    what = f" ({kind})" if isinstance(kind, str) else ""
    if file_lr is not None:
        if read:
            return f"lr {lr!r} from optimizer.params.lr{what}"
        return f"optimizer.params.lr {lr!r}{what} plays no part: {name} sets the rate itself"
    if read:
        return f"lr {lr!r} from --lr (the script's optimizer; the file does not say)"
    return f"the optimizer's lr plays no part: {name} sets the rate itself"
