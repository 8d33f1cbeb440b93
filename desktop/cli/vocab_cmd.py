"""``dictara vocab``: the words Whisper should write, and replacement rules.

    dictara vocab add Gutenberg "Montreal Forced Aligner"
    dictara vocab replace "pie torch" PyTorch
    dictara vocab list [--json]
    dictara vocab remove Gutenberg
    dictara vocab import words.txt        # one term a line; or a .csv of heard,written
    dictara vocab export words.csv
"""

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from desktop.cli.context import Context, error
from desktop.engine import vocabulary
from desktop.engine.vocabulary import Vocabulary, VocabularyFile

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the subcommand."""
    p = subparsers.add_parser(
        "vocab", help="your words: terms Whisper should write, and replacement rules",
        description="Terms (names, jargon, spellings) bias speech recognition towards them "
        "and the cleanup keeps them; a replacement rule rewrites a word or phrase as heard "
        "into your spelling, in files and dictations. They are kept in vocabulary.toml "
        "next to the settings, which you may also edit by hand.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("add", help="add terms (the newest are preferred when the list "
                                       "is too long for Whisper's prompt)")
    a.add_argument("terms", nargs="+", metavar="TERM")
    r = actions.add_parser("remove", help="remove terms, and rules by what is heard")
    r.add_argument("terms", nargs="+", metavar="TERM")
    ls = actions.add_parser("list", help="show the terms and the rules")
    ls.add_argument("--json", action="store_true",
                    help='print {"terms": [...], "replacements": [{"heard", "written"}]}')
    rep = actions.add_parser("replace", help="write HEARD as WRITTEN wherever it is heard "
                                             "(whole words, any case)")
    rep.add_argument("heard")
    rep.add_argument("written")
    imp = actions.add_parser("import", help="add the terms of a text file (one a line) or "
                                            "the terms and heard,written rules of a .csv")
    imp.add_argument("file", type=Path)
    exp = actions.add_parser("export", help="write the vocabulary to a .csv (terms and "
                                            "rules) or a text file (terms only)")
    exp.add_argument("file", type=Path)
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Run the chosen action.

    Returns:
        0 when done, 1 when a file cannot be read or written (or a term to remove is not
        there), 2 for a term or rule that cannot be used.
    """
    store = VocabularyFile.beside(ctx.paths.config_file)
    try:
        current = store.load()
        if args.action == "list":
            return _list(current, as_json=args.json)
        if args.action == "export":
            return _export(current, args.file)
        return _change(store, current, args)
    except vocabulary.InvalidEntryError as e:
        error(str(e))
        return EXIT_USAGE
    except vocabulary.FileError as e:
        error(str(e))
        return EXIT_FAILED


def _change(store: VocabularyFile, current: Vocabulary, args: argparse.Namespace) -> int:
    missing: list[str] = []
    if args.action == "add":
        changed = current.with_terms(args.terms)
    elif args.action == "replace":
        changed = current.with_replacements([(args.heard, args.written)])
    elif args.action == "import":
        changed = current.merged(vocabulary.read_import(args.file))
    else:
        changed, missing = current.without(args.terms)
    store.save(changed)
    for term in missing:
        error(f"{term!r} is neither a term nor a rule's heard form; `dictara vocab list` "
              "shows them.")
    print(f"Saved the vocabulary ({_count(changed)}) in {store.path}.", file=sys.stderr)
    return EXIT_FAILED if missing else EXIT_OK


def _list(current: Vocabulary, *, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"terms": list(current.terms),
                          "replacements": [dataclasses.asdict(r) for r in current.replacements]},
                         ensure_ascii=False))
        return EXIT_OK
    if not current.terms and not current.replacements:
        print("The vocabulary is empty; add terms with `dictara vocab add TERM...`.",
              file=sys.stderr)
    for term in current.terms:
        print(term)
    for rule in current.replacements:
        print(f"{rule.heard} → {rule.written}")
    return EXIT_OK


def _export(current: Vocabulary, path: Path) -> int:
    vocabulary.write_export(current, path)
    left_out = "" if path.suffix.lower() == ".csv" or not current.replacements else (
        f"; its {len(current.replacements)} replacement rules are not in a text file: "
        "export to a .csv file to keep them")
    print(f"Wrote {len(current.terms)} terms to {path}{left_out}.", file=sys.stderr)
    return EXIT_OK


def _count(current: Vocabulary) -> str:
    return f"terms: {len(current.terms)}, replacement rules: {len(current.replacements)}"
