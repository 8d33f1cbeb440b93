"""``dictara FILE...``: transcribe files in the window, the running one or a new one.

The files go to the running Dictara over IPC (no Qt is loaded for that); when none runs,
this process becomes Dictara and queues them itself. This is what the desktop's "Open
with Dictara" runs.
"""

from pathlib import Path

from desktop.cli.context import error
from desktop.paths import AppPaths
from desktop.platform import ipc

EXIT_USAGE = 2


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
        ipc.send("open", address, paths=tuple(str(p) for p in found))
    except ipc.NotRunningError:
        from desktop.app import run_gui

        return run_gui([], files=found) or code
    except (ipc.Error, ValueError) as e:
        error(str(e))
        return 1
    return code
