"""Config files on the command line: every golden config, the facts a file lacks, --explain."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import GOLDEN_DIR
from lrcli.configs import KINDS

Lrcli = Callable[..., Result]
CONFIGS = GOLDEN_DIR / "configs"
RECORDS = [json.loads(line) for line in (CONFIGS / "configs.jsonl").read_text().splitlines()]
FILES = CONFIGS / "files"

# The records' `needs` keys, and the option that gives each.
NEEDS = {
    "train_samples": "--train-samples",
    "world_size": "--world-size",
    "lr": "--lr",
    "updates_per_epoch": "--steps-per-epoch",
    "steps_per_epoch": "--steps-per-epoch",
    "iters_per_epoch": "--steps-per-epoch",
}


def test_every_kind_is_known() -> None:
    assert sorted(KINDS) == sorted({r["kind"] for r in RECORDS})


def options(record: dict[str, Any]) -> list[str]:
    return [item for key, value in record["needs"].items() for item in (NEEDS[key], str(value))]


@pytest.mark.parametrize(
    "record", [r for r in RECORDS if r["kind"] in KINDS], ids=lambda r: r["file"].split("/")[-1]
)
def test_cli_gives_the_tools_rate_at_every_update(lrcli: Lrcli, record: dict[str, Any]) -> None:
    at = ",".join(map(str, record["steps"]))
    path = str(CONFIGS / record["file"])
    result = lrcli("show", path, *options(record), "--at", at, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    assert [int(step) for step, _ in rows] == record["steps"]
    assert [float(rate) for _, rate in rows] == record["lr"]


def test_default_range_is_the_run(lrcli: Lrcli) -> None:
    result = lrcli("show", str(FILES / "hf-trainer-01-cosine.json"), "--summary")
    assert result.stdout.splitlines()[-1].split(",")[:2] == ["10", "499"]


EXPLAIN = (
    "52,002 samples / 16 per device = 3,250.12 -> 3,251 batches, / 2 processes = 1,625.5 -> "
    "1,626 per process (last batch kept); / 16 accumulation = 101.62 -> 102 updates per epoch "
    "(rounded up); x 1 epoch = 102 steps\n"
    "warmup 7% of 102 = 7.140000000000001 -> 8 steps (rounded up)\n"
    "get_scheduler('cosine_with_min_lr', num_warmup_steps=8, num_training_steps=102) at "
    "learning_rate 1e-05, stepped after every update\n"
)


def test_explain_spells_out_the_trainers_arithmetic(lrcli: Lrcli) -> None:
    path = str(FILES / "hf-trainer-02-cosine_with_min_lr.yaml")
    result = lrcli(
        "show", path, "--train-samples", "52002", "--world-size", "2", "--at", "0", "--explain"
    )
    assert result.exit_code == 0
    assert result.stdout == "step,lr\n0,0.0\n"
    assert result.stderr.startswith(EXPLAIN)


def test_pasted_training_arguments_are_the_same_arithmetic(lrcli: Lrcli) -> None:
    call = (
        "TrainingArguments(output_dir='out', learning_rate=3e-4, num_train_epochs=3, "
        "per_device_train_batch_size=16, gradient_accumulation_steps=4, warmup_steps=0.03, "
        "lr_scheduler_type='cosine')"
    )
    result = lrcli(
        "show", call, "--train-samples", "52_000", "--world-size", "8", "--summary", "--explain"
    )
    assert result.stdout == (
        "first_step,last_step,lr,last_lr,shape\n"
        "0,9,0.0,0.00027,linear\n"
        "10,305,0.0003,8.448381363307388e-09,cosine\n"
    )
    assert result.stderr.startswith(
        "52,000 samples / 16 per device = 3,250 batches, / 8 processes = 406.25 -> 407 per "
        "process (last batch kept); / 4 accumulation = 101.75 -> 102 updates per epoch (rounded "
        "up); x 3 epochs = 306 steps\nwarmup 3% of 306 = 9.18 -> 10 steps (rounded up)\n"
    )


def test_a_pasted_scheduler_with_steps_per_epoch_is_stepped_per_epoch(lrcli: Lrcli) -> None:
    call = "StepLR(optimizer, step_size=2, gamma=0.5)"
    result = lrcli("show", call, "--lr", "1", "--steps-per-epoch", "3", "--last", "7")
    assert result.stdout == "step,lr\n0,1.0\n1,1.0\n2,1.0\n3,1.0\n4,1.0\n5,1.0\n6,0.5\n7,0.5\n"
    per_step = lrcli(
        "show", call, "--lr", "1", "--steps-per-epoch", "3", "--interval", "step", "--at", "2"
    )
    assert per_step.stdout == "step,lr\n2,0.5\n"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            [str(FILES / "hf-trainer-02-cosine_with_min_lr.yaml")],
            "num_train_epochs is 1 and max_steps is not set: give --train-samples (and "
            "--world-size if not 1) to count the steps",
        ),
        (
            [
                str(FILES / "hf-trainer-02-cosine_with_min_lr.yaml"),
                "--train-samples",
                "9",
                "--batch-size",
                "8",
            ],
            "Invalid value for '--batch-size': --batch-size 8 disagrees with the file's "
            "per_device_train_batch_size = 16; leave --batch-size out, or change the file",
        ),
        (
            [str(FILES / "hf-trainer-01-cosine.json"), "--lr", "0.1"],
            "Invalid value for '--lr': --lr 0.1 disagrees with the file's learning_rate = 5e-05; "
            "leave --lr out, or change the file",
        ),
        (
            [str(FILES / "lightning-yaml-00-CosineAnnealingLR.yaml")],
            "Lightning steps this scheduler once per epoch: give --steps-per-epoch (the optimizer "
            "updates in one epoch) to place it in updates",
        ),
        (
            ["no/such/config.json"],
            "Invalid value for 'SCHEDULE': 'no/such/config.json': no such file",
        ),
        (
            ["StepLR(optimizer, 2)", "--lr", "1", "--train-samples", "100"],
            "--train-samples go with a config file, not a pasted call",
        ),
        (
            ["--boundaries", "5", "--values", "1,2", "--steps-per-epoch", "3"],
            "--steps-per-epoch go with a config file or a pasted call, not --boundaries/--values",
        ),
    ],
    ids=lambda v: None,
)
def test_missing_and_conflicting_facts_are_one_line_errors(
    lrcli: Lrcli, args: list[str], error: str
) -> None:
    result = lrcli("show", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {error}\n"


def test_a_file_lrcli_cannot_place_lists_the_kinds(lrcli: Lrcli, tmp_path: Path) -> None:
    odd = tmp_path / "notes.json"
    odd.write_text('{"epochs": 3}')
    result = lrcli("show", str(odd))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Error: Invalid value for 'SCHEDULE': '{odd}'"[:60])
    assert "is not a config lrcli knows; kinds: hf-trainer" in result.stderr
    assert "(say which with --kind)" in result.stderr


def test_yaml_without_pyyaml_names_the_extra(lrcli: Lrcli, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "yaml", None)  # as if PyYAML were not installed
    result = lrcli("show", str(FILES / "hf-trainer-02-cosine_with_min_lr.yaml"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: reading YAML needs PyYAML: pip install 'lrcli[yaml]'\n"


@pytest.mark.parametrize(
    ("name", "facts", "explain"),
    [
        (
            "keras-json-03-CosineDecay.json",
            [],
            "CosineDecay from its serialized config; update k runs at schedule(k) (Keras 3)\n",
        ),
        (
            "lightning-yaml-00-CosineAnnealingLR.yaml",
            ["--steps-per-epoch", "391"],
            "CosineAnnealingLR(T_max=100) at lr 0.001\n"
            "Lightning steps it at the end of every epoch: update k runs at its rate after "
            "k // 391 steps\n"
            "max_epochs 100 x 391 updates = 39,100 updates\n",
        ),
    ],
)
def test_explain_for_keras_and_lightning(
    lrcli: Lrcli, name: str, facts: list[str], explain: str
) -> None:
    result = lrcli("show", str(FILES / name), *facts, "--at", "0", "--explain")
    assert (result.exit_code, result.stderr) == (0, explain)
