"""`lrcli check LOG SCHEDULE` on the real training logs in tests/golden/logs/, each against the
schedule its meta.json names, and on logs damaged in the usual ways."""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import GOLDEN_DIR
from lrcli.logs import read_log
from lrcli.logs.tensorboard import masked_crc

Lrcli = Callable[..., Result]

LOGS = GOLDEN_DIR / "logs"
HEADER = "first_step,last_step,log_first,schedule_first,max_abs_diff,max_ulps"
CAUSES = {
    "lr_bug_scheduler_step_twice_per_batch.csv": "every step k runs at the schedule's 2 * k, so "
    "the scheduler steps twice per update",
    "lr_bug_scheduler_step_per_epoch.csv": "every step k runs at the schedule's k // 20, so the "
    "scheduler steps once per 20 updates (once per epoch?)",
    "epochs-changed-to-3": "the run follows transformers.get_cosine_schedule_with_warmup("
    "optimizer, num_warmup_steps=3, num_training_steps=30): the schedule was rebuilt for 30 "
    "steps when the run resumed",
}


def cases() -> list[Any]:
    """(folder, log, schedule call, lr, expected) for every log file and folder listed."""
    found = []
    for meta_path in sorted(LOGS.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text())
        folder = meta_path.parent
        groups = [meta, *meta.get("variants", [])]
        for group in groups:
            for log in [group["log"], *group.get("other_logs", [])]:
                found.append(
                    pytest.param(
                        folder,
                        log,
                        meta["schedule_call"],
                        meta["lr"],
                        group["expected"],
                        id=f"{folder.name}/{log}",
                    )
                )
    return found


def first_departure(expected: str) -> int | None:
    if expected == "matches":
        return None
    found = re.match(r"differs: from step (?:k = )?(\d+)", expected)
    assert found, expected
    return int(found[1])


@pytest.mark.parametrize(("folder", "log", "call", "lr", "expected"), cases())
def test_every_golden_log_gets_its_verdict(
    lrcli: Lrcli, folder: Path, log: str, call: str, lr: str, expected: str
) -> None:
    path = folder / log
    result = lrcli("check", str(path), call, "--lr", lr, "--format", "csv")
    departs = first_departure(expected)
    logged = read_log(path)
    last_k = int(logged.steps[-1]) + logged.offset
    if departs is not None and last_k < departs:
        departs = None  # a checkpoint written before the departure
    lines = result.stdout.splitlines()
    assert lines[0] == HEADER
    if departs is None:
        assert (result.exit_code, lines[1:]) == (0, []), result.stderr
        assert "Error" not in result.stderr
        return
    assert result.exit_code == 1
    assert int(lines[1].split(",")[0]) == departs
    assert result.stderr.startswith(f"from step {departs} ")
    cause = CAUSES.get(Path(log).name) or CAUSES.get(Path(log).parts[0])
    if cause is not None and (Path(log).name.endswith(".csv") or last_k >= 29):
        assert cause in result.stderr


def test_the_trainer_resumed_with_more_epochs_differs_from_k_13_logged_at_14(lrcli: Lrcli) -> None:
    result = lrcli(
        "check",
        str(LOGS / "hf-resume" / "epochs-changed-to-3"),
        "get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=2, num_training_steps=20)",
        "--lr",
        "5e-4",
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "13,29,0.00034901994150978924,0.00016449496416858284,0.0002483095894354857,"
        "4549702205015235699"
    ]
    assert result.stderr == (
        "from step 13 (logged as step 14) the run's rate is 0.00034901994150978924 where the "
        "schedule has 0.00016449496416858284: from there the run follows "
        "get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=3, num_training_steps=30): "
        "the schedule was rebuilt for 30 steps when the run resumed (num_train_epochs or "
        "max_steps changed?)\n"
    )


def test_the_rebuilt_schedule_is_found_from_a_checkpoint_by_its_max_steps(lrcli: Lrcli) -> None:
    result = lrcli(
        "check",
        str(LOGS / "hf-resume" / "epochs-changed-to-3" / "checkpoint-18"),
        "get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=2, num_training_steps=20)",
        "--lr",
        "5e-4",
    )
    assert result.exit_code == 1
    assert "num_training_steps=30): the schedule was rebuilt for 30 steps" in result.stderr


def test_the_folder_of_an_event_file_and_its_float32_values(lrcli: Lrcli) -> None:
    call = "OneCycleLR(optimizer, max_lr=0.01, total_steps=200)"
    assert lrcli("check", str(LOGS / "tb-torch"), call).exit_code == 0
    # float64 0.0003999999999999993 is stored as float32 0.00039999998989515007: compared
    # after rounding the schedule, it matches; a schedule one step longer does not.
    other = lrcli("check", str(LOGS / "tb-torch"), call.replace("200", "201"))
    assert other.exit_code == 1
    assert "ulps" not in other.stderr
    assert "the whole run follows OneCycleLR(optimizer, max_lr=0.01, total_steps=200)" in (
        other.stderr
    )


def test_an_older_trainer_log_is_one_step_ahead(lrcli: Lrcli) -> None:
    call = "get_linear_schedule_with_warmup(optimizer, 10, 100)"
    path = str(LOGS / "hf-linear")
    result = lrcli("check", path, call, "--lr", "5e-4", "--offset", "0")
    assert result.exit_code == 1
    assert result.stderr == (
        "from step 1 the run's rate is 0.0 where the schedule has 5e-05: it is the schedule's "
        "at step 0: every step k runs at the schedule's k - 1, 1 step behind it: a loop that "
        "counts its steps from 1? (--offset -1 if that is how the log counts)\n"
    )


def test_explain_says_how_the_log_was_read(lrcli: Lrcli) -> None:
    call = "get_linear_schedule_with_warmup(optimizer, 10, 100)"
    result = lrcli("check", str(LOGS / "hf-linear" / "runs"), call, "--lr", "5e-4", "--explain")
    assert result.exit_code == 0
    assert (
        "tensorboard: tag 'train/learning_rate' at Event.step (float32); train/learning_rate is "
        "the Trainer's: step s holds the rate update s used, schedule step k = s - 1"
    ) in result.stderr


def test_quiet(lrcli: Lrcli) -> None:
    call = "get_linear_schedule_with_warmup(optimizer, 10, 100)"
    for offset, status in (("-1", 0), ("0", 1)):
        result = lrcli(
            "check", str(LOGS / "hf-linear"), call, "--lr", "5e-4", "-q", "--offset", offset
        )
        assert (result.exit_code, result.stdout, result.stderr) == (status, "", "")


# --- damaged and unusual logs --------------------------------------------------------------

SEQUENTIAL = (
    "SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=0.01, total_iters=20), "
    "CosineAnnealingLR(optimizer, T_max=180, eta_min=1e-5)], milestones=[20])"
)


def csv_rows() -> list[str]:
    return (LOGS / "csv-torch" / "lr.csv").read_text().splitlines()


def check(lrcli: Lrcli, path: Path, *extra: str, call: str = SEQUENTIAL) -> Result:
    return lrcli("check", str(path), call, "--lr", "3e-4", "--format", "csv", *extra)


def test_a_hole_is_a_warning_and_the_rest_is_checked(lrcli: Lrcli, tmp_path: Path) -> None:
    rows = csv_rows()
    path = tmp_path / "lr.csv"
    path.write_text("\n".join(rows[:51] + rows[61:]) + "\n")
    result = check(lrcli, path)
    assert (result.exit_code, result.stdout) == (0, HEADER + "\n")
    assert result.stderr == (
        "Warning: the log has a hole: no entry between step 49 and step 60; the steps logged "
        "are checked\n"
    )


def test_a_repeated_step_keeps_its_last_entry(lrcli: Lrcli, tmp_path: Path) -> None:
    rows = csv_rows()
    path = tmp_path / "lr.csv"
    path.write_text("\n".join([*rows[:11], "9,0.5", *rows[11:]]) + "\n")
    result = check(lrcli, path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1].startswith("9,9,0.5,")
    assert result.stderr.startswith(
        "Warning: step 9 is logged more than once (a resumed run?): the last entry of each is "
        "checked\n"
    )


def test_a_nan_rate_is_left_out(lrcli: Lrcli, tmp_path: Path) -> None:
    rows = csv_rows()
    rows[6] = "5,nan"
    path = tmp_path / "lr.csv"
    path.write_text("\n".join(rows) + "\n")
    result = check(lrcli, path)
    assert result.exit_code == 0
    assert result.stderr.startswith("Warning: the rate is not a number at step 5: left out\n")


def test_a_csv_cut_mid_line_drops_that_line(lrcli: Lrcli, tmp_path: Path) -> None:
    text = (LOGS / "csv-torch" / "lr.csv").read_text()
    path = tmp_path / "lr.csv"
    path.write_text(text[: len(text) // 2 - 3])
    result = check(lrcli, path)
    assert result.exit_code == 0
    assert "does not end with a line end (cut off, or still being written)" in result.stderr


def test_a_trainer_state_cut_short_is_checked_as_far_as_it_goes(
    lrcli: Lrcli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (LOGS / "hf-linear" / "trainer_state.json").read_text()
    monkeypatch.chdir(tmp_path)
    Path("trainer_state.json").write_text(text[: len(text) // 2])
    call = "get_linear_schedule_with_warmup(optimizer, 10, 100)"
    result = lrcli("check", "trainer_state.json", call, "--lr", "5e-4")
    assert result.exit_code == 0
    assert re.fullmatch(
        r"Warning: 'trainer_state.json' ends early \(cut off, or still being written\): "
        r"\d+ complete log_history entries are checked\n",
        result.stderr,
    )


def test_an_event_file_cut_short_or_corrupt_is_read_up_to_there(
    lrcli: Lrcli, tmp_path: Path
) -> None:
    source = next((LOGS / "tb-torch").rglob("events.out.tfevents.*")).read_bytes()
    call = "OneCycleLR(optimizer, max_lr=0.01, total_steps=200)"
    cut = tmp_path / "events.out.tfevents.1.cut"
    cut.write_bytes(source[: len(source) - 30])
    result = lrcli("check", str(cut), call)
    assert result.exit_code == 0
    assert "ends in the middle of record" in result.stderr
    corrupt = bytearray(source)
    corrupt[len(source) // 2] ^= 0xFF
    bad = tmp_path / "events.out.tfevents.1.bad"
    bad.write_bytes(bytes(corrupt))
    result = lrcli("check", str(bad), call)
    assert result.exit_code == 0
    assert re.search(r"record \d+ \(byte \d+\) fails its (data's|length's) CRC", result.stderr)
    log = read_log(bad)
    assert 0 < len(log.steps) < 200


def test_an_event_file_written_here_reads_back(tmp_path: Path) -> None:
    def record(data: bytes) -> bytes:
        head = struct.pack("<Q", len(data))
        return (
            head + struct.pack("<I", masked_crc(head)) + data + struct.pack("<I", masked_crc(data))
        )

    def event(step: int, tag: str, value: float) -> bytes:
        tag_bytes = tag.encode()
        value_msg = bytes([0x0A, len(tag_bytes)]) + tag_bytes + b"\x15" + struct.pack("<f", value)
        summary = bytes([0x0A, len(value_msg)]) + value_msg
        step_field = b"\x10" + bytes([step]) if step else b""
        return step_field + bytes([0x2A, len(summary)]) + summary

    path = tmp_path / "events.out.tfevents.0.host"
    path.write_bytes(b"".join(record(event(s, "lr", 0.5 / (s + 1))) for s in range(5)))
    log = read_log(path)
    assert log.steps.tolist() == [0, 1, 2, 3, 4]
    assert log.single and log.offset == 0


def test_lightning_and_wandb_exports_are_recognised(tmp_path: Path) -> None:
    lightning = tmp_path / "metrics.csv"
    lightning.write_text("epoch,lr-AdamW,step,train_loss\n0,0.1,0,\n0,,0,1.5\n0,0.2,1,\n")
    log = read_log(lightning)
    assert (log.steps.tolist(), log.rates.tolist(), log.offset) == ([0, 1], [0.1, 0.2], 0)
    wandb = tmp_path / "history.jsonl"
    wandb.write_text(
        '{"_step": 0, "train/global_step": 1, "train/learning_rate": 0.0}\n'
        '{"_step": 1, "train/global_step": 2, "train/learning_rate": 5e-05}\n'
    )
    log = read_log(wandb)
    assert (log.steps.tolist(), log.offset) == ([1, 2], -1)  # the Trainer's global_step


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (
            "step,lr-AdamW,lr-SGD\n0,0.1,0.2\n",
            (),
            "Error: Invalid value for '--lr-col': '{path}' has 2 learning-rate columns "
            "(lr-AdamW, lr-SGD); say which with --lr-col",
        ),
        (
            "step,lr\n0,0.1\n",
            ("--lr-col", "rate"),
            "Error: Invalid value for '--lr-col': 'rate' is not in '{path}'; it has step, lr",
        ),
        (
            "when,lr\n0,0.1\n",
            (),
            "Error: Invalid value for '--step-col': '{path}' has no step column lrcli "
            "recognises (when, lr); say which with --step-col",
        ),
        (
            "step,lr\n",
            (),
            "Error: Invalid value for 'LOG': '{path}' holds no learning rate to check",
        ),
    ],
)
def test_bad_logs(
    lrcli: Lrcli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("log.csv").write_text(content)
    result = lrcli("check", "log.csv", "StepLR(optimizer, 10)", "--lr", "0.1", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == message.format(path="log.csv") + "\n"


def test_a_missing_log(lrcli: Lrcli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = lrcli("check", "nope.csv", "StepLR(optimizer, 10)", "--lr", "0.1")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: Invalid value for 'LOG': 'nope.csv': no such file or folder\n"


def test_the_second_of_two_columns_named(lrcli: Lrcli, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("it,lr-AdamW,lr-SGD\n0,0.1,0.2\n1,0.1,0.2\n")
    ok = lrcli(
        "check",
        str(path),
        "StepLR(optimizer, 10)",
        "--lr",
        "0.2",
        "--lr-col",
        "lr-SGD",
        "--step-col",
        "it",
    )
    assert (ok.exit_code, ok.stderr) == (0, "")
