"""Where output goes, and what happens when it cannot go there.

- A write that fails (a full disk, a closed stdout, an image path that fails mid-write) ends
  with one line on stderr naming the output and the OS error, and exit status 1: never a
  traceback, and never exit status 0 when the output was not written.
- A reader that goes away (`| head`) ends quietly with exit status 1, as before.
- Text for a terminal falls back to ASCII glyphs when the stream cannot encode lrcli's own,
  carries no styling under `NO_COLOR`, and text the user typed loses its control characters.

Nothing here imports rich or matplotlib at import time.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from rich.console import Console

WRITE_FAILED = 1
"""Exit status when the output could not be written (bad input is 2)."""

FANCY = "·─→×⋮…┤│╷└┴⣿"
"""The glyphs lrcli draws with beyond ASCII: rules, arrows, box corners, braille."""

_ASCII = str.maketrans(
    {
        "·": "-",
        "─": "-",
        "→": "->",
        "×": "x",
        "⋮": ":",
        "…": "...",
        "┤": "+",
        "│": "|",
        "╷": "|",
        "└": "+",
        "┴": "+",
    }
)
_SPACES = "\t\n\r\v\f"


class _Closed(io.RawIOBase):
    """stdout when the process started with it closed (`>&-`): every write fails with EBADF."""

    gone = False  # once reported, further writes (the interpreter's flush at exit) are dropped

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        if _Closed.gone:
            return len(memoryview(data))  # type: ignore[arg-type]
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))


def _install_closed_stdout() -> None:
    if sys.stdout is None:
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(_Closed()), encoding="utf-8")


def _silence_stdout() -> None:
    """Make what is still buffered for stdout go nowhere, so the exit flush cannot fail again."""
    _Closed.gone = True
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)


def _stderr(line: str) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def fail(name: str, error: OSError) -> NoReturn:
    """Say on stderr that `name` could not be written and why, and exit with status 1."""
    _stderr(f"Error: cannot write {name}: {error.strerror or error}")
    if name == "stdout":
        _silence_stdout()
    raise SystemExit(WRITE_FAILED)


def _broken_pipe() -> NoReturn:
    _silence_stdout()
    raise SystemExit(1)


def flush_stdout() -> None:
    """Flush stdout now, while a failure can still be reported and change the exit status."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _broken_pipe()
    except OSError as e:
        fail("stdout", e)


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Run the CLI so that no failed write ends in a traceback or a false exit status 0."""
    _install_closed_stdout()
    try:
        yield
    except SystemExit as e:
        if e.code in (None, 0):
            flush_stdout()
        raise
    except BrokenPipeError:
        _broken_pipe()
    except OSError as e:
        fail(repr(e.filename) if e.filename else "stdout", e)
    flush_stdout()


def write_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole; on failure say so, and remove the partial file."""
    try:
        with open(path, "wb") as file:
            file.write(data)
    except OSError as e:
        with contextlib.suppress(OSError):
            if path.is_file():
                path.unlink()
        fail(repr(str(path)), e)


def missing_directory(path: Path) -> str | None:
    """Why `path` cannot be created as a file (its directory is missing), or None."""
    parent = path.parent
    if not parent.exists():
        return f"the directory {str(parent)!r} does not exist"
    if not parent.is_dir():
        return f"{str(parent)!r} is not a directory"
    return None


def fancy(stream: TextIO | None = None) -> bool:
    """True when `stream` (stdout by default) can encode every glyph lrcli draws with."""
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        FANCY.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def for_stream(text: str, stream: TextIO | None = None, *, ascii_glyphs: bool | None = None) -> str:
    """`text` with lrcli's glyphs in ASCII, and anything else unencodable as `?`, if need be."""
    stream = sys.stdout if stream is None else stream
    if ascii_glyphs is None:
        ascii_glyphs = not fancy(stream)
    if not ascii_glyphs:
        return text
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        return text.translate(_ASCII).encode(encoding, "replace").decode(encoding)
    except LookupError:
        return text.translate(_ASCII).encode("ascii", "replace").decode("ascii")


def printable(text: str) -> str:
    """What the user typed, without control characters: whitespace ones become a space."""
    return "".join(" " if ch in _SPACES else ch for ch in text if ch in _SPACES or not _control(ch))


def _control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"


def no_color() -> bool:
    """The user asked for no colour (https://no-color.org: NO_COLOR set and not empty)."""
    return bool(os.environ.get("NO_COLOR"))


def console() -> Console:
    """A rich console on stdout; under NO_COLOR it writes no styling at all, bold and dim too."""
    from rich.console import Console

    if no_color():
        return Console(highlight=False, soft_wrap=True, no_color=True, color_system=None)
    return Console(highlight=False, soft_wrap=True)
