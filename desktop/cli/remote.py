"""``dictara toggle|start|stop``: control the running Dictara from a shell or a shortcut.

This is the Wayland fallback for the global hotkey too: bind ``dictara toggle`` to a key
in the desktop's own shortcut settings. Nothing here imports Qt.
"""

import argparse

from desktop.cli.context import Context, error
from desktop.platform import ipc

_HELP = {
    "toggle": "start dictating in the running Dictara, or stop if it is dictating",
    "start": "start dictating in the running Dictara",
    "stop": "stop dictating in the running Dictara (the text is pasted as configured)",
}


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``toggle``, ``start`` and ``stop``."""
    for command, text in _HELP.items():
        p = subparsers.add_parser(
            command, help=text,
            description=f"{text[:1].upper()}{text[1:]}. Bind it to a key in your desktop's "
                        "shortcut settings where global hotkeys cannot be grabbed (Wayland).")
        p.set_defaults(run=run, remote_command=command)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Send the command to the running instance. Any thread.

    Returns:
        0 when the running instance carried it out, 1 when none runs or it refused.
    """
    address = ipc.server_address(ctx.paths.config_file.parent)
    try:
        reply = ipc.send(args.remote_command, address)
    except ipc.Error as e:
        error(str(e))
        return 1
    if not reply.ok:
        error(reply.message or f"Dictara did not {args.remote_command}.")
        return 1
    if args.verbose and reply.state:
        print(reply.state)
    return 0
