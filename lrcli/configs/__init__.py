"""The schedule in a config file you already have, in optimizer updates.

A config file leaves facts out (how many samples, how many processes) and hides arithmetic
(updates per epoch, rounding, when the scheduler steps). Each kind of file is one module here
that declares `KIND`, `detect(path, data)` and `read(path, data, facts) -> Reading`; adding a
kind is a new module and one line in `KINDS`. Files are read with the ordinary loaders (json,
YAML's safe loader, Python through `ast`), never executed.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from lrcli.schedule import Schedule, ScheduleError

KINDS = {
    "hf-trainer": "hf_trainer",
    "deepspeed": "deepspeed",
    "keras-json": "keras_json",
    "lightning-yaml": "lightning_yaml",
    "timm": "timm",
    "mmengine": "mmengine",
}
"""Kind name -> module of this package, in the order `detect` asks them."""

FIELD = "SCHEDULE"


def clip(text: str, limit: int = 40) -> str:
    """`text` cut for an error message (lrcli.calls.clip, loaded only when an error needs it)."""
    from lrcli.calls import clip as cut

    return cut(text, limit)


YAML_EXTRA = "pip install 'lrcli[yaml]'"

OPTIONS = {
    "lr": "--lr",
    "steps_per_epoch": "--steps-per-epoch",
    "train_samples": "--train-samples",
    "world_size": "--world-size",
    "grad_accum": "--grad-accum",
    "batch_size": "--batch-size",
    "interval": "--interval",
}
"""Each fact a file may leave out, and the one option that gives it, for every kind."""


class MissingExtra(ScheduleError):
    """Reading this file needs an optional dependency that is not installed (not bad input)."""


class MissingFact(ScheduleError):
    """The file needs a fact it does not hold; `field` names it (a key of OPTIONS)."""


class ConflictingFact(ScheduleError):
    """A fact given on the command line that the file holds with another value."""


class Facts:
    """What the command line says that the file may not: each fact once, under one name."""

    def __init__(self, **given: Any) -> None:
        unknown = set(given) - set(OPTIONS)
        if unknown:
            raise ValueError(f"unknown facts: {sorted(unknown)}")
        self.given = {name: value for name, value in given.items() if value is not None}
        self.used: set[str] = set()

    def need(self, name: str, why: str) -> Any:
        """The fact, or a MissingFact saying why this file needs it and which option gives it
        (`why` names the option itself, or ": give --option" is added)."""
        if name not in self.given:
            raise MissingFact(name, why if OPTIONS[name] in why else f"{why}: give {OPTIONS[name]}")
        self.used.add(name)
        return self.given[name]

    def get(self, name: str, default: Any = None) -> Any:
        """The fact if given, else `default` (for facts a file can do without)."""
        if name in self.given:
            self.used.add(name)
            return self.given[name]
        return default

    def held(self, name: str, value: Any, where: str) -> Any:
        """The file's own `value` for a fact; an error if the command line says otherwise."""
        if name in self.given:
            self.used.add(name)
            if self.given[name] != value:
                raise ConflictingFact(
                    name,
                    f"{OPTIONS[name]} {self.given[name]!r} disagrees with the file's "
                    f"{where} = {value!r}; leave {OPTIONS[name]} out, or change the file",
                )
        return value

    def unused(self) -> list[str]:
        """The options given that this file had no use for."""
        return [OPTIONS[name] for name in self.given if name not in self.used]


class Reading(NamedTuple):
    """What a config file says: the schedule per optimizer update, and how lrcli got there."""

    schedule: Schedule
    kind: str
    explain: list[str]
    """The arithmetic lrcli did, a few lines for a person (`--explain`)."""
    last_update: int | None = None
    """The last update the training run performs, where the file says how long it runs."""


def _module(kind: str) -> ModuleType:
    return importlib.import_module(f"lrcli.configs.{KINDS[kind]}")


def looks_like_path(text: str) -> bool:
    """Whether SCHEDULE names a file rather than a pasted call."""
    stripped = text.strip()
    try:
        exists = bool(stripped) and Path(stripped).exists()
    except (OSError, ValueError):  # too long for a file name, or a NUL: a call, then
        exists = False
    if "(" in stripped:
        return exists
    return exists or "/" in stripped or stripped.endswith((".json", ".yaml", ".yml", ".py"))


def load(path: Path) -> Any:
    """The file's content: parsed JSON or YAML, or for a Python file its source text."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScheduleError(FIELD, f"{clip(str(path))!r}: no such file") from None
    except IsADirectoryError:
        raise ScheduleError(FIELD, f"{clip(str(path))!r} is a folder, not a config file") from None
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise ScheduleError(
            FIELD, f"{clip(str(path))!r} cannot be read: {clip(reason, 60)}"
        ) from None
    import json

    suffix = path.suffix.lower()
    if suffix == ".py":
        return text
    if suffix == ".json":
        return _json(path, text)
    if suffix in (".yaml", ".yml"):
        return _yaml(path, text)
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return _yaml(path, text)
    except ScheduleError:
        raise ScheduleError(
            FIELD,
            f"{clip(str(path))!r} is not a config lrcli knows (JSON, YAML or Python); kinds: "
            f"{', '.join(KINDS)}",
        ) from None


def _json(path: Path, text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except ValueError as e:
        raise ScheduleError(
            FIELD, f"{clip(str(path))!r} is not valid JSON: {clip(str(e), 60)}"
        ) from None


def _yaml(path: Path, text: str) -> Any:
    try:
        import yaml
    except ImportError:
        raise MissingExtra(FIELD, f"reading YAML needs PyYAML: {YAML_EXTRA}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        first = str(e).splitlines()[0] if str(e) else "syntax error"
        raise ScheduleError(
            FIELD, f"{clip(str(path))!r} is not valid YAML: {clip(first, 60)}"
        ) from None


def detect(path: Path, data: Any) -> str | None:
    """The kind of file this is, by its content (and its name where that settles it)."""
    for kind in KINDS:
        if _module(kind).detect(path, data):
            return kind
    return None


def read_config(
    path: Path | str, facts: Facts | None = None, *, kind: str | None = None
) -> Reading:
    """The schedule in a config file, per optimizer update, with the arithmetic explained."""
    path = Path(path)
    facts = facts or Facts()
    data = load(path)
    if kind is None:
        kind = detect(path, data)
        if kind is None:
            raise ScheduleError(
                FIELD,
                f"{clip(str(path))!r} is not a config lrcli knows; kinds: {', '.join(KINDS)} "
                "(say which with --kind)",
            )
    elif kind not in KINDS:
        raise ScheduleError("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    reading: Reading = _module(kind).read(path, data, facts)
    return reading


def read_training_arguments(text: str, facts: Facts | None = None) -> Reading:
    """A pasted `TrainingArguments(...)` call: its keywords are an hf-trainer file's fields."""
    from lrcli.calls import Call, parse_call
    from lrcli.configs import hf_trainer

    call = parse_call(text)
    if call.args or any(isinstance(value, Call) for _, value in call.kwargs):
        raise ScheduleError(FIELD, "write TrainingArguments' fields as keywords, with values")
    return hf_trainer.read(Path("TrainingArguments"), dict(call.kwargs), facts or Facts())
