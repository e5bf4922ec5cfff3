"""`lrcli plot --output`: images whose line is exactly the segments, valid at the size asked.

Needs the plot extra (matplotlib); the terminal chart's tests are in test_plot.py.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import EXAMPLE
from lrcli import PiecewiseConstant

Lrcli = Callable[..., Result]
SEGMENTS = list(PiecewiseConstant([5, 10, 15], [0.1, 0.05, 0.01, 0.001]).segments(0, 20))

matplotlib = pytest.importorskip("matplotlib", reason="the plot extra is not installed")


def test_figure_vertices_are_exactly_the_segment_edges() -> None:
    from lrcli.figure import figure

    fig = figure(SEGMENTS, caption="")
    (line,) = fig.axes[0].get_lines()
    assert line.get_xydata().tolist() == [
        [0, 0.1],
        [6, 0.1],
        [6, 0.05],
        [11, 0.05],
        [11, 0.01],
        [16, 0.01],
        [16, 0.001],
        [21, 0.001],
    ]


def test_figure_has_labels_title_and_log_scale() -> None:
    from lrcli.figure import figure

    ax = figure(SEGMENTS, caption="", log=True, title="Example").axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title(), ax.get_yscale()) == (
        "step",
        "learning rate",
        "Example",
        "log",
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert (
        data[:8] == b"\x89PNG\r\n\x1a\n"
        and data[12:16] == b"IHDR"
        and data.endswith(b"IEND\xaeB`\x82")
    )
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def svg_size(data: bytes) -> tuple[str, str]:
    root = ET.fromstring(data)
    return root.attrib["width"], root.attrib["height"]


def pdf_size(data: bytes) -> list[float]:
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    box = re.search(rb"/MediaBox \[ *([\d. ]+)\]", data)
    assert box is not None
    return [float(v) for v in box[1].split()]


@pytest.mark.parametrize(
    ("name", "size_of", "expected"),
    [
        ("chart.png", png_size, (600, 300)),
        ("chart.svg", svg_size, ("432pt", "216pt")),
        ("chart.pdf", pdf_size, [0.0, 0.0, 432.0, 216.0]),
    ],
)
def test_image_is_valid_at_the_size_asked_and_reproducible(
    lrcli: Lrcli, tmp_path: Path, name: str, size_of: Callable[[bytes], object], expected: object
) -> None:
    written = []
    for attempt in ("a", "b"):
        path = tmp_path / attempt / name
        path.parent.mkdir()
        args = ["--output", str(path), "--size", "6x3", "--dpi", "100", "--title", "Example"]
        result = lrcli("plot", *EXAMPLE, *args)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
        written.append(path.read_bytes())
    assert size_of(written[0]) == expected
    assert written[0] == written[1], "the same command writes the same bytes"
