"""The schedule as an image file (PNG, SVG or PDF), drawn with matplotlib from its segments.

matplotlib is an optional extra: `pip install 'lrcli[plot]'`. Files are reproducible: the
fonts are matplotlib's own and the date and software metadata are left out.
"""

from __future__ import annotations

import io
import warnings
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
    """The corners of the step line: each segment from its first step to one past its last.

    Steps are counted from the first segment's first step: matplotlib draws in float64,
    which past 2**53 cannot tell neighbouring steps apart, while offsets within a window stay
    small. The axis labels add the first step back, exactly (see `figure`).
    """
    origin = segments[0].first if segments else 0
    xs: list[int] = []
    ys: list[float] = []
    for segment in segments:
        xs += [segment.first - origin, segment.last + 1 - origin]
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
    """`_figure`, keeping matplotlib's warnings about its own arithmetic off stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _figure(segments, caption=caption, log=log, title=title, size=size)


def _figure(
    segments: Sequence[Segment],
    *,
    caption: str,
    log: bool,
    title: str | None,
    size: tuple[float, float],
) -> Figure:
    """A figure of the step line over the segments' steps; step s is drawn over [s, s+1).

    The title is plain text (never mathtext), without control characters.
    """
    try:
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter, MaxNLocator
    except ImportError:
        raise MissingExtra(f"writing an image needs matplotlib: {EXTRA}") from None
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    xs, ys = vertices(segments)
    origin = segments[0].first

    # Long step numbers would run into each other: then the ticks count from the first step.
    relative = len(str(origin)) > 6

    def step_label(x: float, _: int) -> str:
        if x != round(x):
            return ""
        return f"+{round(x)}" if relative else str(origin + round(x))

    # Halved: for rates near ±1.8e308, matplotlib's own margins would overflow to inf.
    scale = 0.5 if not log and max(abs(y) for y in ys) > 1e300 else 1.0
    ax.plot(xs, [y * scale for y in ys], color="#1f77b4", linewidth=1.8, solid_joinstyle="miter")
    ax.set_xlim(xs[0], xs[-1])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps are whole numbers
    ax.xaxis.set_major_formatter(FuncFormatter(step_label))
    ax.set_xlabel(f"steps after {origin}" if relative else "step")
    ax.set_ylabel("learning rate" if scale == 1 else "learning rate ÷ 2")
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=min(0.0, *ys) * scale)
    ax.grid(True, which="major", linewidth=0.4, alpha=0.5)
    if title:
        ax.set_title(output.printable(title), parse_math=False)
    fig.text(
        0.01, 0.005, caption, fontsize=7, color="0.4", ha="left", va="bottom", parse_math=False
    )
    return fig


def render(fig: Figure, kind: str, *, dpi: int) -> bytes:
    """`fig` as the bytes of a `kind` file (png, svg or pdf), reproducibly."""
    import matplotlib

    buffer = io.BytesIO()
    # matplotlib's own warnings (overflow in its tick arithmetic near ±1e308) are not the
    # user's business: the image is still right.
    with (
        warnings.catch_warnings(),
        matplotlib.rc_context({"svg.hashsalt": "lrcli", "pdf.compression": 6}),
    ):
        warnings.simplefilter("ignore")
        fig.savefig(buffer, format=kind, dpi=dpi, metadata=_METADATA[kind])
    return buffer.getvalue()


def save(fig: Figure, path: Path, *, dpi: int) -> None:
    """Write `fig` in the format its suffix names: rendered whole first, so that a failing
    disk is one clear error (see `output.write_file`), never a half-written file."""
    output.write_file(path, render(fig, path.suffix.lower().lstrip("."), dpi=dpi))
