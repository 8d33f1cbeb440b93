"""Turns the settings into the engine's option dataclasses.

The engine never sees :class:`desktop.config.Settings`; the CLI and the GUI call these.
"""

from desktop.config import Settings
from desktop.engine.audio import CaptureOptions
from desktop.engine.cleanup import CleanupOptions, resolve_host
from desktop.engine.models import ModelOptions
from desktop.engine.session import SessionOptions
from desktop.engine.streaming import StreamingOptions
from desktop.engine.transcriber import TranscribeOptions


def model_options(settings: Settings) -> ModelOptions:
    """Return how to load the Whisper model."""
    w = settings.whisper
    return ModelOptions(device=w.device, compute_type=w.compute_type, threads=w.threads)


def transcribe_options(settings: Settings) -> TranscribeOptions:
    """Return how to decode speech."""
    w = settings.whisper
    return TranscribeOptions(language=w.language or None, beam_size=w.beam_size, vad=w.vad)


def cleanup_options(settings: Settings) -> CleanupOptions:
    """Return how to clean transcripts; the host is the setting, else $OLLAMA_HOST, else local.

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
    )


def session_options(settings: Settings) -> SessionOptions:
    """Return how to run a live dictation: microphone, streaming decode, stop after
    silence, retention."""
    return SessionOptions(
        capture=CaptureOptions(device=settings.audio.device),
        streaming=StreamingOptions(transcribe=transcribe_options(settings)),
        stop_after_silence=settings.dictation.stop_after_silence or None,
        keep_days=settings.recordings.keep_days,
    )
