"""The docs site: every page is in the nav, the references cover every command and public name,
and the shell completion the docs describe works.

The nav test needs mkdocs (the docs extra, `pip install '.[docs]'`) and skips cleanly without it;
`mkdocs build --strict` in .ci/run builds the whole site.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import lrcli
from lrcli.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def nav_pages(entries: list[Any]) -> list[str]:
    """Every page path in an mkdocs `nav` (sections nest; external links are not pages)."""
    found = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            found += nav_pages(value)
        elif not re.match(r"[a-z][a-z+.-]*://", value):
            found.append(value)
    return found


def test_every_docs_page_is_in_the_nav() -> None:
    pytest.importorskip("mkdocs")
    yaml = pytest.importorskip("yaml")  # PyYAML comes with mkdocs
    # mkdocs.yml may hold `!!python/name:` tags (pymdownx options); none is needed for the nav.
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("", lambda _loader, _suffix, _node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=loader)
    docs = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    listed = nav_pages(config["nav"])
    assert sorted(docs - set(listed)) == [], "add these pages to the nav in mkdocs.yml"
    assert sorted(set(listed) - docs) == [], "the nav lists pages that docs/ does not have"
    assert len(listed) == len(set(listed)), "a page is listed twice in the nav"


def test_cli_reference_has_every_commands_help() -> None:
    page = (DOCS / "cli.md").read_text()
    # The transcripts themselves are checked against --help by tests/test_docs.py.
    assert "$ lrcli --help\n" in page
    for name in cli.commands:
        assert f"$ lrcli {name} --help\n" in page, f"docs/cli.md has no `lrcli {name} --help`"


def test_api_reference_has_every_public_name() -> None:
    documented = re.findall(r"^::: lrcli\.(\w+)$", (DOCS / "api.md").read_text(), re.M)
    assert sorted(documented) == sorted(lrcli.__all__)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_the_docs_give_is_printed(shell: str) -> None:
    assert f"_LRCLI_COMPLETE={shell}_source lrcli" in (DOCS / "completion.md").read_text()
    result = CliRunner().invoke(
        cli, [], prog_name="lrcli", env={"_LRCLI_COMPLETE": f"{shell}_source"}
    )
    assert result.exit_code == 0
    assert "_lrcli_completion" in result.output
    assert "_LRCLI_COMPLETE=" in result.output


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("lrcli sh", ["plain,show"]),
        ("lrcli show --dtype ", ["plain,float64", "plain,float32"]),
        (
            "lrcli export --to ",
            ["plain,keras", "plain,tf1", "plain,torch", "plain,optax", "plain,transformers"],
        ),
    ],
)
def test_bash_completion_answers(words: str, expected: list[str]) -> None:
    env = {
        "_LRCLI_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    result = CliRunner().invoke(cli, [], prog_name="lrcli", env=env)
    assert result.exit_code == 0
    assert result.output.splitlines() == expected


def test_completion_variable_is_the_console_scripts() -> None:
    # click names the variable after the program: _LRCLI_COMPLETE for the `lrcli` script.
    scripts = metadata.entry_points(group="console_scripts", name="lrcli")
    assert [s.value for s in scripts] == ["lrcli.entry:main"]


@pytest.mark.parametrize("page", ["README.md", *sorted(p.name for p in DOCS.glob("*.md"))])
def test_relative_links_resolve_as_on_github(page: str) -> None:
    path = ROOT / page if page == "README.md" else DOCS / page
    targets = re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", path.read_text())
    local = [t for t in targets if not re.match(r"[a-z][a-z+.-]*:", t)]
    assert [t for t in local if not (path.parent / t).exists()] == []
