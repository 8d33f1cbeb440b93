"""Guard against Qt bindings that leak or drop references on every signal emission.

PySide6 6.12.0 dropped a reference to ``True`` on each emit, so a running dictation (a
level update every 20 ms) aborted Python within minutes ("bool_dealloc").
"""

import sys

from PySide6.QtCore import QObject, Signal, Slot

EMITS = 200  # few enough that a leaking binding fails the assertion, not aborts


class _Sender(QObject):
    level = Signal(float)
    text = Signal(str)
    done = Signal()


class _Receiver(QObject):
    @Slot(float)
    def on_level(self, _value: float) -> None:
        """Receive a level."""

    @Slot(str)
    def on_text(self, _value: str) -> None:
        """Receive a text."""

    @Slot()
    def on_done(self) -> None:
        """Receive a bare signal."""


def test_signal_emission_keeps_singleton_refcounts(qapp: object) -> None:
    sender, receiver = _Sender(), _Receiver()
    sender.level.connect(receiver.on_level)
    sender.text.connect(receiver.on_text)
    sender.done.connect(receiver.on_done)
    before = [sys.getrefcount(x) for x in (True, False, None)]
    for _ in range(EMITS):
        sender.level.emit(-20.0)
        sender.text.emit("words")
        sender.done.emit()
    after = [sys.getrefcount(x) for x in (True, False, None)]
    assert [b - a for a, b in zip(before, after, strict=True)] == [0, 0, 0]
