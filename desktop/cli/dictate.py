"""``dictara dictate``: dictate from the microphone; partials on stderr, final text on stdout."""

import argparse
import dataclasses
import json
import signal
import sys
from types import FrameType

from desktop.cli.context import Context, error
from desktop.config import Error as SettingsError
from desktop.engine import audio, models, spool
from desktop.engine.session import Dropout, Event, Failed, Finished, Listening, Session
from desktop.engine.streaming import Partial
from desktop.engine.transcriber import Transcriber
from desktop.options import model_options, session_options


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the subcommand."""
    p = subparsers.add_parser(
        "dictate", help="dictate from the microphone",
        description="Record from the microphone, show words as they are recognised (stderr) "
                    "and print the final text (stdout). Ctrl+C stops and prints the text.")
    p.add_argument("--device", help="input device name or index (default: the configured one)")
    stop = p.add_mutually_exclusive_group()
    stop.add_argument("--seconds", type=float, metavar="N", help="stop after N seconds")
    stop.add_argument("--stop-after-silence", type=float, metavar="S",
                      help="stop after S seconds without speech, once speech was heard")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument("--list-devices", action="store_true", help="list input devices and exit")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Run one dictation. Main thread only (it installs signal handlers).

    Returns:
        0 with the final text printed, 1 when the microphone or the model failed (any text
        captured before a failure is still printed), 2 for bad settings.
    """
    if args.list_devices:
        return _list_devices()
    try:
        settings = ctx.settings
        if args.device is not None:
            settings = settings.with_value("audio.device", args.device)
        ref = models.resolve(settings.whisper.model, ctx.paths.models_dir)
        transcriber = Transcriber(ref, model_options(settings))
        transcriber.model()
    except (SettingsError, models.Error) as e:
        error(str(e))
        return 2 if isinstance(e, SettingsError) else 1
    options = dataclasses.replace(session_options(settings), max_seconds=args.seconds,
                                  stop_after_silence=args.stop_after_silence)
    view = _Terminal()
    session = Session(transcriber, ctx.paths.recordings_dir, options, view.on_event)
    try:
        session.start()
    except (audio.Error, spool.Error) as e:
        error(str(e))
        return 1
    _stop_on_signals(session)
    finished = session.wait()
    view.clear()
    if finished is None:
        return 1
    _print_result(finished, args.json)
    return 1 if view.failed else 0


class _Terminal:
    """Shows partial text on stderr. Events arrive on the session's worker threads."""

    def __init__(self) -> None:
        self.failed = False
        self._tty = sys.stderr.isatty()

    def on_event(self, event: Event) -> None:
        if isinstance(event, Listening):
            print("Listening… (Ctrl+C to stop)", file=sys.stderr, flush=True)
        elif isinstance(event, Partial):
            if event.shown:
                self._show(event.shown)
        elif isinstance(event, Failed | Dropout):
            self.failed = self.failed or isinstance(event, Failed)
            self.clear()
            print(f"{'error' if isinstance(event, Failed) else 'warning'}: {event.message}",
                  file=sys.stderr, flush=True)
        # Level, Committed (a Partial with it follows) and Finished: nothing to show.

    def clear(self) -> None:
        if self._tty:
            print("\r\033[K", end="", file=sys.stderr, flush=True)

    def _show(self, text: str) -> None:
        if self._tty:
            print(f"\r\033[K… {text[-200:]}", end="", file=sys.stderr, flush=True)
        else:
            print(f"… {text}", file=sys.stderr, flush=True)


def _stop_on_signals(session: Session) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        session.stop()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def _print_result(finished: Finished, as_json: bool) -> None:
    if as_json:
        print(json.dumps({
            "text": finished.text,
            "duration": round(finished.duration, 3),
            "language": finished.transcript.language,
            "model": finished.transcript.model,
            "committed_segments": finished.committed_segments,
            "stop_to_final_ms": round(finished.stop_to_final_ms, 1),
            "recording": str(finished.recording) if finished.recording else None,
        }, ensure_ascii=False), flush=True)
    else:
        print(finished.text, flush=True)


def _list_devices() -> int:
    try:
        devices = audio.list_input_devices()
    except audio.Error as e:
        error(str(e))
        return 1
    if not devices:
        error(str(audio.NoMicrophoneError()))
        return 1
    for d in devices:
        mark = "*" if d.is_default else " "
        print(f"{mark} {d.index:3d}  {d.name}  ({d.channels} ch, {d.default_samplerate:.0f} Hz)")
    return 0
