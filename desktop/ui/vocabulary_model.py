"""The user's vocabulary as the window uses it: read once, saved by Settings, changes said.

Dictations and file jobs take :attr:`VocabularyModel.vocabulary` when they start; the
cleaners are rebuilt when it changes (their prompt and guard know its spellings).
"""

from PySide6.QtCore import QObject, Signal

from desktop.engine import vocabulary
from desktop.engine.vocabulary import Vocabulary, VocabularyFile
from desktop.ui.messages import MessageBridge


class VocabularyModel(QObject):
    """Holds the vocabulary file's contents. GUI thread only.

    Args:
        file: the vocabulary file.
        messages: where a file that cannot be read is reported (once, at start).

    Signals:
        changed(): :attr:`vocabulary` was saved with other contents.

    Attributes:
        vocabulary: the terms and rules in use (empty while the file cannot be read).
    """

    changed = Signal()

    def __init__(self, file: VocabularyFile, messages: MessageBridge,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._file = file
        try:
            self.vocabulary = file.load()
        except vocabulary.FileError as e:
            self.vocabulary = Vocabulary()
            messages.warning(f"{str(e).rstrip('.')}; no vocabulary is used until it is "
                             "fixed (Settings, Vocabulary).")

    def load(self) -> Vocabulary:
        """Read the file again (the settings page shows what it holds).

        Raises:
            vocabulary.FileError: it cannot be read, in one sentence.
        """
        return self._file.load()

    def save(self, edited: Vocabulary) -> None:
        """Write ``edited`` and use it from now on.

        Raises:
            vocabulary.FileError: it cannot be written, in one sentence.
        """
        self._file.save(edited)
        if edited != self.vocabulary:
            self.vocabulary = edited
            self.changed.emit()
