"""``dictara recover``: find dictations that never finished (crash, kill) and transcribe them."""

import argparse
import json
import sys

from desktop.cli.context import Context, error
from desktop.engine import decode, models, spool
from desktop.engine.history import History, HistoryError
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
    """List or transcribe every unfinished recording, each on its own. Main thread.

    Each transcript is printed and stored in the history as "recovered", like the window
    does. A recording that cannot be repaired or decoded does not stop the others.

    Returns:
        0 when all were listed or recovered (or there were none, or one held no audio),
        1 when any could not be repaired, transcribed or stored.
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
    history = _open_history(ctx)
    recovered = [_recover(info, transcriber, ctx, history, args.json) for info in found]
    if history is not None:
        history.close()
    spool.prune(ctx.paths.recordings_dir, ctx.settings.recordings.keep_days)
    return 0 if history is not None and all(recovered) else 1


def _open_history(ctx: Context) -> History | None:
    """Open the history for writing; None (after one error line) when it cannot be."""
    try:
        return History(ctx.paths.history_db, on_replaced=_warn)
    except HistoryError as e:
        error(str(e))
        return None


def _recover(info: spool.SpoolInfo, transcriber: Transcriber, ctx: Context,
             history: History | None, as_json: bool) -> bool:
    """Repair, transcribe, print and store one recording; False if any step failed."""
    try:
        path = spool.finalise(info)
    except spool.NothingRecordedError as e:
        _warn(str(e))
        return True
    except spool.Error as e:
        error(str(e))
        return False
    try:
        transcript = transcriber.transcribe_file(path, transcribe_options(ctx.settings,
                                                                         ctx.vocabulary()))
    except decode.Error as e:
        error(str(e))
        return False
    _print(info, transcript.text, as_json)
    if history is None:
        return True
    try:
        history.add(transcript, "recovered", recording=path)
    except HistoryError as e:
        error(str(e))
        return False
    return True


def _warn(text: str) -> None:
    print(f"warning: {text}", file=sys.stderr)


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
