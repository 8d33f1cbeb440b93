"""Where Dictara keeps its files.

Every file the app writes lives under platformdirs' per-user folders, or under one
folder named by the ``DICTARA_HOME`` environment variable (portable installs, tests).
Those files hold what the user said, so they are the user's alone: every folder Dictara
creates is made with :func:`private_dir` (0o700) and every file with :func:`private_file`
or :func:`write_private` (0o600), whatever the umask. On Windows the modes are ignored and
the per-user folders' own permissions apply.
"""

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Dictara"
HOME_ENV = "DICTARA_HOME"
DIR_MODE = 0o700
FILE_MODE = 0o600


@dataclass(frozen=True)
class AppPaths:
    """The folders and files Dictara writes.

    Attributes:
        config_file: the settings file (TOML).
        profiles_file: the per-app profiles (TOML, next to the settings).
        data_dir: root of history, models and recordings.
        models_dir: Whisper models installed by the user.
        recordings_dir: dictation spools and kept recordings (user-only).
        history_db: the SQLite history database.
        log_dir: log files.
    """

    config_file: Path
    profiles_file: Path
    data_dir: Path
    models_dir: Path
    recordings_dir: Path
    history_db: Path
    log_dir: Path

    @classmethod
    def default(cls) -> "AppPaths":
        """Return the paths for this user, honouring ``DICTARA_HOME``."""
        home = os.environ.get(HOME_ENV)
        if home:
            root = Path(home).expanduser()
            return cls.under(root / "config", root / "data", root / "logs")
        return cls.under(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @classmethod
    def under(cls, config_dir: Path, data_dir: Path, log_dir: Path) -> "AppPaths":
        """Lay the standard file names out under three folders."""
        return cls(
            config_file=config_dir / "config.toml",
            profiles_file=config_dir / "profiles.toml",
            data_dir=data_dir,
            models_dir=data_dir / "models",
            recordings_dir=data_dir / "recordings",
            history_db=data_dir / "history.sqlite3",
            log_dir=log_dir,
        )


def private_dir(folder: Path) -> Path:
    """Create ``folder`` and any missing parents as user-only (0o700); return it.

    A folder that already exists keeps its parents as they are, but is itself made
    user-only: it is one of Dictara's (an older version may have made it 0o755). Any thread.

    Raises:
        OSError: a folder cannot be created (a file is in the way, permissions, disk full).
    """
    ours = [folder, *(p for p in folder.parents if not p.exists())]
    for path in reversed(ours):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, DIR_MODE)
        path.chmod(DIR_MODE)  # the umask may have taken bits away from mkdir's mode
    return folder


def private_file(path: Path) -> Path:
    """Create ``path`` empty if it does not exist, user-only (0o600), in a private folder.

    An existing file keeps its content and is made user-only. Any thread.

    Raises:
        OSError: the file or its folder cannot be created.
    """
    private_dir(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    path.chmod(FILE_MODE)
    return path


def make_private(folder: Path) -> None:
    """Make ``folder`` and everything in it user-only (0o700 folders, 0o600 files).

    Raises:
        OSError: something in it cannot be changed.
    """
    folder.chmod(DIR_MODE)
    for path in folder.rglob("*"):
        path.chmod(DIR_MODE if path.is_dir() else FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, user-only, in a private folder.

    The data goes to ``<name>.tmp`` first, is flushed to disk, and then renamed over
    ``path``; if anything fails the temporary file is removed and ``path`` is untouched.
    Any thread.

    Raises:
        OSError: the folder or the file cannot be written (permissions, disk full).
    """
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        tmp.chmod(FILE_MODE)  # a leftover tmp file keeps its old mode through O_CREAT
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
