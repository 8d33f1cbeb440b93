"""Files the operating system asks Dictara to open (macOS "Open With", a dropped Dock icon).

On macOS, opening a document with a running app arrives as a ``QFileOpenEvent`` on the
application, not as command-line arguments; Windows and Linux start ``dictara FILE``,
which hands the files over by IPC.
"""

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent


class FileOpenFilter(QObject):
    """Watches the application for file-open events. GUI thread only.

    Args:
        app: the application to watch (the filter is installed on it).

    Signals:
        files_opened(object): a list with the one :class:`~pathlib.Path` to transcribe.
    """

    files_opened = Signal(object)

    def __init__(self, app: QObject) -> None:
        super().__init__(app)
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QFileOpenEvent) and event.file():
            self.files_opened.emit([Path(event.file())])
            return True
        return super().eventFilter(watched, event)
