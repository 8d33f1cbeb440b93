"""Which app is in front: the app the user was in when a dictation started. No Qt here.

:func:`front_app` asks the platform once and returns a :class:`FrontApp`:

- X11: the window in EWMH's ``_NET_ACTIVE_WINDOW`` (or, without a window manager that
  sets it, the window with the input focus), its ``WM_CLASS`` and title (python-xlib,
  which pynput already pulls in);
- Windows: ``GetForegroundWindow`` → the executable name of its process, and its title;
- macOS: ``NSWorkspace.frontmostApplication`` → bundle id and name (pyobjc, imported
  lazily; the window title needs the screen-recording permission, so it stays empty).

Wayland tells no client which app is in front: :class:`UnavailableError` says so, and
:class:`FrontAppReader` says it once and then returns None, so the defaults apply.
"""

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


class Error(Exception):
    """Base class for front-app errors."""


class UnavailableError(Error):
    """This session cannot tell which app is in front."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return (f"Dictara cannot tell which app is in front: {self.reason}; per-app "
                f"profiles do not apply and every dictation uses the default settings.")


class QueryError(Error):
    """Asking the platform failed this time."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return (f"Dictara could not read which app is in front ({self.reason}); this "
                f"dictation uses the default settings.")


@dataclass(frozen=True)
class FrontApp:
    """The app in front, as profiles match it.

    Attributes:
        app: the app's identity: the ``WM_CLASS`` class (X11), the executable name
            (Windows, ``notepad.exe``) or the bundle id (macOS, ``com.apple.mail``).
        aliases: other names it goes by: the ``WM_CLASS`` instance, the macOS app name.
        title: the window title, or "" when unknown.
        window: the X11 window id (0 elsewhere), to tell which app owns the selection.
    """

    app: str
    aliases: tuple[str, ...] = ()
    title: str = ""
    window: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        """The identity and its aliases, without empty or repeated names."""
        return tuple(dict.fromkeys(n for n in (self.app, *self.aliases) if n))

    def describe(self) -> str:
        """Return it for people: ``XTerm (xterm) "~/src"``."""
        others = [a for a in self.aliases if a and a != self.app]
        text = self.app + (f" ({', '.join(others)})" if others else "")
        return f"{text} {self.title!r}" if self.title else text


def check_session(env: dict[str, str] | None = None, platform: str = sys.platform) -> None:
    """Raise if this session cannot say which app is in front. Any thread.

    Raises:
        UnavailableError: Wayland, or Linux without an X display.
    """
    env = dict(os.environ) if env is None else env
    if not platform.startswith("linux"):
        return
    if env.get("XDG_SESSION_TYPE") == "wayland" or (
        env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY")
    ):
        raise UnavailableError("Wayland does not tell applications which window is active")
    if not env.get("DISPLAY"):
        raise UnavailableError("there is no X display (DISPLAY is not set)")


def front_app(platform: str = sys.platform) -> FrontApp:
    """Return the app in front now. Any one thread at a time; takes a few milliseconds.

    Raises:
        UnavailableError: this session cannot tell (Wayland, no display, no pyobjc).
        QueryError: the platform did not answer this time (no window is active).
    """
    check_session(platform=platform)
    if platform == "win32":
        return _windows()
    if platform == "darwin":
        return _macos()
    return _x11()


class FrontAppReader:
    """Reads the app in front for each dictation; says once when it never can.

    GUI thread only (one X connection per read, opened and closed there).

    Args:
        read: returns the app in front; :func:`front_app` when None (tests pass a fake).

    Attributes:
        unavailable: why the app in front is never known here, once that was found.
    """

    def __init__(self, read: Callable[[], FrontApp] | None = None) -> None:
        self._read = read or front_app
        self.unavailable: str | None = None

    def read(self) -> FrontApp | None:
        """Return the app in front, or None (the defaults apply); logs why not."""
        if self.unavailable is not None:
            return None
        try:
            app = self._read()
        except UnavailableError as e:
            self.unavailable = str(e)
            log.warning("%s", e)
            return None
        except QueryError as e:
            log.info("%s", e)
            return None
        log.info("App in front: %s", app.describe())
        return app


def _x11() -> FrontApp:
    import Xlib.display
    import Xlib.error

    try:
        display = Xlib.display.Display()
    except (Xlib.error.DisplayError, OSError) as e:
        raise UnavailableError(f"the X display cannot be opened ({e})") from None
    try:
        window = _active_window(display)
        if window is None:
            raise QueryError("no window is active")
        return _x11_identity(display, window)
    except Xlib.error.XError as e:
        raise QueryError(f"the X server said {type(e).__name__}") from None
    finally:
        display.close()


def _active_window(display: Any) -> Any:
    """Return the active top-level window: EWMH's, else the focused window's top level."""
    import Xlib.X

    root = display.screen().root
    atom = display.intern_atom("_NET_ACTIVE_WINDOW")
    prop = root.get_full_property(atom, Xlib.X.AnyPropertyType)
    if prop is not None and prop.value and prop.value[0]:
        return display.create_resource_object("window", prop.value[0])
    focus = display.get_input_focus().focus
    if isinstance(focus, int):  # X.NONE or X.PointerRoot: nothing has the focus
        return None
    # The focus may sit on a child of the app's window: climb to the one with WM_CLASS.
    while focus is not None and focus.id != root.id:
        if focus.get_wm_class():
            return focus
        focus = focus.query_tree().parent
    return None


def _x11_identity(display: Any, window: Any) -> FrontApp:
    instance, klass = window.get_wm_class() or ("", "")
    utf8 = display.intern_atom("UTF8_STRING")
    name = window.get_full_property(display.intern_atom("_NET_WM_NAME"), utf8)
    if name is not None and name.value:
        raw = name.value
        title = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    else:
        legacy = window.get_wm_name()  # WM_NAME: Latin-1 text, or None
        title = legacy.decode("latin-1") if isinstance(legacy, bytes) else (legacy or "")
    return FrontApp(klass or instance, (instance,), title, window.id)


def _windows() -> FrontApp:
    import ctypes
    from ctypes import wintypes

    user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    hwnd = user32.GetForegroundWindow()
    if not hwnd:
        raise QueryError("no window is in the foreground")
    title = ctypes.create_unicode_buffer(512)
    user32.GetWindowTextW(hwnd, title, len(title))
    pid = wintypes.DWORD()
    user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
    process_query_limited_information = 0x1000
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid.value)
    if not handle:
        raise QueryError(f"the foreground process {pid.value} cannot be opened")
    try:
        path = ctypes.create_unicode_buffer(1024)
        size = wintypes.DWORD(len(path))
        if not kernel32.QueryFullProcessImageNameW(handle, 0, path, ctypes.byref(size)):
            raise QueryError(f"the foreground process {pid.value} has no image name")
    finally:
        kernel32.CloseHandle(handle)
    exe = path.value.replace("/", "\\").rsplit("\\", 1)[-1]
    return FrontApp(exe, (exe.rsplit(".", 1)[0],), title.value)


def _macos() -> FrontApp:
    try:
        from AppKit import NSWorkspace
    except ImportError:
        raise UnavailableError("pyobjc's AppKit is not installed") from None
    app = NSWorkspace.sharedWorkspace().frontmostApplication()
    if app is None:
        raise QueryError("no application is frontmost")
    bundle = str(app.bundleIdentifier() or "")
    name = str(app.localizedName() or "")
    return FrontApp(bundle or name, (name,))
