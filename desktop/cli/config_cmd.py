"""``dictara config list | get KEY | set KEY VALUE | path``: read and write settings.

``set`` refuses to touch a settings file it cannot parse: saving would replace the user's
other settings with the defaults, and a typo is quicker to fix in place than to recover
from a copy. The GUI, where the file cannot be edited, moves such a file aside instead.
"""

import argparse

from desktop import config
from desktop.cli.context import Context, error


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the subcommand."""
    p = subparsers.add_parser("config", help="read or change settings")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every setting with its value")
    g = actions.add_parser("get", help="print one setting")
    g.add_argument("key", help="dotted key, e.g. whisper.model")
    s = actions.add_parser("set", help="change one setting (validated)")
    s.add_argument("key")
    s.add_argument("value")
    actions.add_parser("path", help="print where the settings file is")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Run the chosen action; bad keys and values exit 2 with the reason."""
    try:
        if args.action == "list":
            for key, value, doc in ctx.settings.items():
                print(f"{key} = {_show(value)}    # {doc}")
        elif args.action == "get":
            print(_plain(ctx.settings.get(args.key)))
        elif args.action == "set":
            return _set(ctx, args.key, args.value)
        else:
            print(ctx.paths.config_file)
    except config.Error as e:
        error(str(e))
        return 2
    except OSError as e:
        error(f"The settings could not be saved to {ctx.paths.config_file} ({e.strerror}); "
              "check that the folder is writable and the disk is not full.")
        return 1
    return 0


def _set(ctx: Context, key: str, value: str) -> int:
    """Validate and save one value; refuse (exit 1) when the file on disk is unreadable."""
    settings = ctx.settings.with_value(key, value)
    if ctx.settings_file.unreadable is not None:
        error(f"The settings file {ctx.paths.config_file} cannot be read "
              f"({ctx.settings_file.unreadable}), so nothing was changed; fix that line or "
              "delete the file, then run the command again.")
        return 1
    ctx.settings_file.save(settings)
    return 0


def _show(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else _plain(value)


def _plain(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
