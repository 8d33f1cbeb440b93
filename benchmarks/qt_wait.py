"""Spin the Qt event loop until a condition holds: the benchmarks' one wait helper."""

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance


def wait_until(ready: Callable[[], bool], signals: Sequence[SignalInstance], what: str,
               timeout_ms: int = 60_000) -> None:
    """Spin the event loop until ``ready()``, checked whenever one of ``signals`` fires.

    Raises:
        TimeoutError: ``ready()`` still fails after ``timeout_ms``.
    """
    loop = QEventLoop()

    def check(*_args: object) -> None:
        if ready():
            loop.quit()

    timer = QTimer(singleShot=True, interval=timeout_ms)
    timer.timeout.connect(loop.quit)
    for signal in signals:
        signal.connect(check)
    timer.start()
    if not ready():
        loop.exec()
    timer.stop()
    for signal in signals:
        signal.disconnect(check)
    if not ready():
        raise TimeoutError(f"No {what} within {timeout_ms / 1000:.0f} s.")
