"""``dictara clean``: clean a transcript with the local Ollama model, or the rules.

    dictara clean "um so what do you think"      # text as an argument
    pbpaste | dictara clean - --preset notes     # or from standard input
    dictara clean - --json < raw.txt             # {"raw", "cleaned", "backend", ...}

Spoken commands ("new paragraph", "scratch that", ...) standing alone in the text are
carried out first (``commands.*`` settings); the text with them applied is what is cleaned
(the ``raw`` of ``--json``).
"""

import argparse
import dataclasses
import json
import sys
from typing import Any

from desktop.cli.context import Context, error
from desktop.engine import commands
from desktop.engine.cleanup import PRESETS, Cleaner, CleanupOptions, CleanupResult, resolve_host
from desktop.options import cleanup_options, spoken_commands

EXIT_OK, EXIT_USAGE = 0, 2


def add_parser(subparsers: Any) -> None:
    """Register ``dictara clean``."""
    parser = subparsers.add_parser(
        "clean",
        help="clean up a transcript with the local LLM (rule-based if Ollama is not there)",
        description="Remove fillers, stutters and false starts and fix punctuation. The text "
        "goes only to the Ollama server in the settings (loopback unless ollama.allow_remote).",
    )
    parser.add_argument("text", nargs="?", default="-",
                        help="the text to clean, or - to read standard input (the default)")
    parser.add_argument("--preset", choices=PRESETS, help="cleanup style (default: setting)")
    parser.add_argument("--model", help="Ollama model (default: the ollama.model setting)")
    parser.add_argument("--host", help="Ollama server URL (default: setting, $OLLAMA_HOST)")
    parser.add_argument("--json", action="store_true",
                        help="print raw, cleaned, backend, model, fallback_reason and ms as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Clean the text and print it; exit 2 if there is no text or an option is invalid."""
    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        error("There is no text to clean; pass it as an argument or pipe it in with -.")
        return EXIT_USAGE
    try:
        options = command_options(ctx, preset=args.preset, model=args.model, host=args.host)
    except ValueError as e:
        error(str(e))
        return EXIT_USAGE
    result = Cleaner(options).clean(commands.apply(text, spoken_commands(ctx.settings)))
    print_result(result, as_json=args.json)
    return EXIT_OK


def command_options(
    ctx: Context, *, preset: str | None = None, model: str | None = None, host: str | None = None
) -> CleanupOptions:
    """Return the settings' cleanup options with command-line overrides.

    The model is always tried: asking for a cleanup on the command line overrides
    ``cleanup.enabled``, which only governs cleanup after dictation.

    Raises:
        ValueError: the host or the settings' preset is invalid, with the reason.
    """
    options = cleanup_options(ctx.settings, ctx.vocabulary())
    changes: dict[str, Any] = {"enabled": True}
    if preset:
        changes["preset"] = preset
    if model:
        changes["model"] = model
    if host:
        changes["host"] = resolve_host(host)
    return dataclasses.replace(options, **changes)


def result_json(result: CleanupResult) -> dict[str, Any]:
    """Return the result as the JSON object ``--json`` prints."""
    data = dataclasses.asdict(result)
    del data["model_unavailable"]  # it only steers the pieces of a live cleanup
    return data


def print_result(result: CleanupResult, *, as_json: bool) -> None:
    """Print the cleaned text (or JSON) on stdout and any fallback reason on stderr."""
    if as_json:
        print(json.dumps(result_json(result), ensure_ascii=False))
    else:
        print(result.cleaned)
    if result.fallback_reason:
        print(f"note: {result.fallback_reason}", file=sys.stderr)
