"""``dictara transcribe FILE...``: transcribe audio and video files."""

import argparse
import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from desktop.cli.context import Context, error
from desktop.config import Error as SettingsError
from desktop.config import Settings
from desktop.engine import decode, export, models
from desktop.engine.cleanup import Cleaner
from desktop.engine.transcriber import TranscribeOptions, Transcriber
from desktop.engine.transcript import Transcript
from desktop.options import cleanup_options, model_options, transcribe_options


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the subcommand."""
    p = subparsers.add_parser("transcribe", help="transcribe audio or video files",
                              description="Transcribe audio or video files with Whisper.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--model", help="model size name or folder (default: the configured one)")
    p.add_argument("--language", help="language code such as en (default: detect)")
    p.add_argument("--format", choices=export.FORMATS, default="txt", dest="fmt")
    p.add_argument("-o", "--output-dir", type=Path, help="write one file per input here")
    p.add_argument("--no-vad", action="store_true", help="decode non-speech too")
    p.add_argument("--beam-size", type=int, help="beam width, 1 to 10")
    p.add_argument("--clean", action="store_true", help="also clean the text with the LLM")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Transcribe each file in turn; a bad file does not stop the others.

    Returns:
        0 when every file was transcribed whole, 1 when any failed or was incomplete
        (truncated or damaged: what could be decoded is still printed), 2 for bad usage.
    """
    try:
        settings = _apply_overrides(args, ctx)
        ref = models.resolve(settings.whisper.model, ctx.paths.models_dir)
    except (SettingsError, models.Error) as e:
        error(str(e))
        return 2 if isinstance(e, SettingsError) else 1
    transcriber = Transcriber(ref, model_options(settings))
    options = transcribe_options(settings)
    cleaner = _cleaner(settings) if args.clean else None
    failed = 0
    for path in args.files:
        try:
            transcript = _transcribe_one(transcriber, path, options, args.quiet)
        except decode.Error as e:
            error(str(e))
            failed += 1
            continue
        except models.Error as e:
            error(str(e))
            return 1
        for warning in transcript.warnings:
            print(f"warning: {path}: {warning}", file=sys.stderr)
        failed += bool(transcript.warnings)
        cleaned = cleaner(transcript.text) if cleaner else None
        _emit(transcript, args, cleaned)
    return 1 if failed else 0


def _apply_overrides(args: argparse.Namespace, ctx: Context) -> Settings:
    settings = ctx.settings
    for key, value in (("whisper.model", args.model), ("whisper.language", args.language),
                       ("whisper.beam_size", args.beam_size)):
        if value is not None:
            settings = settings.with_value(key, value)
    if args.no_vad:
        settings = settings.with_value("whisper.vad", False)
    return settings


def _transcribe_one(transcriber: Transcriber, path: Path, options: TranscribeOptions,
                    quiet: bool) -> Transcript:
    disable = quiet or not sys.stderr.isatty()
    with tqdm(total=100, desc=path.name, unit="%", file=sys.stderr, disable=disable,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}") as bar:

        def progress(fraction: float) -> None:
            bar.update(round(fraction * 100) - bar.n)

        return transcriber.transcribe_file(path, options, progress, threading.Event())


def _emit(transcript: Transcript, args: argparse.Namespace, cleaned: str | None) -> None:
    if args.output_dir:
        target = export.write(transcript, args.fmt, args.output_dir, cleaned)
        print(f"{transcript.source} -> {target}", file=sys.stderr)
    elif args.fmt == "json":
        print(json.dumps(export.as_dict(transcript, cleaned), ensure_ascii=False), flush=True)
    else:
        print(export.render(transcript, args.fmt, cleaned), end="", flush=True)


def _cleaner(settings: Settings) -> Callable[[str], str]:
    cleaner = Cleaner(cleanup_options(settings))

    def clean(text: str) -> str:
        result = cleaner.clean(text)
        if result.fallback_reason:
            print(f"warning: {result.fallback_reason}", file=sys.stderr)
        return result.cleaned

    return clean
