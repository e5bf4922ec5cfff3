"""The schedule as an image file (PNG, SVG or PDF), drawn with matplotlib from its segments.

matplotlib is an optional extra: `pip install 'lrcli[plot]'`. Files are reproducible: the
fonts are matplotlib's own and the date and software metadata are left out.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lrcli import output
from lrcli.schedule import Segment

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("png", "svg", "pdf")
EXTRA = "pip install 'lrcli[plot]'"

# What each format would otherwise stamp into the file: the date and matplotlib's version.
_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


MAX_PIXELS = 40_000_000
"""The most pixels a PNG may have: 160 MB of RGBA while it is drawn."""


def too_many_pixels(size: tuple[float, float], dpi: int) -> str | None:
    """Why a PNG of `size` inches at `dpi` is too large to draw, or None."""
    width, height = round(size[0] * dpi), round(size[1] * dpi)
    if width * height > MAX_PIXELS:
        return (
            f"{size[0]:g}x{size[1]:g} inches at {dpi} dpi is {width:,}x{height:,} pixels; "
            f"a PNG may have at most {MAX_PIXELS:,}"
        )
    return None


class MissingExtra(RuntimeError):
    """matplotlib is not installed."""


def vertices(segments: Sequence[Segment]) -> tuple[list[int], list[float]]:
    """The corners of the step line: each segment from its first step to one past its last."""
    xs: list[int] = []
    ys: list[float] = []
    for segment in segments:
        xs += [segment.first, segment.last + 1]
        ys += [segment.rate, segment.rate]
    return xs, ys


def figure(
    segments: Sequence[Segment],
    *,
    caption: str,
    log: bool = False,
    title: str | None = None,
    size: tuple[float, float] = (8.0, 4.5),
) -> Figure:
    """A figure of the step line over the segments' steps; step s is drawn over [s, s+1)."""
    try:
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise MissingExtra(f"writing an image needs matplotlib: {EXTRA}") from None
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    xs, ys = vertices(segments)
    ax.plot(xs, ys, color="#1f77b4", linewidth=1.8, solid_joinstyle="miter")
    ax.set_xlim(xs[0], xs[-1])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps are whole numbers
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=min(0.0, *ys))
    ax.grid(True, which="major", linewidth=0.4, alpha=0.5)
    if title:
        ax.set_title(title)
    fig.text(0.01, 0.005, caption, fontsize=7, color="0.4", ha="left", va="bottom")
    return fig


def render(fig: Figure, kind: str, *, dpi: int) -> bytes:
    """`fig` as the bytes of a `kind` file (png, svg or pdf), reproducibly."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "lrcli", "pdf.compression": 6}):
        fig.savefig(buffer, format=kind, dpi=dpi, metadata=_METADATA[kind])
    return buffer.getvalue()


def save(fig: Figure, path: Path, *, dpi: int) -> None:
    """Write `fig` in the format its suffix names: rendered whole first, so that a failing
    disk is one clear error (see `output.write_file`), never a half-written file."""
    output.write_file(path, render(fig, path.suffix.lower().lstrip("."), dpi=dpi))
