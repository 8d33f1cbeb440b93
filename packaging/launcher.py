"""Entry point of both frozen executables: the same as ``python -m desktop``.

``dictara-gui`` (windowed) and ``dictara`` (console) run this same script; with no
arguments it opens the window, with ``--self-test`` it checks the bundle, and with a
subcommand it runs headless (see :mod:`desktop.cli`).
"""

import multiprocessing
import sys

from desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
