"""``dictara history``: newest first, search, limit, JSON lines, read while the app writes."""

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from desktop.cli import history_cmd, main
from desktop.engine.cleanup import CleanupResult
from desktop.engine.history import History
from desktop.engine.transcript import Segment, Transcript
from desktop.paths import AppPaths

JSON_KEYS = {"id", "created", "kind", "source", "duration", "language", "model", "raw",
             "cleaned"}


def transcript(text: str, source: str = "/rec/1.wav", duration: float = 3.5) -> Transcript:
    return Transcript(source, duration, "en", "tiny.en", (Segment(0.0, duration, text),))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    """Run ``dictara history ARGS`` in this process; return the code, stdout lines, stderr."""
    code = main(["history", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def assert_one_error_line(err: str, *expected: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for text in expected:
        assert text in lines[0]


@pytest.fixture
def db_path() -> Path:
    """Where the command looks, under the test's DICTARA_HOME."""
    return AppPaths.default().history_db


@pytest.fixture
def history(db_path: Path) -> Iterator[History]:
    """The app's store, left open (as the running app leaves it) until the test ends."""
    store = History(db_path)
    yield store
    store.close()


@pytest.fixture
def three(history: History) -> list[int]:
    """A file, a cleaned dictation and a recovered dictation, in that order."""
    ids = [history.add(transcript("Quarterly budget review", "/files/budget.mp3", 1834.0),
                       "file"),
           history.add(transcript("um send the report to maria"), "dictation",
                       recording=Path("/rec/2.wav")),
           history.add(transcript("lunch on friday", "/rec/3.wav", 12.0), "recovered")]
    history.set_cleaned(ids[1], CleanupResult("um send the report to maria",
                                              "Send the report to Maria.", "rules", None, None,
                                              1.0))
    return ids


def test_lists_newest_first_with_time_kind_duration_and_text(
        history: History, three: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = run(capsys)
    assert code == 0 and err == ""
    assert len(lines) == 3
    assert "recovered" in lines[0] and "0:12" in lines[0] and lines[0].endswith("lunch on friday")
    assert "dictation" in lines[1] and "0:04" in lines[1]
    assert lines[1].endswith("Send the report to Maria.") and "um send" not in lines[1]
    assert "file" in lines[2] and "30:34" in lines[2]
    assert lines[2].endswith("Quarterly budget review")
    entry = history.get(three[0])
    assert entry is not None
    assert lines[2].startswith(entry.created.astimezone().strftime("%Y-%m-%d %H:%M"))


def test_long_text_is_shortened_to_one_line(history: History, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    history.add(transcript("first line\nsecond line " + "and more words " * 40), "dictation")
    code, lines, _ = run(capsys)
    assert code == 0 and len(lines) == 1
    assert len(lines[0]) <= 80 and lines[0].endswith("…")
    assert "first line second line and more" in lines[0]


def test_search_uses_full_text_search(three: list[int],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _, lines, _ = run(capsys, "--search", "budg", "--json")
    assert [json.loads(line)["id"] for line in lines] == [three[0]]
    _, lines, _ = run(capsys, "--search", "MARIA")  # matches the cleaned text too
    assert len(lines) == 1 and lines[0].endswith("Send the report to Maria.")
    code, lines, err = run(capsys, "--search", "nothing like this")
    assert code == 0 and lines == [] and err == ""


def test_limit_keeps_the_newest(three: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    _, lines, _ = run(capsys, "--limit", "2", "--json")
    assert [json.loads(line)["id"] for line in lines] == [three[2], three[1]]


def test_default_limit(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(history_cmd.DEFAULT_LIMIT + 5):
        history.add(transcript(f"note {i}"), "dictation")
    _, lines, _ = run(capsys)
    assert len(lines) == history_cmd.DEFAULT_LIMIT
    assert lines[0].endswith(f"note {history_cmd.DEFAULT_LIMIT + 4}")


def test_json_lines_have_exactly_the_documented_keys(
        history: History, three: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, "--json")
    assert code == 0
    records = [json.loads(line) for line in lines]
    assert all(set(r) == JSON_KEYS for r in records)
    recovered, dictation, file = records
    assert file == {"id": three[0], "created": file["created"], "kind": "file",
                    "source": "/files/budget.mp3", "duration": 1834.0, "language": "en",
                    "model": "tiny.en", "raw": "Quarterly budget review", "cleaned": None}
    assert dictation["cleaned"] == "Send the report to Maria."
    assert dictation["raw"] == "um send the report to maria"
    assert recovered["kind"] == "recovered" and recovered["source"] == "/rec/3.wav"
    created = datetime.fromisoformat(file["created"])
    assert created.utcoffset() is not None
    entry = history.get(three[0])
    assert entry is not None and created == entry.created


def test_recovered_kind_round_trips(history: History) -> None:
    entry_id = history.add(transcript("cut off by a crash"), "recovered",
                           recording=Path("/rec/9.wav"))
    entry = history.get(entry_id)
    assert entry is not None and entry.kind == "recovered"
    assert [e.kind for e in history.search("crash")] == ["recovered"]
    with pytest.raises(ValueError, match="recovered"):
        history.add(transcript("x"), "memo")


def test_reads_while_the_app_has_the_database_open_and_is_writing(
        history: History, three: list[int], db_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(history_cmd, "BUSY_TIMEOUT", 0.2)  # fail fast rather than wait
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM entries")  # not committed: readers still see every entry
        code, lines, err = run(capsys, "--json")
        assert code == 0, err
        assert [json.loads(line)["id"] for line in lines] == three[::-1]
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    newer = history.add(transcript("written after the command read"), "dictation")
    _, lines, _ = run(capsys, "--json", "--limit", "1")
    assert json.loads(lines[0])["id"] == newer


def test_missing_database_prints_nothing_and_creates_nothing(
        db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in ((), ("--json",), ("--search", "x")):
        code, lines, err = run(capsys, *args)
        assert (code, lines, err) == (0, [], "")
    assert not db_path.exists()


def test_empty_file_is_an_empty_history(db_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")
    assert run(capsys, "--json") == (0, [], "")


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_limit_below_one_is_a_usage_error(limit: str, three: list[int],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = run(capsys, "--limit", limit)
    assert code == 2 and lines == []
    assert_one_error_line(err, "--limit", "1 or more", limit)


def test_limit_that_is_not_a_number_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = run(capsys, "--limit", "many")
    assert code == 2 and lines == [] and "--limit" in err and "Traceback" not in err


def test_locked_database_is_one_sentence(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(history_cmd, "BUSY_TIMEOUT", 0.1)
    store = History(db_path)
    store.add(transcript("kept out"), "dictation")
    store.close()  # an exclusive lock needs the only connection
    locker = sqlite3.connect(db_path, isolation_level=None)
    try:
        # An exclusive locking mode keeps even WAL readers out until the connection closes.
        locker.execute("PRAGMA locking_mode = EXCLUSIVE")
        locker.execute("UPDATE entries SET model = model")
        code, lines, err = run(capsys)
    finally:
        locker.close()
    assert code == 1 and lines == []
    assert_one_error_line(err, str(db_path), "locked", "try again")


def _damage_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # keep the header and schema page only
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(b"these are not the bytes of an SQLite database " * 100),
    _damage_pages,
], ids=["not-sqlite", "damaged-pages"])
def test_corrupt_database_is_one_sentence(db_path: Path, damage: object,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    store = History(db_path)
    for i in range(50):
        store.add(transcript(f"entry number {i} " * 40), "dictation")
    store.close()
    damage(db_path)  # type: ignore[operator]
    for args in ((), ("--search", "entry")):
        code, lines, err = run(capsys, *args)
        assert code == 1 and lines == []
        assert_one_error_line(err, str(db_path), "damaged")
