"""History: SQLite with FTS5, private file, raw text first, cleanup later."""

import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.engine.cleanup import CleanupResult
from desktop.engine.history import History, HistoryError
from desktop.engine.transcript import Segment, Transcript


def transcript(text: str, source: str = "/rec/1.wav") -> Transcript:
    return Transcript(source, 3.5, "en", "tiny.en", (Segment(0.0, 3.5, text),))


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    store = History(tmp_path / "data" / "history.sqlite3")
    yield store
    store.close()


def test_raw_then_cleaned(history: History) -> None:
    entry_id = history.add(transcript("um so the meeting is at noon"), "dictation",
                           recording=Path("/rec/1.wav"))
    first = history.get(entry_id)
    assert first is not None and first.raw == "um so the meeting is at noon"
    assert first.cleaned is None and first.recording == Path("/rec/1.wav")
    history.set_cleaned(entry_id, CleanupResult(
        raw=first.raw, cleaned="So the meeting is at noon.", backend="rules", model=None,
        fallback_reason="Ollama is not running.", ms=3.0))
    second = history.get(entry_id)
    assert second is not None and second.cleaned == "So the meeting is at noon."
    assert second.backend == "rules" and second.fallback_reason == "Ollama is not running."
    assert second.segments == (Segment(0.0, 3.5, "um so the meeting is at noon"),)


def test_search_matches_prefixes_and_is_safe(history: History) -> None:
    a = history.add(transcript("Quarterly budget review on Friday"), "dictation")
    b = history.add(transcript("Lunch with Maria", source="/files/maria.mp3"), "file")
    assert [e.id for e in history.search("budg")] == [a]
    assert [e.id for e in history.search("maria")] == [b]
    assert [e.id for e in history.search("friday quarterly")] == [a]
    assert history.search('" OR raw:* NEAR(') == []
    assert [e.id for e in history.search("  ")] == [b, a]


def test_search_sees_cleaned_text_and_forgets_deleted(history: History) -> None:
    entry_id = history.add(transcript("uh ship it"), "dictation")
    history.set_cleaned(entry_id, CleanupResult("uh ship it", "Ship it tomorrow.", "ollama",
                                                "llama3.2:3b", None, 10.0))
    assert [e.id for e in history.search("tomorrow")] == [entry_id]
    history.delete(entry_id)
    assert history.search("tomorrow") == [] and history.get(entry_id) is None


def test_file_is_private(history: History) -> None:
    assert stat.S_IMODE(history.path.stat().st_mode) == 0o600


def test_many_threads_write(history: History) -> None:
    def write(n: int) -> None:
        for i in range(20):
            history.add(transcript(f"thread {n} line {i}"), "file")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(history.recent(limit=1000)) == 80


def test_unwritable_database_is_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(HistoryError) as info:
        History(blocker / "history.sqlite3")
    assert "free some disk space" in str(info.value) and "\n" not in str(info.value)


def test_unknown_kind(history: History) -> None:
    with pytest.raises(ValueError, match="dictation, file"):
        history.add(transcript("x"), "memo")


def test_full_disk_is_one_sentence_and_keeps_earlier_entries(history: History) -> None:
    kept = history.add(transcript("before the disk filled up"), "dictation")
    # SQLite reports a page limit exactly as it reports a full disk (SQLITE_FULL).
    history._db.execute("PRAGMA max_page_count = 20")
    with pytest.raises(HistoryError, match="full") as info:
        history.add(transcript("word " * 50_000), "dictation")
    assert "free some disk space" in str(info.value)
    entry = history.get(kept)
    assert entry is not None and entry.raw == "before the disk filled up"


def test_a_damaged_file_is_kept_aside_and_replaced_once(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"my old history, damaged " * 100)
    told: list[str] = []
    store = History(path, on_replaced=told.append)
    store.add(transcript("after the damage"), "dictation")
    (kept,) = tmp_path.glob("history.sqlite3.corrupt-*")
    assert kept.read_bytes() == b"my old history, damaged " * 100
    assert len(told) == 1 and str(kept) in told[0]
    assert [e.raw for e in store.recent()] == ["after the damage"]
    store.close()


def test_damage_found_while_writing_is_replaced_too(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = History(path)
    for n in range(200):
        store.add(transcript(f"entry {n} " * 20), "file")
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[:4096] + b"\0" * 8192 + data[12288:])  # pages zeroed, header fine
    told: list[str] = []
    store = History(path, on_replaced=told.append)
    store.add(transcript("new"), "dictation")
    assert [e.raw for e in store.recent()] == ["new"] and len(told) == 1
    store.close()


def test_a_reader_never_moves_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"damaged " * 100)
    with pytest.raises(HistoryError, match="damaged"):
        History(path, read_only=True)
    assert list(tmp_path.iterdir()) == [path]
