"""The ``dictara`` command: no arguments opens the GUI, files are queued in it, subcommands
run headless.

Each subcommand lives in its own module with ``add_parser(subparsers)``, which registers
the parser and sets ``run(args, ctx) -> int`` as its handler. This module never imports Qt;
only the GUI entry point does, and only when it is chosen.
"""

import argparse
import logging
import sys
from collections.abc import Sequence

from desktop import __version__
from desktop.cli import (
    clean,
    config_cmd,
    dictate,
    doctor,
    edit_cmd,
    history_cmd,
    models_cmd,
    open_files,
    profile_cmd,
    recover,
    remote,
    transcribe,
    vocab_cmd,
)
from desktop.cli.context import Context

EXIT_USAGE = 2
_GUI_ONLY_FLAGS = ("--minimized", "--tray")

COMMANDS = (transcribe, dictate, recover, history_cmd, clean, models_cmd, config_cmd, doctor,
            remote, profile_cmd, edit_cmd, vocab_cmd)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="dictara",
        usage="dictara [--tray] | dictara FILE... | dictara COMMAND ...",
        description="Offline dictation. With no command, opens the Dictara window (or shows "
                    "the one already running). With files, the window transcribes them.",
        epilog="--tray (or --minimized) starts Dictara in the system tray without its "
               "window. `dictara FILE...` hands audio or video files to the running Dictara, "
               "starting it if needed. `dictara COMMAND --help` describes each command.",
    )
    parser.add_argument("--version", action="version", version=f"dictara {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(subparsers)
    parser.set_defaults(command_names=frozenset(subparsers.choices or ()))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].startswith("--self-test"):
        from desktop import selftest

        return selftest.run(argv)
    if not argv or argv[0] in _GUI_ONLY_FLAGS:
        from desktop.app import run_gui

        return run_gui(argv)
    parser = build_parser()
    if not argv[0].startswith("-") and argv[0] not in parser.get_default("command_names"):
        return open_files.run(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on bad usage and 0 on --help
        return int(e.code or 0)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    ctx = Context.load()
    try:
        code: int = args.run(args, ctx)
        return code
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130

