"""The frameworks lrcli knows, and building a schedule from a call pasted from a script.

Each framework is one module here: the names people write, the signatures with their real
defaults, the framework's checks and its arithmetic. A module declares `NAMESPACES` (the
qualified prefixes of its names), `APIS` (name -> function with the framework's signature that
builds the schedule) and `REFUSED` (name -> why lrcli cannot know its rates). Adding a
framework is a new module and one line in `FRAMEWORKS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from lrcli.calls import Call, CallError, Placeholder, clip, parse_call
from lrcli.frameworks._args import Optimizer, bind
from lrcli.schedule import Schedule

FRAMEWORKS = {
    "torch": (
        "ChainedScheduler ConstantLR CosineAnnealingLR CosineAnnealingWarmRestarts CyclicLR "
        "ExponentialLR LambdaLR LinearLR MultiStepLR MultiplicativeLR OneCycleLR PolynomialLR "
        "ReduceLROnPlateau SequentialLR StepLR"
    ),
    "transformers": (
        "get_constant_schedule get_constant_schedule_with_warmup get_cosine_schedule_with_warmup "
        "get_cosine_with_hard_restarts_schedule_with_warmup "
        "get_cosine_with_min_lr_schedule_with_warmup "
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate get_greedy_schedule "
        "get_inverse_sqrt_schedule get_linear_schedule_with_warmup "
        "get_polynomial_decay_schedule_with_warmup get_reduce_on_plateau_schedule get_scheduler "
        "get_wsd_schedule"
    ),
    "optax": (
        "constant_schedule cosine_decay_schedule cosine_onecycle_schedule exponential_decay "
        "inject_hyperparams join_schedules linear_onecycle_schedule linear_schedule "
        "piecewise_constant_schedule piecewise_interpolate_schedule polynomial_schedule "
        "sgdr_schedule warmup_constant_schedule warmup_cosine_decay_schedule "
        "warmup_exponential_decay_schedule"
    ),
    "keras": (
        "CosineDecay CosineDecayRestarts ExponentialDecay InverseTimeDecay LearningRateSchedule "
        "PiecewiseConstantDecay PolynomialDecay"
    ),
    "tf1": (
        "cosine_decay cosine_decay_restarts exponential_decay inverse_time_decay "
        "linear_cosine_decay natural_exp_decay noisy_linear_cosine_decay piecewise_constant "
        "polynomial_decay"
    ),
    "deepspeed": ("LRRangeTest OneCycle WarmupCosineLR WarmupDecayLR WarmupLR"),
    "timm": (
        "CosineLRScheduler MultiStepLRScheduler PlateauLRScheduler PolyLRScheduler "
        "StepLRScheduler TanhLRScheduler WSDLRScheduler"
    ),
}
"""Modules of this package, one per framework, in the order candidates are listed, with the
names each answers to (its APIS and REFUSED; a test keeps them equal), so that resolving a name
imports only the framework that has it."""


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"lrcli.frameworks.{name}")


class Built:
    """A schedule built from a pasted call, with what building it learned."""

    def __init__(self, schedule: Schedule, lr_used: bool, api: str) -> None:
        self.schedule = schedule
        self.lr_used = lr_used
        self.api = api


def parse(text: str, *, lr: float | None = None) -> Schedule:
    """The schedule a pasted call builds: `parse("StepLR(optimizer, 30)", lr=0.1)`.

    `lr` is the optimizer's learning rate, for the schedules that read it from the optimizer.
    Nothing in `text` is run or imported. Raises ScheduleError (a ValueError) naming what is
    wrong.
    """
    return build(text, lr=lr).schedule


def build(text: str, *, lr: float | None = None) -> Built:
    try:
        call = parse_call(text)
    except CallError:
        # A call lrcli refuses whatever its arguments (LambdaLR's lambda) says why first.
        name = text.strip().split("(", 1)[0].strip()
        if name.replace(".", "").replace("_", "").isalnum() and "(" in text:
            try:
                resolve(name)
            except CallError as refused:
                if not str(refused).startswith(repr(name)):
                    raise refused from None
        raise
    opt = Optimizer(lr)
    schedule = _build(call, opt)
    if not isinstance(schedule, Schedule):
        raise CallError(f"{clip(call.name)} is not a schedule lrcli can show on its own")
    return Built(schedule, opt.read, call.name.rsplit(".", 1)[-1])


def resolve(name: str) -> tuple[str, Callable[..., Any]]:
    """The API a dotted name means: (framework, function). Refused and unknown names raise."""
    *prefix_parts, bare = name.split(".")
    prefix = ".".join(prefix_parts)
    found: list[tuple[str, Callable[..., Any] | str, str]] = []
    for framework, names in FRAMEWORKS.items():
        if bare not in names.split():
            continue
        module = _module(framework)
        if prefix and not any(
            ns == prefix or ns.endswith("." + prefix) for ns in module.NAMESPACES
        ):
            continue
        if bare in module.APIS:
            found.append((framework, module.APIS[bare], f"{module.NAMESPACES[0]}.{bare}"))
        elif bare in module.REFUSED:
            found.append((framework, module.REFUSED[bare], f"{module.NAMESPACES[0]}.{bare}"))
    if not found:
        raise CallError(_unknown(name))
    if len(found) > 1:
        names = " and ".join(qualified for _, _, qualified in found)
        raise CallError(f"{clip(name)!r} is ambiguous: it could be {names}; write the full name")
    framework, target, qualified = found[0]
    if isinstance(target, str):
        raise CallError(f"{qualified}: {target}")
    return framework, target


def _unknown(name: str) -> str:
    known = sorted({bare for names in FRAMEWORKS.values() for bare in names.split()})
    import difflib  # only for the error

    close = difflib.get_close_matches(name.rsplit(".", 1)[-1], known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; `lrcli show --help` lists them"
    return f"{clip(name)!r} is not a schedule lrcli knows{hint}"


def _build(call: Call, opt: Optimizer) -> Any:
    _, function = resolve(call.name)
    api = call.name.rsplit(".", 1)[-1]
    args = tuple(_value(v, opt) for v in call.args)
    kwargs = tuple((k, _value(v, opt)) for k, v in call.kwargs)
    return function(**bind(api, function, args, kwargs))


def _value(value: Any, opt: Optimizer) -> Any:
    if isinstance(value, Call):
        return _build(value, opt)
    if isinstance(value, Placeholder):
        if value.name == "optimizer":
            return opt
        return value
    if isinstance(value, list):
        return [_value(v, opt) for v in value]
    if isinstance(value, tuple):
        return tuple(_value(v, opt) for v in value)
    if isinstance(value, dict):
        return {k: _value(v, opt) for k, v in value.items()}
    return value
