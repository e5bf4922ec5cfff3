"""`lrcli plot`: the drawing itself, checked dot by dot and vertex by vertex."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import Result

from conftest import EXAMPLE
from lrcli import PiecewiseConstant
from lrcli.chart import Axes, braille, canvas, chart, unbraille

Lrcli = Callable[..., Result]
SEGMENTS = list(PiecewiseConstant([5, 10, 15], [0.1, 0.05, 0.01, 0.001]).segments(0, 20))


def plotted(out: str) -> tuple[np.ndarray, int]:
    """The dots of a terminal chart printed by lrcli, and the plot's left margin."""
    rows = [line for line in out.splitlines() if re.match(r"^ *[\d.e+-]* [┤│]", line)]
    margin = rows[0].index("┤") + 1 if "┤" in rows[0] else rows[0].index("│") + 1
    width = max(len(r) for r in rows)
    return unbraille([r[margin:].ljust(width - margin) for r in rows]), margin


def test_braille_round_trips_every_dot_pattern() -> None:
    dots = np.random.default_rng(0).random((8, 10)) < 0.5
    assert (unbraille(braille(dots)) == dots).all()


@pytest.mark.parametrize(("first", "last", "width"), [(0, 20, 80), (3, 17, 61), (0, 10**9, 80)])
def test_each_drop_is_a_vertical_edge_at_its_step(
    lrcli: Lrcli, first: int, last: int, width: int
) -> None:
    args = ["--first", str(first), "--last", str(last), "--width", str(width)]
    result = lrcli("plot", *EXAMPLE, *args)
    assert result.exit_code == 0, result.stderr
    dots, margin = plotted(result.stdout)
    columns = dots.shape[1]
    assert margin + columns // 2 == width
    levels = []
    for segment in PiecewiseConstant([5, 10, 15], [0.1, 0.05, 0.01, 0.001]).segments(first, last):
        # The dot column of a step, by the same integer arithmetic a reader would use.
        left = (segment.first - first) * columns // (last - first + 1)
        right = max(left, (segment.last + 1 - first) * columns // (last - first + 1) - 1)
        rows = np.flatnonzero(dots[:, (left + right) // 2])
        level = rows.max() if len(rows) > 1 else rows[0]  # the level line in mid segment
        levels.append(level)
        assert dots[level, left : right + 1].all(), segment
        if len(levels) > 1:  # the edge: every dot from the old level to the new, at `left`
            top, bottom = sorted(levels[-2:])
            assert dots[top : bottom + 1, left].all(), segment
            assert not dots[top + 1 : bottom, left - 1].any(), "edge one column early"
    assert levels == sorted(levels), "each rate is lower than the one before"


def test_step_axis_labels_the_first_step_of_each_rate(lrcli: Lrcli) -> None:
    out = lrcli("plot", *EXAMPLE, "--width", "80").stdout.splitlines()
    axis, labels = out[-3], out[-2]
    margin, columns = len("0.001") + 2, 80 - 7  # the widest rate label, a space, the axis
    assert axis.index("└") == margin - 1 and len(axis) == 80
    for step in (6, 11, 16):
        cell = margin + (step * columns * 2 // 21) // 2  # steps 0..20 on 2 dots a cell
        assert axis[cell] == "┴" and labels[cell:].startswith(f"{step} ")
    assert axis.count("┴") == 3
    assert labels.startswith("      0 ") and labels.endswith(" 20")


def test_log_scale_spaces_rates_by_their_ratio() -> None:
    drawn = chart(SEGMENTS, 0, 20, width=80, height=12, log=True)
    rows = np.array([drawn.axes.y(s.rate) for s in SEGMENTS])
    # 47 dot rows span the two decades from 0.1 to 0.001.
    decades = -np.log10([s.rate for s in SEGMENTS])
    assert np.abs(np.diff(rows) - np.diff(decades) * 47 / 2).max() <= 1


def test_rate_labels_sit_on_their_level(lrcli: Lrcli) -> None:
    out = lrcli("plot", *EXAMPLE, "--width", "80").stdout.splitlines()
    labelled = {line.split("┤")[0].strip(): i for i, line in enumerate(out) if "┤" in line}
    assert list(labelled) == ["0.1", "0.05", "0.01", "0.001"]
    axes = chart(SEGMENTS, 0, 20, width=80, height=12, log=False).axes
    first_row = min(labelled.values())
    for text, line in labelled.items():
        assert line - first_row == axes.y(float(text)) // 4


def test_plain_when_piped_and_fits_80_columns(lrcli: Lrcli) -> None:
    result = lrcli("plot", *EXAMPLE, env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert "\x1b[" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert result.stdout.splitlines()[0] == (
        "tf convention: a boundary step keeps the earlier rate · float64 · linear scale"
    )


def test_a_billion_steps_draw_from_segments_alone() -> None:
    schedule = PiecewiseConstant([10**8 * k for k in range(1, 10)], [0.5**k for k in range(10)])
    dots = canvas(list(schedule.segments(0, 10**12)), Axes(0, 10**12, 148, 48, 0, 0.5, False))
    assert dots.any()


def test_log_refuses_a_zero_rate(lrcli: Lrcli) -> None:
    result = lrcli("plot", "--boundaries", "5", "--values", "0.1,0", "--log")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(
        "Error: Invalid value for '--log': a log scale needs rates above 0, "
        "and steps 6-7 have 0.0\n"
    )


def test_missing_matplotlib_names_the_extra(
    lrcli: Lrcli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    result = lrcli("plot", *EXAMPLE, "--output", str(tmp_path / "x.png"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: writing an image needs matplotlib: pip install 'lrcli[plot]'\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--output", "x.jpg"],
            "Invalid value for '--output': 'x.jpg' is not a .png, .svg or .pdf file",
        ),
        (["--size", "8x4.5"], "--size and --dpi go with --output, for an image file"),
        (
            ["--output", "x.png", "--width", "80"],
            "--width and --height are for the terminal chart, not --output",
        ),
        (
            ["--output", "x.png", "--size", "8by4"],
            "Invalid value for '--size': '8by4' is not WIDTHxHEIGHT in inches, such as 8x4.5",
        ),
    ],
)
def test_bad_plot_options(lrcli: Lrcli, args: list[str], message: str) -> None:
    result = lrcli("plot", *EXAMPLE, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")
