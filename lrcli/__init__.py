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

__all__ = [
    "CHUNK",
    "MAX_STEP",
    "Convention",
    "Dtype",
    "Form",
    "PiecewiseConstant",
    "Run",
    "Schedule",
    "ScheduleError",
    "Segment",
    "StepList",
    "StepRange",
    "selection_from",
]
