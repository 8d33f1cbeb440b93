"""``dictara edit --instruction TEXT``: rewrite the text on standard input with the local model.

    xclip -o | dictara edit --instruction "make this more formal"
    dictara edit --instruction "turn this into a list" --json < notes.txt

The rewrite goes to standard output. When the model's answer cannot be used (empty, cut
off, the instruction repeated) or Ollama is not there, the text goes out unchanged, the
reason goes to standard error, and the exit code is 1, so a pipe never loses the text.
"""

import argparse
import dataclasses
import json
import sys

from desktop.cli.clean import command_options
from desktop.cli.context import Context, error
from desktop.engine import edit

EXIT_OK, EXIT_NOT_EDITED, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the subcommand."""
    p = subparsers.add_parser(
        "edit", help="rewrite text from standard input as an instruction says (local LLM)",
        description="The text is sent to the Ollama server in the settings as data to "
        "transform, and the instruction separately; the rewrite is printed. This is what "
        "the edit hotkey does with the selected text and the spoken instruction.")
    p.add_argument("--instruction", required=True, metavar="TEXT",
                   help='what to do, e.g. "make this more formal"')
    p.add_argument("--model", help="Ollama model (default: the ollama.model setting)")
    p.add_argument("--host", help="Ollama server URL (default: setting, $OLLAMA_HOST)")
    p.add_argument("--json", action="store_true",
                   help="print selection, instruction, text (null if unchanged), reason, "
                        "model and ms as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Rewrite standard input; exit 1 if it is left unchanged, 2 if there is nothing to do."""
    selection = sys.stdin.read()
    if not selection.strip() or not args.instruction.strip():
        error(edit.NOTHING_SELECTED if not selection.strip() else edit.NO_INSTRUCTION)
        return EXIT_USAGE
    try:
        options = command_options(ctx, model=args.model, host=args.host)
    except ValueError as e:
        error(str(e))
        return EXIT_USAGE
    result = edit.rewrite(selection, args.instruction, options)
    if args.json:
        print(json.dumps(dataclasses.asdict(result), ensure_ascii=False))
    else:
        sys.stdout.write(result.text if result.text is not None else selection)
    if result.reason is not None:
        error(result.reason)
        return EXIT_NOT_EDITED
    return EXIT_OK
