"""``dictara dictate``: dictate from the microphone; partials on stderr, final text on stdout."""

import argparse
import dataclasses
import json
import signal
import sys
import time
from types import FrameType

from desktop.cli.clean import command_options
from desktop.cli.context import Context, error
from desktop.config import Error as SettingsError
from desktop.engine import audio, commands, models, spool
from desktop.engine.cleanup import PRESETS, Cleaner, CleanupResult, LiveCleanup
from desktop.engine.session import Dropout, Event, Failed, Finished, Listening, Session
from desktop.engine.streaming import Partial
from desktop.engine.transcriber import Transcriber
from desktop.options import model_options, session_options, spoken_commands


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
    p.add_argument("--clean", action="store_true",
                   help="also clean the text with the local LLM, while you speak; print the "
                        "cleaned text (the raw one is in --json)")
    p.add_argument("--preset", choices=PRESETS,
                   help="cleanup style for --clean (default: the cleanup.preset setting)")
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
        cleaner = Cleaner(command_options(ctx, preset=args.preset)) if args.clean else None
    except (SettingsError, models.Error, ValueError) as e:
        error(str(e))
        return 1 if isinstance(e, models.Error) else 2
    options = dataclasses.replace(session_options(settings, ctx.vocabulary()),
                                  max_seconds=args.seconds,
                                  stop_after_silence=args.stop_after_silence)
    spoken = spoken_commands(settings)
    view = _Terminal(LiveCleanup(cleaner, spoken=spoken) if cleaner is not None else None,
                     spoken)
    session = Session(transcriber, ctx.paths.recordings_dir, options, view.on_event,
                      warm_up=cleaner.warm_up if cleaner is not None else None)
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
    cleaned = view.finish_cleanup(finished)
    if not finished.text:
        print("Nothing was heard.", file=sys.stderr, flush=True)
    _print_result(finished, cleaned, args.json, spoken)
    return 1 if view.failed else 0


class _Terminal:
    """Shows partial text on stderr (its spoken commands carried out once committed) and
    feeds the live cleanup, if any.

    Events arrive on the session's worker threads.
    """

    def __init__(self, live: LiveCleanup | None, spoken: commands.CommandOptions) -> None:
        self.failed = False
        self._live = live
        self._spoken = spoken
        self._tty = sys.stderr.isatty()

    def on_event(self, event: Event) -> None:
        if isinstance(event, Listening):
            print("Listening… (Ctrl+C to stop)", file=sys.stderr, flush=True)
        elif isinstance(event, Partial):
            if self._live is not None:
                self._live.feed(event.committed)
            said = Partial(event.text, commands.apply(event.committed, self._spoken))
            if said.shown:
                self._show(said.shown)
        elif isinstance(event, Failed | Dropout):
            self.failed = self.failed or isinstance(event, Failed)
            self.clear()
            print(f"{'error' if isinstance(event, Failed) else 'warning'}: {event.message}",
                  file=sys.stderr, flush=True)
        # Level, Committed (a Partial with it follows) and Finished: nothing to show.

    def finish_cleanup(self, finished: Finished) -> "_Cleaned | None":
        """Clean what is left of the final text; None without ``--clean``."""
        if self._live is None:
            return None
        stopped_at = time.monotonic() - finished.stop_to_final_ms / 1000
        if finished.text.strip():
            print("Cleaning…", file=sys.stderr, flush=True)
        result = self._live.finish(finished.text)
        return _Cleaned(result, (time.monotonic() - stopped_at) * 1000)

    def clear(self) -> None:
        if self._tty:
            print("\r\033[K", end="", file=sys.stderr, flush=True)

    def _show(self, text: str) -> None:
        if self._tty:
            line = " ".join(text.split())[-200:]  # one line, however many breaks were said
            print(f"\r\033[K… {line}", end="", file=sys.stderr, flush=True)
        else:
            print(f"… {text}", file=sys.stderr, flush=True)


def _stop_on_signals(session: Session) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        session.stop()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


@dataclasses.dataclass(frozen=True)
class _Cleaned:
    result: CleanupResult
    stop_to_cleaned_ms: float


def _print_result(finished: Finished, cleaned: _Cleaned | None, as_json: bool,
                  spoken: commands.CommandOptions) -> None:
    text = commands.apply(finished.text, spoken)  # "text" has the commands carried out
    if not as_json:
        print(text if cleaned is None else cleaned.result.cleaned, flush=True)
        if cleaned is not None and cleaned.result.fallback_reason:
            print(f"warning: {cleaned.result.fallback_reason}", file=sys.stderr, flush=True)
        return
    data: dict[str, object] = {
        "text": text,
        "heard": finished.text,
        "duration": round(finished.duration, 3),
        "language": finished.transcript.language,
        "model": finished.transcript.model,
        "committed_segments": finished.committed_segments,
        "stop_to_final_ms": round(finished.stop_to_final_ms, 1),
        "recording": str(finished.recording) if finished.recording else None,
    }
    if cleaned is not None:
        data.update(cleaned=cleaned.result.cleaned, cleanup_backend=cleaned.result.backend,
                    fallback_reason=cleaned.result.fallback_reason,
                    stop_to_cleaned_ms=round(cleaned.stop_to_cleaned_ms, 1))
    print(json.dumps(data, ensure_ascii=False), flush=True)


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
