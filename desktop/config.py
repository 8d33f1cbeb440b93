"""Dictara's settings: one schema, one TOML file, shared by the CLI and the GUI.

Every setting has a dotted key (``whisper.model``), a type, a default, and a check.
Loading never fails on a bad value: the value is reported and replaced by its default.
The engine never sees this object; callers turn it into the engine's option dataclasses.
"""

import dataclasses
import logging
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli_w

from desktop.paths import write_private

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1

WHISPER_DEVICES = ("auto", "cpu", "cuda")
COMPUTE_TYPES = (
    "int8", "auto", "default", "int8_float32", "int8_float16", "int8_bfloat16",
    "int16", "float16", "bfloat16", "float32",
)
CLEANUP_PRESETS = ("clean", "email", "notes", "verbatim", "custom")
HOTKEY_MODES = ("toggle", "push_to_talk")
PASTE_MODES = ("cleaned", "raw", "off")
THEMES = ("system", "light", "dark")


class Error(Exception):
    """Base class for settings errors."""


class UnknownKeyError(Error):
    """A dotted key that names no setting."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key

    def __str__(self) -> str:
        return f"There is no setting named {self.key!r}; `dictara config list` shows them all."


class InvalidValueError(Error):
    """A value a setting does not accept."""

    def __init__(self, key: str, value: object, reason: str) -> None:
        super().__init__(key, value, reason)
        self.key, self.value, self.reason = key, value, reason

    def __str__(self) -> str:
        return f"{self.value!r} is not a valid value for {self.key}: {self.reason}."


def _choices(*allowed: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in allowed else "use one of " + ", ".join(allowed)

    return check


def _at_least(low: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value >= low else f"it must be {low} or more"

    return check


def _between(low: float, high: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"it must be between {low} and {high}"

    return check


def _language(value: Any) -> str | None:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    if value == "" or value in _LANGUAGE_CODES:
        return None
    return "use a two-letter language code such as en, de or fr, or leave it empty to detect"


def _hotkey(value: Any) -> str | None:
    parts = [p for p in str(value).split("+") if p]
    if not parts or any(p.startswith("<") != p.endswith(">") for p in parts):
        return "write it like <ctrl>+<alt>+<space>"
    return None


def _hotkey_or_off(value: Any) -> str | None:
    return None if value == "" else _hotkey(value)


def _ollama_host(value: Any) -> str | None:
    from desktop.engine.cleanup.host import normalise_host

    if value == "":
        return None
    try:
        normalise_host(str(value))
    except ValueError:
        return "write it like http://127.0.0.1:11434"
    return None


def _setting(default: Any, doc: str, check: Callable[[Any], str | None] | None = None) -> Any:
    return field(default=default, metadata={"doc": doc, "check": check})


@dataclass(frozen=True)
class WhisperSettings:
    """Speech recognition (faster-whisper)."""

    model: str = _setting(
        "", "Model folder path or size name (tiny.en, base.en, small ...); empty = bundled tiny.en"
    )
    device: str = _setting(
        "auto", "Where Whisper runs: auto, cpu or cuda", _choices(*WHISPER_DEVICES)
    )
    compute_type: str = _setting("int8", "CTranslate2 compute type", _choices(*COMPUTE_TYPES))
    threads: int = _setting(0, "CPU threads for Whisper; 0 = automatic", _at_least(0))
    language: str = _setting("", "Language code such as en; empty = detect", _language)
    beam_size: int = _setting(5, "Beam size for decoding (1 = greedy)", _between(1, 10))
    vad: bool = _setting(True, "Skip non-speech with Silero VAD")
    unload_after: float = _setting(
        600.0, "Seconds without use after which the model is freed (loaded again at the next "
        "use); 0 = never", _at_least(0))


@dataclass(frozen=True)
class DictationSettings:
    """Live dictation from the window or the hotkey."""

    stop_after_silence: float = _setting(
        0.0, "Stop by itself after this many seconds without speech, once speech was heard; "
        "0 = off", _between(0, 600))


@dataclass(frozen=True)
class AudioSettings:
    """Microphone capture."""

    device: str = _setting("", "Input device name or index; empty = system default")


@dataclass(frozen=True)
class RecordingsSettings:
    """Dictation recordings on disk."""

    keep_days: int = _setting(
        30, "Days to keep recordings; 0 = delete once transcribed, -1 = forever", _at_least(-1)
    )


@dataclass(frozen=True)
class OllamaSettings:
    """The local LLM used for cleanup."""

    host: str = _setting(
        "", "Ollama server URL; empty = $OLLAMA_HOST or http://127.0.0.1:11434", _ollama_host
    )
    model: str = _setting("llama3.2:3b", "Ollama model used for cleanup")
    allow_remote: bool = _setting(False, "Allow sending text to an Ollama server on another host")
    timeout: float = _setting(30.0, "Seconds to wait for a short cleanup", _between(1, 600))
    keep_alive: str = _setting("10m", "How long Ollama keeps the model loaded after use")


@dataclass(frozen=True)
class CleanupSettings:
    """How transcripts are cleaned."""

    enabled: bool = _setting(True, "Clean transcripts after dictation")
    preset: str = _setting("clean", "Cleanup style", _choices(*CLEANUP_PRESETS))
    custom_prompt: str = _setting("", "Instructions for the custom preset")


@dataclass(frozen=True)
class HotkeySettings:
    """The global hotkeys: dictation, and editing the selected text by voice."""

    combo: str = _setting("<ctrl>+<alt>+<space>", "Global hotkey (pynput syntax)", _hotkey)
    mode: str = _setting("toggle", "toggle or push_to_talk", _choices(*HOTKEY_MODES))
    edit: str = _setting("<ctrl>+<alt>+e", "Hotkey that rewrites the selected text as you "
                         "say (same mode); empty = off", _hotkey_or_off)


@dataclass(frozen=True)
class PasteSettings:
    """Inserting text into the app that had focus."""

    mode: str = _setting("cleaned", "What to paste after dictation: cleaned, raw or off",
                         _choices(*PASTE_MODES))


@dataclass(frozen=True)
class CommandsSettings:
    """Spoken commands in dictations and `dictara clean` (never in file transcription)."""

    enabled: bool = _setting(True, "Carry out \"new line\", \"new paragraph\" and \"scratch "
                             "that\" when said on their own")
    punctuation: bool = _setting(False, "Also turn \"period\", \"comma\", \"question mark\" "
                                 "and \"colon\" said on their own into punctuation")


@dataclass(frozen=True)
class UiSettings:
    """Look and behaviour of the windows."""

    theme: str = _setting("system", "system, light or dark", _choices(*THEMES))
    sounds: bool = _setting(True, "Play a sound when dictation starts and stops")
    start_at_login: bool = _setting(False, "Start Dictara in the tray at login")


@dataclass(frozen=True)
class Settings:
    """All of Dictara's settings, one frozen dataclass per section."""

    whisper: WhisperSettings = field(default_factory=WhisperSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    dictation: DictationSettings = field(default_factory=DictationSettings)
    recordings: RecordingsSettings = field(default_factory=RecordingsSettings)
    ollama: OllamaSettings = field(default_factory=OllamaSettings)
    cleanup: CleanupSettings = field(default_factory=CleanupSettings)
    hotkey: HotkeySettings = field(default_factory=HotkeySettings)
    paste: PasteSettings = field(default_factory=PasteSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    commands: CommandsSettings = field(default_factory=CommandsSettings)

    def get(self, key: str) -> Any:
        """Return the value of a dotted key such as ``whisper.model``."""
        section, name = _split(key)
        return getattr(getattr(self, section), name)

    def with_value(self, key: str, value: Any) -> "Settings":
        """Return a copy with ``key`` set to ``value`` (a string is parsed).

        Raises:
            UnknownKeyError: the key names no setting.
            InvalidValueError: the value is rejected, with the reason.
        """
        section, name = _split(key)
        spec = _field(section, name)
        parsed = _convert(key, spec, value)
        new_section = dataclasses.replace(getattr(self, section), **{name: parsed})
        return dataclasses.replace(self, **{section: new_section})

    def items(self) -> list[tuple[str, Any, str]]:
        """Return ``(key, value, description)`` for every setting, in schema order."""
        return [(key, self.get(key), doc) for key, doc in describe()]

    def to_toml(self) -> dict[str, Any]:
        """Return the settings as a TOML-ready dictionary."""
        data: dict[str, Any] = {"version": SETTINGS_VERSION}
        data.update(dataclasses.asdict(self))
        return data


_SECTIONS: dict[str, type] = {
    "whisper": WhisperSettings, "audio": AudioSettings, "dictation": DictationSettings,
    "recordings": RecordingsSettings,
    "ollama": OllamaSettings, "cleanup": CleanupSettings, "hotkey": HotkeySettings,
    "paste": PasteSettings, "ui": UiSettings, "commands": CommandsSettings,
}


def describe() -> list[tuple[str, str]]:
    """Return ``(dotted key, description)`` for every setting."""
    return [
        (f"{section}.{f.name}", f.metadata["doc"])
        for section, section_type in _SECTIONS.items()
        for f in dataclasses.fields(section_type)
    ]


def keys() -> list[str]:
    """Return every dotted key."""
    return [key for key, _doc in describe()]


def _split(key: str) -> tuple[str, str]:
    section, _, name = key.partition(".")
    if key not in keys():
        raise UnknownKeyError(key)
    return section, name


def _field(section: str, name: str) -> dataclasses.Field[Any]:
    return {f.name: f for f in dataclasses.fields(_SECTIONS[section])}[name]


def _convert(key: str, spec: dataclasses.Field[Any], value: Any) -> Any:
    kind = type(spec.default)
    if isinstance(value, str) and kind is not str:
        value = _parse_text(key, kind, value)
    elif kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not kind:
        raise InvalidValueError(key, value, f"it must be {_KIND_NAMES[kind]}")
    check = spec.metadata["check"]
    reason = check(value) if check else None
    if reason:
        raise InvalidValueError(key, value, reason)
    return value


def _parse_text(key: str, kind: type, text: str) -> Any:
    text = text.strip()
    if kind is bool:
        lowered = text.lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise InvalidValueError(key, text, "use true or false")
    try:
        return kind(text)
    except ValueError:
        raise InvalidValueError(key, text, f"it must be {_KIND_NAMES[kind]}") from None


_KIND_NAMES = {int: "a whole number", float: "a number", str: "text", bool: "true or false"}

# Ordered upgrade hooks: UPGRADES[n] turns a version-n file into version n+1.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("version", SETTINGS_VERSION)
    while isinstance(version, int) and version < SETTINGS_VERSION and version in UPGRADES:
        data = UPGRADES[version](data)
        version += 1
    return data


@dataclass
class SettingsFile:
    """The settings file: loads with validation, saves atomically and user-only.

    A file that cannot be parsed is never overwritten: :meth:`save` first moves it aside
    to ``config.toml.unreadable-<time>`` (the GUI's way), and ``dictara config set`` refuses
    to change anything until the user fixes or deletes it (see ``cli/config_cmd.py``).

    Attributes:
        path: the TOML file.
        problems: sentences about values that were rejected on the last load.
        unreadable: why the file could not be parsed on the last load (None when it was,
            or when there is no file).
        set_aside: where :meth:`save` moved an unreadable file, once it has.
    """

    path: Path
    problems: list[str] = field(default_factory=list)
    unreadable: str | None = None
    set_aside: Path | None = None

    def load(self) -> Settings:
        """Read the file; missing file = defaults; bad values are reported and defaulted."""
        self.problems = []
        self.unreadable = None
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            self.unreadable = str(e)
            self._problem(f"The settings file {self.path} could not be read ({e}); "
                          "using the defaults until you fix or delete the file.")
            return Settings()
        settings = Settings()
        for section, values in _upgrade(data).items():
            if section == "version":
                continue
            if not isinstance(values, dict):
                self._problem(f"Ignoring {section!r} in {self.path}: it is not a section.")
                continue
            for name, value in values.items():
                try:
                    settings = settings.with_value(f"{section}.{name}", value)
                except Error as e:
                    self._problem(f"{e} Using the default instead.")
        return settings

    def save(self, settings: Settings) -> None:
        """Write the settings atomically and user-only; an unreadable file is kept aside.

        Raises:
            OSError: the file could not be written (nothing was changed, no partial file
                is left behind).
        """
        if self.unreadable is not None and self.path.exists():
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = self.path.with_name(f"{self.path.name}.unreadable-{stamp}")
            self.path.rename(aside)
            self.set_aside, self.unreadable = aside, None
            log.warning("Moved the unreadable settings file aside to %s", aside)
        write_private(self.path, tomli_w.dumps(settings.to_toml()).encode("utf-8"))

    def _problem(self, text: str) -> None:
        # Logged at info: the CLI prints the problems and the GUI shows them (a warning
        # here printed every one twice on the terminal).
        log.info("%s", text)
        self.problems.append(text)
