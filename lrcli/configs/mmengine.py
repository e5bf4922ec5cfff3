"""An OpenMMLab (mmengine 0.10.7) Python config: `param_scheduler` as the Runner steps it.

The file is read with `ast`, never run: `dict(key=value)` calls are read as dicts, and only
literal values are accepted. The Runner builds the optimizer with `lr` (scaled by
`auto_scale_lr`), builds each scheduler in list order (each constructor steps once), and its
`ParamSchedulerHook` steps the iteration schedulers after every iteration and the epoch
schedulers after every epoch. Every scheduler changes the current lr (torch's chainable forms),
so a list multiplies together. Iteration i (one optimizer update) runs at the lr left by all of
that before it; the walk follows those float operations one by one, in the Runner's order.
Comments name the lines of mmengine/optim/scheduler/param_scheduler.py mirrored.
"""

from __future__ import annotations

import ast
import bisect
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lrcli.calls import clip
from lrcli.configs import FIELD, Facts, Reading
from lrcli.frameworks import torch
from lrcli.schedule import MAX_STEP, ScheduleError
from lrcli.smooth import WALK_LIMIT, Floats, Phase, Steps, Walk, affine_walk, product_walk

KIND = "mmengine"

INF = int(1e9)
"""mmengine's `end` default (`INF = int(1e9)` in param_scheduler.py)."""

KEEP, MUL, AFFINE, ADD, SET = 0, 1, 2, 3, 4
"""What one scheduler step does to the lr: nothing, `lr * x`, `x * (lr - low) + low`,
`lr + x`, or `x` (OneCycleLR and a CosineRestartLR restart set the lr outright)."""

ARGS: dict[str, dict[str, Any]] = {
    "ConstantLR": {"factor": 1.0 / 3},
    "CosineAnnealingLR": {"T_max": None, "eta_min": None, "eta_min_ratio": None},
    "ExponentialLR": {"gamma": ...},
    "LinearLR": {"start_factor": 1.0 / 3, "end_factor": 1.0},
    "MultiStepLR": {"milestones": ..., "gamma": 0.1},
    "StepLR": {"step_size": ..., "gamma": 0.1},
    "PolyLR": {"eta_min": 0, "power": 1.0},
    "OneCycleLR": {
        "eta_max": 0,
        "total_steps": None,
        "pct_start": 0.3,
        "anneal_strategy": "cos",
        "div_factor": 25.0,
        "final_div_factor": 1e4,
        "three_phase": False,
    },
    "CosineRestartLR": {
        "periods": ...,
        "restart_weights": (1,),
        "eta_min": None,
        "eta_min_ratio": None,
    },
}
"""Each lr scheduler of mmengine.optim: its own arguments and defaults (`...`: required)."""

COMMON = {"begin", "end", "by_epoch", "last_step", "verbose", "convert_to_iter_based"}

REFUSED = {
    "ReduceOnPlateauLR": "its rate depends on the metric your validation reports, "
    "which lrcli cannot know",
}

_READ = ("param_scheduler", "optim_wrapper", "train_cfg", "auto_scale_lr", "train_dataloader")


# --- Reading the file -------------------------------------------------------------------


def detect(path: Path, data: Any) -> bool:
    if not isinstance(data, str) or "param_scheduler" not in data:
        return False
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return False
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "param_scheduler" for t in node.targets)
        for node in tree.body
    )


def _assignments(path: Path, source: str) -> dict[str, Any]:
    """The top-level `name = value` of the names lrcli reads, values read as literals."""
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise ScheduleError(
            FIELD, f"{clip(str(path))!r} is not valid Python: {clip(e.msg, 60)} (line {e.lineno})"
        ) from None
    found: dict[str, Any] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            name = _root(target)
            if name not in _READ:
                continue
            if not isinstance(node, ast.Assign) or not isinstance(target, ast.Name):
                raise ScheduleError(
                    FIELD,
                    f"{name} is changed on line {node.lineno} by "
                    f"{clip(ast.get_source_segment(source, node) or name)!r}; lrcli reads "
                    f"one plain `{name} = ...`: write the final value there",
                )
            assert isinstance(node, ast.Assign)
            found[name] = _Literal(source, name).value(node.value)
    return found


def _root(target: ast.expr) -> str | None:
    while isinstance(target, (ast.Attribute, ast.Subscript)):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


class _Literal:
    """A value written with literals and `dict(key=value)` calls, as `ast.literal_eval` reads."""

    def __init__(self, source: str, where: str) -> None:
        self.source, self.where = source, where

    def fail(self, node: ast.expr, why: str) -> ScheduleError:
        text = clip(ast.get_source_segment(self.source, node) or ast.unparse(node))
        return ScheduleError(
            FIELD, f"{self.where}: {text!r} on line {node.lineno} {why}; write the value itself"
        )

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "dict"
        ):
            if node.args or any(k.arg is None for k in node.keywords):
                raise self.fail(node, "is not a plain dict(key=value, ...)")
            return {k.arg: self.value(k.value) for k in node.keywords}
        if isinstance(node, ast.Dict):
            keys = [k for k in node.keys if k is not None]
            if len(keys) != len(node.keys):
                raise self.fail(node, "unpacks a dict with **")
            return {self.value(k): self.value(v) for k, v in zip(keys, node.values, strict=True)}
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.value(item) for item in node.elts]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.value(node.operand)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Name):
            raise self.fail(node, "is a variable lrcli does not run the file to learn")
        raise self.fail(node, "is not a literal lrcli can read without running the file")


def _int(where: str, value: Any, minimum: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ScheduleError(
            FIELD, f"{where} = {clip(repr(value))} must be a whole number >= {minimum}"
        )
    return value


def _num(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScheduleError(FIELD, f"{where} = {clip(repr(value))} must be a number")
    return value


def _dict(where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScheduleError(FIELD, f"{where} must be a dict(...), not {clip(repr(value))}")
    return value


def read(path: Path, data: Any, facts: Facts) -> Reading:
    found = _assignments(path, data)
    missing = [
        name for name in ("param_scheduler", "optim_wrapper", "train_cfg") if name not in found
    ]
    if missing:
        base = (
            " (the file inherits a _base_; lrcli reads one file: copy them in)"
            if "_base_" in data
            else ""
        )
        raise ScheduleError(FIELD, f"the file has no {' or '.join(missing)}{base}")
    explain: list[str] = []
    loop, length, per = _loop(
        _dict("train_cfg", found["train_cfg"]), found["param_scheduler"], facts, explain
    )
    lr = _lr(found, facts, explain)
    configs = found["param_scheduler"]
    if isinstance(configs, dict) and "type" not in configs:
        raise ScheduleError(
            FIELD, "param_scheduler is a dict per optimizer; lrcli reads one optimizer's list"
        )
    configs = configs if isinstance(configs, (list, tuple)) else [configs]
    if not configs:
        raise ScheduleError(FIELD, "param_scheduler is empty")
    max_epochs = length if loop == "epoch" else 1
    max_iters = length * per if loop == "epoch" else length
    steppers: list[Stepper] = []
    initial = lr
    for i, config in enumerate(configs):
        stepper = _build(
            f"param_scheduler[{i}]",
            _dict(f"param_scheduler[{i}]", config),
            per,
            max_epochs,
            max_iters,
            initial,
            lr,
        )
        if isinstance(stepper, OneCycleLR) and any(isinstance(s, OneCycleLR) for s in steppers):
            raise ScheduleError(
                FIELD,
                f"param_scheduler[{i}]: a second OneCycleLR overwrites the first one's "
                "initial_lr, max_lr and min_lr in the param group; lrcli reads one OneCycleLR "
                "per list",
            )
        initial = stepper.initial_lr
        steppers.append(stepper)
        explain.append(stepper.explain(per if loop == "epoch" else None))
    last = max_iters - 1
    schedule = Runner(steppers, per if loop == "epoch" else None, lr, last)
    if loop == "iter" and any(s.by_epoch for s in steppers):
        explain.append(
            "IterBasedTrainLoop steps epoch schedulers only after the last iteration: they "
            "never move (only their constructor's step counts)"
        )
    return Reading(schedule, KIND, explain, last_update=last)


def _loop(
    cfg: dict[str, Any], configs: Any, facts: Facts, explain: list[str]
) -> tuple[str, int, int]:
    """The train loop ("epoch" or "iter"), its length, and iterations per epoch (L)."""
    kind = cfg.get("type")
    if kind is None and "by_epoch" in cfg:  # Runner.build_train_loop without a type
        kind = "EpochBasedTrainLoop" if cfg["by_epoch"] else "IterBasedTrainLoop"
    listed = configs if isinstance(configs, (list, tuple)) else [configs]
    converts = any(isinstance(c, dict) and c.get("convert_to_iter_based") for c in listed)
    if kind == "EpochBasedTrainLoop":
        epochs = _int("train_cfg.max_epochs", cfg.get("max_epochs"), 1)
        per = facts.need(
            "steps_per_epoch",
            "EpochBasedTrainLoop runs epochs of len(train_dataloader) iterations: give "
            "--steps-per-epoch (len(train_dataloader))",
        )
        per = _int("--steps-per-epoch", per, 1)
        explain.append(
            f"EpochBasedTrainLoop: {epochs:,} epochs x {per:,} iterations = "
            f"{epochs * per:,} iterations, one optimizer update each"
        )
        return "epoch", epochs, per
    if kind == "IterBasedTrainLoop":
        iters = _int("train_cfg.max_iters", cfg.get("max_iters"), 1)
        per = 1
        if converts:
            per = _int(
                "--steps-per-epoch",
                facts.need(
                    "steps_per_epoch",
                    "convert_to_iter_based counts epochs of len(train_dataloader) iterations: "
                    "give --steps-per-epoch (len(train_dataloader))",
                ),
                1,
            )
        explain.append(f"IterBasedTrainLoop: {iters:,} iterations, one optimizer update each")
        return "iter", iters, per
    raise ScheduleError(
        FIELD,
        f"train_cfg type {clip(repr(kind))} is not a loop lrcli knows; it knows "
        "EpochBasedTrainLoop and IterBasedTrainLoop",
    )


def _lr(found: dict[str, Any], facts: Facts, explain: list[str]) -> float:
    wrapper = _dict("optim_wrapper", found["optim_wrapper"])
    counts = wrapper.get("accumulative_counts", 1)
    if counts != 1:
        raise ScheduleError(
            FIELD,
            f"optim_wrapper.accumulative_counts = {clip(repr(counts))}: the optimizer then "
            "updates once per that many iterations while the schedulers step every "
            "iteration; lrcli does not map that yet",
        )
    optimizer = _dict("optim_wrapper.optimizer", wrapper.get("optimizer", {}))
    if "lr" in optimizer:
        lr: float = facts.held(
            "lr", _num("optim_wrapper.optimizer.lr", optimizer["lr"]), "optim_wrapper.optimizer.lr"
        )
    else:
        lr = _num("--lr", facts.need("lr", "optim_wrapper.optimizer has no lr: give --lr"))
    explain.append(f"lr {lr!r} (optim_wrapper.optimizer.lr)")
    if lr < 0:
        raise ScheduleError(
            FIELD, f"optim_wrapper.optimizer.lr = {lr!r}: torch refuses a negative lr"
        )
    scale = found.get("auto_scale_lr")
    if scale is None or not _dict("auto_scale_lr", scale).get("enable", False):
        if scale is not None:
            explain.append("auto_scale_lr.enable is False: the lr stays as written")
        return lr
    if "base_batch_size" not in scale:
        raise ScheduleError(
            FIELD, "auto_scale_lr is enabled but has no base_batch_size (mmengine asserts it)"
        )
    base = _int("auto_scale_lr.base_batch_size", scale["base_batch_size"], 1)
    world = _int(
        "--world-size",
        facts.need(
            "world_size",
            "auto_scale_lr.enable is True: give --world-size (the number of processes)",
        ),
        1,
    )
    loader = found.get("train_dataloader")
    if isinstance(loader, dict) and "batch_size" in loader:
        batch = facts.held("batch_size", loader["batch_size"], "train_dataloader.batch_size")
    else:
        batch = facts.need("batch_size", "auto_scale_lr needs train_dataloader.batch_size")
    batch = _int("train_dataloader.batch_size", batch, 1)
    ratio = float(world * batch) / float(base)  # Runner.scale_lr
    scaled: float = lr * ratio  # group['lr'] = group['lr'] * ratio
    explain.append(
        f"auto_scale_lr: lr {lr!r} x ({world} processes x {batch} per batch) / "
        f"base_batch_size {base} = {lr!r} x {ratio!r} = {scaled!r}"
    )
    return scaled


def _build(
    where: str,
    config: dict[str, Any],
    per: int,
    max_epochs: int,
    max_iters: int,
    initial: float,
    lr: float,
) -> Stepper:
    """One scheduler as `Runner._build_param_scheduler` and `build_scheduler_from_cfg` build it."""
    config = dict(config)
    api = config.pop("type", None)
    if api not in ARGS:
        if api in REFUSED:
            raise ScheduleError(FIELD, f"{where}: {api}: {REFUSED[api]}")
        raise ScheduleError(
            FIELD,
            f"{where}: type {clip(repr(api))} is not an mmengine lr scheduler lrcli knows; "
            f"it knows {', '.join(sorted(ARGS))}",
        )
    for name in config:
        if name not in ARGS[api] and name not in COMMON:
            raise ScheduleError(FIELD, f"{where}: {api} has no argument {clip(repr(name))}")
    args = {name: config.get(name, default) for name, default in ARGS[api].items()}
    for name, value in args.items():
        if value is ...:
            raise ScheduleError(FIELD, f"{where}: {api} needs {name!r}")
    if config.get("last_step", -1) != -1:
        raise ScheduleError(
            FIELD, f"{where}: last_step resumes a scheduler; lrcli shows a run from its start"
        )
    by_epoch = bool(config.get("by_epoch", True))
    end_given = "end" in config
    begin = config.get("begin", 0)
    end = config.get("end", max_epochs if by_epoch else max_iters)  # the Runner's default end
    convert = bool(config.get("convert_to_iter_based", False))
    epochs = None
    if convert:
        if not by_epoch:
            raise ScheduleError(
                FIELD, f"{where}: convert_to_iter_based needs by_epoch=True (mmengine asserts it)"
            )
        begin_n, end_n = _num(f"{where}.begin", begin), _num(f"{where}.end", end)
        epochs = (begin_n, end_n)
        by_epoch = False
        begin = int(begin_n * per)  # begin = int(begin * epoch_length)
        if end_n != INF:
            end = int(end_n * per)
        if api == "CosineAnnealingLR" and args["T_max"] is not None:
            args["T_max"] = _int(f"{where}.T_max", args["T_max"], 0) * per
        if api == "MultiStepLR":
            args["milestones"] = [
                _int(f"{where}.milestones", m, 0) * per
                for m in _list(where, "milestones", args["milestones"])
            ]
        if api == "StepLR":
            args["step_size"] = _int(f"{where}.step_size", args["step_size"], 1) * per
        if api == "OneCycleLR" and args["total_steps"] is not None:
            args["total_steps"] = _int(f"{where}.total_steps", args["total_steps"], 1) * per
        if api == "CosineRestartLR":
            args["periods"] = [
                _int(f"{where}.periods", p, 1) * per
                for p in _list(where, "periods", args["periods"])
            ]
    begin = _int(f"{where}.begin", begin, 0)
    end = _int(f"{where}.end", end, 1)
    if end <= begin:
        raise ScheduleError(
            FIELD, f"{where}: end {end} must be larger than begin {begin} (mmengine raises)"
        )
    stepper = _make(where, api, args, begin, end, initial, lr)
    stepper.by_epoch, stepper.end_given, stepper.epochs = by_epoch, end_given, epochs
    return stepper


def _list(where: str, name: str, value: Any) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise ScheduleError(FIELD, f"{where}: {name} = {clip(repr(value))} must be a list")
    return list(value)


def _make(
    where: str, api: str, args: dict[str, Any], begin: int, end: int, initial: float, lr: float
) -> Stepper:
    span = end - begin
    if api == "LinearLR":
        start = _num(f"{where}.start_factor", args["start_factor"])
        stop = _num(f"{where}.end_factor", args["end_factor"])
        for name, value in (("start_factor", start), ("end_factor", stop)):
            if not 0 <= value <= 1:
                raise ScheduleError(
                    FIELD, f"{where}: {name}={value!r} must be between 0 and 1 (mmengine raises)"
                )
        if start == 0 and span > 1:
            raise ScheduleError(
                FIELD, f"{where}: start_factor=0 makes mmengine divide by zero at its second step"
            )
        return LinearLR(begin, end, initial, start, stop)
    if api == "ConstantLR":
        factor = _num(f"{where}.factor", args["factor"])
        if not 0 <= factor <= 1:
            raise ScheduleError(
                FIELD, f"{where}: factor={factor!r} must be between 0 and 1 (mmengine raises)"
            )
        if factor == 0 and span > 1:
            raise ScheduleError(
                FIELD, f"{where}: factor=0 makes mmengine divide by zero at end - 1"
            )
        return ConstantLR(begin, end, initial, factor)
    if api == "PolyLR":
        return PolyLR(
            begin,
            end,
            initial,
            _num(f"{where}.eta_min", args["eta_min"]),
            _num(f"{where}.power", args["power"]),
        )
    if api == "ExponentialLR":
        return ExponentialLR(begin, end, initial, _num(f"{where}.gamma", args["gamma"]))
    if api == "StepLR":
        return StepLR(
            begin,
            end,
            initial,
            _int(f"{where}.step_size", args["step_size"], 1),
            _num(f"{where}.gamma", args["gamma"]),
        )
    if api == "MultiStepLR":
        milestones = [
            _int(f"{where}.milestones", m, 0)
            for m in _list(where, "milestones", args["milestones"])
        ]
        return MultiStepLR(begin, end, initial, milestones, _num(f"{where}.gamma", args["gamma"]))
    if api == "CosineAnnealingLR":
        eta, ratio = args["eta_min"], args["eta_min_ratio"]
        if eta is None and ratio is None:
            eta = 0.0  # "To preserve backwards compatibility"
        if (eta is None) == (ratio is None):
            raise ScheduleError(
                FIELD, f"{where}: give eta_min or eta_min_ratio, not both (mmengine asserts it)"
            )
        t_max = args["T_max"] or span  # self.T_max = T_max or (end - begin)
        low = (
            _num(f"{where}.eta_min", eta)
            if ratio is None
            else initial * _num(f"{where}.eta_min_ratio", ratio)
        )
        return CosineAnnealingLR(begin, end, initial, _int(f"{where}.T_max", t_max, 1), low)
    if api == "CosineRestartLR":
        eta, ratio = args["eta_min"], args["eta_min_ratio"]
        if (eta is None) == (ratio is None):
            raise ScheduleError(
                FIELD,
                f"{where}: CosineRestartLR needs one of eta_min and eta_min_ratio (mmengine "
                "asserts it)",
            )
        periods = [_int(f"{where}.periods", p, 1) for p in _list(where, "periods", args["periods"])]
        weights = [
            _num(f"{where}.restart_weights", w)
            for w in _list(where, "restart_weights", args["restart_weights"])
        ]
        if len(periods) != len(weights):
            raise ScheduleError(
                FIELD,
                f"{where}: periods and restart_weights must have the same length (mmengine "
                "asserts it)",
            )
        low = (
            _num(f"{where}.eta_min", eta)
            if ratio is None
            else initial * _num(f"{where}.eta_min_ratio", ratio)
        )
        return CosineRestartLR(begin, end, initial, periods, weights, low)
    # OneCycleLR
    total = args["total_steps"]
    total = span if total is None else _int(f"{where}.total_steps", total, 1)
    pct = args["pct_start"]
    if not isinstance(pct, float) or not 0 <= pct <= 1:
        raise ScheduleError(
            FIELD,
            f"{where}: pct_start={clip(repr(pct))} must be a float between 0 and 1 (mmengine "
            "raises)",
        )
    strategy = args["anneal_strategy"]
    if strategy not in ("cos", "linear"):
        raise ScheduleError(
            FIELD, f"{where}: anneal_strategy={clip(repr(strategy))} must be 'cos' or 'linear'"
        )
    eta_max = args["eta_max"]
    if isinstance(eta_max, (list, tuple)) and len(eta_max) == 1:
        eta_max = eta_max[0]
    try:
        curve = torch.OneCycleLR(
            _num(f"{where}.eta_max", eta_max),
            total,
            pct,
            strategy,
            _num(f"{where}.div_factor", args["div_factor"]),
            _num(f"{where}.final_div_factor", args["final_div_factor"]),
            bool(args["three_phase"]),
        )
    except ScheduleError as e:
        raise ScheduleError(FIELD, f"{where}: {str(e).replace('torch', 'mmengine')}") from None
    return OneCycleLR(begin, end, curve)


# --- The schedulers: what each step does to the lr ------------------------------------------


class Stepper:
    """One built scheduler: its range of calls `begin <= g < end` and what call g does."""

    api = ""
    moves_at_start = False
    """Whether the call with last_step 0 changes the lr (LinearLR's start_factor does)."""
    shape = "constant"
    """How the lr moves while it is active (a Phase shape); "constant" for jumps only."""

    def __init__(self, begin: int, end: int, initial: float) -> None:
        self.begin, self.end = begin, end
        self.base = initial
        """`base_values`: the param group's `initial_lr` when this scheduler was built."""
        self.initial_lr = initial
        """`initial_lr` after this constructor (OneCycleLR writes its own)."""
        self.by_epoch = True
        self.end_given = True
        self.epochs: tuple[float, float] | None = None
        self.low = 0.0

    def ops(self, s: Steps) -> tuple[NDArray[np.int8], Floats]:
        """What call with `last_step` s (0 <= s < end - begin) does: (kind, operand) per s."""
        raise NotImplementedError

    def jumps(self) -> list[int]:
        """The last_steps at which a jump-only scheduler may change the lr."""
        return []

    def describe(self) -> str:
        return self.api

    def explain(self, per: int | None) -> str:
        """One line: the scheduler, its begin and end, and when the Runner steps it."""
        end = "INF (1e9)" if self.end == INF else f"{self.end:,}"
        default = " (the run's length)" if not self.end_given else ""
        if not self.by_epoch:
            line = f"{self.describe()}: iterations begin {self.begin:,}, end {end}{default}"
            if self.epochs is not None:
                lo, hi = self.epochs
                line += f", converted from epochs {lo:g} to {hi:g} x {per or 1:,} iterations"
            return line + "; stepped after every iteration"
        line = f"{self.describe()}: epochs begin {self.begin:,}, end {end}{default}"
        if per is None:
            return line + "; IterBasedTrainLoop never steps it after its constructor"
        return (
            line + f"; stepped after every epoch: its call g moves the lr at iteration g x {per:,}"
        )


def _filled(s: Steps, kind: int) -> NDArray[np.int8]:
    return np.full(len(s), kind, dtype=np.int8)


class LinearLR(Stepper):
    api = "LinearLR"
    moves_at_start = True
    shape = "linear"

    def __init__(self, begin: int, end: int, initial: float, start: float, stop: float) -> None:
        super().__init__(begin, end, initial)
        self.start, self.stop = start, stop
        self.total_iters = end - begin - 1  # self.total_iters = end - begin - 1

    def ops(self, s: Steps) -> tuple[NDArray[np.int8], Floats]:
        a, e, k = self.start, self.stop, s.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            # lr * (1. + (end_factor - start_factor) /
            #       (total_iters * start_factor + (last_step - 1) * (end_factor - start_factor)))
            factors = 1.0 + (e - a) / (self.total_iters * a + (k - 1) * (e - a))
        return _filled(s, MUL), np.where(s == 0, a, factors)  # lr * start_factor at last_step 0

    def describe(self) -> str:
        return (
            f"LinearLR({self.start!r} -> {self.stop!r}, total_iters = end - begin - 1 = "
            f"{self.total_iters:,})"
        )


class ConstantLR(Stepper):
    api = "ConstantLR"
    moves_at_start = True

    def __init__(self, begin: int, end: int, initial: float, factor: float) -> None:
        super().__init__(begin, end, initial)
        self.factor = factor
        self.total_iters = end - begin - 1

    def ops(self, s: Steps) -> tuple[NDArray[np.int8], Floats]:
        kinds = np.where((s == 0) | (s == self.total_iters), MUL, KEEP).astype(np.int8)
        # lr * factor at last_step 0; lr * (1.0 / factor) at last_step == total_iters
        back = 1.0 / self.factor if self.factor else 1.0
        return kinds, np.where(s == 0, self.factor, back)

    def jumps(self) -> list[int]:
        return [0, self.total_iters]

    def describe(self) -> str:
        return (
            f"ConstantLR(factor={self.factor!r}, total_iters = end - begin - 1 = "
            f"{self.total_iters:,})"
        )


class PolyLR(Stepper):
    api = "PolyLR"

    def __init__(self, begin: int, end: int, initial: float, eta_min: float, power: float) -> None:
        super().__init__(begin, end, initial)
        self.low, self.power = eta_min, power
        self.total_iters = end - begin - 1
        self.shape = "linear" if power == 1 else "polynomial"

    def ops(self, s: Steps) -> tuple[NDArray[np.int8], Floats]:
        k = s.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            # (lr - eta_min) * (1 - 1 / (total_iters - last_step + 1)) ** power + eta_min
            ratios = np.float_power(1 - 1 / (self.total_iters - k + 1), float(self.power))
        # With eta_min 0 the affine step is the product exactly: (lr - 0) * r + 0 == lr * r.
        moving = MUL if self.low == 0 else AFFINE
        return np.where(s == 0, KEEP, moving).astype(np.int8), ratios

    def describe(self) -> str:
        return (
            f"PolyLR(eta_min={self.low!r}, power={self.power!r}, total_iters = end - begin - 1 "
            f"= {self.total_iters:,})"
        )


class ExponentialLR(Stepper):
    api = "ExponentialLR"
    shape = "exponential"

    def __init__(self, begin: int, end: int, initial: float, gamma: float) -> None:
        super().__init__(begin, end, initial)
        self.gamma = gamma

    def ops(self, s: Steps) -> tuple[NDArray[np.int8], Floats]:
        return np.where(s == 0, KEEP, MUL).astype(np.int8), np.full(len(s), self.gamma)

    def describe(self) -> str:
        return f"ExponentialLR(gamma={self.gamma!r})"


class StepLR(Stepper):
    api = "StepLR"
    shape = "step"

    def __init__(self, begin: int, end: int, initial: float, step_size: int, gamma: float) -> None:
        super().__init__(begin, end, initial)
        self.step_size, self.gamma = step_size, gamma

    def ops(self, s: Steps) -> tuple[NDArray[np.int8], Floats]:
        # lr * gamma unless last_step == 0 or last_step % step_size != 0
        kinds = np.where((s != 0) & (s % self.step_size == 0), MUL, KEEP).astype(np.int8)
        return kinds, np.full(len(s), self.gamma)

    def describe(self) -> str:
        return f"StepLR(step_size={self.step_size:,}, gamma={self.gamma!r})"


class MultiStepLR(Stepper):
    api = "MultiStepLR"
    moves_at_start = True

    def __init__(
        self, begin: int, end: int, initial: float, milestones: list[int], gamma: float
    ) -> None:
        super().__init__(begin, end, initial)
        self.counts = Counter(milestones)
        self.gamma = gamma
        self.edges = np.array(sorted(self.counts), dtype=np.int64)
        # lr * gamma ** milestones[last_step]: Python's float ** int, once per milestone
        self.powers = np.array([gamma ** self.counts[int(m)] for m in self.edges], dtype=np.float64)

    def ops(self, s: Steps) -> tuple[NDArray[np.int8], Floats]:
        i = np.minimum(np.searchsorted(self.edges, s), max(len(self.edges) - 1, 0))
        if not len(self.edges):
            return _filled(s, KEEP), np.ones(len(s))
        hit = self.edges[i] == s
        return np.where(hit, MUL, KEEP).astype(np.int8), self.powers[i]

    def jumps(self) -> list[int]:
        return [int(m) for m in self.edges]

    def describe(self) -> str:
        return f"MultiStepLR(milestones={[int(m) for m in self.edges]}, gamma={self.gamma!r})"


def _cos_ratios(k: Floats, t: float) -> Floats:
    """(1 + cos(pi * k / t)) / (1 + cos(pi * (k - 1) / t))."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios: Floats = (1 + np.cos(np.pi * k / t)) / (1 + np.cos(np.pi * (k - 1) / t))
    return ratios


class CosineAnnealingLR(Stepper):
    api = "CosineAnnealingLR"
    shape = "cosine"

    def __init__(self, begin: int, end: int, initial: float, t_max: int, eta_min: float) -> None:
        super().__init__(begin, end, initial)
        self.T_max, self.low = t_max, eta_min
        # lr + (base_value - eta_min) * (1 - cos(pi / T_max)) / 2 at (s - 1 - T_max) % 2T_max == 0
        self.rise = (initial - eta_min) * (1 - math.cos(math.pi / t_max)) / 2

    def ops(self, s: Steps) -> tuple[NDArray[np.int8], Floats]:
        t = self.T_max
        bumped = (s - 1 - t) % (2 * t) == 0
        moving = MUL if self.low == 0 else AFFINE
        kinds = np.where(s == 0, KEEP, np.where(bumped, ADD, moving)).astype(np.int8)
        return kinds, np.where(bumped, self.rise, _cos_ratios(s.astype(np.float64), t))

    def describe(self) -> str:
        return f"CosineAnnealingLR(T_max={self.T_max:,}, eta_min={self.low!r})"


class CosineRestartLR(Stepper):
    api = "CosineRestartLR"
    moves_at_start = True
    shape = "cosine"

    def __init__(
        self,
        begin: int,
        end: int,
        initial: float,
        periods: list[int],
        weights: list[float],
        low: float,
    ) -> None:
        super().__init__(begin, end, initial)
        self.periods, self.weights, self.low = periods, weights, low
        self.cumulative = np.cumsum(np.array(periods, dtype=np.int64))

    def ops(self, s: Steps) -> tuple[NDArray[np.int8], Floats]:
        idx = np.searchsorted(self.cumulative, s, side="right")  # first i with s < cumulative[i]
        inside = idx < len(self.periods)
        i = np.minimum(idx, len(self.periods) - 1)
        restart = np.where(i == 0, 0, self.cumulative[np.maximum(i - 1, 0)])
        step = s - restart
        period = np.array(self.periods, dtype=np.float64)[i]
        eta_max = self.base * np.array(self.weights, dtype=np.float64)[i]  # base_value * weight
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = (1 + np.cos(np.pi * step / period)) / (1 + np.cos(np.pi * (step - 1) / period))
        moving = MUL if self.low == 0 else AFFINE
        kinds = np.where(~inside, KEEP, np.where(step == 0, SET, moving)).astype(np.int8)
        return kinds, np.where(step == 0, eta_max, ratios)

    def describe(self) -> str:
        return (
            f"CosineRestartLR(periods={self.periods}, restart_weights={self.weights}, "
            f"eta_min={self.low!r})"
        )


class OneCycleLR(Stepper):
    api = "OneCycleLR"
    moves_at_start = True

    def __init__(self, begin: int, end: int, curve: torch.OneCycleLR) -> None:
        super().__init__(begin, end, curve.base_lr)  # group['initial_lr'] = eta_max / div_factor
        self.curve = curve
        self.shape = "cosine" if curve.strategy == "cos" else "linear"

    def ops(self, s: Steps) -> tuple[NDArray[np.int8], Floats]:
        # Not chainable: the lr is set to the anneal of initial/max/min lr at last_step.
        inside = np.minimum(s, self.curve.total)
        return _filled(s, SET), self.curve.rates(inside)

    def describe(self) -> str:
        return f"OneCycleLR(eta_max={self.curve.max_lr!r}, total_steps={self.curve.total:,})"


# --- The Runner: constructors, then ParamSchedulerHook after every iteration and epoch --------


class Runner(Walk):
    """The lr at each iteration, as the Runner's constructors and hook calls leave it.

    Position i is iteration i. Going from i - 1 to i, every iteration scheduler takes its call
    g = i (after_train_iter), then, when i ends an epoch (i % L == 0), every epoch scheduler
    its call g = i // L (after_train_epoch), each in list order; a call changes the lr only
    while begin <= g < end, with last_step = g - begin.
    """

    framework = "mmengine"

    def __init__(self, steppers: list[Stepper], per: int | None, lr: float, last: int) -> None:
        super().__init__()
        self.steppers = steppers
        self.per = per
        """Iterations per epoch in an EpochBasedTrainLoop; None: epoch schedulers never step."""
        self.lr = lr
        self.last = last
        self.api = " + ".join(s.api for s in steppers)
        self.order = [s for s in steppers if not s.by_epoch]
        if per is not None:
            self.order += [s for s in steppers if s.by_epoch]
        value = lr
        for stepper in steppers:  # each constructor calls step() once: g = 0
            if stepper.begin == 0:
                kinds, xs = stepper.ops(np.zeros(1, dtype=np.int64))
                value = _apply(value, int(kinds[0]), float(xs[0]), stepper.low)
        self._start = value

    def start(self) -> float:
        return self._start

    def _calls(self, stepper: Stepper, steps: Steps) -> tuple[Steps, Steps]:
        """The indices of `steps` at which `stepper` is called, and its last_step there."""
        if stepper.by_epoch:
            assert self.per is not None
            at = np.flatnonzero(steps % self.per == 0)
            g = steps[at] // self.per
        else:
            at, g = np.arange(len(steps)), steps
        inside = (g >= stepper.begin) & (g < stepper.end)
        return at[inside], g[inside] - stepper.begin

    def advance(self, before: float, first: int, count: int) -> Floats:
        steps = first + np.arange(count, dtype=np.int64)
        n = len(self.order)
        kinds = np.zeros((count, n), dtype=np.int8)
        xs = np.ones((count, n), dtype=np.float64)
        for j, stepper in enumerate(self.order):
            at, s = self._calls(stepper, steps)
            if len(at):
                kinds[at, j], xs[at, j] = stepper.ops(s)
        busy = np.flatnonzero(kinds.any(axis=1))
        if not len(busy):
            return np.full(count, before)
        k, x = kinds[busy], xs[busy]
        if np.isin(k, (KEEP, MUL)).all():
            # Products only: every factor in the Runner's order, each product rounded in turn.
            factors = np.where(k == MUL, x, 1.0)
            values = product_walk(before, factors.ravel())[n - 1 :: n]
        elif (
            len(moving := np.flatnonzero((k != KEEP).any(axis=0))) == 1
            and (k[:, moving[0]] == AFFINE).all()
        ):
            # One scheduler moving alone (a cosine or poly with eta_min): its recursion only.
            j = int(moving[0])
            values = affine_walk(before, x[:, j].tolist(), self.order[j].low)
        else:
            values = self._loop(before, k, x)
        where = np.searchsorted(busy, np.arange(count), side="right") - 1
        return np.where(where >= 0, values[np.maximum(where, 0)], before)

    def _loop(self, before: float, kinds: NDArray[np.int8], xs: Floats) -> Floats:
        """One call at a time, for the steps that are not a plain product."""
        lows = [s.low for s in self.order]
        out: list[float] = []
        lr = before
        for row_kinds, row_xs in zip(kinds.tolist(), xs.tolist(), strict=True):
            for kind, x, low in zip(row_kinds, row_xs, lows, strict=True):
                if kind:
                    lr = _apply(lr, kind, x, low)
            out.append(lr)
        return np.array(out, dtype=np.float64)

    @property
    def settles(self) -> int:
        """The last iteration at which any call can change the lr."""
        last = 0
        for stepper in self.order:
            final = stepper.end - 1
            if final < 1:
                continue
            if stepper.by_epoch:
                assert self.per is not None
                final *= self.per
            last = max(last, final)
        return min(last, MAX_STEP)

    def check_steps(self, largest: int, field: str) -> None:
        for stepper in self.order:
            if (
                isinstance(stepper, OneCycleLR)
                and stepper.end - stepper.begin - 1 > stepper.curve.total
            ):
                g = stepper.begin + stepper.curve.total + 1
                crash = g * self.per if stepper.by_epoch and self.per else g
                if largest >= crash:
                    raise ScheduleError(
                        field,
                        f"OneCycleLR stops at total_steps={stepper.curve.total:,}: mmengine "
                        f"raises ValueError at iteration {crash:,}, so step {largest:,} does not "
                        "exist",
                    )
        super().check_steps(largest, field)

    def _edges(self, stepper: Stepper) -> list[tuple[int, str]]:
        """(iteration, shape) from which `stepper` moves the lr that way, in order."""
        scale = self.per if stepper.by_epoch and self.per else 1
        if stepper.by_epoch and self.per is None:
            return []
        lo = max(stepper.begin + (0 if stepper.moves_at_start else 1), 1) * scale
        hi = (stepper.end - 1) * scale
        if hi < lo:
            return []
        if stepper.shape == "constant":
            span = stepper.end - stepper.begin
            marks = [(stepper.begin + j) * scale for j in stepper.jumps() if j < span]
            return [(m, "constant") for m in marks if m >= 1]
        return [(lo, stepper.shape), (min(hi + 1, MAX_STEP), "constant")]

    def phases(self, first: int = 0, last: int = MAX_STEP) -> Iterator[Phase]:
        edges = [self._edges(s) for s in self.order]
        starts = sorted({0, *(at for e in edges for at, _ in e if at <= MAX_STEP)})
        for i, start in enumerate(starts):
            stop = starts[i + 1] - 1 if i + 1 < len(starts) else MAX_STEP
            lo, hi = max(start, first), min(stop, last)
            if lo > hi:
                continue
            moving = set()
            for edge in edges:
                j = bisect.bisect_right([at for at, _ in edge], start) - 1
                if j >= 0 and edge[j][1] != "constant":
                    moving.add(edge[j][1])
            shape = "constant" if not moving else moving.pop() if len(moving) == 1 else "mixed"
            yield Phase(lo, hi, shape)

    def _too_far(self, step: int, cost: int) -> str:
        return (
            f"step {step:,} takes {cost:,} steps of the Runner's recursion, more than the "
            f"{WALK_LIMIT:,} lrcli walks to answer exactly"
        )

    @property
    def end(self) -> int:
        return self.last

    @property
    def description(self) -> str:
        return f"mmengine Runner {self.api} · float64, recursive, as the Runner steps it"


def _apply(lr: float, kind: int, x: float, low: float) -> float:
    if kind == MUL:
        return lr * x
    if kind == AFFINE:
        return x * (lr - low) + low
    if kind == ADD:
        return lr + x
    if kind == SET:
        return x
    return lr
