"""Settings page for the Whisper model: installed ones, import a folder, download by name."""

import threading
from pathlib import Path
from typing import Any

from faster_whisper.utils import available_models
from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)
from tqdm import tqdm

from desktop.engine import models
from desktop.ui.jobs import Progress, describe_error
from desktop.ui.services import Services

BUNDLED_LABEL = "tiny.en (built in)"


class DownloadCancelled(Exception):
    """The user cancelled a model download."""

    def __str__(self) -> str:
        return "The download was cancelled."


def progress_bar_class(progress: Progress, cancel: threading.Event) -> type[Any]:
    """Return a silent tqdm class that reports bytes to ``progress`` and honours ``cancel``.

    huggingface_hub drives it from its download threads; raising in ``update`` stops them.
    """

    class _Bar(tqdm):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = False
            kwargs["file"] = _Null()
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            if cancel.is_set():
                raise DownloadCancelled
            shown: bool | None = super().update(n)
            if self.unit == "B" and self.total:
                progress.report(int(self.n), int(self.total), "download")
            return shown

    return _Bar


class _Null:
    def write(self, _text: str) -> None:
        """Swallow tqdm's drawing."""

    def flush(self) -> None:
        """Nothing to flush."""


class ModelPage(QWidget):
    """Pick an installed model, import a model folder, or download one by name.

    GUI thread only; listing, copying and downloading run in the services' job runner.

    Attributes:
        model_box: the installed models; its current data is the ``whisper.model`` value.
    """

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._cancel = threading.Event()
        self.progress = Progress(self)
        self.progress.changed.connect(self._on_progress_changed)
        self.model_box = QComboBox(self)
        self.model_box.setAccessibleName("Whisper model")
        self.import_button = QPushButton("Import folder…", self)
        self.import_button.setAccessibleName("Import a CTranslate2 model folder")
        self.download_box = QComboBox(self)
        self.download_box.addItems(available_models())
        self.download_box.setCurrentText("base.en")
        self.download_box.setAccessibleName("Model to download")
        self.download_button = QPushButton("Download", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel the download")
        self.cancel_button.hide()
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName("Download progress")
        self.bar.hide()
        self.note = QLabel("Models are downloaded only when you ask, from Hugging Face.", self)
        self.note.setWordWrap(True)
        self.note.setProperty("muted", True)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.download_button.clicked.connect(self._on_download_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self._layout()
        self.refresh(services.settings.settings.whisper.model)

    def value(self) -> str:
        """The ``whisper.model`` setting chosen."""
        return str(self.model_box.currentData() or "")

    def refresh(self, select: str) -> None:
        """List installed models in the background, then select ``select``."""
        self._select = select
        folder = self.services.paths.models_dir
        self.services.runner.submit(lambda: models.installed(folder), self._on_listed)

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.model_box, 1)
        row.addWidget(self.import_button)
        download = QHBoxLayout()
        download.addWidget(self.download_box, 1)
        download.addWidget(self.download_button)
        download.addWidget(self.cancel_button)
        form = QFormLayout(self)
        form.addRow("&Model:", row)
        form.addRow("&Download:", download)
        form.addRow("", self.bar)
        form.addRow("", self.note)

    def _busy(self, busy: bool) -> None:
        self.download_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
        self.bar.setVisible(busy)

    @Slot(object, object)
    def _on_listed(self, found: object, error: BaseException | None) -> None:
        self.model_box.clear()
        for item in found if isinstance(found, list) else []:
            ref = item.ref
            label = BUNDLED_LABEL if ref.bundled else f"{ref.name} ({item.size_bytes >> 20} MB)"
            self.model_box.addItem(label, "" if ref.bundled else ref.name)
        wanted = self._select
        index = self.model_box.findData(wanted)
        if index < 0 and wanted:
            self.model_box.addItem(wanted, wanted)
            index = self.model_box.count() - 1
        self.model_box.setCurrentIndex(max(index, 0))
        if error is not None:
            self.note.setText(describe_error(error))

    @Slot()
    def _on_import_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a Whisper model folder")
        if not folder:
            return
        target = self.services.paths.models_dir
        self._busy(True)
        self.bar.setRange(0, 0)
        self.note.setText("Copying the model…")
        self.services.runner.submit(lambda: models.import_model(Path(folder), target),
                                    self._on_model_added)

    @Slot()
    def _on_download_clicked(self) -> None:
        name = self.download_box.currentText()
        self._cancel = cancel = threading.Event()
        bar_class = progress_bar_class(self.progress, cancel)
        folder = self.services.paths.models_dir
        self._busy(True)
        self.bar.setRange(0, 0)
        self.note.setText(f"Downloading {name}…")
        self.services.runner.submit(
            lambda: models.download(name, folder, tqdm_class=bar_class), self._on_model_added)

    @Slot()
    def _on_cancel_clicked(self) -> None:
        self._cancel.set()

    @Slot(int, int, str)
    def _on_progress_changed(self, done: int, total: int, _status: str) -> None:
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(done / total * 1000) if total else 0)
        self.note.setText(f"Downloading… {done >> 20} of {total >> 20} MB")

    @Slot(object, object)
    def _on_model_added(self, ref: object, error: BaseException | None) -> None:
        self._busy(False)
        if error is not None or not isinstance(ref, models.ModelRef):
            self.note.setText(describe_error(error or RuntimeError("no model")))
            return
        self.note.setText(f"{ref.name} is installed; press OK to use it.")
        self.refresh(ref.name)
