"""What `keras.optimizers.schedules.serialize` writes, as JSON: update k runs at schedule(k)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lrcli.calls import CallError, clip
from lrcli.configs import FIELD, Facts, Reading
from lrcli.frameworks import _args, keras
from lrcli.schedule import ScheduleError

KIND = "keras-json"

# `PiecewiseConstantDecay` serializes its default name as "PiecewiseConstant".
_CLASSES = {name: name for name in keras.APIS}


def detect(path: Path, data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("config"), dict)
        and str(data.get("module", "")).endswith("optimizers.schedules")
    ) or (isinstance(data, dict) and data.get("class_name") in _CLASSES and "config" in data)


def read(path: Path, data: Any, facts: Facts) -> Reading:
    name = data.get("class_name")
    if name not in _CLASSES:
        raise ScheduleError(
            FIELD, f"class_name {clip(repr(name))} is not a Keras schedule lrcli knows"
        )
    config = dict(data["config"])
    function = keras.APIS[name]
    try:
        bound = _args.bind(name, function, (), tuple(config.items()))
        schedule = function(**bound)
    except CallError as e:
        raise ScheduleError(FIELD, f"{path.name}: {e}") from None
    facts.get("lr")  # the file holds the rate; --lr has no say
    explain = [f"{name} from its serialized config; update k runs at schedule(k) (Keras 3)"]
    return Reading(schedule, KIND, explain)
