"""Re-record the golden records in tests/golden/ from the real frameworks.

    python tools/record_golden.py --check                    # report differences, write nothing
    python tools/record_golden.py                            # re-record every file in place
    python tools/record_golden.py --file piecewise.jsonl --api torch --check

Each record keeps its schedule (`call`, or the piecewise fields) and its `steps`; the script asks
the framework again for `lr` (and, for optax, `lr_jit` and `lr_scalar`), exactly the way
tests/golden/README.md says the records were obtained, and with --check lists every value that
differs. Written records also get the `framework` (and `dtype`) of the run.

The frameworks are not dependencies of lrcli: this script imports them itself and says which
pip installs it needs (the recording versions) when one is missing. --skip-missing records only
what is installed. Keras runs on the TensorFlow backend, as when the records were made; JAX runs
without x64, on the CPU.

The `call` fields are Python expressions and are evaluated, after a check that they hold only
calls of the frameworks' names, literals and `optimizer` / `global_step`: run this only on
records you trust (the repository's own).
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden"
FILES = ("piecewise.jsonl", "families-torch-hf.jsonl", "families-optax-keras-tf.jsonl")

# What to install for each framework: the versions the records were made with. torch==2.13.0 is
# the CPU wheel here; a looser pin pulls several GB of CUDA packages.
INSTALL = {
    "torch": "torch==2.13.0",
    "transformers": "torch==2.13.0 transformers==5.24.0",
    "optax": "jax==0.10.2 jaxlib==0.10.2 optax==0.2.8",
    "keras": "keras==3.15.1 tensorflow-cpu==2.21.0",
    "tf": "tensorflow-cpu==2.21.0",
}

Value = float | str  # a rate, or "nan" / "inf" / "-inf" (JSON has no such numbers)


class Missing(Exception):
    """A framework the selected records need is not installed."""

    def __init__(self, family: str, error: ImportError) -> None:
        super().__init__(f"{family}: {error} (pip install {INSTALL[family]})")
        self.family = family


def family_of(api: str) -> str:
    """The framework a record's `api` belongs to: torch, transformers, optax, keras or tf."""
    head = api.split(".")[0]
    return "tf" if head == "tf" else head


def value(x: Any) -> Value:
    """A framework's result as the records hold it: widened exactly to a Python float."""
    number = float(x)
    if math.isfinite(number):
        return number
    return "nan" if math.isnan(number) else ("inf" if number > 0 else "-inf")


# --- the frameworks, imported on first use -------------------------------------------------


class Frameworks:
    """Imports each framework once, when a record first needs it."""

    def __init__(self) -> None:
        self._modules: dict[str, ModuleType] = {}

    def get(self, name: str) -> ModuleType:
        if name not in self._modules:
            self._modules[name] = self._import(name)
        return self._modules[name]

    @staticmethod
    def _import(name: str) -> ModuleType:
        import importlib

        family = "optax" if name.startswith("jax") else {"tensorflow": "tf"}.get(name, name)
        if name == "keras":
            # The records were made with Keras on the TensorFlow backend.
            os.environ["KERAS_BACKEND"] = "tensorflow"
        if name in ("tensorflow", "keras"):
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        try:
            module = importlib.import_module(name)
        except ImportError as e:
            raise Missing(family, e) from None
        if name == "jax":
            module.config.update("jax_enable_x64", False)
            module.config.update("jax_platforms", "cpu")
        if name == "keras" and module.backend.backend() != "tensorflow":
            sys.exit(f"keras runs on {module.backend.backend()}; the records need tensorflow")
        return module

    def version(self, name: str) -> str:
        return str(self.get(name).__version__)

    def label(self, api: str, piecewise: bool) -> str:
        """The record's `framework` text, in the form each file uses."""
        family = family_of(api)
        if family == "torch":
            return f"torch {self.version('torch')}"
        if family == "transformers":
            return f"transformers {self.version('transformers')} (torch {self.version('torch')})"
        if family == "optax":
            jax = "" if piecewise else f" (jax {self.version('jax')})"
            return f"optax {self.version('optax')}{jax}"
        if family == "keras":
            tf = "" if piecewise else f" (tensorflow {self.version('tensorflow')})"
            return f"keras {self.version('keras')}{tf}"
        return f"tensorflow {self.version('tensorflow')}"


# --- reading `call` ------------------------------------------------------------------------

_ROOTS = {"torch", "transformers", "optax", "keras", "tf", "optimizer", "global_step"}
_NODES = (
    ast.Expression,
    ast.Call,
    ast.Attribute,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.keyword,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
)


def checked_call(text: str) -> Any:
    """`call` compiled, once it is known to hold only names of the frameworks and literals."""
    tree = ast.parse(text, mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            raise ValueError(f"{text!r}: {type(node).__name__} is not allowed in a call")
        if isinstance(node, ast.Name) and node.id not in _ROOTS:
            raise ValueError(f"{text!r}: unknown name {node.id!r}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ValueError(f"{text!r}: private attribute {node.attr!r}")
    return compile(tree, "<call>", "eval")


# --- one recorder per kind of record ---------------------------------------------------------

Recorded = dict[str, Any]  # lr, lr_jit, lr_scalar: list[Value]; dtype: str


def _torch_lrs(
    fw: Frameworks, make: Callable[[Any], Any], lr: float, momentum: bool, steps: list[int]
) -> list[Value]:
    """SGD over one zero parameter; optimizer.step(), scheduler.step() per step; read the lr."""
    torch = fw.get("torch")
    param = torch.nn.Parameter(torch.zeros(1))
    extra = {"momentum": 0.9} if momentum else {}
    optimizer = torch.optim.SGD([param], lr=lr, **extra)
    scheduler = make(optimizer)
    wanted, found = set(steps), {}
    for k in range(max(steps) + 1):
        if k:
            optimizer.step()
            scheduler.step()
        if k in wanted:
            found[k] = value(optimizer.param_groups[0]["lr"])
    return [found[k] for k in steps]


def record_torch_call(fw: Frameworks, record: dict[str, Any]) -> Recorded:
    """families-torch-hf.jsonl: `call` on an SGD optimizer with lr=float(base_lr)."""
    code = checked_call(record["call"])
    names: dict[str, Any] = {"torch": fw.get("torch")}
    if family_of(record["api"]) == "transformers":
        names["transformers"] = fw.get("transformers")
    momentum = record["api"].endswith(("OneCycleLR", "CyclicLR"))

    def make(optimizer: Any) -> Any:
        return eval(code, {"__builtins__": {}}, {**names, "optimizer": optimizer})

    return {"lr": _torch_lrs(fw, make, float(record["base_lr"]), momentum, record["steps"])}


def record_multistep(fw: Frameworks, record: dict[str, Any]) -> Recorded:
    """piecewise.jsonl's MultiStepLR records."""
    torch = fw.get("torch")

    def make(optimizer: Any) -> Any:
        return torch.optim.lr_scheduler.MultiStepLR(
            optimizer, milestones=record["milestones"], gamma=float(record["gamma"])
        )

    return {"lr": _torch_lrs(fw, make, float(record["base_lr"]), False, record["steps"])}


def _optax_lrs(fw: Frameworks, schedule: Any, steps: list[int], scalar: bool) -> Recorded:
    """vmap eager over int32 steps; with `scalar`, also jit per step and a Python-int call."""
    jax, jnp = fw.get("jax"), fw.get("jax.numpy")
    out = jax.vmap(schedule)(jnp.asarray(steps, dtype=jnp.int32))
    recorded: Recorded = {"lr": [value(x) for x in out.tolist()]}
    if scalar:
        jitted = jax.jit(schedule)
        recorded["lr_jit"] = [value(jitted(jnp.int32(k))) for k in steps]
        recorded["lr_scalar"] = [value(schedule(k)) for k in steps]
        recorded["dtype"] = str(out.dtype)
    return recorded


def record_optax_piecewise(fw: Frameworks, record: dict[str, Any]) -> Recorded:
    """piecewise.jsonl's optax records: jax.vmap of the schedule over the steps."""
    optax = fw.get("optax")
    schedule = optax.piecewise_constant_schedule(
        float(record["init_value"]),
        {int(b): float(s) for b, s in record["boundaries_and_scales"]},
    )
    return _optax_lrs(fw, schedule, record["steps"], scalar=False)


def record_optax_call(fw: Frameworks, record: dict[str, Any]) -> Recorded:
    """families-optax-keras-tf.jsonl's optax records: `lr`, `lr_jit` and `lr_scalar`."""
    schedule = eval(checked_call(record["call"]), {"__builtins__": {}}, {"optax": fw.get("optax")})
    return _optax_lrs(fw, schedule, record["steps"], scalar=True)


def record_keras_piecewise(fw: Frameworks, record: dict[str, Any]) -> Recorded:
    """piecewise.jsonl's Keras records: float(schedule(step)), a Python int step."""
    keras = fw.get("keras")
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay(
        record["boundaries"], [float(v) for v in record["values"]]
    )
    return {"lr": [value(schedule(k)) for k in record["steps"]]}


def record_keras_call(fw: Frameworks, record: dict[str, Any]) -> Recorded:
    """families-optax-keras-tf.jsonl's Keras records: float(schedule(step))."""
    schedule = eval(checked_call(record["call"]), {"__builtins__": {}}, {"keras": fw.get("keras")})
    return {"lr": [value(schedule(k)) for k in record["steps"]]}


def _tf1(result: Any) -> Value:
    # Eager TF1 decay functions return a callable that computes the rate.
    return value(result() if callable(result) else result)


def record_tf_piecewise(fw: Frameworks, record: dict[str, Any]) -> Recorded:
    """piecewise.jsonl's TF1 records: eager, an int64 step tensor."""
    tf = fw.get("tensorflow")
    values = [float(v) for v in record["values"]]
    return {
        "lr": [
            _tf1(
                tf.compat.v1.train.piecewise_constant(
                    tf.constant(k, tf.int64), record["boundaries"], values
                )
            )
            for k in record["steps"]
        ]
    }


def record_tf_call(fw: Frameworks, record: dict[str, Any]) -> Recorded:
    """families-optax-keras-tf.jsonl's TF1 records: `call` with global_step an int64 tensor."""
    tf = fw.get("tensorflow")
    code = checked_call(record["call"])
    return {
        "lr": [
            _tf1(
                eval(
                    code, {"__builtins__": {}}, {"tf": tf, "global_step": tf.constant(k, tf.int64)}
                )
            )
            for k in record["steps"]
        ]
    }


def recorder(record: dict[str, Any]) -> Callable[[Frameworks, dict[str, Any]], Recorded]:
    family = family_of(record["api"])
    if "call" not in record:  # piecewise.jsonl
        return {
            "torch": record_multistep,
            "optax": record_optax_piecewise,
            "keras": record_keras_piecewise,
            "tf": record_tf_piecewise,
        }[family]
    return {
        "torch": record_torch_call,
        "transformers": record_torch_call,
        "optax": record_optax_call,
        "keras": record_keras_call,
        "tf": record_tf_call,
    }[family]


# --- files, selection, reporting -------------------------------------------------------------


@dataclass
class Report:
    records: int = 0
    differing_records: int = 0
    differing_values: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    versions: set[tuple[str, str]] = field(default_factory=set)


def selected(api: str, wanted: list[str]) -> bool:
    """`--api` matches a framework (torch, transformers, optax, keras, tf) or a name's start."""
    return not wanted or any(family_of(api) == w or api.startswith(w) for w in wanted)


def differences(record: dict[str, Any], new: Recorded) -> Iterator[str]:
    for key, values in new.items():
        if key == "dtype":
            if record.get("dtype") != values:
                yield f"dtype: recorded {record.get('dtype')}, now {values}"
            continue
        for step, old, now in zip(record["steps"], record[key], values, strict=True):
            # As JSON text: -0.0 is not 0.0, and "nan" equals "nan".
            if json.dumps(old) != json.dumps(now):
                yield f"{key} at step {step}: recorded {old!r}, now {now!r}"


def process(path: Path, args: argparse.Namespace, fw: Frameworks, report: Report) -> None:
    lines = path.read_text().splitlines()
    out = []
    piecewise = path.name == "piecewise.jsonl"
    for number, line in enumerate(lines, 1):
        record = json.loads(line)
        api = record["api"]
        if not selected(api, args.api):
            out.append(line)
            continue
        try:
            new = recorder(record)(fw, record)
            label = fw.label(api, piecewise)
        except Missing as e:
            if not args.skip_missing:
                raise
            report.skipped[e.family] = report.skipped.get(e.family, 0) + 1
            out.append(line)
            continue
        report.records += 1
        if record.get("framework") != label:
            report.versions.add((record.get("framework", "?"), label))
        found = list(differences(record, new))
        if found:
            report.differing_records += 1
            report.differing_values += sum(not d.startswith("dtype") for d in found)
            where = record.get("call") or json.dumps(
                {k: v for k, v in record.items() if k not in ("steps", "lr", "framework")}
            )
            print(f"{path.name}:{number}: {api}: {where}")
            for difference in found[: args.show]:
                print(f"    {difference}")
            if len(found) > args.show:
                print(f"    ... and {len(found) - args.show} more")
        record.update(new)
        record["framework"] = label
        out.append(json.dumps(record))
    if not args.check:
        # Written whole, then moved into place: an interrupted run leaves the old file.
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as tmp:
            tmp.write("".join(f"{line}\n" for line in out))
        Path(tmp.name).replace(path)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Re-record tests/golden/*.jsonl from the real frameworks.",
        epilog="Installs the recording versions need: "
        + "; ".join(f"{k}: pip install {v}" for k, v in INSTALL.items()),
    )
    parser.add_argument(
        "--file",
        action="append",
        choices=FILES,
        help="a file to re-record (repeat for more; default: all three)",
    )
    parser.add_argument(
        "--api",
        action="append",
        default=[],
        metavar="NAME",
        help="only records of this framework (torch, transformers, optax, keras, tf) or whose "
        "api starts with NAME, e.g. torch.optim.lr_scheduler.OneCycleLR (repeat for more)",
    )
    parser.add_argument(
        "--check", action="store_true", help="report differences; write nothing (exit 1 if any)"
    )
    parser.add_argument(
        "--skip-missing",
        action="store_true",
        help="leave records whose framework is not installed as they are, instead of stopping",
    )
    parser.add_argument("--golden", type=Path, default=GOLDEN, help="the folder of the records")
    parser.add_argument(
        "--show", type=int, default=5, help="differences listed per record (default: 5)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    warnings.simplefilter("ignore")  # the frameworks' deprecation and scheduler notices
    fw, failed = Frameworks(), False
    for name in args.file or FILES:
        path = args.golden / name
        report = Report()
        try:
            process(path, args, fw, report)
        except Missing as e:
            print(
                f"{name}: needs a framework that is not installed: {e}\n"
                "  install it, or pass --skip-missing, or choose with --api",
                file=sys.stderr,
            )
            return 2
        verb = "differ" if args.check else "changed"
        print(
            f"{name}: {report.records} records recomputed, {report.differing_records} {verb} "
            f"({report.differing_values} values)"
        )
        for family, count in sorted(report.skipped.items()):
            print(f"  skipped {count} {family} records: pip install {INSTALL[family]}")
        for old, new in sorted(report.versions):
            print(f"  recorded with {old}, now {new}")
        failed = failed or report.differing_records > 0
        if not args.check and report.versions:
            print("  update the versions and the date in tests/golden/README.md to match")
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
