"""Every `$ lrcli ...` transcript in README.md and docs/ is what lrcli prints today.

`python docs/refresh.py` rewrites them after a deliberate change of output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs"))
import refresh


@pytest.mark.parametrize(("page", "command", "output"), refresh.transcripts())
def test_transcript_is_true(
    page: str, command: str, output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(refresh.ROOT)  # file names in the transcripts are from the top
    assert refresh.run(command) == output, f"{page}: {command}"
