"""Which app is in front: the session check, the reader that says "unavailable" once, and
the X11 query against a real Xvfb with windows of two classes."""

from collections.abc import Iterator
from typing import Any

import pytest

from desktop.platform import frontmost
from desktop.platform.frontmost import FrontApp, FrontAppReader


@pytest.mark.parametrize("env", [
    {"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"},
    {"WAYLAND_DISPLAY": "wayland-0"},
    {},
])
def test_linux_without_x11_is_unavailable(env: dict[str, str]) -> None:
    with pytest.raises(frontmost.UnavailableError, match="default settings"):
        frontmost.check_session(env, "linux")


def test_x11_windows_and_macos_are_available() -> None:
    frontmost.check_session({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux")
    frontmost.check_session({}, "win32")
    frontmost.check_session({}, "darwin")


def test_names_leave_out_empty_and_repeated_ones() -> None:
    app = FrontApp("XTerm", ("xterm", "", "XTerm"), "~/src")
    assert app.names == ("XTerm", "xterm")
    assert app.describe() == "XTerm (xterm) '~/src'"
    assert FrontApp("com.apple.mail", ("Mail",)).describe() == "com.apple.mail (Mail)"


def test_the_reader_says_unavailable_once_then_applies_the_defaults(
        caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    def wayland() -> FrontApp:
        calls.append(1)
        raise frontmost.UnavailableError("Wayland does not tell applications which window "
                                         "is active")

    reader = FrontAppReader(wayland)
    assert reader.read() is None
    assert reader.read() is None
    assert len(calls) == 1
    assert reader.unavailable is not None and "Wayland" in reader.unavailable
    assert sum("Wayland" in r.getMessage() for r in caplog.records) == 1


def test_a_failed_query_is_tried_again_next_time() -> None:
    answers: list[Any] = [frontmost.QueryError("no window is active"), FrontApp("gedit")]

    def read() -> FrontApp:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, FrontApp)
        return answer

    reader = FrontAppReader(read)
    assert reader.read() is None
    assert reader.read() == FrontApp("gedit")
    assert reader.unavailable is None


@pytest.fixture
def display(xvfb_display: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An Xlib connection to a private Xvfb (no window manager), which front_app also uses."""
    import Xlib.display

    monkeypatch.setenv("DISPLAY", xvfb_display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    connection = Xlib.display.Display(xvfb_display)
    yield connection
    connection.close()


def _window(display: Any, instance: str, klass: str, title: str) -> Any:
    import Xlib.X

    root = display.screen().root
    window = root.create_window(0, 0, 100, 100, 0, display.screen().root_depth,
                                Xlib.X.InputOutput)
    window.set_wm_class(instance, klass)
    window.change_property(display.intern_atom("_NET_WM_NAME"),
                           display.intern_atom("UTF8_STRING"), 8, title.encode())
    window.map()
    display.sync()
    return window


def test_x11_reads_the_focused_window_without_a_window_manager(display: Any) -> None:
    import Xlib.X

    first = _window(display, "gedit", "Gedit", "notes.txt – gedit")
    child = first.create_window(0, 0, 10, 10, 0, display.screen().root_depth,
                                Xlib.X.InputOutput)
    child.map()
    second = _window(display, "xterm", "XTerm", "~/src")
    display.set_input_focus(second, Xlib.X.RevertToParent, Xlib.X.CurrentTime)
    display.sync()
    assert frontmost.front_app("linux") == FrontApp("XTerm", ("xterm",), "~/src", second.id)
    display.set_input_focus(child, Xlib.X.RevertToParent, Xlib.X.CurrentTime)  # a child
    display.sync()
    assert frontmost.front_app("linux") == FrontApp("Gedit", ("gedit",), "notes.txt – gedit",
                                                    first.id)


def test_x11_prefers_the_window_managers_active_window(display: Any) -> None:
    import Xlib.X
    import Xlib.Xatom

    focused = _window(display, "xterm", "XTerm", "~/src")
    active = _window(display, "Navigator", "firefox", "Dictara – Mozilla Firefox")
    display.set_input_focus(focused, Xlib.X.RevertToParent, Xlib.X.CurrentTime)
    root = display.screen().root
    atom = display.intern_atom("_NET_ACTIVE_WINDOW")
    root.change_property(atom, Xlib.Xatom.WINDOW, 32, [active.id])
    display.sync()
    try:
        app = frontmost.front_app("linux")
    finally:
        root.delete_property(atom)
        display.sync()
    assert app == FrontApp("firefox", ("Navigator",), "Dictara – Mozilla Firefox", active.id)


def test_x11_with_nothing_focused_is_a_query_error(display: Any) -> None:
    import Xlib.X

    display.set_input_focus(Xlib.X.NONE, Xlib.X.RevertToNone, Xlib.X.CurrentTime)
    display.sync()
    with pytest.raises(frontmost.QueryError, match="no window is active"):
        frontmost.front_app("linux")
