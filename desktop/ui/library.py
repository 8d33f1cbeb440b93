"""File jobs, history queries and crash recovery, between the workers and the window."""

import json
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine import export, spool
from desktop.engine.history import Entry
from desktop.engine.transcriber import Transcriber
from desktop.engine.transcript import Transcript
from desktop.options import transcribe_options
from desktop.paths import write_private
from desktop.ui.documents import Document, Documents, document_from_entry
from desktop.ui.file_jobs import FileJobWorker
from desktop.ui.file_queue import expand_paths
from desktop.ui.jobs import describe_error
from desktop.ui.services import Services
from desktop.ui.speech_model import SpeechModel
from desktop.ui.vocabulary_model import VocabularyModel

log = logging.getLogger(__name__)

QUEUE_FILE = "queued-files.json"  # in the data folder: files still waiting when Dictara quit


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

    def __init__(self, services: Services, speech_model: SpeechModel, documents: Documents,
                 words: VocabularyModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._words = words
        self._speech_model = speech_model
        self._documents = documents
        self.files = FileJobWorker(self._transcriber, self)
        self.finished: dict[int, Document] = {}  # file jobs' transcripts, by job id
        # What is not done yet, kept in QUEUE_FILE as it changes (so a quit, a logout or a
        # crash loses none of it): jobs queued or running with their kind, and the paths of
        # folders still being searched for media files.
        self._queued: dict[int, tuple[Path, str]] = {}
        self._expanding: dict[int, list[Path]] = {}
        self._next_expansion = 0
        self._closing = False
        self.files.finished.connect(self._on_files_finished)
        self.files.failed.connect(self._on_files_failed)
        self.files.cancelled.connect(self._on_files_cancelled)
        documents.history_changed.connect(self._on_documents_history_changed)
        self._query = ""

    def add_paths(self, paths: list[Path]) -> None:
        """Queue files (folders are searched for media files in the background)."""
        self._next_expansion += 1
        expansion = self._next_expansion
        self._expanding[expansion] = list(paths)
        self._save_queue()
        self.services.runner.submit(lambda: (expansion, expand_paths(paths)),
                                    self._on_paths_expanded)

    @property
    def pending(self) -> int:
        """Files queued or being transcribed."""
        return len(self._queued)

    def requeue_saved(self) -> None:
        """Queue again the files that were still waiting when Dictara last quit."""
        saved = self._queue_file()
        try:
            entries = json.loads(saved.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as e:
            log.warning("Could not read %s: %s", saved, e)
            return
        if not isinstance(entries, list):
            return
        kept = [(Path(e["path"]), e.get("kind")) for e in entries
                if isinstance(e, dict) and isinstance(e.get("path"), str)]
        if not kept:
            return
        self.services.messages.info(
            f"{len(kept)} file(s) still waiting when Dictara last quit are queued again.")
        files = [path for path, kind in kept if kind != "recovered"]
        if files:
            self.add_paths(files)
        for path, kind in kept:
            if kind == "recovered":
                self._add_job(path, "recovered")
        self._save_queue()

    def cancel(self, job_id: int) -> None:
        """Cancel one file job."""
        self.files.cancel(job_id)

    def open_job(self, job_id: int) -> None:
        """Show a finished file's transcript in the compare view."""
        document = self.finished.get(job_id)
        if document is not None:
            self._documents.show(document)

    def export_job(self, job_id: int, target: Path) -> None:
        """Write a finished file's transcript to ``target`` (format from its suffix)."""
        document = self.finished.get(job_id)
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
        self._documents.forget_entry(entry_id)

    def find_recoverable(self) -> None:
        """Look for dictations cut off by a crash; ``recoverable_found`` follows if any."""
        folder = self.services.paths.recordings_dir
        self.services.runner.submit(lambda: spool.unfinished(folder), self._on_spools_found)

    def recover(self, infos: list[spool.SpoolInfo]) -> None:
        """Repair the recordings and transcribe them as file jobs, stored as recovered.

        Each recording is repaired on its own: one that held no audio (removed) or cannot
        be repaired gets one sentence, and the others are still recovered.
        """
        for info in infos:
            try:
                path = spool.finalise(info)
            except spool.NothingRecordedError as e:
                self.services.messages.info(str(e))
                continue
            except spool.Error as e:
                self.services.messages.error(str(e))
                continue
            self._add_job(path, "recovered")
        self._save_queue()

    def shutdown(self) -> None:
        """Quit: stop the file thread; what was not done stays in the queue file."""
        self._closing = True  # the cancellations that follow are not "done"
        if self._queued or self._expanding:
            log.info("Keeping %d file(s) for the next start", len(self._queued))
        self.files.shutdown()

    def _queue_file(self) -> Path:
        return self.services.paths.data_dir / QUEUE_FILE

    def _save_queue(self) -> None:
        """Write what is not done yet to the queue file (or remove it when nothing is)."""
        if self._closing:
            return
        entries = [{"path": str(p), "kind": "file"}
                   for paths in self._expanding.values() for p in paths]
        entries += [{"path": str(p), "kind": kind} for p, kind in self._queued.values()]
        saved = self._queue_file()
        try:
            if not entries:
                saved.unlink(missing_ok=True)
                return
            write_private(saved, json.dumps(entries, ensure_ascii=False).encode("utf-8"))
        except OSError as e:
            log.error("Could not keep the queued files in %s: %s", saved, e)

    def _transcriber(self) -> Transcriber:
        if self._speech_model.transcriber is None:
            raise NoModelError
        return self._speech_model.transcriber

    def _add_job(self, path: Path, kind: str = "file") -> None:
        """Queue one file; the caller saves the queue once it has added them all."""
        job = self.files.add(path, transcribe_options(self.services.settings.settings,
                                                      self._words.vocabulary))
        self._queued[job] = (path, kind)
        self.job_added.emit(job, path)

    @Slot(object, object)
    def _on_paths_expanded(self, expanded: object, error: BaseException | None) -> None:
        if error is not None or not isinstance(expanded, tuple):
            self.services.messages.error(describe_error(error or RuntimeError("no files")))
            return
        expansion, paths = expanded
        given = self._expanding.pop(expansion, [])
        if given and not paths:
            self.services.messages.warning("No audio or video files were found there.")
        for path in paths:
            self._add_job(path)
        self._save_queue()  # once for the whole folder, not once a file

    @Slot(int, object)
    def _on_files_finished(self, job_id: int, transcript: Transcript) -> None:
        path, kind = self._queued.pop(job_id, (None, "file"))
        self._save_queue()
        recording = path if kind == "recovered" else None
        document = Document(transcript, kind, recording)
        self.finished[job_id] = document
        self._documents.store(document)
        self.job_done.emit(job_id, summary(transcript))
        if self._documents.document is None:
            self._documents.show(document)

    @Slot(int, str)
    def _on_files_failed(self, job_id: int, _reason: str) -> None:
        self._on_files_cancelled(job_id)

    @Slot(int)
    def _on_files_cancelled(self, job_id: int) -> None:
        self._queued.pop(job_id, None)
        self._save_queue()

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
            self._documents.show(document_from_entry(entry), clean=False)

    @Slot(object, object)
    def _on_entry_to_clean(self, found: object, error: BaseException | None) -> None:
        if error is not None or not isinstance(found, tuple):
            self.services.messages.error(describe_error(error or RuntimeError("not found")))
            return
        entry, preset = found
        if isinstance(entry, Entry):
            document = document_from_entry(entry)
            document.result = None
            self._documents.show(document, clean=False)
            self._documents.clean(document, preset)

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
    def _on_documents_history_changed(self) -> None:
        self.search(self._query)
