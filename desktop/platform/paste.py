"""Putting dictated text into the app that has focus: what to paste when, and the keystroke.

The clipboard itself is Qt's (``desktop.ui.paster`` sets it, keeps the user's previous
content and restores it); this module decides what happens after a dictation and
synthesises the paste shortcut with pynput (XTest on X11, Quartz events on macOS,
SendInput on Windows). No Qt here; pynput is imported lazily (it opens the X display on
import).

Dictara's windows never take focus, so the app that had focus when the hotkey was pressed
still has it when the text is pasted.
"""

import enum
import logging
import sys
from typing import Any

log = logging.getLogger(__name__)

PASTE_MODES = ("cleaned", "raw", "off")


class Error(Exception):
    """Base class for paste errors."""


class KeystrokeError(Error):
    """The paste (or copy) shortcut could not be sent."""

    def __init__(self, reason: str, key: str = "v") -> None:
        super().__init__(reason, key)
        self.reason, self.key = reason, key

    def __str__(self) -> str:
        if self.key == "c":
            return (f"Dictara could not send {shortcut_label(key='c')} to copy the selection "
                    f"({self.reason}); nothing was changed.")
        return (f"Dictara could not send {shortcut_label()} to paste ({self.reason}); the "
                f"text is on the clipboard, paste it yourself.")


class Action(enum.Enum):
    """What to do with a text once it is known."""

    NOTHING = "nothing"
    COPY = "copy"  # put it on the clipboard and leave it there
    PASTE = "paste"  # paste it into the focused app, then restore the clipboard


def action_for(mode: str, stage: str) -> Action:
    """Return what to do when the raw or the cleaned text of a dictation arrives.

    ``raw`` pastes the raw text as soon as the transcript is final (the cleanup still
    runs and shows in the dictation window); ``cleaned`` waits for the cleanup; ``off``
    only copies the cleaned text.

    Args:
        mode: the ``paste.mode`` setting, one of ``PASTE_MODES``.
        stage: ``"raw"`` or ``"cleaned"``.

    Raises:
        ValueError: an unknown mode or stage.
    """
    if mode not in PASTE_MODES:
        raise ValueError(f"unknown paste mode {mode!r}; use one of {', '.join(PASTE_MODES)}")
    if stage not in ("raw", "cleaned"):
        raise ValueError(f"unknown stage {stage!r}; use raw or cleaned")
    if mode == stage:
        return Action.PASTE
    if mode == "off" and stage == "cleaned":
        return Action.COPY
    return Action.NOTHING


def shortcut_label(platform: str = sys.platform, key: str = "v") -> str:
    """Return the paste (or ``key``) shortcut as people write it: ``Cmd+V`` or ``Ctrl+V``."""
    return ("Cmd+" if platform == "darwin" else "Ctrl+") + key.upper()


class KeySender:
    """Sends the paste shortcut to whatever has keyboard focus. One thread at a time.

    Args:
        keyboard: a stand-in for ``pynput.keyboard`` (tests); the real one when None.
    """

    def __init__(self, *, keyboard: Any = None) -> None:
        self._kb = keyboard
        self._controller: Any = None

    def paste(self) -> None:
        """Press and release Ctrl+V (Cmd+V on macOS).

        Raises:
            KeystrokeError: no keyboard access (no display, Wayland, no permission).
        """
        self._shortcut("v")

    def copy(self) -> None:
        """Press and release Ctrl+C (Cmd+C on macOS): the focused app copies its selection.

        Raises:
            KeystrokeError: no keyboard access (no display, Wayland, no permission).
        """
        self._shortcut("c")

    def _shortcut(self, key: str) -> None:
        try:
            kb = self._keyboard()
            if self._controller is None:
                self._controller = kb.Controller()
            modifier = kb.Key.cmd if sys.platform == "darwin" else kb.Key.ctrl
            with self._controller.pressed(modifier):
                self._controller.press(key)
                self._controller.release(key)
        except ImportError as e:  # pynput has no backend here
            raise KeystrokeError(str(e).splitlines()[0], key) from None
        except Exception as e:  # pynput's backends raise their own types
            log.exception("Sending %s failed", shortcut_label(key=key))
            raise KeystrokeError(str(e) or type(e).__name__, key) from None
        log.info("Sent %s", shortcut_label(key=key))

    def _keyboard(self) -> Any:
        if self._kb is None:
            from pynput import keyboard

            self._kb = keyboard
        return self._kb
