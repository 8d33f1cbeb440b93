"""What every subcommand needs: the app's paths and its validated settings."""

import sys
from dataclasses import dataclass

from desktop.config import Settings, SettingsFile
from desktop.engine.vocabulary import FileError, Vocabulary, VocabularyFile
from desktop.paths import AppPaths


@dataclass
class Context:
    """Paths and settings, loaded once per command.

    Attributes:
        paths: where the app keeps its files.
        settings_file: the TOML file the settings came from.
        settings: the validated settings.
    """

    paths: AppPaths
    settings_file: SettingsFile
    settings: Settings

    @classmethod
    def load(cls) -> "Context":
        """Load the settings, printing any rejected value as a warning on stderr."""
        paths = AppPaths.default()
        settings_file = SettingsFile(paths.config_file)
        settings = settings_file.load()
        for problem in settings_file.problems:
            print(f"warning: {problem}", file=sys.stderr)
        return cls(paths, settings_file, settings)

    def vocabulary(self) -> Vocabulary:
        """Return the user's vocabulary; an unreadable file is a warning and none is used."""
        try:
            return VocabularyFile.beside(self.paths.config_file).load()
        except FileError as e:
            print(f"warning: {e} Going on without the vocabulary.", file=sys.stderr)
            return Vocabulary()


def error(message: str) -> None:
    """Print one user-facing error line on stderr."""
    print(f"error: {message}", file=sys.stderr)
