"""File jobs, history queries and crash recovery, between the workers and the window."""

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine import export, spool
from desktop.engine.history import Entry
from desktop.engine.transcriber import Transcriber
from desktop.engine.transcript import Transcript
from desktop.options import transcribe_options
from desktop.ui.controller import Controller, Document, document_from_entry
from desktop.ui.file_queue import expand_paths
from desktop.ui.workers import FileJobWorker, describe_error

log = logging.getLogger(__name__)


class NoModelError(Exception):
    """Files were queued but no speech model can be used."""

    def __str__(self) -> str:
        return "No speech model is available; pick or download one in Settings."


def summary(transcript: Transcript) -> str:
    """Return a row's result line: length, words and any damage warning."""
    minutes, seconds = divmod(int(transcript.duration), 60)
    words = len(transcript.text.split())
    text = f"Done · {minutes}:{seconds:02d} · {words} words"
    if transcript.warnings:
        text += f" · {transcript.warnings[0]}"
    return text


class Library(QObject):
    """Runs file jobs and history look-ups. GUI thread only.

    Signals:
        job_added(int, object): job id and the file's Path, queued.
        job_done(int, str): job id and a one-line summary.
        entries_found(object): a list of history :class:`Entry` for the view.
        recoverable_found(object): a list of :class:`spool.SpoolInfo` from a crash.
    """

    job_added = Signal(int, object)
    job_done = Signal(int, str)
    entries_found = Signal(object)
    recoverable_found = Signal(object)

    def __init__(self, controller: Controller, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.services = controller.services
        self.files = FileJobWorker(self._transcriber, self)
        self.documents: dict[int, Document] = {}
        self._recovered: dict[int, Path] = {}
        self.files.finished.connect(self._on_files_finished)
        controller.history_changed.connect(self._on_controller_history_changed)
        self._query = ""

    def add_paths(self, paths: list[Path]) -> None:
        """Queue files (folders are searched for media files in the background)."""
        self.services.runner.submit(lambda: expand_paths(paths), self._on_paths_expanded)

    def cancel(self, job_id: int) -> None:
        """Cancel one file job."""
        self.files.cancel(job_id)

    def open_job(self, job_id: int) -> None:
        """Show a finished file's transcript in the compare view."""
        document = self.documents.get(job_id)
        if document is not None:
            self.controller.show_document(document)

    def export_job(self, job_id: int, target: Path) -> None:
        """Write a finished file's transcript to ``target`` (format from its suffix)."""
        document = self.documents.get(job_id)
        if document is not None:
            self.export_document(document, target)

    def export_document(self, document: Document, target: Path) -> None:
        """Write a transcript, with its cleaned text where the format has room."""
        fmt = target.suffix.lstrip(".").lower()
        cleaned = document.result.cleaned if document.result else None

        def write() -> Path:
            target.write_text(export.render(document.transcript, fmt, cleaned),
                              encoding="utf-8")
            return target

        self.services.runner.submit(write, self._on_exported)

    def search(self, query: str) -> None:
        """Look entries up in the background; ``entries_found`` follows."""
        self._query = query
        history = self.services.history
        if history is not None:
            self.services.runner.submit(lambda: history.search(query), self._on_searched)

    def open_entry(self, entry_id: int, preset: str | None = None) -> None:
        """Show a history entry; with ``preset``, clean it again with that preset."""
        history = self.services.history
        if history is None:
            return
        runner = self.services.runner
        if preset is None:
            runner.submit(lambda: history.get(entry_id), self._on_entry_loaded)
        else:
            runner.submit(lambda: (history.get(entry_id), preset), self._on_entry_to_clean)

    def delete_entry(self, entry_id: int) -> None:
        """Delete a history entry."""
        history = self.services.history
        if history is not None:
            self.services.runner.submit(lambda: history.delete(entry_id),
                                        self._on_entry_deleted)
        document = self.controller.document
        if document is not None and document.entry_id == entry_id:
            document.entry_id = None

    def find_recoverable(self) -> None:
        """Look for dictations cut off by a crash; ``recoverable_found`` follows if any."""
        folder = self.services.paths.recordings_dir
        self.services.runner.submit(lambda: spool.unfinished(folder), self._on_spools_found)

    def recover(self, infos: list[spool.SpoolInfo]) -> None:
        """Repair the recordings and transcribe them as file jobs stored as dictations."""
        options = transcribe_options(self.services.settings.settings)
        for info in infos:
            try:
                path = spool.finalise(info)
            except OSError as e:
                self.services.messages.error(f"The recording {info.path} could not be "
                                             f"repaired ({e.strerror}); it was left as it is.")
                continue
            job = self.files.add(path, options)
            self._recovered[job] = path
            self.job_added.emit(job, path)

    def shutdown(self) -> None:
        """Cancel file jobs and stop their thread."""
        self.files.shutdown()

    def _transcriber(self) -> Transcriber:
        if self.services.transcriber is None:
            raise NoModelError
        return self.services.transcriber

    @Slot(object, object)
    def _on_paths_expanded(self, paths: object, error: BaseException | None) -> None:
        if error is not None or not isinstance(paths, list):
            self.services.messages.error(describe_error(error or RuntimeError("no files")))
            return
        if not paths:
            self.services.messages.warning("No audio or video files were found there.")
        options = transcribe_options(self.services.settings.settings)
        for path in paths:
            self.job_added.emit(self.files.add(path, options), path)

    @Slot(int, object)
    def _on_files_finished(self, job_id: int, transcript: Transcript) -> None:
        recording = self._recovered.pop(job_id, None)
        kind = "dictation" if recording else "file"
        document = Document(transcript, kind, recording)
        self.documents[job_id] = document
        self.controller.store(document)
        self.job_done.emit(job_id, summary(transcript))
        if self.controller.document is None and not self.controller.recording:
            self.controller.show_document(document)

    @Slot(object, object)
    def _on_exported(self, target: object, error: BaseException | None) -> None:
        if error is not None:
            self.services.messages.error(f"The export could not be written "
                                         f"({describe_error(error)}).")
        else:
            self.services.messages.info(f"Exported to {target}.")

    @Slot(object, object)
    def _on_searched(self, entries: object, error: BaseException | None) -> None:
        if error is not None:
            self.services.messages.error(describe_error(error))
            return
        self.entries_found.emit(entries)

    @Slot(object, object)
    def _on_entry_loaded(self, entry: object, error: BaseException | None) -> None:
        if error is not None:
            self.services.messages.error(describe_error(error))
        elif isinstance(entry, Entry):
            self.controller.show_document(document_from_entry(entry), clean=False)

    @Slot(object, object)
    def _on_entry_to_clean(self, found: object, error: BaseException | None) -> None:
        if error is not None or not isinstance(found, tuple):
            self.services.messages.error(describe_error(error or RuntimeError("not found")))
            return
        entry, preset = found
        if isinstance(entry, Entry):
            document = document_from_entry(entry)
            document.result = None
            self.controller.show_document(document, clean=False)
            self.controller.clean(document, preset)

    @Slot(object, object)
    def _on_entry_deleted(self, _result: object, error: BaseException | None) -> None:
        if error is not None:
            self.services.messages.error(describe_error(error))
        self.search(self._query)

    @Slot(object, object)
    def _on_spools_found(self, infos: object, error: BaseException | None) -> None:
        if error is None and isinstance(infos, list) and infos:
            self.recoverable_found.emit(infos)

    @Slot()
    def _on_controller_history_changed(self) -> None:
        self.search(self._query)
