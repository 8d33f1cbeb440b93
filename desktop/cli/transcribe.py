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
from desktop.engine.vocabulary import Vocabulary
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

    With ``-o``, inputs that share a file name get numbered transcripts (``name-2.txt``)
    so none overwrites another.

    Returns:
        0 when every file was transcribed and written whole, 1 when any failed or was
        incomplete (truncated or damaged: what could be decoded is still printed), 2 for
        bad usage (a bad setting, an output folder that cannot be made).
    """
    try:
        settings = _apply_overrides(args, ctx)
        ref = models.resolve(settings.whisper.model, ctx.paths.models_dir)
        if args.output_dir:
            _make_output_dir(args.output_dir)
    except (SettingsError, models.Error, _OutputDirError) as e:
        error(str(e))
        return 1 if isinstance(e, models.Error) else 2
    transcriber = Transcriber(ref, model_options(settings))
    words = ctx.vocabulary()
    options = transcribe_options(settings, words)
    cleaner = _cleaner(settings, words) if args.clean else None
    output = _Output(args)
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
        failed += not output.emit(transcript, cleaned)
    return 1 if failed else 0


class _OutputDirError(Exception):
    """The ``-o`` folder cannot be created."""

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(folder, reason)
        self.folder, self.reason = folder, reason

    def __str__(self) -> str:
        return (f"The output folder {self.folder} cannot be created ({self.reason}); pass -o "
                "a folder you can write to (not a path inside a file).")


def _make_output_dir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _OutputDirError(folder, e.strerror or str(e)) from None


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


class _Output:
    """Prints each transcript, or writes it into the ``-o`` folder under a unique name."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._folder: Path | None = args.output_dir
        self._fmt: str = args.fmt
        self._stems: set[str] = set()  # names written in this run

    def emit(self, transcript: Transcript, cleaned: str | None) -> bool:
        """Print or write one transcript; False (after one error line) if it was not written."""
        if self._folder is None:
            self._print(transcript, cleaned)
            return True
        stem = self._unique_stem(Path(transcript.source).stem)
        try:
            target = export.write(transcript, self._fmt, self._folder, cleaned, stem=stem)
        except OSError as e:
            error(f"The transcript of {transcript.source} could not be written to "
                  f"{self._folder} ({e.strerror or e}); free some disk space or pass -o "
                  "another folder.")
            return False
        renamed = "" if stem == Path(transcript.source).stem else (
            f" (another input is also named {Path(transcript.source).stem}.{self._fmt})")
        print(f"{transcript.source} -> {target}{renamed}", file=sys.stderr)
        return True

    def _unique_stem(self, stem: str) -> str:
        unique, n = stem, 1
        while unique.casefold() in self._stems:
            n += 1
            unique = f"{stem}-{n}"
        self._stems.add(unique.casefold())
        return unique

    def _print(self, transcript: Transcript, cleaned: str | None) -> None:
        if self._fmt == "json":
            print(json.dumps(export.as_dict(transcript, cleaned), ensure_ascii=False),
                  flush=True)
        else:
            print(export.render(transcript, self._fmt, cleaned), end="", flush=True)


def _cleaner(settings: Settings, words: Vocabulary) -> Callable[[str], str]:
    cleaner = Cleaner(cleanup_options(settings, words))

    def clean(text: str) -> str:
        result = cleaner.clean(text)
        if result.fallback_reason:
            print(f"warning: {result.fallback_reason}", file=sys.stderr)
        return result.cleaned

    return clean
