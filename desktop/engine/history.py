"""The history of dictations and file transcriptions, in SQLite with FTS5 search.

The raw transcript is stored the moment it exists; the cleaned text is added when (and
if) cleanup finishes, so nothing captured is lost whatever the LLM does. Other processes
(the ``dictara history`` command) may read it while the app writes: the file is in WAL mode,
so readers and the one writer do not block each other.

A damaged file is never given up on silently, nor deleted: a writer that meets one moves
it aside (``history.sqlite3.corrupt-<time>``, its WAL beside it, for salvage), starts a
new, empty history, and says so once through its ``on_replaced`` callback.
"""

import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from desktop.engine.cleanup import CleanupResult
from desktop.engine.transcript import Segment, Transcript
from desktop.paths import private_file

KINDS = ("dictation", "file", "recovered")
# Primary SQLite result codes (the low byte of an extended code) that get their own error.
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
# SQLite's companion files, moved aside with a damaged database (the WAL may hold its
# newest entries).
_COMPANIONS = ("-wal", "-shm", "-journal")
_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    created TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    duration REAL NOT NULL,
    language TEXT NOT NULL,
    model TEXT NOT NULL,
    raw TEXT NOT NULL,
    segments TEXT NOT NULL,
    cleaned TEXT,
    backend TEXT,
    cleanup_model TEXT,
    fallback_reason TEXT,
    recording TEXT
);
CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5(
    raw, cleaned, source, content='entries', content_rowid='id'
);
CREATE TRIGGER IF NOT EXISTS entries_ai AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts(rowid, raw, cleaned, source)
    VALUES (new.id, new.raw, new.cleaned, new.source);
END;
CREATE TRIGGER IF NOT EXISTS entries_ad AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts(entries_fts, rowid, raw, cleaned, source)
    VALUES ('delete', old.id, old.raw, old.cleaned, old.source);
END;
CREATE TRIGGER IF NOT EXISTS entries_au AFTER UPDATE ON entries BEGIN
    INSERT INTO entries_fts(entries_fts, rowid, raw, cleaned, source)
    VALUES ('delete', old.id, old.raw, old.cleaned, old.source);
    INSERT INTO entries_fts(rowid, raw, cleaned, source)
    VALUES (new.id, new.raw, new.cleaned, new.source);
END;
PRAGMA user_version = 1;
"""
_COLUMNS = ("id, created, kind, source, duration, language, model, raw, segments, cleaned, "
            "backend, cleanup_model, fallback_reason, recording")


class Error(Exception):
    """Base class for history errors."""


class HistoryError(Error):
    """The history database could not be read or written."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return (f"The history at {self.path} could not be saved or read ({self.reason}); "
                "free some disk space or check the folder's permissions. "
                "The text is still on screen.")


class HistoryBusyError(HistoryError):
    """Another connection kept the history database locked for longer than the timeout."""

    def __str__(self) -> str:
        return (f"The history at {self.path} stayed locked by another Dictara process or "
                f"program ({self.reason}); try again in a moment.")


class HistoryCorruptError(HistoryError):
    """The history file is not an SQLite database, or its pages are damaged."""

    def __str__(self) -> str:
        return (f"The history at {self.path} is damaged ({self.reason}); the next Dictara "
                "that stores a dictation keeps it aside and starts a new, empty history.")


def replaced_message(path: Path, reason: str, kept_as: Path) -> str:
    """Return the sentence that tells the user a damaged history was replaced."""
    return (f"The history at {path} was damaged ({reason}), so Dictara kept it as {kept_as} "
            "and started a new, empty history; new dictations are stored again.")


@dataclass(frozen=True)
class Entry:
    """One stored dictation or file result.

    Attributes:
        id: the row id.
        created: when it was stored (UTC).
        kind: "dictation", "file" or "recovered" (a dictation that was cut off by a crash
            and transcribed from its recording afterwards).
        source: the file transcribed, or the recording of a dictation.
        duration: seconds of audio.
        language: language code.
        model: the Whisper model's name.
        raw: the transcript as Whisper gave it.
        segments: timed spans of the raw transcript.
        cleaned: the cleaned text, once cleanup has run.
        backend: "ollama" or "rules", once cleanup has run.
        cleanup_model: the Ollama model that cleaned it.
        fallback_reason: why the rule-based cleanup was shown instead, if it was.
        recording: the dictation's audio file, while retention keeps it.
    """

    id: int
    created: datetime
    kind: str
    source: str
    duration: float
    language: str
    model: str
    raw: str
    segments: tuple[Segment, ...]
    cleaned: str | None
    backend: str | None
    cleanup_model: str | None
    fallback_reason: str | None
    recording: Path | None


class History:
    """The history store. Thread-safe: any thread may call any method.

    Attributes:
        path: the SQLite file (readable by the user only).
    """

    def __init__(self, path: Path, *, read_only: bool = False, timeout: float = 5.0,
                 on_replaced: Callable[[str], None] | None = None) -> None:
        """Open the store, creating the file and its tables unless ``read_only``.

        Args:
            path: the SQLite file.
            read_only: open an existing file without creating or changing anything, for a
                reader in another process while the app has it open. A file without the
                tables (created but never written) reads as empty.
            timeout: seconds to wait for another connection's lock before giving up.
            on_replaced: told one sentence (on the calling thread) when a damaged file was
                moved aside and a new history started; never called when ``read_only``.

        Raises:
            HistoryBusyError: another connection kept the file locked for ``timeout``.
            HistoryCorruptError: read-only only: the file is damaged.
            HistoryError: the file could not be created or opened (read-only: it is missing).
        """
        self.path = path
        self._lock = threading.Lock()
        self._empty = False
        self._read_only = read_only
        self._timeout = timeout
        self._on_replaced = on_replaced
        if read_only:
            with self._errors():
                self._db = _connect(f"{path.absolute().as_uri()}?mode=ro", timeout)
                self._empty = not _has_entries(self._db)
            return
        try:
            with self._errors():
                self._db = _open_writable(path, timeout)
        except HistoryCorruptError as e:
            self._db = self._replace(e)

    def add(self, transcript: Transcript, kind: str, recording: Path | None = None) -> int:
        """Store a raw transcript and return its id.

        Args:
            transcript: the raw result.
            kind: one of :data:`KINDS`.
            recording: the dictation's audio file, if it is kept.

        Raises:
            ValueError: an unknown kind.
            HistoryError: the database could not be written (disk full, permissions).
        """
        if kind not in KINDS:
            raise ValueError(f"Unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        segments = json.dumps([[s.start, s.end, s.text] for s in transcript.segments])
        row = (datetime.now(UTC).isoformat(), kind, transcript.source, transcript.duration,
               transcript.language, transcript.model, transcript.text, segments,
               str(recording) if recording else None)
        return self._run(lambda db: int(db.execute(
            "INSERT INTO entries (created, kind, source, duration, language, model, raw, "
            "segments, recording) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row).lastrowid or 0))

    def set_cleaned(self, entry_id: int, result: CleanupResult) -> None:
        """Store the cleanup's result beside the raw text."""
        self._run(lambda db: db.execute(
            "UPDATE entries SET cleaned = ?, backend = ?, cleanup_model = ?, "
            "fallback_reason = ? WHERE id = ?",
            (result.cleaned, result.backend, result.model, result.fallback_reason, entry_id)))

    def get(self, entry_id: int) -> Entry | None:
        """Return one entry, or None if it was deleted."""
        rows = self._select(f"SELECT {_COLUMNS} FROM entries WHERE id = ?", (entry_id,))
        return rows[0] if rows else None

    def recent(self, limit: int = 200) -> list[Entry]:
        """Return the newest entries first."""
        return self._select(f"SELECT {_COLUMNS} FROM entries ORDER BY id DESC LIMIT ?",
                            (limit,))

    def search(self, query: str, limit: int = 200) -> list[Entry]:
        """Return entries whose text or source matches every word of ``query``, newest first.

        Each word is matched as a prefix and quoted, so user text can never be
        FTS5 syntax. An empty query returns :meth:`recent`.
        """
        words = [w.replace('"', '""') for w in query.split()]
        if not words:
            return self.recent(limit)
        match = " ".join(f'"{w}"*' for w in words)
        return self._select(
            f"SELECT {_COLUMNS} FROM entries WHERE id IN "
            "(SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?) ORDER BY id DESC LIMIT ?",
            (match, limit))

    def delete(self, entry_id: int) -> None:
        """Remove an entry (its recording file is left to the caller)."""
        self._run(lambda db: db.execute("DELETE FROM entries WHERE id = ?", (entry_id,)))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def _select(self, sql: str, params: tuple[object, ...]) -> list[Entry]:
        if self._empty:
            return []
        return self._run(lambda db: [_entry(row) for row in db.execute(sql, params).fetchall()])

    def _run(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work`` on the connection; a writer replaces a damaged file and retries."""
        with self._lock:
            try:
                with self._errors():
                    return work(self._db)
            except HistoryCorruptError as e:
                if self._read_only:
                    raise
                self._db.close()
                self._db = self._replace(e)
                with self._errors():
                    return work(self._db)

    def _replace(self, damage: HistoryCorruptError) -> sqlite3.Connection:
        """Move the damaged file (and its WAL) aside, open a new one, and say so once."""
        kept_as = self.path.with_name(
            f"{self.path.name}.corrupt-{datetime.now():%Y%m%d-%H%M%S-%f}")
        with self._errors():
            for suffix in _COMPANIONS:
                companion = self.path.with_name(self.path.name + suffix)
                if companion.exists():
                    companion.rename(kept_as.with_name(kept_as.name + suffix))
            self.path.rename(kept_as)
            db = _open_writable(self.path, self._timeout)
        if self._on_replaced is not None:
            self._on_replaced(replaced_message(self.path, damage.reason, kept_as))
        return db

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as e:
            raise _error_class(e)(self.path, str(e) or type(e).__name__) from e
        except OSError as e:
            raise HistoryError(self.path, str(e) or type(e).__name__) from e


def _connect(database: Path | str, timeout: float) -> sqlite3.Connection:
    """Open a connection in autocommit mode; a string is an SQLite ``file:`` URI."""
    return sqlite3.connect(database, timeout=timeout, check_same_thread=False,
                           isolation_level=None, uri=isinstance(database, str))


def _open_writable(path: Path, timeout: float) -> sqlite3.Connection:
    """Create (user-only) or open the file in WAL mode with its tables; closes on failure."""
    private_file(path)
    db = _connect(path, timeout)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
    except sqlite3.Error:
        db.close()
        raise
    return db


def _has_entries(db: sqlite3.Connection) -> bool:
    """Return whether the entries table exists; closes ``db`` if reading it fails."""
    try:
        row = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'entries'").fetchone()
    except sqlite3.Error:
        db.close()
        raise
    return row is not None


def _error_class(error: sqlite3.Error) -> type[HistoryError]:
    """Return the history error that describes an SQLite error."""
    # Errors raised by the sqlite3 module itself (a closed connection) carry no code.
    primary = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if primary in _BUSY_CODES:
        return HistoryBusyError
    if primary in _CORRUPT_CODES:
        return HistoryCorruptError
    return HistoryError


def _entry(row: tuple[object, ...]) -> Entry:
    (id_, created, kind, source, duration, language, model, raw, segments, cleaned, backend,
     cleanup_model, fallback_reason, recording) = row
    spans = tuple(Segment(float(a), float(b), str(t)) for a, b, t in json.loads(str(segments)))
    return Entry(
        id=int(str(id_)), created=datetime.fromisoformat(str(created)), kind=str(kind),
        source=str(source), duration=float(str(duration)), language=str(language),
        model=str(model), raw=str(raw), segments=spans,
        cleaned=None if cleaned is None else str(cleaned),
        backend=None if backend is None else str(backend),
        cleanup_model=None if cleanup_model is None else str(cleanup_model),
        fallback_reason=None if fallback_reason is None else str(fallback_reason),
        recording=Path(str(recording)) if recording else None,
    )
