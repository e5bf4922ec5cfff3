"""lrcli: inspect learning-rate schedules, exactly, in every framework's convention."""

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


def parse(text: str, *, lr: float | None = None) -> Schedule:
    """The schedule a call pasted from a training script builds, without running it.

    >>> parse("StepLR(optimizer, step_size=2, gamma=0.5)", lr=0.1)([0, 2, 4]).tolist()
    [0.1, 0.05, 0.025]

    `lr` is the optimizer's learning rate, for schedules that read it from the optimizer.
    Raises ScheduleError (a ValueError) saying what cannot be read and why.
    """
    from lrcli.frameworks import parse as parse_call  # the frameworks load when first asked

    return parse_call(text, lr=lr)


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
