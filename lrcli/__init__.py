"""lrcli: inspect learning-rate schedules, exactly, in every framework's convention.

The names below load on first use (PEP 562), so that the command line starts, and answers
Ctrl-C quietly, before numpy is imported.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not `typing`: importing it would slow the start
if TYPE_CHECKING:
    from typing import Any

    from lrcli.schedule import (
        CHUNK,
        MAX_STEP,
        Convention,
        Dtype,
        Form,
        PiecewiseConstant,
        Schedule,
        ScheduleError,
        Segment,
    )
    from lrcli.selection import Run, StepList, StepRange, selection_from
    from lrcli.smooth import Phase, Phased, Walk

_HOMES = {
    **dict.fromkeys(
        (
            "CHUNK",
            "MAX_STEP",
            "Convention",
            "Dtype",
            "Form",
            "PiecewiseConstant",
            "Schedule",
            "ScheduleError",
            "Segment",
        ),
        "lrcli.schedule",
    ),
    **dict.fromkeys(("Run", "StepList", "StepRange", "selection_from"), "lrcli.selection"),
    **dict.fromkeys(("Phase", "Phased", "Walk"), "lrcli.smooth"),
}

__all__ = [
    "CHUNK",
    "MAX_STEP",
    "Convention",
    "Dtype",
    "Form",
    "Phase",
    "Phased",
    "PiecewiseConstant",
    "Run",
    "Schedule",
    "ScheduleError",
    "Segment",
    "StepList",
    "StepRange",
    "Walk",
    "parse",
    "selection_from",
]


def parse(text: str, *, lr: float | None = None) -> Schedule:
    """The schedule a call pasted from a training script builds, without running it.

    >>> parse("StepLR(optimizer, step_size=2, gamma=0.5)", lr=0.1)([0, 2, 4]).tolist()
    [0.1, 0.05, 0.025]

    `lr` is the optimizer's learning rate, for schedules that read it from the optimizer.
    Raises ScheduleError (a ValueError) saying what cannot be read and why.
    """
    from lrcli.frameworks import parse as parse_call  # the frameworks load when first asked

    return parse_call(text, lr=lr)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(__import__(_HOMES[name], fromlist=[name]), name)
    raise AttributeError(f"module 'lrcli' has no attribute {name!r}")
