"""One global key combination, its listener thread's callbacks as GUI-thread signals.

The dictation hotkey and the edit hotkey each hold one :class:`GlobalHotkey`.
"""

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from desktop.platform import hotkeys


class Listener(Protocol):
    """What a hotkey needs from :class:`desktop.platform.hotkeys.HotkeyListener`."""

    combo: hotkeys.Combo

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def modifiers_held(self) -> bool: ...


ListenerFactory = Callable[
    [str, Callable[[], None], Callable[[], None], Callable[[], None]], Listener]


def real_listener(
    combo: str,
    on_activate: Callable[[], None],
    on_deactivate: Callable[[], None],
    on_escape: Callable[[], None],
) -> Listener:
    """Return pynput's listener for ``combo`` (the default factory)."""
    return hotkeys.HotkeyListener(combo, on_activate, on_deactivate, on_escape)


class GlobalHotkey(QObject):
    """Listens for one combination while registered. GUI thread only.

    Args:
        make_listener: builds the keyboard listener (tests pass a fake).

    Signals:
        activated(): the combination went down.
        deactivated(): it was let go.
        escaped(): Esc was pressed.
    """

    activated = Signal()
    deactivated = Signal()
    escaped = Signal()

    def __init__(self, make_listener: ListenerFactory | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make_listener = make_listener or real_listener
        self._listener: Listener | None = None

    @property
    def label(self) -> str | None:
        """How the registered combination reads ("Ctrl+Alt+Space"), or None."""
        return self._listener.combo.label if self._listener is not None else None

    def register(self, combo: str) -> None:
        """Listen for ``combo`` instead of any combination before.

        Raises:
            hotkeys.Error: it cannot be registered (one sentence says why).
        """
        self.unregister()
        listener = self._make_listener(combo, self.activated.emit, self.deactivated.emit,
                                       self.escaped.emit)
        listener.start()
        self._listener = listener

    def unregister(self) -> None:
        """Stop listening to the keyboard. Idempotent."""
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    def modifiers_held(self) -> bool:
        """Whether the combination's modifiers are still down."""
        return self._listener.modifiers_held() if self._listener is not None else False
