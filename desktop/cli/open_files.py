"""``dictara FILE...``: transcribe files in the window, the running one or a new one.

The files go to the running Dictara over IPC (no Qt is loaded for that); when none runs,
this process becomes Dictara and queues them itself. This is what the desktop's "Open
with Dictara" runs.
"""

import json
from collections.abc import Iterator
from pathlib import Path

from desktop.cli.context import error
from desktop.paths import AppPaths
from desktop.platform import ipc

EXIT_USAGE = 2
BATCH_BYTES = ipc.MAX_LINE // 2  # room for the request's own fields


def run(args: list[str]) -> int:
    """Hand ``args`` (file or folder paths) to Dictara's window.

    Returns:
        0 when every file was handed over (or the window that queued them closed), 1 when
        some path does not exist or the running Dictara did not answer, 2 when none of
        the paths exists.
    """
    paths = [Path(a).expanduser().absolute() for a in args]
    found = [p for p in paths if p.exists()]
    for missing in (p for p in paths if not p.exists()):
        if len(args) == 1:
            error(f"{args[0]!r} is neither a command nor a file; see `dictara --help`.")
        else:
            error(f"{missing}: there is no such file or folder.")
    if not found:
        return EXIT_USAGE
    code = 0 if len(found) == len(paths) else 1
    address = ipc.server_address(AppPaths.default().config_file.parent)
    try:
        for batch in _batches([str(p) for p in found]):
            reply = ipc.send("open", address, paths=batch)
            if not reply.ok:
                error(reply.message or "The running Dictara did not take the files; quit it "
                                       "and try again.")
                return 1
    except ipc.NotRunningError:
        from desktop.app import run_gui

        return run_gui([], files=found) or code
    except ipc.Error as e:
        error(str(e))
        return 1
    return code


def _batches(paths: list[str]) -> Iterator[tuple[str, ...]]:
    """Split ``paths`` into requests that fit the protocol's line limit."""
    batch: list[str] = []
    size = 0
    for path in paths:
        cost = len(json.dumps(path, ensure_ascii=False).encode()) + 2
        if batch and size + cost > BATCH_BYTES:
            yield tuple(batch)
            batch, size = [], 0
        batch.append(path)
        size += cost
    if batch:
        yield tuple(batch)
