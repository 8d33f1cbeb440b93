"""``dictara models list | download NAME | import FOLDER``: manage Whisper models."""

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from desktop.cli.context import Context, error
from desktop.engine import models


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the subcommand."""
    p = subparsers.add_parser("models", help="list, download or import Whisper models")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="show installed models and which is active")
    d = actions.add_parser("download", help="download a model by size name (needs network)")
    d.add_argument("name", help="e.g. base.en, small, large-v3-turbo")
    i = actions.add_parser("import", help="copy a CTranslate2 Whisper folder into Dictara")
    i.add_argument("folder", type=Path)
    i.add_argument("--name", help="name to install it under (default: the folder's name)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Run the chosen action."""
    if args.action == "list":
        return _list(ctx)
    try:
        if args.action == "download":
            ref = models.download(args.name, ctx.paths.models_dir, tqdm_class=tqdm)
        else:
            ref = models.import_model(args.folder, ctx.paths.models_dir, args.name)
    except ValueError as e:
        error(str(e))
        return 2
    except FileExistsError as e:
        error(f"A model named {Path(str(e)).name!r} is already installed; "
              "choose another name with --name.")
        return 1
    except models.Error as e:
        error(str(e))
        return 1
    print(f"Installed {ref.name} in {ref.path}. Use it with "
          f"`dictara config set whisper.model {ref.name}`.", file=sys.stderr)
    return 0


def _list(ctx: Context) -> int:
    setting = ctx.settings.whisper.model
    try:
        active = models.resolve(setting, ctx.paths.models_dir).path
    except models.Error as e:
        active = None
        print(f"warning: {e}", file=sys.stderr)
    for item in models.installed(ctx.paths.models_dir):
        mark = "*" if item.ref.path == active else " "
        where = "bundled" if item.ref.bundled else str(item.ref.path)
        print(f"{mark} {item.ref.name:<22} {item.size_bytes / 1e6:8.1f} MB  {where}")
    return 0
