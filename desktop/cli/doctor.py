"""``dictara doctor [--json]``: what works on this machine and what does not."""

import argparse
import json
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from desktop import __version__, profile_settings
from desktop.cli.context import Context
from desktop.engine import audio, cleanup, models, profiles
from desktop.engine.transcriber import Transcriber
from desktop.options import cleanup_options, model_options
from desktop.platform import frontmost


@dataclass
class Report:
    """Everything doctor checks; ``problems`` holds one sentence per failed check.

    Attributes:
        dictara: the app's version.
        python: the Python version.
        system: the operating system.
        settings_file: where the settings live.
        audio_inputs: input devices PortAudio sees.
        whisper: the active model, its folder, and whether it loaded.
        ollama: the cleanup server and its models; text is sent only there.
        front_app: the app in front as profiles see it, and the profile it gets.
        problems: what to fix.
    """

    dictara: str = __version__
    python: str = platform.python_version()
    system: str = f"{platform.system()} {platform.release()} ({platform.machine()})"
    settings_file: str = ""
    audio_inputs: list[dict[str, Any]] = field(default_factory=list)
    whisper: dict[str, Any] = field(default_factory=dict)
    ollama: dict[str, Any] = field(default_factory=dict)
    front_app: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the subcommand."""
    p = subparsers.add_parser("doctor", help="check microphone, model and Ollama")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Check everything; exit 1 when something needs fixing."""
    report = Report(settings_file=str(ctx.paths.config_file))
    report.problems += ctx.settings_file.problems
    _check_audio(report)
    _check_whisper(report, ctx)
    _check_ollama(report, ctx)
    _check_front_app(report, ctx)
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False))
    else:
        _print(report)
    return 1 if report.problems else 0


def _check_audio(report: Report) -> None:
    try:
        devices = audio.list_input_devices()
    except (audio.Error, OSError) as e:
        report.problems.append(str(e))
        return
    report.audio_inputs = [asdict(d) for d in devices]
    if not devices:
        report.problems.append(str(audio.NoMicrophoneError()))


def _check_whisper(report: Report, ctx: Context) -> None:
    report.whisper = {"setting": ctx.settings.whisper.model or "(bundled)", "loads": False}
    try:
        ref = models.resolve(ctx.settings.whisper.model, ctx.paths.models_dir)
        report.whisper.update(name=ref.name, path=str(ref.path))
        start = time.perf_counter()
        Transcriber(ref, model_options(ctx.settings)).model()
    except models.Error as e:
        report.problems.append(str(e))
        return
    report.whisper.update(loads=True, load_ms=round((time.perf_counter() - start) * 1000))


def _check_ollama(report: Report, ctx: Context) -> None:
    options = cleanup_options(ctx.settings)
    report.ollama = {"host": options.host, "model": options.model, "reachable": False}
    try:
        cleanup.check_host_allowed(options.host, options.allow_remote)
    except cleanup.Error as e:
        report.problems.append(str(e))
        return
    status = cleanup.probe_server(options.host, allow_remote=options.allow_remote)
    report.ollama.update(reachable=status.reachable, version=status.version,
                         models=list(status.models))
    if not status.reachable:
        report.problems.append(f"{status.error} Until then, cleanup uses the built-in rules.")
    elif options.model not in status.models:
        report.problems.append(str(cleanup.ModelMissingError(options.host, options.model)))


def _check_front_app(report: Report, ctx: Context) -> None:
    """What profiles see: here it is the terminal doctor runs in (the app in front)."""
    file = profiles.ProfileFile(ctx.paths.profiles_file)
    try:
        usable = profile_settings.load(file)
    except profiles.ProfileFileError as e:
        report.problems.append(str(e))
        usable = []
    report.problems += file.problems
    try:
        app = frontmost.front_app()
    except frontmost.Error as e:
        report.front_app = {"available": False, "error": str(e)}
        return
    chosen = profiles.choose(usable, app.names, app.title)
    report.front_app = {"available": True, "app": app.app, "aliases": list(app.aliases),
                        "title": app.title, "profile": chosen.name if chosen else None,
                        "profiles": len(usable)}


def _print(report: Report) -> None:
    out = sys.stdout
    print(f"Dictara {report.dictara} on Python {report.python}, {report.system}", file=out)
    print(f"Settings: {report.settings_file}", file=out)
    print("Microphones:", file=out)
    for d in report.audio_inputs:
        mark = "*" if d["is_default"] else " "
        print(f"  {mark} [{d['index']}] {d['name']} ({d['default_samplerate']:.0f} Hz)", file=out)
    w = report.whisper
    state = f"loads in {w['load_ms']} ms" if w.get("loads") else "does not load"
    print(f"Whisper model: {w.get('name', w['setting'])} ({w.get('path', '?')}), {state}", file=out)
    o = report.ollama
    if o.get("reachable"):
        print(f"Ollama {o['version']} at {o['host']}; cleanup text is sent there. "
              f"Models: {', '.join(o['models']) or 'none'}", file=out)
    else:
        print(f"Ollama at {o['host']}: not reachable", file=out)
    f = report.front_app
    if f.get("available"):
        chosen = f"profile {f['profile']!r}" if f["profile"] else "no profile (the settings)"
        print(f"App in front: {f['app']} (also {', '.join(f['aliases']) or 'nothing else'}), "
              f"title {f['title']!r} → {chosen}; {f['profiles']} profile(s)", file=out)
    else:
        print(f"App in front: unknown. {f['error']}", file=out)
    for problem in report.problems:
        print(f"problem: {problem}", file=out)
