"""The first code lrcli runs (the console script and `python -m lrcli`): nothing heavy here.

Ctrl-C can come at any instruction, also while click, numpy and rich are still being imported:
from here on it ends the process quietly with exit status 130, what a shell reports for it.
"""

from __future__ import annotations

import signal
import sys


def main() -> None:
    try:
        from lrcli.cli import main as run

        run()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot interrupt the exit
        sys.exit(130)
