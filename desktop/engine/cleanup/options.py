"""The cleanup engine's option and result dataclasses."""

from dataclasses import dataclass
from typing import Literal

DEFAULT_HOST = "http://127.0.0.1:11434"
DEFAULT_MODEL = "llama3.2:3b"
PRESETS = ("clean", "email", "notes", "verbatim", "custom")

Backend = Literal["ollama", "rules", "mixed"]


@dataclass(frozen=True)
class CleanupOptions:
    """How a transcript is cleaned.

    Attributes:
        host: the Ollama server URL, already resolved (see ``resolve_host``).
        model: the Ollama model name, such as ``llama3.2:3b``.
        preset: one of ``PRESETS``.
        custom_prompt: the user's own instructions, used by the ``custom`` preset.
        timeout: seconds a short cleanup may take before the rule-based result is shown;
            longer transcripts get proportionally more.
        keep_alive: how long Ollama keeps the model loaded after a request (``"10m"``).
        allow_remote: whether text may be sent to an Ollama that is not on this computer.
        enabled: whether the LLM is used at all; when False only the rule-based cleanup runs.
        vocabulary: the user's spellings (terms and written forms of replacement rules),
            which the model is told to keep and the guard accepts as said.
    """

    host: str = DEFAULT_HOST
    model: str = DEFAULT_MODEL
    preset: str = "clean"
    custom_prompt: str = ""
    timeout: float = 30.0
    keep_alive: str = "10m"
    allow_remote: bool = False
    enabled: bool = True
    vocabulary: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.preset not in PRESETS:
            raise ValueError(f"Unknown preset {self.preset!r}; use one of {', '.join(PRESETS)}.")
        if self.timeout <= 0:
            raise ValueError("The cleanup timeout must be more than 0 seconds.")


@dataclass(frozen=True)
class CleanupResult:
    """One cleaned transcript.

    Attributes:
        raw: the transcript as it came in, unchanged.
        cleaned: the text to show in the cleaned pane.
        backend: ``"ollama"`` when the model's answer passed the guard, else ``"rules"``;
            ``"mixed"`` for a dictation cleaned in pieces of which only some passed.
        model: the Ollama model that produced ``cleaned`` (or part of it), else None.
        fallback_reason: one sentence saying why the model's answer is not shown, or None.
        ms: wall-clock milliseconds the cleanup took.
        model_unavailable: the model could not be asked (not running, not allowed, too
            slow, broken answer), as opposed to answering badly; the next pieces of the
            same dictation go straight to the rules.
    """

    raw: str
    cleaned: str
    backend: Backend
    model: str | None
    fallback_reason: str | None
    ms: float
    model_unavailable: bool = False
