"""Native calls written as text, and modelled by parsing that text with lrcli's own models."""

from __future__ import annotations

from collections.abc import Callable

from lrcli.frameworks import parse
from lrcli.schedule import ScheduleError
from lrcli.smooth import Floats, Phased, Steps


def r(x: float) -> str:
    """A number as Python reads it back: the same float (ints stay ints)."""
    return repr(x) if isinstance(x, int) and not isinstance(x, bool) else repr(float(x))


def rf(x: float) -> str:
    """A rate as a float literal: Keras and TF take a schedule's dtype from its rate."""
    return repr(float(x))


def model(call: str, lr: float | None = None) -> Callable[[Steps], Floats] | None:
    """What `call` computes, as lrcli models that framework; None if lrcli cannot build it."""
    try:
        built = parse(call, lr=lr)
    except (ScheduleError, ValueError):
        return None
    return built if isinstance(built, Phased) else None
