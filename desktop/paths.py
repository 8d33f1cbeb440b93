"""Where Dictara keeps its files.

Every file the app writes lives under platformdirs' per-user folders, or under one
folder named by the ``DICTARA_HOME`` environment variable (portable installs, tests).
"""

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Dictara"
HOME_ENV = "DICTARA_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The folders and files Dictara writes.

    Attributes:
        config_file: the settings file (TOML).
        data_dir: root of history, models and recordings.
        models_dir: Whisper models installed by the user.
        recordings_dir: dictation spools and kept recordings (user-only).
        history_db: the SQLite history database.
        log_dir: log files.
    """

    config_file: Path
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
            data_dir=data_dir,
            models_dir=data_dir / "models",
            recordings_dir=data_dir / "recordings",
            history_db=data_dir / "history.sqlite3",
            log_dir=log_dir,
        )
