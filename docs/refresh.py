"""Rewrite the output under every `$ lrcli ...` line in README.md and docs/*.md.

    python docs/refresh.py          # rewrite transcripts in place, and redraw the images
    python docs/refresh.py --check  # exit 1 if any transcript is stale

Transcripts are terminal sessions (auto format is the table), rendered without colour at
100 columns. tests/test_docs.py runs the same check, so the docs cannot drift from lrcli.
Images are made by the command in an HTML comment, `<!-- $ lrcli plot ... --output FILE -->`,
run from the repository's top; they need the plot extra (matplotlib).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path
from unittest import mock

from click.testing import CliRunner

from lrcli import cli as cli_module

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(```console\n)(.*?)(```)", re.S)
IMAGE = re.compile(r"<!-- \$ (lrcli plot .*?) -->")


def run(command: str) -> str:
    """What a person sees at a 100-column terminal: stdout and stderr as they come."""
    env = {"FORCE_COLOR": None, "NO_COLOR": None, "COLUMNS": "100", "LINES": "30"}
    runner = CliRunner(env=env)
    with mock.patch.object(cli_module, "stdout_is_terminal", lambda: True):
        result = runner.invoke(cli_module.cli, shlex.split(command)[1:])
    return result.output


def commands(block: str) -> list[tuple[str, str]]:
    """(command, output shown) for each `$ lrcli` line of a console block."""
    found = []
    for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
        if chunk.startswith("$ lrcli "):
            command, _, output = chunk.partition("\n")
            found.append((command[2:], output))
    return found


def transcripts() -> list[tuple[str, str, str]]:
    """(page, command, output shown) for every transcript in the docs."""
    return [
        (page.name, command, output)
        for page in PAGES
        for block in BLOCK.findall(page.read_text())
        for command, output in commands(block[1])
    ]


def refreshed(text: str) -> str:
    def block(match: re.Match[str]) -> str:
        body = "".join(f"$ {command}\n{run(command)}" for command, _ in commands(match[2]))
        return match[1] + (body if commands(match[2]) else match[2]) + match[3]

    return BLOCK.sub(block, text)


def main() -> None:
    os.chdir(ROOT)  # image paths in the comments are relative to the repository's top
    stale = []
    for page in PAGES:
        text = page.read_text()
        new = refreshed(text)
        if new != text:
            stale.append(page.name)
            if "--check" not in sys.argv:
                page.write_text(new)
    if "--check" not in sys.argv:
        for page in PAGES:
            for command in IMAGE.findall(page.read_text()):
                result = CliRunner().invoke(cli_module.cli, shlex.split(command)[1:])
                if result.exit_code != 0:
                    sys.exit(f"{page.name}: {command}: {result.output}")
    if stale:
        print(("stale: " if "--check" in sys.argv else "refreshed: ") + ", ".join(stale))
        sys.exit(1 if "--check" in sys.argv else 0)


if __name__ == "__main__":
    main()
