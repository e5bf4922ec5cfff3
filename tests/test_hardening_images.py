"""Images: titles are plain text, extreme rates draw, and steps past 2**53 stay apart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from lrcli import PiecewiseConstant
from lrcli.figure import figure, vertices

pytest.importorskip("matplotlib")

Lrcli = Callable[..., Result]


@pytest.mark.parametrize("title", ["$\\foo$", "lr $5 to $1", "a\x1b[31mb"])
def test_a_title_is_plain_text(lrcli: Lrcli, tmp_path: Path, title: str) -> None:
    result = lrcli("plot", "--values", "0.1", "--title", title, "-o", str(tmp_path / "t.png"))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    drawn = figure(list(PiecewiseConstant([], [0.1]).segments(0, 1)), caption="c", title=title)
    text = drawn.axes[0].title
    assert text.get_text() == title.replace("\x1b", "") and not text.get_parse_math()


@pytest.mark.parametrize("log", [[], ["--log"]])
@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_extreme_rates_draw(lrcli: Lrcli, tmp_path: Path, suffix: str, log: list[str]) -> None:
    values = "1e-308,1.7e308" if log else "-1e308,1.7e308"
    path = tmp_path / f"x.{suffix}"
    result = lrcli("plot", "--boundaries", "5", "--values", values, *log, "-o", str(path))
    assert result.exit_code == 0 and result.stdout == "" and "Traceback" not in result.stderr
    assert all(line.startswith("Warning: the rate") for line in result.stderr.splitlines())
    assert path.stat().st_size > 0


def test_extreme_rates_draw_in_the_terminal(lrcli: Lrcli) -> None:
    result = lrcli("plot", "--boundaries", "5", "--values", "-1e308,1.7e308")
    assert result.exit_code == 0 and "1.7e+308 ┤" in result.stdout


def test_steps_near_1e18_are_drawn_apart_and_labelled_exactly() -> None:
    first = 10**18
    schedule = PiecewiseConstant([first + 5, first + 10], [1, 2, 3])
    segments = list(schedule.segments(first, first + 20))
    xs, _ = vertices(segments)
    assert xs == [0, 6, 6, 11, 11, 21]
    fig = figure(segments, caption="c")
    ax = fig.axes[0]
    fig.canvas.draw()
    assert ax.get_xlabel() == f"steps after {first}"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "+6" in labels and all(label.startswith("+") for label in labels if label)
