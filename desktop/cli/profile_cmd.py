"""``dictara profile add | list | remove``: per-app profiles.

    dictara profile add terminal --app '*term*' --paste-mode off --no-cleanup
    dictara profile add mail --app thunderbird --preset email
    dictara profile list [--json]
    dictara profile remove terminal
"""

import argparse
import dataclasses
import json
import sys

from desktop.cli.context import Context, error
from desktop.config import CLEANUP_PRESETS, PASTE_MODES
from desktop.engine import profiles
from desktop.profile_settings import apply, describe, load

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the subcommand."""
    p = subparsers.add_parser(
        "profile", help="per-app profiles: the app you dictate into picks the style",
        description="A profile matches the app in front when a dictation starts (its "
        "WM_CLASS, executable name or bundle id, and/or its window title; a pattern with * "
        "or ? is a glob, any other a substring; case is ignored) and sets that dictation's "
        "preset, paste mode, language or cleanup. The first matching profile applies; with "
        "none, the settings do. `dictara doctor` shows what the app in front is called.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("add", help="add a profile (tried after the existing ones)")
    a.add_argument("name")
    a.add_argument("--app", default="", metavar="PATTERN",
                   help="the app: WM_CLASS (X11), executable (Windows) or bundle id (macOS)")
    a.add_argument("--title", default="", metavar="PATTERN", help="the window title")
    a.add_argument("--preset", choices=CLEANUP_PRESETS, help="cleanup preset")
    a.add_argument("--paste-mode", choices=PASTE_MODES, help="what is pasted (off: copy only)")
    a.add_argument("--language", metavar="L", help="speech language code (\"\" detects)")
    a.add_argument("--no-cleanup", dest="cleanup", action="store_false", default=None,
                   help="no cleanup by the local model (the rule-based cleanup only)")
    ls = actions.add_parser("list", help="show the profiles in the order they are tried")
    ls.add_argument("--json", action="store_true", help="print a JSON list")
    r = actions.add_parser("remove", help="remove a profile")
    r.add_argument("name")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Run the chosen action; exit 2 for a profile that cannot be used, 1 for a file error."""
    file = profiles.ProfileFile(ctx.paths.profiles_file)
    try:
        if args.action == "list":
            return _list(file, as_json=args.json)
        if args.action == "remove":
            file.remove(args.name)
            print(f"Removed the profile {args.name!r}.", file=sys.stderr)
            return EXIT_OK
        return _add(args, ctx, file)
    except (profiles.InvalidProfileError, profiles.DuplicateProfileError,
            profiles.UnknownProfileError) as e:
        error(str(e))
        return EXIT_USAGE
    except profiles.ProfileFileError as e:
        error(str(e))
        return EXIT_FAILED


def _add(args: argparse.Namespace, ctx: Context, file: profiles.ProfileFile) -> int:
    profile = profiles.Profile(args.name, args.app, args.title, args.preset, args.paste_mode,
                               args.language, args.cleanup)
    apply(ctx.settings, profile)
    file.add(profile)
    print(f"Added the profile {profile.name!r}; it is tried after any earlier ones, and it "
          f"is saved in {file.path}.", file=sys.stderr)
    return EXIT_OK


def _list(file: profiles.ProfileFile, *, as_json: bool) -> int:
    usable = load(file)
    for problem in file.problems:
        print(f"warning: {problem}", file=sys.stderr)
    if as_json:
        print(json.dumps([dataclasses.asdict(p) for p in usable], ensure_ascii=False))
        return EXIT_OK
    if not usable:
        print("No profiles; every dictation uses the settings. Add one with `dictara "
              "profile add NAME --app PATTERN`.", file=sys.stderr)
    for profile in usable:
        print(f"{profile.name}: {_describe(profile)}")
    return EXIT_OK


def _describe(profile: profiles.Profile) -> str:
    match = " and ".join(f"{what} {pattern!r}" for what, pattern in
                         (("app", profile.app), ("title", profile.title)) if pattern)
    return f"{match} → {describe(profile)}"
