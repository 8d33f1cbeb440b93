"""Per-app profiles: the app you dictate into decides the style of the dictation.

A :class:`Profile` has a name, a pattern for the app (its ``WM_CLASS``, executable name or
bundle id) and/or for its window title, and what it changes for a dictation into that app:
cleanup preset, paste mode, language, cleanup on or off. A pattern with ``*``, ``?`` or
``[`` is a glob matched against the whole name; any other pattern matches anywhere in it.
Both ignore case. :func:`choose` returns the first profile that matches, or None: with no
match a dictation uses the defaults, never the profile used last.

:class:`ProfileFile` keeps the profiles in ``profiles.toml`` next to the settings, one
``[[profile]]`` table each, in the order they are tried::

    [[profile]]
    name = "terminal"
    app = "*term*"
    paste_mode = "off"
    cleanup = false
"""

import fnmatch
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from desktop.paths import write_private

_GLOB = frozenset("*?[")
_HEADER = ("# Dictara per-app profiles, tried in order; the first that matches the app in "
           "front applies.\n# Edit with `dictara profile` or the Profiles page of the "
           "settings, or by hand.\n")


class Error(Exception):
    """Base class for profile errors."""


class InvalidProfileError(Error):
    """A profile that cannot be used, with the reason."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name, reason)
        self.name, self.reason = name, reason

    def __str__(self) -> str:
        return f"The profile {self.name!r} cannot be used: {self.reason}."


class UnknownProfileError(Error):
    """No profile has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"There is no profile named {self.name!r}; `dictara profile list` shows them."


class DuplicateProfileError(Error):
    """A profile with this name exists already."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return (f"A profile named {self.name!r} exists already; remove it first with "
                f"`dictara profile remove {self.name}` or choose another name.")


class ProfileFileError(Error):
    """The profiles file cannot be read or written."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return (f"The profiles file {self.path} cannot be used ({self.reason}); fix or delete "
                f"it, and until then every dictation uses the default settings.")


@dataclass(frozen=True)
class Profile:
    """What a dictation into a matching app changes; None keeps the setting.

    Attributes:
        name: how people refer to it (unique).
        app: pattern for the app's identity (``WM_CLASS``, executable, bundle id), or "".
        title: pattern for the window title, or "".
        preset: the cleanup preset, or None.
        paste_mode: ``cleaned``, ``raw`` or ``off``, or None.
        language: the speech language code ("" detects), or None.
        cleanup: whether the local model cleans the text, or None.
    """

    name: str
    app: str = ""
    title: str = ""
    preset: str | None = None
    paste_mode: str | None = None
    language: str | None = None
    cleanup: bool | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidProfileError(self.name, "it has no name")
        if not self.app.strip() and not self.title.strip():
            raise InvalidProfileError(self.name, "it needs an app pattern, a title pattern "
                                                 "or both")

    def matches(self, names: Iterable[str], title: str) -> bool:
        """Whether the app (any of its ``names``) and its window ``title`` match.

        Each pattern that is set must match; an empty one is not looked at.
        """
        if self.app.strip() and not any(matches(self.app, n) for n in names):
            return False
        return not self.title.strip() or matches(self.title, title)

    def to_toml(self) -> dict[str, Any]:
        """Return it as a TOML table: unset patterns and settings left at None omitted."""
        table = {f.name: getattr(self, f.name) for f in fields(self)}
        return {key: value for key, value in table.items()
                if value is not None and not (key in ("app", "title") and value == "")}

    @classmethod
    def from_toml(cls, table: dict[str, Any]) -> "Profile":
        """Build a profile from a TOML table.

        Raises:
            InvalidProfileError: a key it does not know, a value of the wrong type, no name
                or no pattern.
        """
        name = table.get("name")
        label = name if isinstance(name, str) else "(no name)"
        known = {f.name: f for f in fields(cls)}
        for key, value in table.items():
            if key not in known:
                raise InvalidProfileError(label, f"it has an unknown key {key!r}; use "
                                                 + ", ".join(known))
            wanted = bool if key == "cleanup" else str
            if not isinstance(value, wanted):
                kind = "true or false" if wanted is bool else "text"
                raise InvalidProfileError(label, f"{key} must be {kind}")
        if not isinstance(name, str):
            raise InvalidProfileError(label, "it has no name")
        return cls(**table)


def matches(pattern: str, text: str) -> bool:
    """Whether ``pattern`` (a glob, or else a substring) matches ``text``, ignoring case."""
    pattern, text = pattern.strip().casefold(), text.casefold()
    if _GLOB & set(pattern):
        return fnmatch.fnmatchcase(text, pattern)
    return pattern in text


def choose(profiles: Sequence[Profile], names: Iterable[str], title: str) -> Profile | None:
    """Return the first profile that matches the app and title, or None for the defaults."""
    names = tuple(names)
    return next((p for p in profiles if p.matches(names, title)), None)


@dataclass
class ProfileFile:
    """The profiles file: read whole, written atomically. One thread at a time.

    Adding and removing rewrite the file from its tables as read, so a profile that is
    skipped on loading (a typo made by hand) is kept for the user to fix, not dropped.

    Attributes:
        path: the TOML file (``profiles.toml`` next to the settings).
        problems: sentences about profiles skipped on the last load.
    """

    path: Path
    problems: list[str] = field(default_factory=list)

    def load(self) -> list[Profile]:
        """Return the profiles in order; a missing file means none.

        A profile that cannot be used is skipped and described in ``problems``.

        Raises:
            ProfileFileError: the file exists but is not readable TOML.
        """
        self.problems = []
        profiles: list[Profile] = []
        for table in self._tables():
            try:
                profile = Profile.from_toml(table)
            except InvalidProfileError as e:
                self.problems.append(f"{e} It is skipped.")
                continue
            if any(p.name == profile.name for p in profiles):
                self.problems.append(f"The profile {profile.name!r} appears twice; the "
                                     f"second one is skipped.")
                continue
            profiles.append(profile)
        return profiles

    def add(self, profile: Profile) -> None:
        """Append ``profile`` (it is tried last) and save.

        Raises:
            DuplicateProfileError: its name is taken.
            ProfileFileError: the file cannot be read or written.
        """
        tables = self._tables()
        if any(t.get("name") == profile.name for t in tables):
            raise DuplicateProfileError(profile.name)
        self._write([*tables, profile.to_toml()])

    def remove(self, name: str) -> None:
        """Remove the profile called ``name`` and save.

        Raises:
            UnknownProfileError: no profile has that name.
            ProfileFileError: the file cannot be read or written.
        """
        tables = self._tables()
        kept = [t for t in tables if t.get("name") != name]
        if len(kept) == len(tables):
            raise UnknownProfileError(name)
        self._write(kept)

    def _tables(self) -> list[dict[str, Any]]:
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise ProfileFileError(self.path, str(e)) from None
        tables = data.get("profile", [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise ProfileFileError(self.path, "write each profile as a [[profile]] table")
        return tables

    def _write(self, tables: list[dict[str, Any]]) -> None:
        """Write atomically and user-only (see ``desktop.paths.write_private``)."""
        # One [[profile]] table each, even where tomli_w would write short ones inline:
        # people edit this file.
        text = _HEADER + "".join(f"\n[[profile]]\n{tomli_w.dumps(t)}" for t in tables)
        try:
            write_private(self.path, text.encode("utf-8"))
        except OSError as e:
            raise ProfileFileError(self.path, e.strerror or str(e)) from None
