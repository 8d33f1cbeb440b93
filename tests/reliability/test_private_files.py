"""Everything Dictara writes is the user's alone: folders 0o700, files 0o600 (POSIX).

The commands run with the common umask 0o022, under which a plain mkdir or open would
make folders 0o755 and files 0o644; the modes checked are the real ones on disk.
"""

import stat
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR
from tests.reliability.faults import kill_when_ready, run

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
CLIP = DATA_DIR / "LJ001-0001.wav"


def modes(home: Path) -> dict[str, str]:
    """Return every path under ``home`` (itself included) with its permission bits."""
    return {str(p.relative_to(home.parent)): oct(stat.S_IMODE(p.lstat().st_mode))
            for p in [home, *home.rglob("*")]}


def test_everything_dictara_writes_is_user_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run("config", "set", "ui.theme", "dark", home=home).code == 0
    dictated = run(str(CLIP), "--seconds", "1", home=home,
                   module="tests.reliability.fake_mic_dictate")
    assert dictated.code == 0, dictated.err
    kill_when_ready([sys.executable, "-m", "tests.reliability.crash_spool", str(CLIP)],
                    "ready", home)
    assert run("recover", home=home).code == 0

    found = modes(home)

    expected = {path: "0o700" if (tmp_path / path).is_dir() else "0o600" for path in found}
    assert found == expected
    for name in ("home/config/config.toml", "home/data/history.sqlite3",
                 "home/data/recordings"):
        assert name in found


def test_folders_an_older_version_left_open_are_closed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True, mode=0o755)
    (home / "config").chmod(0o755)

    assert run("config", "set", "ui.theme", "dark", home=home).code == 0

    assert modes(home)["home/config"] == "0o700"
