"""A LightningCLI config: torch optimizer and scheduler by `class_path`/`init_args`.

Lightning steps a scheduler returned this way once per training epoch (`interval: "epoch"`),
so update k runs at the rate after `k // steps_per_epoch` scheduler steps, unless
`--interval step` says the scheduler is stepped after every update.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lrcli.calls import CallError, clip
from lrcli.configs import FIELD, Facts, Reading
from lrcli.frameworks import _args, torch
from lrcli.schedule import ScheduleError
from lrcli.stepping import PerEpoch

KIND = "lightning-yaml"


def detect(path: Path, data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("lr_scheduler"), dict)
        and "class_path" in data["lr_scheduler"]
    )


def read(path: Path, data: Any, facts: Facts) -> Reading:
    block = data["lr_scheduler"]
    name = str(block.get("class_path", "")).rsplit(".", 1)[-1]
    if name not in torch.APIS:
        if name in torch.REFUSED:
            raise ScheduleError(FIELD, f"lr_scheduler {name}: {torch.REFUSED[name]}")
        where = clip(repr(block.get("class_path")))
        raise ScheduleError(FIELD, f"lr_scheduler {where} is not a torch scheduler lrcli knows")
    optimizer_block = data.get("optimizer") or {}
    file_lr = (optimizer_block.get("init_args") or {}).get("lr")
    lr = (
        facts.held("lr", file_lr, "optimizer.init_args.lr")
        if file_lr is not None
        else facts.get("lr")
    )
    if isinstance(lr, str):
        raise ScheduleError(
            FIELD,
            f"optimizer lr is the string {clip(lr)!r}: YAML 1.1 reads it as text; write "
            "0.001 or 1.0e-3",
        )
    function = torch.APIS[name]
    args = dict(block.get("init_args") or {})
    try:
        bound = _args.bind(name, function, (_args.Optimizer(lr),), tuple(args.items()))
        schedule = function(**bound)
    except CallError as e:
        raise ScheduleError(FIELD, f"lr_scheduler {name}: {e}") from None
    interval = facts.get("interval", "epoch")
    epochs = (data.get("trainer") or {}).get("max_epochs")
    explain = [f"{name}({', '.join(f'{k}={v!r}' for k, v in args.items())}) at lr {lr!r}"]
    if interval == "step":
        explain.append("stepped after every update (--interval step)")
        last = None
        return Reading(schedule, KIND, explain, last_update=last)
    per = facts.need(
        "steps_per_epoch",
        "Lightning steps this scheduler once per epoch: give --steps-per-epoch (the optimizer "
        "updates in one epoch) to place it in updates",
    )
    explain.append(
        f"Lightning steps it at the end of every epoch: update k runs at its rate after "
        f"k // {per:,} steps"
    )
    last = None
    if isinstance(epochs, int) and epochs > 0:
        last = epochs * per - 1
        explain.append(f"max_epochs {epochs} x {per:,} updates = {epochs * per:,} updates")
    return Reading(PerEpoch(schedule, per), KIND, explain, last_update=last)
