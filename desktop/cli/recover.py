"""``dictara recover``: find dictations that never finished (crash, kill) and transcribe them."""

import argparse
import json
import sys

from desktop.cli.context import Context, error
from desktop.engine import decode, models, spool
from desktop.engine.transcriber import Transcriber
from desktop.options import model_options, transcribe_options


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the subcommand."""
    p = subparsers.add_parser(
        "recover", help="transcribe dictations that were cut off by a crash",
        description="Find recordings of dictations that never finished (the app crashed, was "
                    "killed or lost power) and transcribe them.")
    p.add_argument("--list", action="store_true", help="only list them")
    p.add_argument("--json", action="store_true", help="print one JSON object per recording")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """List or transcribe every unfinished recording. Main thread.

    Returns:
        0 when all were listed or transcribed (or there were none), 1 otherwise.
    """
    found = spool.unfinished(ctx.paths.recordings_dir)
    if not found:
        print("No unfinished recordings.", file=sys.stderr)
        return 0
    if args.list:
        for info in found:
            _print(info, None, args.json)
        return 0
    try:
        ref = models.resolve(ctx.settings.whisper.model, ctx.paths.models_dir)
    except models.Error as e:
        error(str(e))
        return 1
    transcriber = Transcriber(ref, model_options(ctx.settings))
    failed = 0
    for info in found:
        path = spool.finalise(info)
        try:
            text = transcriber.transcribe_file(path, transcribe_options(ctx.settings)).text
        except decode.Error as e:
            error(str(e))
            failed += 1
            continue
        _print(info, text, args.json)
    spool.prune(ctx.paths.recordings_dir, ctx.settings.recordings.keep_days)
    return 1 if failed else 0


def _print(info: spool.SpoolInfo, text: str | None, as_json: bool) -> None:
    if as_json:
        record: dict[str, object] = {"recording": str(info.path),
                                     "duration": round(info.duration, 3),
                                     "started": info.started.isoformat()}
        if text is not None:
            record["text"] = text
        print(json.dumps(record, ensure_ascii=False), flush=True)
    elif text is None:
        print(f"{info.started:%Y-%m-%d %H:%M:%S}  {info.duration:7.1f} s  {info.path}")
    else:
        print(f"{info.path} ({info.duration:.1f} s, started {info.started:%Y-%m-%d %H:%M}):",
              file=sys.stderr)
        print(text, flush=True)
