from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lrcli.cli import cli

EXAMPLE = ["--boundaries", "5,10,15", "--values", "0.1,0.05,0.01,0.001"]
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
"""What the real frameworks return, recorded by tools/record_golden.py (see its README.md)."""
GOLDEN = Path(os.environ.get("LRCLI_GOLDEN", GOLDEN_DIR / "piecewise.jsonl"))


@pytest.fixture
def runner() -> CliRunner:
    # Stable rendering: no forced colour, a fixed width.
    return CliRunner(env={"FORCE_COLOR": None, "NO_COLOR": None, "COLUMNS": "80", "LINES": "40"})


@pytest.fixture
def lrcli(runner: CliRunner) -> Callable[..., Result]:
    """Run `lrcli ARGS...` in-process; stdout and stderr stay apart."""

    def invoke(*args: str, **kwargs: Any) -> Result:
        return runner.invoke(cli, list(args), catch_exceptions=False, **kwargs)

    return invoke


def golden_records() -> list[dict[str, Any]]:
    """What the real frameworks returned (see tests/golden/README.md)."""
    with GOLDEN.open() as lines:
        return [json.loads(line) for line in lines]
