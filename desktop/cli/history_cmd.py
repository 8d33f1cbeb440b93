"""``dictara history``: list or search past dictations and file transcriptions, newest first.

The database is opened read-only, so the command can run while the app has it open: the
app keeps it in WAL mode, where a reader never waits for the writer.
"""

import argparse
import json
import shutil
from datetime import UTC, datetime

from desktop.cli.context import Context, error
from desktop.engine.history import Entry, History, HistoryError

DEFAULT_LIMIT = 20
# Seconds to wait if another connection holds the file exclusively (not the case in WAL mode).
BUSY_TIMEOUT = 5.0
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_DATE_FORMAT = "%Y-%m-%d %H:%M"


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the subcommand."""
    p = subparsers.add_parser(
        "history", help="list or search past dictations and transcriptions",
        description="List past dictations and file transcriptions, newest first. Safe to run "
                    "while the Dictara window is open.")
    p.add_argument("--search", metavar="Q",
                   help="only entries whose text or file name has every word of Q "
                        "(words match as prefixes)")
    p.add_argument("--limit", metavar="N", type=int, default=DEFAULT_LIMIT,
                   help=f"show at most N entries (default: {DEFAULT_LIMIT})")
    p.add_argument("--json", action="store_true", help="print one JSON object per entry")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Print the newest entries, or those matching ``--search``. Main thread.

    Returns:
        0 when the entries were printed (none if the history was never used), 1 when the
        database could not be read, 2 for an invalid ``--limit``.
    """
    if args.limit < 1:
        error(f"--limit must be a whole number of 1 or more, not {args.limit}.")
        return EXIT_USAGE
    if not ctx.paths.history_db.exists():
        return EXIT_OK
    try:
        entries = _read(ctx, args.search, args.limit)
    except HistoryError as e:
        error(str(e))
        return EXIT_FAILED
    width = shutil.get_terminal_size().columns
    for entry in entries:
        print(json.dumps(to_json(entry), ensure_ascii=False) if args.json
              else to_line(entry, width))
    return EXIT_OK


def to_json(entry: Entry) -> dict[str, object]:
    """Return the JSON record of one entry (``cleaned`` is None until cleanup has run)."""
    return {"id": entry.id, "created": _aware(entry.created).isoformat(), "kind": entry.kind,
            "source": entry.source, "duration": round(entry.duration, 3),
            "language": entry.language, "model": entry.model, "raw": entry.raw,
            "cleaned": entry.cleaned}


def to_line(entry: Entry, width: int) -> str:
    """Return one listing line: local time, kind, duration and the text, cut to ``width``."""
    head = (f"{_aware(entry.created).astimezone():{_DATE_FORMAT}}  {entry.kind:<9}  "
            f"{_clock(entry.duration):>7}  ")
    text = " ".join((entry.cleaned or entry.raw).split()) or "(no speech)"
    room = max(width - len(head), 20)
    if len(text) > room:
        text = text[:room - 1].rstrip() + "…"
    return head + text


def _read(ctx: Context, query: str | None, limit: int) -> list[Entry]:
    history = History(ctx.paths.history_db, read_only=True, timeout=BUSY_TIMEOUT)
    try:
        return history.search(query, limit) if query else history.recent(limit)
    finally:
        history.close()


def _clock(seconds: float) -> str:
    """Return a duration as m:ss, or h:mm:ss from an hour on."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def _aware(moment: datetime) -> datetime:
    # The app stores UTC with its offset; a naive time can only be UTC as well.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
