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
}

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


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(__import__(_HOMES[name], fromlist=[name]), name)
    raise AttributeError(f"module 'lrcli' has no attribute {name!r}")
