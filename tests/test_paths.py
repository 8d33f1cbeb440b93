"""Dictara's folders and files are created user-only, whatever the umask."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.paths import private_dir, private_file, write_private


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_folder_created_is_user_only(tmp_path: Path) -> None:
    private_dir(tmp_path / "a" / "b" / "c")
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a/b/c")] == \
        [0o700] * 3
    assert mode(tmp_path) != 0o700 or tmp_path.stat().st_uid == os.getuid()  # not ours


def test_files_are_user_only_and_writes_leave_no_tmp(tmp_path: Path) -> None:
    target = tmp_path / "data" / "queued-files.json"
    write_private(target, b"[]")
    assert (mode(target), target.read_bytes()) == (0o600, b"[]")
    assert private_file(tmp_path / "data" / "x.db").stat().st_size == 0
    assert mode(tmp_path / "data" / "x.db") == 0o600
    with pytest.raises(IsADirectoryError):
        write_private(tmp_path / "data", b"x")  # a folder is in the way
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["queued-files.json",
                                                                     "x.db"]
