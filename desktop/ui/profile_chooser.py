"""The profile for a dictation that starts now: the app in front decides.

The profiles file is read again at every start (it is small), so a profile added with
``dictara profile add`` or by hand applies to the next dictation without a restart. With
no match, no profile: never the one used last.
"""

import logging
from dataclasses import dataclass

from desktop import profile_settings
from desktop.engine.profiles import Profile, ProfileFile, ProfileFileError, choose
from desktop.platform.frontmost import FrontApp, FrontAppReader
from desktop.ui.messages import MessageBridge

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Choice:
    """The app in front when a dictation started, and the profile it gets.

    Attributes:
        app: the app in front, or None when it cannot be known.
        profile: the first profile that matches it, or None for the settings.
    """

    app: FrontApp | None
    profile: Profile | None


class ProfileChooser:
    """Reads the app in front and picks its profile. GUI thread only.

    Args:
        file: the profiles file.
        messages: where a broken profile (or file) is reported, once until it changes.
        reader: reads the app in front (tests pass one with a fake).
    """

    def __init__(self, file: ProfileFile, messages: MessageBridge,
                 reader: FrontAppReader | None = None) -> None:
        self._file = file
        self._messages = messages
        self._reader = reader or FrontAppReader()
        self._told: list[str] = []

    def choose(self) -> Choice:
        """Return the app in front now and its profile (None: the settings apply)."""
        app = self._reader.read()
        if app is None:
            return Choice(None, None)
        profile = choose(self._load(), app.names, app.title)
        log.info("Profile for %s: %s", app.describe(), profile.name if profile else "none")
        return Choice(app, profile)

    def _load(self) -> list[Profile]:
        try:
            profiles = profile_settings.load(self._file)
            problems = self._file.problems
        except ProfileFileError as e:
            profiles, problems = [], [str(e)]
        if problems != self._told:
            for problem in problems:
                self._messages.warning(problem)
            self._told = problems
        return profiles
