"""Turns the settings into the engine's option dataclasses.

The engine never sees :class:`desktop.config.Settings`; the CLI and the GUI call these.
"""

from desktop.config import Settings
from desktop.engine.audio import CaptureOptions
from desktop.engine.cleanup import CleanupOptions, resolve_host
from desktop.engine.commands import CommandOptions
from desktop.engine.models import ModelOptions
from desktop.engine.session import SessionOptions
from desktop.engine.streaming import StreamingOptions
from desktop.engine.transcriber import TranscribeOptions
from desktop.engine.vocabulary import Vocabulary


def model_options(settings: Settings) -> ModelOptions:
    """Return how to load the Whisper model."""
    w = settings.whisper
    return ModelOptions(device=w.device, compute_type=w.compute_type, threads=w.threads)


def transcribe_options(settings: Settings, words: Vocabulary | None = None
                       ) -> TranscribeOptions:
    """Return how to decode speech, biased towards ``words`` and rewritten by its rules."""
    w = settings.whisper
    return TranscribeOptions(language=w.language or None, beam_size=w.beam_size, vad=w.vad,
                             vocabulary=words or Vocabulary())


def spoken_commands(settings: Settings) -> CommandOptions:
    """Return which spoken commands apply to dictations and ``dictara clean``."""
    return CommandOptions(enabled=settings.commands.enabled,
                          punctuation=settings.commands.punctuation)


def cleanup_options(settings: Settings, words: Vocabulary | None = None) -> CleanupOptions:
    """Return how to clean transcripts; the host is the setting, else $OLLAMA_HOST, else local.
    The spellings of ``words`` are kept by the model and accepted by the guard.

    Raises:
        ValueError: ``ollama.host`` is not a host, host:port or http(s) URL.
    """
    o, c = settings.ollama, settings.cleanup
    return CleanupOptions(
        host=resolve_host(o.host),
        model=o.model,
        preset=c.preset,
        custom_prompt=c.custom_prompt,
        timeout=o.timeout,
        keep_alive=o.keep_alive,
        allow_remote=o.allow_remote,
        enabled=c.enabled,
        vocabulary=words.spellings if words else (),
    )


def session_options(settings: Settings, words: Vocabulary | None = None) -> SessionOptions:
    """Return how to run a live dictation: microphone, streaming decode (biased towards
    ``words``), stop after silence, retention."""
    return SessionOptions(
        capture=CaptureOptions(device=settings.audio.device),
        streaming=StreamingOptions(transcribe=transcribe_options(settings, words)),
        stop_after_silence=settings.dictation.stop_after_silence or None,
        keep_days=settings.recordings.keep_days,
    )
