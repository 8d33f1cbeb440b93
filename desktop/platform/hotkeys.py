"""The global dictation hotkey: a key combination and Esc, seen anywhere. No Qt here.

:class:`HotkeyListener` watches the keyboard with pynput and calls back when the
combination goes down (``on_activate``), when it is let go (``on_deactivate``) and when Esc
is pressed (``on_escape``); toggle or push-to-talk is the caller's decision. The callbacks
run on pynput's listener thread and must only hand over (the GUI re-emits signals).

On X11, pynput only *listens* (XRecord), so another program that holds the same
combination would also act on it, and the focused app would receive the keys too. The
listener therefore also grabs the combination on the root window (``XGrabKey``): a
combination another client already grabbed fails with :class:`ComboTakenError`, and the
focused app no longer sees it. Wayland lets no client do either: :func:`check_session`
says so and points to ``dictara toggle``.

pynput opens the X display when it is imported, so it is imported lazily, here only.
"""

import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_COMBO = "<ctrl>+<alt>+<space>"  # Ctrl+Option+Space on macOS: pynput's alt is Option
MODES = ("toggle", "push_to_talk")
REPEAT_WINDOW = 0.05  # a release followed by a press this soon is keyboard auto-repeat
MODIFIERS = ("ctrl", "alt", "shift", "cmd")
_LABELS = {"ctrl": "Ctrl", "alt": "Alt", "shift": "Shift", "cmd": "Super", "esc": "Esc",
           "space": "Space", "enter": "Enter", "tab": "Tab"}
_MAC_LABELS = {"alt": "Option", "cmd": "Cmd"}
_WIN_LABELS = {"cmd": "Win"}


class Error(Exception):
    """Base class for hotkey errors."""


class InvalidComboError(Error):
    """The combination is not one Dictara can use."""

    def __init__(self, combo: str, reason: str) -> None:
        super().__init__(combo, reason)
        self.combo, self.reason = combo, reason

    def __str__(self) -> str:
        return (f"{self.combo!r} cannot be the dictation hotkey: {self.reason}. "
                f"Write it like {DEFAULT_COMBO}.")


class ComboTakenError(Error):
    """Another program already holds the combination."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label

    def __str__(self) -> str:
        return (f"{self.label} is already used by another program, so Dictara cannot use it "
                f"as its hotkey; choose another combination in Settings.")


class UnavailableError(Error):
    """Global hotkeys cannot work in this session at all."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return (f"The global hotkey is off: {self.reason}. You can still dictate from the "
                f"window or the tray, or bind `dictara toggle` to a key in your desktop's "
                f"shortcut settings.")


class WaylandError(UnavailableError):
    """A Wayland session: no client may grab keys globally."""

    def __init__(self) -> None:
        super().__init__("Wayland does not let applications grab global hotkeys")

    def __str__(self) -> str:
        return ("Wayland does not let applications grab global hotkeys. Add a shortcut in "
                "your desktop's keyboard settings that runs `dictara toggle` (or `dictara "
                "start` and `dictara stop`); you can also dictate from the window or the tray.")


@dataclass(frozen=True)
class Combo:
    """A parsed hotkey.

    Attributes:
        text: as written in the settings (pynput syntax, ``<ctrl>+<alt>+<space>``).
        names: the parts without brackets, lower case (``ctrl``, ``alt``, ``space``).
        label: for people, in this platform's words (``Ctrl+Option+Space`` on macOS).
    """

    text: str
    names: tuple[str, ...]
    label: str


def label(names: tuple[str, ...], platform: str = sys.platform) -> str:
    """Return ``Ctrl+Alt+Space`` (or the macOS/Windows spelling) for the parts."""
    words = dict(_LABELS)
    if platform == "darwin":
        words.update(_MAC_LABELS)
    elif platform == "win32":
        words.update(_WIN_LABELS)
    return "+".join(words.get(n, n.upper() if len(n) == 1 else n.capitalize()) for n in names)


def parse(text: str, platform: str = sys.platform) -> Combo:
    """Check a combination without touching the keyboard. Any thread; no pynput needed.

    Raises:
        InvalidComboError: bad syntax, an unknown key, no key besides modifiers, a plain
            key with no modifier (it would fire while typing), or Esc (it cancels).
    """
    raw = [p.strip() for p in text.strip().split("+")]
    if not text.strip() or any(not p for p in raw):
        raise InvalidComboError(text, "it has an empty part")
    names: list[str] = []
    for part in raw:
        bracketed = part.startswith("<") and part.endswith(">") and len(part) > 2
        if not bracketed and len(part) != 1:
            raise InvalidComboError(text, f"write named keys in brackets, like <{part.lower()}>")
        names.append(part[1:-1].lower() if bracketed else part.lower())
    if len(set(names)) != len(names):
        raise InvalidComboError(text, "a key appears twice")
    keys = [n for n in names if n not in MODIFIERS]
    if not keys:
        raise InvalidComboError(text, "it needs a key besides the modifiers, such as <space>")
    if "esc" in keys:
        raise InvalidComboError(text, "Esc is kept for cancelling a dictation")
    if len(names) == len(keys) and not all(_is_function_key(k) for k in keys):
        raise InvalidComboError(text, "it needs a modifier such as <ctrl>, or it would fire "
                                      "while you type")
    return Combo(text, tuple(names), label(tuple(names), platform))


def check_session(env: dict[str, str] | None = None, platform: str = sys.platform) -> None:
    """Raise if this desktop session cannot have global hotkeys. Any thread.

    Raises:
        WaylandError: a Wayland session (XWayland would only show keys typed into X apps).
        UnavailableError: Linux without an X display.
    """
    env = dict(os.environ) if env is None else env
    if not platform.startswith("linux"):
        return
    if env.get("XDG_SESSION_TYPE") == "wayland" or (
        env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY")
    ):
        raise WaylandError()
    if not env.get("DISPLAY"):
        raise UnavailableError("there is no X display (DISPLAY is not set)")


class HotkeyListener:
    """Watches for the combination and Esc; one instance per registered combination.

    ``start`` and ``stop`` are for one thread (the GUI's); the callbacks run on pynput's
    listener thread (or a short timer thread for a debounced release) and must not block.

    Args:
        combo: the combination, pynput syntax.
        on_activate: every key of the combination is down.
        on_deactivate: a key of the combination was released after activation.
        on_escape: Esc was pressed (whatever the state; the caller decides).
        keyboard: a stand-in for ``pynput.keyboard`` (tests); the real one when None.
        grab: also grab the combination on X11 (see the module docstring).
    """

    def __init__(
        self,
        combo: str,
        on_activate: Callable[[], None],
        on_deactivate: Callable[[], None],
        on_escape: Callable[[], None],
        *,
        keyboard: Any = None,
        grab: bool = True,
    ) -> None:
        self.combo = parse(combo)
        self._on_activate, self._on_deactivate = on_activate, on_deactivate
        self._on_escape = on_escape
        self._kb = keyboard
        self._grab_wanted = grab
        self._grab: _XGrab | None = None
        self._listener: Any = None
        self._keys: frozenset[Any] = frozenset()
        self._held: set[Any] = set()
        self._active = False
        self._pending_release: threading.Timer | None = None
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        """Whether the whole combination is held down now."""
        return self._active

    def modifiers_held(self) -> bool:
        """Whether Ctrl, Alt, Shift or Cmd is still down (wait before pasting). Any thread."""
        if self._kb is None:
            return False
        modifiers = {getattr(self._kb.Key, m) for m in MODIFIERS}
        with self._lock:
            return bool(self._held & modifiers)

    def start(self) -> None:
        """Start watching the keyboard.

        Raises:
            UnavailableError: no keyboard access in this session (Wayland, no display,
                macOS without the accessibility permission).
            InvalidComboError: a key pynput does not know.
            ComboTakenError: another program already grabbed the combination (X11).
        """
        if self._kb is None:
            check_session()
            self._kb = _import_keyboard()
        try:
            self._keys = frozenset(self._kb.HotKey.parse(self.combo.text))
        except ValueError as e:
            raise InvalidComboError(self.combo.text, f"{e} is not a key name it knows") from None
        if self._grab_wanted and _x11(self._kb):
            self._grab = _XGrab(self.combo)
            self._grab.start()
        self._listener = self._kb.Listener(on_press=self._on_press, on_release=self._on_release)
        self._listener.start()
        self._listener.wait()
        if sys.platform == "darwin" and not getattr(self._listener, "IS_TRUSTED", True):
            self.stop()
            raise UnavailableError("macOS has not given Dictara the Accessibility permission")
        log.info("Hotkey %s registered", self.combo.label)

    def stop(self) -> None:
        """Stop watching and release the grab. Idempotent."""
        if self._listener is not None:
            self._listener.stop()
            if _x11(self._kb):
                _end_recording(self._listener)
            self._listener.join(1.0)
            self._listener = None
        if self._grab is not None:
            self._grab.stop()
            self._grab = None
        if self._pending_release is not None:
            self._pending_release.cancel()

    def _on_press(self, key: Any, injected: bool = False) -> None:
        assert self._kb is not None
        if self._grab is not None:
            self._grab.drain()
        k = self._canonical(key)
        if k == self._canonical(self._kb.Key.esc):
            self._on_escape()
        with self._lock:
            self._held.add(k)
            if self._pending_release is not None and k in self._keys:
                # Auto-repeat: the key came back before its release counted.
                self._pending_release.cancel()
                self._pending_release = None
                return
            fire = not self._active and k in self._keys and self._keys <= self._held
            self._active = self._active or fire
        if fire:
            self._on_activate()

    def _on_release(self, key: Any, injected: bool = False) -> None:
        k = self._canonical(key)
        with self._lock:
            self._held.discard(k)
            if not self._active or k not in self._keys or self._pending_release is not None:
                return
            timer = threading.Timer(REPEAT_WINDOW, self._release_now)
            timer.daemon = True
            self._pending_release = timer
        timer.start()

    def _release_now(self) -> None:
        with self._lock:
            if self._pending_release is not threading.current_thread():
                return  # cancelled by a repeat, or superseded
            self._pending_release = None
            self._active = False
        self._on_deactivate()

    def _canonical(self, key: Any) -> Any:
        listener = self._listener
        return listener.canonical(key) if listener is not None else key


def _is_function_key(name: str) -> bool:
    return name.startswith("f") and name[1:].isdigit()


def _import_keyboard() -> Any:
    try:
        from pynput import keyboard
    except ImportError as e:  # pynput raises ImportError when it finds no usable backend
        reason = str(e).splitlines()[0]
        raise UnavailableError(f"pynput cannot reach the keyboard ({reason})") from None
    return keyboard


def _x11(keyboard: Any) -> bool:
    return "xorg" in getattr(keyboard.Listener, "__module__", "")


def _end_recording(listener: Any) -> None:
    """Disable a stopped X11 listener's XRecord context, so its thread ends now.

    pynput sends the disable request on the recording connection itself, where the X
    server does not act on it while recording, so the thread only ends at the next key
    event, or dies with ``ConnectionClosedError`` when the display goes away
    (https://github.com/moses-palmer/pynput/pull/583). This sends it on a connection of
    its own (a control connection, in XRecord's terms). GUI thread, after ``stop``.
    """
    import Xlib.display
    import Xlib.error

    context = getattr(listener, "_context", None)
    recording = getattr(listener, "_display_record", None)
    if context is None or recording is None:
        return
    try:
        display = Xlib.display.Display(recording.get_display_name())
    except Xlib.error.DisplayError:
        return  # the X server is gone, and the context with it
    # BadRecordContext: the thread ended and freed the context already; nothing to do.
    display.set_error_handler(lambda *_: None)
    try:
        display.record_disable_context(context)
        display.sync()
        display.close()
    except Xlib.error.ConnectionClosedError:
        pass  # the X server went away meanwhile


class _XGrab:
    """XGrabKey on the root window for one combination (X11 only). Any one thread at a time.

    The grab's own key events are not needed (pynput reports the keys); they are drained
    so they do not pile up in the connection.
    """

    def __init__(self, combo: Combo) -> None:
        self._combo = combo
        self._display: Any = None
        self._grabs: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        import Xlib.display
        import Xlib.error
        import Xlib.X
        from pynput._util.xorg import numlock_mask, symbol_to_keysym

        display = Xlib.display.Display()
        masks = {"ctrl": Xlib.X.ControlMask, "alt": Xlib.X.Mod1Mask,
                 "shift": Xlib.X.ShiftMask, "cmd": Xlib.X.Mod4Mask}
        mods = 0
        keys = []
        for name in self._combo.names:
            if name in masks:
                mods |= masks[name]
            else:
                keysym = symbol_to_keysym(name) if len(name) > 1 else ord(name)
                keys.append(display.keysym_to_keycode(keysym))
        if len(keys) != 1 or not keys[0]:
            display.close()  # several keys, or one this keyboard lacks: listen only
            log.info("Not grabbing %s: it is not one key plus modifiers", self._combo.label)
            return
        catch = Xlib.error.CatchError(Xlib.error.BadAccess)
        root = display.screen().root
        lock, num = Xlib.X.LockMask, numlock_mask(display)
        for extra in sorted({0, lock, num, lock | num}):
            root.grab_key(keys[0], mods | extra, True, Xlib.X.GrabModeAsync,
                          Xlib.X.GrabModeAsync, onerror=catch)
            self._grabs.append((keys[0], mods | extra))
        display.sync()
        self._display = display
        if catch.get_error():
            self.stop()
            raise ComboTakenError(self._combo.label)

    def drain(self) -> None:
        with self._lock:
            if self._display is not None:
                while self._display.pending_events():
                    self._display.next_event()

    def stop(self) -> None:
        with self._lock:
            display, self._display = self._display, None
            if display is None:
                return
            root = display.screen().root
            for keycode, mods in self._grabs:
                root.ungrab_key(keycode, mods)
            self._grabs = []
            display.close()
